package dev.failover.gateway.config;

import dev.failover.gateway.config.PostureConfig.IdentityField;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads {@code security.posture}: the baseline both controllers must meet (docs/configuration.md). */
final class PostureReader {

    private static final Map<String, String> TLS = new LinkedHashMap<>();
    private static final Map<String, Boolean> SUITES = new LinkedHashMap<>();
    private static final Map<String, Boolean> PLAIN = new LinkedHashMap<>();
    private static final Map<String, IdentityField> FIELDS = new LinkedHashMap<>();
    private static final Map<String, Boolean> ON_FAILURE = new LinkedHashMap<>();
    private static final Map<String, String> POLICIES = new LinkedHashMap<>();
    private static final Map<String, String> MODES = new LinkedHashMap<>();

    static {
        TLS.put("1.2", "TLSv1.2");
        TLS.put("1.3", "TLSv1.3");
        SUITES.put("strong", true);
        SUITES.put("any", false);
        PLAIN.put("forbidden", false);
        PLAIN.put("allowed", true);
        ON_FAILURE.put("promote", false);
        ON_FAILURE.put("block", true);
        for (String policy : List.of(
                "None",
                "Basic128Rsa15",
                "Basic256",
                "Basic256Sha256",
                "Aes128_Sha256_RsaOaep",
                "Aes256_Sha256_RsaPss")) {
            POLICIES.put(policy, policy);
        }
        for (String mode : List.of("None", "Sign", "SignAndEncrypt")) {
            MODES.put(mode, mode);
        }
        for (IdentityField field : IdentityField.values()) {
            FIELDS.put(field.key(), field);
        }
    }

    private PostureReader() {}

    static Optional<PostureConfig> read(YamlValue value) {
        Optional<YamlMap> map = value.map(SecurityReader.POSTURE_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        PostureConfig d = PostureConfig.defaults();
        Optional<Duration> period = m.get("period", d.period(), YamlValue::duration);
        Optional<String> minTls = m.get("minTls", d.minTls(), v -> v.choice("a TLS version", TLS));
        Optional<Boolean> strong = m.get("cipherSuites", d.strongSuitesOnly(), v -> v.choice("a suite policy", SUITES));
        Optional<Boolean> plain =
                m.get("plainModbus", d.plainModbusAllowed(), v -> v.choice("a plain Modbus policy", PLAIN));
        Optional<Integer> plainPort = m.get("plainModbusPort", d.plainModbusPort(), v -> v.integer(IntRange.PORT));
        Optional<Duration> expiry =
                m.get("certificateExpiryWarning", d.certificateExpiryWarning(), YamlValue::duration);
        Optional<Set<IdentityField>> mustMatch = m.get("identityMustMatch", d.mustMatch(), PostureReader::fields);
        Optional<Integer> identity = m.get("identityRegister", d.identityRegister(), v -> v.integer(IntRange.ADDRESS));
        Optional<Boolean> block = m.get("onFailure", d.blockOnFailure(), v -> v.choice("a failure policy", ON_FAILURE));
        PostureConfig.OpcUaBaseline ua = d.opcUa();
        Optional<Set<String>> policies =
                m.get("opcuaPolicies", ua.policies(), v -> choices(v, "an OPC UA security policy", POLICIES));
        Optional<Set<String>> modes =
                m.get("opcuaModes", ua.modes(), v -> choices(v, "an OPC UA security mode", MODES));
        Optional<Boolean> anonymous =
                m.get("opcuaAnonymous", ua.anonymousAllowed(), v -> v.choice("an anonymous-user policy", PLAIN));
        Optional<List<String>> identityNodes =
                m.get("opcuaIdentityNodes", ua.identityNodes(), PostureReader::identityNodes);
        if (block.isEmpty()
                || policies.isEmpty()
                || modes.isEmpty()
                || anonymous.isEmpty()
                || identityNodes.isEmpty()
                || period.isEmpty()
                || minTls.isEmpty()
                || strong.isEmpty()
                || plain.isEmpty()
                || plainPort.isEmpty()
                || expiry.isEmpty()
                || mustMatch.isEmpty()
                || identity.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PostureConfig(
                period.get(),
                minTls.get(),
                strong.get(),
                plain.get(),
                plainPort.get(),
                Map.of(),
                expiry.get(),
                mustMatch.get(),
                identity.get(),
                block.get(),
                new PostureConfig.OpcUaBaseline(policies.get(), modes.get(), anonymous.get(), identityNodes.get())));
    }

    private static Optional<Set<String>> choices(YamlValue value, String what, Map<String, String> choices) {
        Optional<List<YamlValue>> items = value.list();
        if (items.isEmpty()) {
            return Optional.empty();
        }
        Set<String> chosen = new java.util.LinkedHashSet<>();
        boolean valid = true;
        for (YamlValue item : items.get()) {
            Optional<String> one = item.choice(what, choices);
            one.ifPresent(chosen::add);
            valid &= one.isPresent();
        }
        return valid ? Optional.of(chosen) : Optional.empty();
    }

    private static Optional<List<String>> identityNodes(YamlValue value) {
        Optional<List<YamlValue>> items = value.list();
        if (items.isEmpty()) {
            return Optional.empty();
        }
        if (items.get().size() != 4) {
            value.report("needs 4 node ids, found " + items.get().size()
                    + ". List the nodes of the controller's name, program version, firmware version and"
                    + " configuration hash, in that order.");
            return Optional.empty();
        }
        return PairReader.allPresent(
                items.get().stream().map(PairReader::nodeId).toList());
    }

    private static Optional<Set<IdentityField>> fields(YamlValue value) {
        Optional<List<YamlValue>> items = value.list();
        if (items.isEmpty()) {
            return Optional.empty();
        }
        Set<IdentityField> fields = EnumSet.noneOf(IdentityField.class);
        boolean valid = true;
        for (YamlValue item : items.get()) {
            Optional<IdentityField> field = item.choice("an identity field", FIELDS);
            field.ifPresent(fields::add);
            valid &= field.isPresent();
        }
        return valid ? Optional.of(fields) : Optional.empty();
    }
}
