package dev.failover.gateway.posture;

import dev.failover.gateway.config.ControllerConfig;
import dev.failover.gateway.link.ControllerLink;

/** Probes what one kind of controller endpoint offers a client, from the outside. Thread-safe. */
interface PostureProbe {

    /** The posture of {@code controller}, reached by the gateway over {@code link}; never throws for a network failure. */
    ControllerPosture probe(ControllerConfig controller, ControllerLink link);

    /**
     * The controller's own count of the tag writes it took (16 bits, wraps), read over the gateway's
     * link in one exchange; -1 if it keeps none or it could not be read.
     */
    default int writeCount(ControllerLink link) {
        return -1;
    }
}
