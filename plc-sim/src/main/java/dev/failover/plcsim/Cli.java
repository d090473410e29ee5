package dev.failover.plcsim;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a valid {@code plc-sim} command line asks for: the configuration each subcommand hands to
 * {@link PlcSimMain}, with every option checked. Immutable and thread-safe.
 */
sealed interface Cli {

    /**
     * Start a controller. {@code config} has no TLS yet: {@code tls}, when present, names the files its
     * TLS context is built from at start; likewise {@code opcUa}.
     */
    record Run(SimConfig config, Optional<Path> plant, Optional<TlsOptions> tls, Optional<OpcUaOptions> opcUa)
            implements Cli {

        /** A controller without OPC UA. */
        Run(SimConfig config, Optional<Path> plant, Optional<TlsOptions> tls) {
            this(config, plant, tls, Optional.empty());
        }
    }

    /** Send {@code commandLine} as one line to the control port {@code host:port}. */
    record Ctl(String host, int port, String commandLine) implements Cli {}

    /** Serve the output-enable relays of the plant file {@code plant} on {@code bind:port}. */
    record Relay(Path plant, String bind, int port) implements Cli {}
}
