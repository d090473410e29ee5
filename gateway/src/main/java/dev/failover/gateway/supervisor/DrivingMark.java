package dev.failover.gateway.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last time a controller of the pair was seen driving the process, kept in the state directory
 * so that a restarted gateway measures an outage whole: from the last instant it was known driven,
 * not from its own start. Written at most once a second (a small file replaced atomically, not
 * synced: it survives a killed gateway; a power loss may cost the last second, which only makes the
 * reported RTO an upper bound by that much more).
 *
 * <p>Not thread-safe: used on the pair's decision thread.
 */
final class DrivingMark {

    private static final Logger log = LoggerFactory.getLogger(DrivingMark.class);
    private static final long EVERY_MILLIS = 1_000;

    private final Path file;
    private final Clock clock;
    private long lastWrittenMillis = Long.MIN_VALUE;
    private boolean warned;

    DrivingMark(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /** The time recorded by an earlier run, in wall-clock epoch milliseconds. */
    Optional<Long> recorded() {
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            String[] words =
                    Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
            return Optional.of(Long.parseLong(words[0]));
        } catch (IOException | NumberFormatException e) {
            log.warn("cannot read {} ({}): the outage before this start is not measured", file, e.toString());
            return Optional.empty();
        }
    }

    /** Notes that {@code controllerId} drives now; written when the last write is a second old. */
    void driving(String controllerId) {
        long now = clock.millis();
        if (lastWrittenMillis != Long.MIN_VALUE && now - lastWrittenMillis < EVERY_MILLIS) {
            return;
        }
        lastWrittenMillis = now;
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(temp, now + " " + controllerId + "\n", StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            if (!warned) {
                warned = true;
                log.warn("cannot write {} ({}): an outage across a restart will not be measured", file, e.toString());
            }
        }
    }
}
