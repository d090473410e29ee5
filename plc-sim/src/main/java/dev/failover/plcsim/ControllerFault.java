package dev.failover.plcsim;

/** Faults injected into the controller itself (the others act on communication). */
enum ControllerFault {
    FREEZE_HEARTBEAT("freeze-heartbeat"),
    FAULT("fault"),
    CORRUPT("corrupt"),
    CORRUPT_SETPOINTS("corrupt-setpoints"),
    /** The partner link is cut: this controller no longer sees its partner's life sign. */
    PARTNER_LINK_CUT("partner-link-cut");

    private final String text;

    ControllerFault(String text) {
        this.text = text;
    }

    /** Name in snapshots and the status line. */
    String text() {
        return text;
    }
}
