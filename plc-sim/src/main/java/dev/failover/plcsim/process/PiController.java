package dev.failover.plcsim.process;

/**
 * A PI level controller with output clamped to 0-100 % and output tracking for bumpless transfer.
 *
 * <p>Output {@code u = Kp * e + I} with {@code e = setpoint - level} and {@code dI/dt = Kp * e / Ti}.
 * The integral is kept within the range that leaves the output unsaturated (anti-windup). While a
 * controller does not drive, {@link #track} sets the integral so that the next {@link #update}
 * continues from the output actually applied to the plant.
 *
 * <p>Not thread-safe: the owning controller calls it from its scan, under its lock.
 */
public final class PiController {

    private double integral;
    private double output;

    /**
     * Advances the loop by {@code dtSeconds} and returns the new output in percent.
     *
     * @param kp proportional gain, % output per % error
     * @param tiSeconds integral time, positive
     */
    public double update(double setpoint, double level, double dtSeconds, double kp, double tiSeconds) {
        double error = setpoint - level;
        double proportional = kp * error;
        double next = integral + kp * error * Math.max(0.0, dtSeconds) / tiSeconds;
        integral = Math.max(-proportional, Math.min(100.0 - proportional, next));
        output = clamp(proportional + integral);
        return output;
    }

    /** Aligns the loop to an output applied by someone else, for a bumpless takeover. */
    public void track(double appliedPercent, double setpoint, double level, double kp) {
        output = clamp(appliedPercent);
        integral = output - kp * (setpoint - level);
    }

    /** The last output computed or tracked. */
    public double output() {
        return output;
    }

    private static double clamp(double value) {
        return Math.max(0.0, Math.min(100.0, value));
    }
}
