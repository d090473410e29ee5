package dev.failover.plcsim;

/**
 * The tank as one controller sees it after an exchange with the {@link Plant}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param levelPercent tank level, 0 to 100
 * @param valvePercent outflow valve position applied, 0 to 100
 * @param inflowPercent sum of the pump outputs driven by all controllers (may exceed 100)
 * @param drivers number of controllers driving the pump now
 * @param controllers number of controllers that have a slot in this plant
 */
public record PlantState(
        double levelPercent, double valvePercent, double inflowPercent, int drivers, int controllers) {}
