package dev.failover.hardware;

/**
 * What a pair's status LEDs show, and which of the three (green, amber, red) each pattern lights.
 * All patterns are steady; nothing blinks.
 */
public enum LedPattern {
    /** All dark: the pair is not supervised (gateway starting or stopped). */
    OFF(false, false, false),
    /** Green: an active controller and a verified standby. */
    HEALTHY(true, false, false),
    /** Amber: the process is driven, but the standby is missing or not verified (no redundancy). */
    DEGRADED(false, true, false),
    /** Green and amber: a switchover or failover is in progress. */
    SWITCHING(true, true, false),
    /** Red: an alarm needs an operator (split-brain risk, failed fence, no controller driving). */
    ALARM(false, false, true);

    private final boolean green;
    private final boolean amber;
    private final boolean red;

    LedPattern(boolean green, boolean amber, boolean red) {
        this.green = green;
        this.amber = amber;
        this.red = red;
    }

    public boolean green() {
        return green;
    }

    public boolean amber() {
        return amber;
    }

    public boolean red() {
        return red;
    }
}
