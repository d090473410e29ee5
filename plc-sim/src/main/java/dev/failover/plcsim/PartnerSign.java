package dev.failover.plcsim;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * The partner's slot as a controller reads it from the {@link Plant}: who the partner is and the
 * last life sign it published there (the value of its {@code HEARTBEAT} register).
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the partner controller's name (its slot in the plant)
 * @param heartbeat the heartbeat the partner last published, 0 to 65535; empty if it never published
 */
public record PartnerSign(String name, OptionalInt heartbeat) {

    public PartnerSign {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(heartbeat, "heartbeat");
    }
}
