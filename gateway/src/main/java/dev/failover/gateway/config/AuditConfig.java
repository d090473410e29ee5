package dev.failover.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The tamper-evident audit log ({@code security.audit}; docs/audit.md).
 *
 * @param keystore the PKCS#12 key store of the audit key (a certificate of kind {@code audit})
 * @param keystorePassword where its password is read from
 * @param directory where the log is kept ({@code <stateDirectory>/audit} by default)
 * @param checkpointEvery a signed checkpoint after this many records
 * @param checkpointPeriod a signed checkpoint at least this often while records come
 */
public record AuditConfig(
        Path keystore, Secret keystorePassword, Path directory, int checkpointEvery, Duration checkpointPeriod) {

    public AuditConfig {
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(keystorePassword, "keystorePassword");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(checkpointPeriod, "checkpointPeriod");
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("checkpointEvery must be at least 1");
        }
    }

    /** An audit log in {@code directory} signed with {@code keystore}, checkpointed every 1,000 records or minute. */
    public static AuditConfig of(Path keystore, Secret password, Path directory) {
        return new AuditConfig(keystore, password, directory, 1_000, Duration.ofSeconds(60));
    }
}
