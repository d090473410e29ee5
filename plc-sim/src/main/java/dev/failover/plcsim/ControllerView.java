package dev.failover.plcsim;

import java.util.Set;

/**
 * Everything the registers and snapshots show of a controller, taken in one go under its lock.
 * Immutable and thread-safe.
 */
record ControllerView(
        Settings settings,
        Status status,
        int heartbeat,
        int roleChanges,
        int scanTimeMicros,
        boolean outputEnable,
        boolean driving,
        double pumpPercent,
        PlantState plant,
        byte[] configHash,
        Set<ControllerFault> faults,
        PartnerStatus partner,
        int partnerAgeMillis) {

    ControllerView {
        configHash = configHash.clone();
        faults = Set.copyOf(faults);
    }

    /** More than one controller has a slot in the plant. */
    boolean plantShared() {
        return plant.controllers() > 1;
    }

    /** This controller has a partner link: another controller has a slot in its plant. */
    boolean partnerLinked() {
        return partner != PartnerStatus.NONE;
    }
}
