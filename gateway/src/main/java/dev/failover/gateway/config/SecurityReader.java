package dev.failover.gateway.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the {@code security:} section: the PKI files, the key store and where its password comes
 * from, the state folder and the signed-command policy. The section is required: the gateway does
 * not run without security.
 *
 * <p>Passwords are never accepted in the file, and no message quotes a value written where a password
 * was expected: configuration files are copied, versioned and shown on screens, and check-config
 * output ends up in tickets.
 */
final class SecurityReader {

    static final List<String> SECURITY_KEYS = List.of(
            "caCertificates",
            "crl",
            "keystore",
            "keystorePassword",
            "stateDirectory",
            "commands",
            "opcua",
            "posture",
            "anomalies",
            "audit");
    static final List<String> AUDIT_KEYS =
            List.of("keystore", "keystorePassword", "directory", "checkpointEvery", "checkpointPeriod");
    static final List<String> POSTURE_KEYS = List.of(
            "period",
            "minTls",
            "cipherSuites",
            "plainModbus",
            "plainModbusPort",
            "certificateExpiryWarning",
            "identityMustMatch",
            "identityRegister",
            "onFailure",
            "opcuaPolicies",
            "opcuaModes",
            "opcuaAnonymous",
            "opcuaIdentityNodes");
    static final List<String> OPCUA_KEYS =
            List.of("keystore", "keystorePassword", "userKeystore", "userKeystorePassword");
    static final List<String> SECRET_KEYS = List.of("file", "env");
    static final List<String> COMMAND_KEYS = List.of("maxEnvelopeBytes", "maxWindow", "clockSkew", "roles");

    static final String SECRET_FIX =
            "Write {file: secrets/keystore.pw} or {env: GATEWAY_KEYSTORE_PASSWORD} (see docs/security.md).";

    private static final String INLINE_PASSWORD =
            "passwords are read from a file or the environment only, never from this file. " + SECRET_FIX;

    /** Keys someone might use to write the password itself. */
    private static final Map<String, String> INLINE_PASSWORD_KEYS =
            Map.of("value", INLINE_PASSWORD, "password", INLINE_PASSWORD, "secret", INLINE_PASSWORD);

    private static final Map<String, String> WRITE_TAG_IN_ROLES = Map.of(
            CommandAction.WRITE_TAG.wireName(),
            "tag writes are allowed per tag, by the tag's 'writableBy' list. Remove 'write-tag' here and give each"
                    + " writable tag 'writableBy:' with its roles.");

    /** A signed command with the operator's certificate chain does not fit in less. */
    private static final IntRange ENVELOPE_BYTES =
            IntRange.atLeast(512, "a size in bytes").because("a signed command with its certificates needs more");

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private SecurityReader() {}

    /** The root's {@code security:} section; reports it when it is absent. */
    static Optional<SecurityConfig> security(YamlMap root, Path source) {
        Optional<YamlValue> value = root.optional("security");
        if (value.isEmpty()) {
            root.missing(
                    "security",
                    ": the gateway does not run without it. Add 'security:' with caCertificates, crl, keystore,"
                            + " keystorePassword and stateDirectory, as docs/security.md describes.");
            return Optional.empty();
        }
        return section(value.get(), source);
    }

