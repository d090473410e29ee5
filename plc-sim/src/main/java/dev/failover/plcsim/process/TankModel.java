package dev.failover.plcsim.process;

/**
 * Physics of the tank: {@code dL/dt = K_IN * inflow - K_OUT * valve * sqrt(L)}, with the level
 * {@code L}, the total pump command {@code inflow} and the valve position all in percent.
 *
 * <p>The constants make a full pump fill an empty tank with the valve closed in 20 s, and a pump at
 * 50 % hold the level at 50 % with the valve at 30 %. Stateless and thread-safe.
 */
public final class TankModel {

    /** Level rise in %/s per % of pump: 100 % pump fills 0 to 100 % in 20 s. */
    public static final double K_IN = 0.05;

    /** Level fall in %/s per % of valve per sqrt(% level): 50 % pump balances 30 % valve at 50 %. */
    public static final double K_OUT = K_IN * 50.0 / (30.0 * Math.sqrt(50.0));

    /** Initial level of a new tank. */
    public static final double INITIAL_LEVEL = 50.0;

    /** Initial valve position of a new tank (the default {@code VALVE_SP}). */
    public static final double INITIAL_VALVE = 30.0;

    /** Euler sub-step; the fastest dynamics (inflow at 200 %) move the level 0.1 % per step. */
    private static final double MAX_STEP_SECONDS = 0.01;

    /** Integration horizon cap: after ten idle minutes the tank has settled anyway. */
    private static final double MAX_INTERVAL_SECONDS = 600.0;

    private TankModel() {}

    /** Rate of change of the level in %/s. */
    public static double derivative(double levelPercent, double inflowPercent, double valvePercent) {
        return K_IN * inflowPercent - K_OUT * valvePercent * Math.sqrt(Math.max(0.0, levelPercent));
    }

    /**
     * The level after {@code seconds} with a constant inflow and valve, clamped to 0-100 %.
     * Non-positive intervals leave the level unchanged.
     */
    public static double integrate(double levelPercent, double inflowPercent, double valvePercent, double seconds) {
        double remaining = Math.min(seconds, MAX_INTERVAL_SECONDS);
        double level = levelPercent;
        while (remaining > 0) {
            double step = Math.min(remaining, MAX_STEP_SECONDS);
            level = clamp(level + derivative(level, inflowPercent, valvePercent) * step);
            remaining -= step;
        }
        return level;
    }

    private static double clamp(double level) {
        return Math.max(0.0, Math.min(100.0, level));
    }
}
