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

    /**
     * A simulated output-enable relay on the bench: plc-sim's relay box ({@code plc-sim relay}), a
     * process of its own beside the controllers, reached at {@code host:port}. It cuts the output
     * named {@code output} (the controller's name in the plant), whatever that controller's process
     * is doing, and reports its feedback contact.
     *
     * @param output the controller's name at the relay box, or {@code null} for the controller's id
     */
    record Sim(String host, int port, String output) implements FenceConfig {

        public Sim(String host, int port) {
            this(host, port, null);
        }
    }
}