    private static Optional<SecurityConfig> section(YamlValue value, Path source) {
        Optional<YamlMap> map = value.map(SECURITY_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Optional<Path> ca = m.require(
                "caCertificates",
                "Add 'caCertificates: pki/ca-chain.pem', the plant's CA certificates.",
                v -> readableFile(v, source, "the plant's CA certificates (ca-chain.pem)"));
        Optional<Path> crl = m.require(
                "crl",
                "Add 'crl: pki/crl.pem', the revocation lists published with 'certs crl'.",
                v -> readableFile(v, source, "the revocation lists (crl.pem)"));
        Optional<Path> keystore = m.require(
                "keystore",
                "Add 'keystore: pki/gateway.p12', the gateway's key store issued with 'certs issue --kind gateway'.",
                v -> readableFile(v, source, "the gateway's key store (issued/<name>.p12)"));
        Optional<Secret> password = m.require(
                "keystorePassword",
                "Add 'keystorePassword:', where the key store's password is read from. " + SECRET_FIX,
                v -> secret(v, source));
        Optional<Path> state = m.require(
                "stateDirectory",
                "Add 'stateDirectory: state', the folder where the gateway keeps its replay store.",
                v -> stateDirectory(v, source));
        Optional<CommandPolicy> commands = m.get("commands", CommandPolicy.defaults(), SecurityReader::commands);
        Optional<Optional<OpcUaIdentityConfig>> opcUa =
                m.get("opcua", Optional.empty(), v -> opcUa(v, source).map(Optional::of));
        Optional<PostureConfig> posture = m.get("posture", PostureConfig.defaults(), PostureReader::read);
        Optional<AnomalyConfig> anomalies = m.get("anomalies", AnomalyConfig.defaults(), AnomalyReader::read);
        Optional<Optional<AuditConfig>> audit = state.isEmpty()
                ? Optional.of(Optional.empty())
                : m.get(
                        "audit",
                        Optional.empty(),
                        v -> audit(v, source, state.get()).map(Optional::of));
        if (audit.isEmpty()
                || ca.isEmpty()
                || crl.isEmpty()
                || keystore.isEmpty()
                || password.isEmpty()
                || state.isEmpty()
                || commands.isEmpty()
                || opcUa.isEmpty()
                || posture.isEmpty()
                || anomalies.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SecurityConfig(
                ca.get(),
                crl.get(),
                keystore.get(),
                password.get(),
                state.get(),
                commands.get(),
                opcUa.get().orElse(null),
                posture.get(),
                anomalies.get(),
                audit.get().orElse(null)));
    }

    private static Optional<AuditConfig> audit(YamlValue value, Path source, Path state) {
        Optional<YamlMap> map = value.map(AUDIT_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Optional<Path> keystore = m.require(
                "keystore",
                "Add 'keystore: pki/gateway-audit.p12', the audit key issued with 'certs issue --kind audit'.",
                v -> readableFile(v, source, "the audit key store (issued/<name>.p12)"));
        Optional<Secret> password = m.require(
                "keystorePassword",
                "Add 'keystorePassword:', where the audit key store's password is read from. " + SECRET_FIX,
                v -> secret(v, source));
        Optional<Path> directory = m.get("directory", state.resolve("audit"), v -> stateDirectory(v, source));
        Optional<Integer> every =
                m.get("checkpointEvery", 1_000, v -> v.integer(IntRange.atLeast(1, "a record count")));
        Optional<java.time.Duration> period =
                m.get("checkpointPeriod", java.time.Duration.ofSeconds(60), YamlValue::duration);
        if (keystore.isEmpty() || password.isEmpty() || directory.isEmpty() || every.isEmpty() || period.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AuditConfig(keystore.get(), password.get(), directory.get(), every.get(), period.get()));
    }

    private static Optional<OpcUaIdentityConfig> opcUa(YamlValue value, Path source) {
        Optional<YamlMap> map = value.map(OPCUA_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Optional<Path> keystore = m.require(
                "keystore",
                "Add 'keystore: pki/gateway-ua.p12', the gateway's OPC UA application certificate issued with"
                        + " 'certs issue --kind opcua'.",
                v -> readableFile(v, source, "the gateway's OPC UA key store (issued/<name>.p12)"));
        Optional<Secret> password = m.require(
                "keystorePassword",
                "Add 'keystorePassword:', where that key store's password is read from. " + SECRET_FIX,
                v -> secret(v, source));
        Optional<YamlValue> userAt = m.optional("userKeystore");
        Optional<YamlValue> userPasswordAt = m.optional("userKeystorePassword");
        if (userAt.isPresent() != userPasswordAt.isPresent()) {
            (userAt.isPresent() ? userAt.get() : userPasswordAt.get())
                    .report("'userKeystore' and 'userKeystorePassword' go together. Add the other one, or remove"
                            + " this one.");
            return Optional.empty();
        }
        Optional<Optional<Path>> user = m.get(
                "userKeystore",
                Optional.empty(),
                v -> readableFile(v, source, "the gateway's OPC UA user key store (role gateway, RSA-2048)")
                        .map(Optional::of));
        Optional<Optional<Secret>> userPassword = m.get(
                "userKeystorePassword", Optional.empty(), v -> secret(v, source).map(Optional::of));
        if (keystore.isEmpty() || password.isEmpty() || user.isEmpty() || userPassword.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new OpcUaIdentityConfig(
                keystore.get(),
                password.get(),
                user.get().orElse(null),
                userPassword.get().orElse(null)));
    }

    /**
     * A file that must exist and be readable now: without it the gateway cannot start, and check-config
     * should say so rather than a failed start later.
     */
    static Optional<Path> readableFile(YamlValue value, Path source, String what) {
        return value.path(source, "Write the path of " + what + ".").filter(file -> {
            String shown = file.toAbsolutePath().normalize().toString();
            String fix = " Copy " + what + " there, or correct the path (a relative path starts at this file's"
                    + " folder).";
            if (!Files.exists(file)) {
                value.report(shown + " does not exist." + fix);
                return false;
            }
            if (!Files.isRegularFile(file)) {
                value.report(shown + " is not a file." + fix);
                return false;
            }
            if (!Files.isReadable(file)) {
                value.report(shown + " cannot be read by this user. Let the gateway's user read it.");
                return false;
            }
            return true;
        });
    }

    /** The gateway creates the folder when it is missing; a file in its place would fail the start. */
    private static Optional<Path> stateDirectory(YamlValue value, Path source) {
        return value.path(source, "Write a folder path, e.g. state.").filter(dir -> {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                value.report(dir.toAbsolutePath().normalize() + " is a file, not a folder. Write the path of a"
                        + " folder; the gateway creates it when it is missing.");
                return false;
            }
            return true;
        });
    }

    private static Optional<Secret> secret(YamlValue value, Path source) {
        if (value.isScalar()) {
            // The value is not quoted in the message: it may be the password.
            if (value.isSupported()) {
                value.report(INLINE_PASSWORD);
            }
            return Optional.empty();
        }
        Optional<YamlMap> map = value.map(SECRET_KEYS, INLINE_PASSWORD_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Optional<YamlValue> fileAt = m.optional("file");
        Optional<YamlValue> envAt = m.optional("env");
        if (fileAt.isPresent() && envAt.isPresent()) {
            value.report("both 'file' and 'env' are set. Keep one of the two: the password is read from one place.");
            return Optional.empty();
        }
        if (fileAt.isPresent()) {
            return fileAt.get()
                    .path(source, "Write the path of the file that holds the password.")
                    .map(Secret::fromFile);
        }
        if (envAt.isPresent()) {
            return envAt.get().nonBlank("Write the name of the variable.").flatMap(name -> {
                if (!ENV_NAME.matcher(name.trim()).matches()) {
                    envAt.get()
                            .report(YamlValue.quote(name) + " is not an environment variable name. Use letters,"
                                    + " digits and '_', not starting with a digit, e.g. GATEWAY_KEYSTORE_PASSWORD.");
                    return Optional.empty();
                }
                return Optional.of(Secret.fromEnvironment(name.trim()));
            });
        }
        if (!m.hasRefusedKey()) {
            value.report("neither 'file' nor 'env' is set. " + SECRET_FIX);
        }
        return Optional.empty();
    }

    private static Optional<CommandPolicy> commands(YamlValue value) {
        Optional<YamlMap> map = value.map(COMMAND_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        CommandPolicy d = CommandPolicy.defaults();
        Optional<Integer> maxBytes = m.get("maxEnvelopeBytes", d.maxEnvelopeBytes(), v -> v.integer(ENVELOPE_BYTES));
        Optional<Duration> maxWindow = m.get("maxWindow", d.maxWindow(), YamlValue::duration);
        // 0s is allowed: a site with synchronised clocks may refuse every command dated in the future.
        Optional<Duration> clockSkew = m.get("clockSkew", d.clockSkew(), YamlValue::durationOrZero);
        Optional<Map<CommandAction, List<String>>> roles = m.get("roles", d.rolesByAction(), v -> roles(v, d));
        if (maxBytes.isEmpty() || maxWindow.isEmpty() || clockSkew.isEmpty() || roles.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new CommandPolicy(maxBytes.get(), maxWindow.get(), clockSkew.get(), roles.get()));
    }

    /** Each action left out keeps its default roles; {@code []} allows nobody. */
    private static Optional<Map<CommandAction, List<String>>> roles(YamlValue value, CommandPolicy defaults) {
        Map<String, CommandAction> actions = new LinkedHashMap<>();
        for (CommandAction action : CommandAction.values()) {
            if (action != CommandAction.WRITE_TAG) {
                actions.put(action.wireName(), action);
            }
        }
        Optional<YamlMap> map = value.map(List.copyOf(actions.keySet()), WRITE_TAG_IN_ROLES);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Map<CommandAction, List<String>> roles = new EnumMap<>(CommandAction.class);
        boolean valid = true;
        for (Map.Entry<String, CommandAction> action : actions.entrySet()) {
            Optional<List<String>> allowed =
                    m.get(action.getKey(), defaults.rolesFor(action.getValue()), TagReader::roles);
            if (allowed.isEmpty()) {
                valid = false;
            } else {
                roles.put(action.getValue(), allowed.get());
            }
        }
        return valid ? Optional.of(roles) : Optional.empty();
    }
}
