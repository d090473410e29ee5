package dev.failover.plcsim;

import dev.failover.certs.PasswordSource;
import dev.failover.plcsim.modbus.AccessPolicy;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The Modbus/TCP Security options of {@code plc-sim run}, as given: files are read only when the
 * controller starts. Immutable and thread-safe.
 *
 * @param keystore the controller's PKCS#12 key store (its certificate and private key)
 * @param password where the key store password comes from
 * @param trust the plant CA certificates (a PEM file, or a PKI directory holding {@code ca-chain.pem})
 * @param crl the CRL file; empty: {@code crl.pem} in the trust directory or beside the trust file
 * @param access roles allowed to read and write
 * @param plainPort a second, plain Modbus TCP port, if asked for
 */
record TlsOptions(
        Path keystore,
        PasswordSource password,
        Path trust,
        Optional<Path> crl,
        AccessPolicy access,
        OptionalInt plainPort) {

    TlsOptions {
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(crl, "crl");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(plainPort, "plainPort");
    }
}
