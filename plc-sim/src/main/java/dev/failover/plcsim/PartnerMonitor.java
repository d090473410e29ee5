package dev.failover.plcsim;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A controller's judgement of its partner from the life signs in the plant, updated once per scan.
 *
 * <p>States ({@link PartnerStatus}):
 *
 * <ul>
 *   <li>{@code NONE}: no other controller has a slot in the plant (no partner link). The age is
 *       {@value #AGE_UNKNOWN}.
 *   <li>{@code LOST}: the partner's heartbeat has not been seen changing yet (it never published, or
 *       this controller has only just started or found it: its age is {@value #AGE_UNKNOWN}), or it
 *       has not changed for at least the partner timeout <em>and</em> over at least {@value
 *       #MIN_SCANS} of this controller's scans.
 *   <li>{@code ALIVE}: otherwise.
 * </ul>
 *
 * <p>Transitions happen only in {@link #scan} and {@link #scanWithoutNews}: a changed heartbeat makes
 * the partner {@code ALIVE} at once; a partner whose name changes (another slot became the partner)
 * starts again as not yet seen changing. Both conditions are needed for {@code LOST} so that a
 * controller that was itself descheduled or paused, and wakes to a partner that has not scanned yet
 * either, does not declare it dead on its first scan: the partner gets {@value #MIN_SCANS} scans of
 * this controller to show a new heartbeat. The age is measured from the scan that saw the last change
 * and saturates at {@value #AGE_UNKNOWN}.
 *
 * <p>Time comes from the caller (the scan's monotonic clock), so tests drive it by hand. Not
 * thread-safe: the {@link Controller} calls it under its monitor.
 */
final class PartnerMonitor {

    private static final Logger log = LoggerFactory.getLogger(PartnerMonitor.class);

    /** Scans of this controller without a change before the partner may be judged lost. */
    static final int MIN_SCANS = 5;

    /** The age when there is no partner, or its heartbeat was never seen changing; also the saturation. */
    static final int AGE_UNKNOWN = 0xFFFF;

    private final long timeoutNanos;

    private Optional<String> partner = Optional.empty();
    private OptionalInt lastSign = OptionalInt.empty();
    private boolean changeSeen;
    private long lastChangeNanos;
    private int scansSinceChange;
    private PartnerStatus status = PartnerStatus.NONE;
    private int ageMillis = AGE_UNKNOWN;

    PartnerMonitor(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /** A scan that read the partner's slot: {@code seen} is empty when the plant holds no partner. */
    void scan(Optional<PartnerSign> seen, long nowNanos) {
        if (seen.isEmpty()) {
            partner = Optional.empty();
            lastSign = OptionalInt.empty();
            changeSeen = false;
            judge(PartnerStatus.NONE, AGE_UNKNOWN);
            return;
        }
        PartnerSign sign = seen.get();
        if (!partner.equals(Optional.of(sign.name()))) {
            partner = Optional.of(sign.name());
            lastSign = sign.heartbeat();
            changeSeen = false;
            scansSinceChange = 0;
        } else if (!sign.heartbeat().equals(lastSign)) {
            lastSign = sign.heartbeat();
            changeSeen = true;
            lastChangeNanos = nowNanos;
            scansSinceChange = 0;
        } else {
            countScan();
        }
        judge(nowNanos);
    }

    /**
     * A scan that could not read the partner's slot (the partner link is cut): the partner looks as
     * it did at the last scan that could, so its heartbeat looks frozen.
     */
    void scanWithoutNews(long nowNanos) {
        if (partner.isEmpty()) {
            return;
        }
        countScan();
        judge(nowNanos);
    }

    /** Forgets the partner, as a controller does when it restarts. */
    void reset() {
        partner = Optional.empty();
        lastSign = OptionalInt.empty();
        changeSeen = false;
        scansSinceChange = 0;
        status = PartnerStatus.NONE;
        ageMillis = AGE_UNKNOWN;
    }

    PartnerStatus status() {
        return status;
    }

    /**
     * Milliseconds from the scan that last saw the partner's heartbeat change to the last scan,
     * saturating at {@value #AGE_UNKNOWN}; {@value #AGE_UNKNOWN} without a partner or a seen change.
     */
    int ageMillis() {
        return ageMillis;
    }

    private void countScan() {
        if (scansSinceChange < Integer.MAX_VALUE) {
            scansSinceChange++;
        }
    }

    private void judge(long nowNanos) {
        if (!changeSeen) {
            judge(PartnerStatus.LOST, AGE_UNKNOWN);
            return;
        }
        long since = Math.max(0, nowNanos - lastChangeNanos);
        int age = (int) Math.min(AGE_UNKNOWN, since / 1_000_000);
        boolean lost = since >= timeoutNanos && scansSinceChange >= MIN_SCANS;
        judge(lost ? PartnerStatus.LOST : PartnerStatus.ALIVE, age);
    }

    private void judge(PartnerStatus next, int age) {
        PartnerStatus before = status;
        status = next;
        ageMillis = age;
        if (next == before) {
            return;
        }
        String name = partner.orElse("");
        switch (next) {
            case NONE -> log.info("No partner link: no other controller in the plant");
            case ALIVE -> log.info("Partner {} alive", name);
            case LOST -> {
                if (changeSeen) {
                    log.warn(
                            "Partner {} lost: its heartbeat has not changed for {} ms over {} scans",
                            name,
                            age,
                            scansSinceChange);
                } else {
                    log.info("Partner {} in the plant: not alive until its heartbeat is seen changing", name);
                }
            }
        }
    }
}
