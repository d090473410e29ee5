package dev.failover.plcsim;

/**
 * What a controller judges of its partner through the partner link (the plant's life signs): see
 * {@link PartnerMonitor} for the rule.
 */
public enum PartnerStatus {
    /** No partner link: no other controller has a slot in this controller's plant. */
    NONE("none"),
    /** The partner's heartbeat was seen changing recently. */
    ALIVE("alive"),
    /**
     * The partner's heartbeat has not changed for the partner timeout and over at least {@value
     * PartnerMonitor#MIN_SCANS} of this controller's scans, or was never seen changing.
     */
    LOST("lost");

    private final String text;

    PartnerStatus(String text) {
        this.text = text;
    }

    /** The value of {@code partner=} in the control port's status line. */
    public String text() {
        return text;
    }
}
