package dev.failover.gateway.health;

/** What the gateway concludes about one controller from its recent polls. */
public enum Condition {
    /** Not enough observations yet. */
    UNKNOWN,
    /** Every recent poll was good. */
    HEALTHY,
    /** Fewer bad polls in a row than the fault threshold: not a fault yet. */
    SUSPECT,
    /** At least the threshold of bad polls in a row, or not yet recovered from that. */
    FAILED
}
