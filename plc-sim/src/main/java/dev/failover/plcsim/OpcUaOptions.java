package dev.failover.plcsim;

import dev.failover.certs.PasswordSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The OPC UA options of {@code plc-sim run}, before any file is read.
 *
 * @param port OPC UA TCP port, 0 for any free port
 * @param keystore PKCS#12 file with the controller's OPC UA application key and certificate chain
 * @param password where its password comes from (a file or an environment variable, never an argument)
 * @param trust the PKI directory or a CA certificate file (shared with Modbus/TCP Security)
 * @param crl the CRL file; empty for {@code crl.pem} in, or beside, {@code trust}
 * @param handshakeTimeout how long a new connection may take to authenticate ({@code
 *     --opcua-handshake-timeout-ms})
 */
record OpcUaOptions(
        int port, Path keystore, PasswordSource password, Path trust, Optional<Path> crl, Duration handshakeTimeout) {

    OpcUaOptions {
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(crl, "crl");
    }
}
