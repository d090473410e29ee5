package dev.failover.gateway.supervisor;

import dev.failover.gateway.health.Observation;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.StatusReading;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Notices a heartbeat that no scan can produce, between two polls of a controller that both answered
 * (issue 13, part C): one that runs backwards (a replayed or spoofed status, or a restart nobody saw:
 * the controller never stopped answering), or one that advanced more than {@value #MAX_PER_MILLI}
 * counts a millisecond (plus {@value #SLACK}) since the previous poll. The counter is 16 bits and
 * wraps; a heartbeat that did not advance is the health tracker's business, not this. At most one
 * finding a controller per {@link #QUIET_NANOS}. Not thread-safe: the decision thread owns it.
 */
final class HeartbeatWatch {

    static final int MAX_PER_MILLI = 10;
    static final int SLACK = 100;
    static final long QUIET_NANOS = 60_000_000_000L;

    /** What was irregular: {@code BACKWARDS} or {@code JUMP}, from which count to which, over how long. */
    record Irregular(String kind, int from, int to, long elapsedMillis) {}

    private record Last(int heartbeat, long atNanos) {}

    private final Map<String, Last> last = new HashMap<>();
    private final Map<String, Long> reported = new HashMap<>();

    Optional<Irregular> observe(Observation o) {
        if (!(o.result() instanceof LinkResult.Ok<StatusReading> ok)) {
            // An unanswered poll: the controller may have restarted since; start again.
            last.remove(o.controllerId());
            return Optional.empty();
        }
        int now = ok.value().heartbeat() & 0xFFFF;
        Last before = last.put(o.controllerId(), new Last(now, o.doneNanos()));
        if (before == null) {
            return Optional.empty();
        }
        int advance = (now - before.heartbeat()) & 0xFFFF;
        long elapsedMillis = Math.max(0, (o.doneNanos() - before.atNanos()) / 1_000_000);
        Irregular found = null;
        if (advance > 0x8000) {
            found = new Irregular("BACKWARDS", before.heartbeat(), now, elapsedMillis);
        } else if (advance > elapsedMillis * MAX_PER_MILLI + SLACK) {
            found = new Irregular("JUMP", before.heartbeat(), now, elapsedMillis);
        }
        if (found == null) {
            return Optional.empty();
        }
        Long at = reported.get(o.controllerId());
        if (at != null && o.doneNanos() - at < QUIET_NANOS) {
            return Optional.empty();
        }
        reported.put(o.controllerId(), o.doneNanos());
        return Optional.of(found);
    }
}
