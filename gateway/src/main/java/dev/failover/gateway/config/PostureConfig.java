package dev.failover.gateway.config;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The security baseline both controllers of a pair must meet, and how often it is checked (issue 13,
 * part A; docs/security.md, "Security posture"). The standby must also be as secure as the active:
 * identical or stronger on every dimension, judged on the weakest thing each one offers.
 *
 * @param period how often each controller's posture is probed (also at start, after each change of
 *     the active, and before each planned switchover)
 * @param minTls the oldest TLS version a controller may accept: {@code TLSv1.2} or {@code TLSv1.3}
 * @param strongSuitesOnly whether a controller may accept only cipher suites with forward secrecy and
 *     authenticated encryption (no CBC)
 * @param plainModbusAllowed whether a controller may also answer plain Modbus TCP
 * @param plainModbusPort where plain Modbus TCP is looked for on each controller's host
 * @param plainModbusPorts per controller id, another port to look for it on
 * @param certificateExpiryWarning a controller certificate that expires sooner is reported
 * @param mustMatch the identity fields both controllers must report alike
 * @param identityRegister the first register of the controller's identity block (name, program
 *     version, firmware version, configuration hash, as plc-sim lays it out)
 * @param blockOnFailure whether a real failure of the active must not promote a standby that misses
 *     the baseline ({@code onFailure: block}); by default it is promoted, with an alarm (keeping the
 *     process running comes first)
 */
public record PostureConfig(
        Duration period,
        String minTls,
        boolean strongSuitesOnly,
        boolean plainModbusAllowed,
        int plainModbusPort,
        Map<String, Integer> plainModbusPorts,
        Duration certificateExpiryWarning,
        Set<IdentityField> mustMatch,
        int identityRegister,
        boolean blockOnFailure) {

    /** A field of a controller's identity block. */
    public enum IdentityField {
        PROGRAM("program"),
        FIRMWARE("firmware"),
        CONFIG_HASH("configHash");

        private final String key;

        IdentityField(String key) {
            this.key = key;
        }

        /** The name in the configuration and in events. */
        public String key() {
            return key;
        }
    }

    public PostureConfig {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(certificateExpiryWarning, "certificateExpiryWarning");
        if (!minTls.equals("TLSv1.2") && !minTls.equals("TLSv1.3")) {
            throw new IllegalArgumentException("minTls must be TLSv1.2 or TLSv1.3, not " + minTls);
        }
        plainModbusPorts = Map.copyOf(plainModbusPorts);
        mustMatch = mustMatch.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(mustMatch));
    }

    /**
     * The defaults: checked every minute; TLS 1.2 or newer with strong suites only; no plain Modbus
     * (looked for on port 502); certificates expiring within 30 days reported; program, firmware and
     * configuration hash alike on both controllers; the identity block at register 100.
     */
    public static PostureConfig defaults() {
        return new PostureConfig(
                Duration.ofSeconds(60),
                "TLSv1.2",
                true,
                false,
                502,
                Map.of(),
                Duration.ofDays(30),
                EnumSet.allOf(IdentityField.class),
                100,
                false);
    }

    /** Where plain Modbus TCP is looked for on controller {@code id}. */
    public int plainModbusPort(String id) {
        return plainModbusPorts.getOrDefault(id, plainModbusPort);
    }

    /** This baseline with plain Modbus looked for on {@code port} for controller {@code id}. */
    public PostureConfig withPlainModbusPort(String id, int port) {
        Map<String, Integer> ports = new java.util.HashMap<>(plainModbusPorts);
        ports.put(id, port);
        return new PostureConfig(
                period,
                minTls,
                strongSuitesOnly,
                plainModbusAllowed,
                plainModbusPort,
                ports,
                certificateExpiryWarning,
                mustMatch,
                identityRegister,
                blockOnFailure);
    }

    /** This baseline, probed every {@code every}. */
    public PostureConfig withPeriod(Duration every) {
        return new PostureConfig(
                every,
                minTls,
                strongSuitesOnly,
                plainModbusAllowed,
                plainModbusPort,
                plainModbusPorts,
                certificateExpiryWarning,
                mustMatch,
                identityRegister,
                blockOnFailure);
    }

    /** This baseline, with a real failure blocked from promoting a standby below it ({@code true}) or not. */
    public PostureConfig withBlockOnFailure(boolean block) {
        return new PostureConfig(
                period,
                minTls,
                strongSuitesOnly,
                plainModbusAllowed,
                plainModbusPort,
                plainModbusPorts,
                certificateExpiryWarning,
                mustMatch,
                identityRegister,
                block);
    }
}
