package dev.failover.gateway.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Loads the gateway configuration from one YAML file and validates all of it before anything
 * starts. The schema, defaults and rules are in docs/configuration.md.
 *
 * <p>The YAML is composed into a node tree rather than constructed into maps so that every problem
 * carries the line of its key. Only plain mappings, lists and scalars are accepted: anchors,
 * aliases, merge keys and explicit tags (even {@code !!str}) are errors, and so is a key written
 * twice. The file's size, characters, nesting and aliases are limited ({@link YamlSource}). Problems are
 * collected rather than thrown one by one: a {@link ConfigException} lists all that were found.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigLoader {

    static final List<String> ROOT_KEYS = List.of("gateway", "security", "opcua", "mqtt", "pairs");
    static final List<String> OPCUA_SERVER_KEYS = List.of("host", "port", "path", "trustDirectory", "anonymous");
    static final List<String> GATEWAY_KEYS = List.of("name", "control", "eventLog");
    static final List<String> CONTROL_KEYS = List.of("host", "port", "handshakeTimeout");

    static final String DEFAULT_CONTROL_HOST = "127.0.0.1";
    static final int DEFAULT_CONTROL_PORT = 7410;

    /**
     * How long a new connection to the control endpoint may stay silent: long enough for a client on a
     * loaded box to start its TLS handshake, short enough that one that says nothing cannot hold a
     * place for long.
     */
    static final Duration MIN_HANDSHAKE_TIMEOUT = Duration.ofMillis(100);

    static final Duration MAX_HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);

    /** 0 lets the system pick a free port, which tests and the bench use. */
    private static final IntRange CONTROL_PORT = new IntRange(0, 65535, "a port number");

    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");

    private ConfigLoader() {}

    /**
     * Reads and validates a configuration file (UTF-8).
     *
     * @throws ConfigException listing every problem found, or the reason the file cannot be read
     */
    public static GatewayConfig load(Path file) throws ConfigException {
        Objects.requireNonNull(file, "file");
        return parse(YamlSource.read(file), file);
    }

    /**
     * Validates configuration text.
     *
     * @param sourceForMessages the file the text came from: named in messages (by its file name only),
     *     recorded as {@link GatewayConfig#source()}, and the folder relative paths ({@code eventLog},
     *     the files of {@code security}) are resolved against
     * @throws ConfigException listing every problem found
     */
    public static GatewayConfig parse(String yaml, Path sourceForMessages) throws ConfigException {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(sourceForMessages, "sourceForMessages");
        YamlSource.Composed document = YamlSource.compose(yaml, sourceForMessages);
        Problems problems = new Problems(sourceForMessages);
        Node root = document.root();
        if (root == null) {
            problems.add(
                    1, "", "the file is empty. Write a 'gateway:' section, a 'security:' section and a 'pairs:' list.");
            throw problems.toException();
        }
        Optional<GatewayConfig> config = read(
                new YamlValue(root, "", YamlValue.lineOf(root), problems, document.explicitTags()), sourceForMessages);
        if (!problems.isEmpty()) {
            throw problems.toException();
        }
        return config.orElseThrow(() -> new IllegalStateException("config invalid but no problem reported"));
    }

    private static Optional<GatewayConfig> read(YamlValue root, Path source) {
        Optional<YamlMap> map = root.map(ROOT_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Optional<GatewaySection> gateway =
                m.require("gateway", "Add a 'gateway:' section with at least 'name:'.", v -> gateway(v, source));
        Optional<SecurityConfig> security = SecurityReader.security(m, source);
        Optional<List<PairConfig>> pairs = m.require(
                "pairs", "Add a 'pairs:' list with at least one pair.", new PairReader(new CrossChecks())::pairs);
        Optional<YamlValue> serverAt = m.optional("opcua");
        Optional<Optional<ScadaServerConfig>> server = m.get(
                "opcua", Optional.empty(), v -> scadaServer(v, source, security).map(Optional::of));
        // Checked whenever both were read, so that one run reports it with the file's other problems.
        boolean identities =
                security.isEmpty() || pairs.isEmpty() || opcUaIdentities(m, security.get(), pairs.get(), serverAt);
        Optional<Optional<MqttConfig>> mqtt = m.get(
                "mqtt",
                Optional.empty(),
                v -> MqttReader.mqtt(v, source, gateway.map(GatewaySection::name), security)
                        .map(Optional::of));
        if (gateway.isEmpty()
                || security.isEmpty()
                || pairs.isEmpty()
                || server.isEmpty()
                || !identities
                || mqtt.isEmpty()) {
            return Optional.empty();
        }
        GatewaySection g = gateway.get();
        return Optional.of(new GatewayConfig(
                source,
                g.name(),
                g.controlHost(),
                g.controlPort(),
                g.eventLog().orElse(null),
                pairs.get(),
                security.get(),
                server.get().orElse(null),
                g.handshakeTimeout(),
                mqtt.get().orElse(null)));
    }

    /**
     * OPC UA needs the gateway's OPC UA identities: the application certificate for its server and its
     * links, the user certificate for links to controllers.
     */
    private static boolean opcUaIdentities(
            YamlMap root, SecurityConfig security, List<PairConfig> pairs, Optional<YamlValue> serverAt) {
        Optional<String> opcUaController = pairs.stream()
                .flatMap(p -> p.controllers().stream())
                .filter(ControllerConfig::opcUa)
                .map(ControllerConfig::id)
                .findFirst();
        Optional<OpcUaIdentityConfig> identities = security.opcUa();
        YamlValue securityAt = root.optional("security").orElseThrow();
        if (identities.isEmpty() && (opcUaController.isPresent() || serverAt.isPresent())) {
            String why = opcUaController.isPresent()
                    ? "controller " + opcUaController.get() + " is reached over OPC UA"
                    : "the gateway serves OPC UA (root 'opcua:' section)";
            securityAt.report("'opcua' is missing: " + why + ". Add 'opcua:' under 'security:' with 'keystore:' and"
                    + " 'keystorePassword:' (the gateway's OPC UA application certificate)"
                    + (opcUaController.isPresent() ? " and 'userKeystore:' with 'userKeystorePassword:'" : "")
                    + ", as docs/opcua.md describes.");
            return false;
        }
        if (opcUaController.isPresent() && identities.get().userKeystore() == null) {
            // The security section was read without a problem, so mapping it again reports nothing new.
            YamlValue opcUaAt = securityAt
                    .map(SecurityReader.SECURITY_KEYS)
                    .flatMap(section -> section.optional("opcua"))
                    .orElse(securityAt);
            opcUaAt.report("'userKeystore' is missing: controller " + opcUaController.get() + " is reached over OPC"
                    + " UA and the gateway logs on to it as an X.509 user with the role gateway. Add 'userKeystore:'"
                    + " and 'userKeystorePassword:', as docs/opcua.md describes.");
            return false;
        }
        return true;
    }

    private static Optional<ScadaServerConfig> scadaServer(
            YamlValue value, Path source, Optional<SecurityConfig> security) {
        Optional<YamlMap> map = value.map(OPCUA_SERVER_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Optional<String> host =
                m.get("host", DEFAULT_CONTROL_HOST, v -> v.nonBlank("Write the address to serve on, e.g. 10.0.0.5."));
        Optional<Integer> port = m.get("port", ScadaServerConfig.DEFAULT_PORT, v -> v.integer(CONTROL_PORT));
        Optional<String> path = m.get(
                "path",
                ScadaServerConfig.DEFAULT_PATH,
                v -> v.nonBlank("Write the endpoint path, e.g. /failover-gateway.")
                        .filter(text -> {
                            if (!text.startsWith("/") || text.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#')) {
                                v.report(YamlValue.quote(text)
                                        + " is not an endpoint path. Write one that starts with '/'"
                                        + " and has no spaces, '?' or '#', e.g. /failover-gateway.");
                                return false;
                            }
                            return true;
                        }));
        Optional<YamlValue> trustAt = m.optional("trustDirectory");
        Optional<Path> trust;
        if (trustAt.isPresent()) {
            trust = trustAt.get().path(source, "Write a folder path, e.g. opcua-pki.");
        } else {
            trust = security.map(s -> s.stateDirectory().resolve("opcua-pki"));
        }
        Optional<Boolean> anonymous = m.get("anonymous", false, YamlValue::bool);
        if (host.isEmpty() || port.isEmpty() || path.isEmpty() || trust.isEmpty() || anonymous.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                new ScadaServerConfig(host.get().trim(), port.get(), path.get(), trust.get(), anonymous.get()));
    }

    private record GatewaySection(
            String name, String controlHost, int controlPort, Duration handshakeTimeout, Optional<Path> eventLog) {}

    private static Optional<GatewaySection> gateway(YamlValue value, Path source) {
        Optional<YamlMap> map = value.map(GATEWAY_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Optional<String> name = m.require(
                "name",
                "Add 'name: line-3-gateway', the name events and logs use.",
                v -> v.nonBlank("Write the gateway's name, e.g. line-3-gateway."));
        Optional<YamlValue> control = m.optional("control");
        Optional<YamlMap> controlMap = control.isPresent() ? control.get().map(CONTROL_KEYS) : Optional.empty();
        Optional<String> host = controlMap.isEmpty()
                ? Optional.of(DEFAULT_CONTROL_HOST)
                : controlMap.get().get("host", DEFAULT_CONTROL_HOST, ConfigLoader::loopbackHost);
        Optional<Integer> port = controlMap.isEmpty()
                ? Optional.of(DEFAULT_CONTROL_PORT)
                : controlMap.get().get("port", DEFAULT_CONTROL_PORT, v -> v.integer(CONTROL_PORT));
        Optional<Duration> handshakeTimeout = controlMap.isEmpty()
                ? Optional.of(GatewayConfig.DEFAULT_CONTROL_HANDSHAKE_TIMEOUT)
                : controlMap
                        .get()
                        .get(
                                "handshakeTimeout",
                                GatewayConfig.DEFAULT_CONTROL_HANDSHAKE_TIMEOUT,
                                ConfigLoader::handshakeTimeout);
        Optional<Optional<Path>> eventLog =
                m.get("eventLog", Optional.empty(), v -> eventLog(v, source).map(Optional::of));
        boolean controlInvalid = control.isPresent() && controlMap.isEmpty();
        if (controlInvalid
                || name.isEmpty()
                || host.isEmpty()
                || port.isEmpty()
                || handshakeTimeout.isEmpty()
                || eventLog.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                new GatewaySection(name.get(), host.get(), port.get(), handshakeTimeout.get(), eventLog.get()));
    }

    private static Optional<Duration> handshakeTimeout(YamlValue value) {
        return value.duration().filter(d -> {
            if (d.compareTo(MIN_HANDSHAKE_TIMEOUT) >= 0 && d.compareTo(MAX_HANDSHAKE_TIMEOUT) <= 0) {
                return true;
            }
            value.report(YamlValue.format(d) + " is "
                    + (d.compareTo(MIN_HANDSHAKE_TIMEOUT) < 0
                            ? "too short: a client on a loaded box may take that long to start its TLS handshake"
                            : "so long that silent connections could hold the endpoint's places for that long")
                    + ". Write a duration from " + YamlValue.format(MIN_HANDSHAKE_TIMEOUT) + " to "
                    + YamlValue.format(MAX_HANDSHAKE_TIMEOUT) + " (default "
                    + YamlValue.format(GatewayConfig.DEFAULT_CONTROL_HANDSHAKE_TIMEOUT) + ").");
            return false;
        });
    }

    /**
     * The control endpoint is for operators on the gateway's own box (TLS with their certificates);
     * SCADA and remote clients use the OPC UA server. ControlServer binds loopback only.
     */
    private static Optional<String> loopbackHost(YamlValue value) {
        return value.nonBlank("Write 127.0.0.1.").filter(host -> {
            if (isLoopback(host.trim())) {
                return true;
            }
            value.report(YamlValue.quote(host) + " is not a loopback address: the control endpoint serves operators"
                    + " on this box only (remote clients use the OPC UA server). Use 127.0.0.1, ::1 or localhost.");
            return false;
        });
    }

    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        Matcher v4 = IPV4_LOOPBACK.matcher(host);
        if (v4.matches()) {
            for (int group = 1; group <= 3; group++) {
                if (Integer.parseInt(v4.group(group)) > 255) {
                    return false;
                }
            }
            return true;
        }
        if (host.indexOf(':') < 0 || !IPV6_LITERAL.matcher(host).matches()) {
            // A name other than localhost would need a DNS lookup, and could resolve elsewhere later.
            return false;
        }
        try {
            // Hex digits, ':' and '.' only: InetAddress parses it as a literal and never looks it up.
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException notAnAddress) {
            return false;
        }
    }

    private static Optional<Path> eventLog(YamlValue value, Path source) {
        return value.path(source, "Write a file path, e.g. events.jsonl.");
    }

    /** Why a file could not be read, in a few words. */
    static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException n -> "no such file";
            case AccessDeniedException a -> "permission denied";
            case CharacterCodingException c -> "not UTF-8 text";
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }
}
