package dev.failover.gateway.config;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
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
 * @param opcUa what an OPC UA controller may offer, and where its identity is read
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
        boolean blockOnFailure,
        OpcUaBaseline opcUa) {

    /**
     * What a controller's OPC UA server may offer anyone who asks (its GetEndpoints answer).
     *
     * @param policies the security policies it may offer, by short name ({@code Basic256Sha256})
     * @param modes the security modes it may offer ({@code SignAndEncrypt}, {@code Sign}, {@code None})
     * @param anonymousAllowed whether an endpoint may take anonymous users
     * @param identityNodes the nodes of its identity: name, program version, firmware version and
     *     configuration hash, in that order (plc-sim's {@code Identity/...} by default)
     */
    public record OpcUaBaseline(
            Set<String> policies, Set<String> modes, boolean anonymousAllowed, List<String> identityNodes) {

        /** The policies OPC UA does not deprecate, that Milo speaks. */
        public static final Set<String> CURRENT_POLICIES =
                Set.of("Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss");

        /** Every security mode. */
        public static final Set<String> MODES = Set.of("None", "Sign", "SignAndEncrypt");

        public OpcUaBaseline {
            policies = Set.copyOf(policies);
            modes = Set.copyOf(modes);
            identityNodes = List.copyOf(identityNodes);
            if (identityNodes.size() != 4) {
                throw new IllegalArgumentException("identityNodes needs 4 nodes: name, program, firmware, configHash");
            }
            for (String mode : modes) {
                if (!MODES.contains(mode)) {
                    throw new IllegalArgumentException("unknown security mode " + mode + "; one of " + MODES);
                }
            }
        }

        /** The current policies, SignAndEncrypt only, no anonymous users, plc-sim's identity nodes. */
        public static OpcUaBaseline defaults() {
            return new OpcUaBaseline(
                    CURRENT_POLICIES,
                    Set.of("SignAndEncrypt"),
                    false,
                    List.of(
                            StatusNodes.plcSim("Identity/NAME"),
                            StatusNodes.plcSim("Identity/PROGRAM_VERSION"),
                            StatusNodes.plcSim("Identity/FIRMWARE_VERSION"),
                            StatusNodes.plcSim("Identity/CONFIG_HASH")));
        }
    }

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
        Objects.requireNonNull(opcUa, "opcUa");
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
                false,
                OpcUaBaseline.defaults());
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
                blockOnFailure,
                opcUa);
    }

    /** This baseline with {@code baseline} for OPC UA controllers. */
    public PostureConfig withOpcUa(OpcUaBaseline baseline) {
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
                blockOnFailure,
                baseline);
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
                blockOnFailure,
                opcUa);
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
                block,
                opcUa);
    }
}
