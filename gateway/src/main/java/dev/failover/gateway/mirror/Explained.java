package dev.failover.gateway.mirror;

import java.util.Set;

/**
 * What the command journal explains of one tag's value: the latest acknowledged write, and the
 * writes accepted but not yet finished (one may be on the active already).
 *
 * @param acknowledged the raw value of the latest acknowledged write, or {@code null} if none
 * @param pending the raw values of the writes in progress
 */
public record Explained(Double acknowledged, Set<Double> pending) {

    /** Nothing: no write of the tag was ever journaled. */
    public static final Explained NONE = new Explained(null, Set.of());

    public Explained {
        pending = Set.copyOf(pending);
    }
}
