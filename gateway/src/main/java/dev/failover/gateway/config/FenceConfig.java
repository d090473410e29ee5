package dev.failover.gateway.config;

/**
 * How the gateway cuts a controller's outputs when it cannot demote it over its link.
 */
public sealed interface FenceConfig {

    /**
     * An output-enable relay driven by a GPIO pin of the gateway box (Pi4J). Energising the coil cuts
     * the controller's outputs; {@code feedbackPin} reads the relay's auxiliary contact to confirm.
     */
    record Relay(int pin, int feedbackPin) implements FenceConfig {}

    /** The simulated relay of a plc-sim controller, set through its control port (bench only). */
    record Sim(String host, int port) implements FenceConfig {}
}
