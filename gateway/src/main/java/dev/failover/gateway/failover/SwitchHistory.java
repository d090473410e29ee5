package dev.failover.gateway.failover;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the pair's past switchovers mean for the next one: the hold-down since the last, the
 * count within the storm window, and the figures for status (count, worst RTO, last report).
 * A {@link SwitchoverKind#TAKE_CONTROL} (no active before) is not a switch between controllers and
 * counts for neither hold-down nor storm.
 */
final class SwitchHistory {

    private final Deque<Long> switchTimes = new ArrayDeque<>();
    /** The automatic ones (failovers, failbacks) since the last re-arm, for the storm lock. */
    private final Deque<Long> automaticTimes = new ArrayDeque<>();

    private long lastSwitchNanos = Long.MIN_VALUE;
    private SwitchoverReport last;
    private int completed;
    private double maxRtoMillis;

    void completed(SwitchoverReport report, long now) {
        if (report.kind() != SwitchoverKind.TAKE_CONTROL) {
            lastSwitchNanos = now;
            switchTimes.addLast(now);
            if (report.kind() == SwitchoverKind.FAILOVER || report.kind() == SwitchoverKind.FAILBACK) {
                automaticTimes.addLast(now);
            }
        }
        completed++;
        maxRtoMillis = Math.max(maxRtoMillis, report.rtoMillis().orElse(0));
        last = report;
    }

    void failed(SwitchoverReport report) {
        last = report;
    }

    boolean holdDownOver(long now, Duration holdDown) {
        return lastSwitchNanos == Long.MIN_VALUE || now - lastSwitchNanos >= holdDown.toNanos();
    }

    /** Switchovers within {@code window} before {@code now}; older ones are forgotten. */
    int switchesWithin(Duration window, long now) {
        while (!switchTimes.isEmpty() && now - switchTimes.peekFirst() > window.toNanos()) {
            switchTimes.removeFirst();
        }
        return switchTimes.size();
    }

    /**
     * Automatic switchovers (failovers and failbacks: not those an operator asked for, nor drills)
     * within {@code window} before {@code now} and since the last {@link #rearmed}.
     */
    int automaticWithin(Duration window, long now) {
        while (!automaticTimes.isEmpty() && now - automaticTimes.peekFirst() > window.toNanos()) {
            automaticTimes.removeFirst();
        }
        return automaticTimes.size();
    }

    /** Forgets the automatic switchovers so far: a signed re-arm starts the storm count again. */
    void rearmed() {
        automaticTimes.clear();
    }

    SwitchoverReport last() {
        return last;
    }

    int completed() {
        return completed;
    }

    double maxRtoMillis() {
        return maxRtoMillis;
    }
}
