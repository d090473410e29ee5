package dev.failover.gateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads and checks the {@code mqtt:} section (docs/configuration.md, docs/mqtt.md). Stateless. */
final class MqttReader {

    static final List<String> KEYS = List.of(
            "brokers",
            "insecure",
            "site",
            "topicPrefix",
            "clientId",
            "keepAlive",
            "willDelay",
            "connectTimeout",
            "sparkplug",
            "caCertificates",
            "crl");
    static final List<String> SPARKPLUG_KEYS = List.of("enabled", "groupId", "edgeNodeId", "primaryHost");

    /** Topic levels: names, separated by '/'; no wildcard, no empty level. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");

    private MqttReader() {}

    /**
     * The section, or empty when it is invalid (reported).
     *
     * @param gatewayName the gateway's name, the default client id (empty when it was invalid)
     * @param security the security section (empty when it was invalid): its audit log is the outbox
     */
    static Optional<MqttConfig> mqtt(
            YamlValue value,
            java.nio.file.Path source,
            Optional<String> gatewayName,
            Optional<SecurityConfig> security) {
        Optional<YamlMap> map = value.map(KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Optional<Boolean> insecure = m.get("insecure", false, YamlValue::bool);
        Optional<List<URI>> brokers = m.require(
                "brokers",
                "Add 'brokers: [ssl://broker.plant:8883]', the broker(s) to report to.",
                v -> brokers(v, insecure.orElse(false)));
        Optional<String> site = m.require(
                "site", "Add 'site: line-3', the plant or line: the second level of every topic.", v -> v.name("site"));
        Optional<String> prefix = m.get("topicPrefix", MqttConfig.DEFAULT_PREFIX, MqttReader::prefix);
        Optional<Optional<String>> clientId =
                m.get("clientId", Optional.empty(), v -> v.name("client id").map(Optional::of));
        Optional<Duration> keepAlive = m.get("keepAlive", MqttConfig.DEFAULT_KEEP_ALIVE, MqttReader::seconds);
        Optional<Duration> willDelay = m.get("willDelay", MqttConfig.DEFAULT_WILL_DELAY, MqttReader::seconds);
        Optional<Duration> connectTimeout =
                m.get("connectTimeout", MqttConfig.DEFAULT_CONNECT_TIMEOUT, MqttReader::seconds);
        Optional<YamlValue> sparkplugAt = m.optional("sparkplug");
        Optional<SparkplugSection> sparkplug = sparkplugAt.isEmpty()
                ? Optional.of(new SparkplugSection(true, null, null, null))
                : sparkplugAt.get().map(SPARKPLUG_KEYS).flatMap(MqttReader::sparkplug);
        Optional<Optional<MqttConfig.BrokerTrust>> trust = brokerTrust(m, source);
        boolean named = gatewayName.isEmpty() || NAME.matcher(gatewayName.get()).matches();
        if (!named) {
            value.report("the gateway's name " + YamlValue.quote(gatewayName.get()) + " is a level of every MQTT topic,"
                    + " so it may hold only letters, digits, '_', '.' and '-'. Rename the gateway (gateway.name).");
        }
        boolean outbox = security.isEmpty() || security.get().audit() != null;
        if (!outbox) {
            value.report("the MQTT reports need the audit log: it is their outbox, so that a broker outage or a restart"
                    + " loses nothing (docs/mqtt.md). Add 'audit:' under 'security:', as docs/audit.md describes.");
        }
        if (insecure.isEmpty()
                || brokers.isEmpty()
                || site.isEmpty()
                || prefix.isEmpty()
                || clientId.isEmpty()
                || keepAlive.isEmpty()
                || willDelay.isEmpty()
                || connectTimeout.isEmpty()
                || gatewayName.isEmpty()
                || !named
                || !outbox
                || sparkplug.isEmpty()
                || trust.isEmpty()) {
            return Optional.empty();
        }
        String id = clientId.get().orElse(gatewayName.get());
        SparkplugSection spb = sparkplug.get();
        return Optional.of(new MqttConfig(
                brokers.get(),
                insecure.get(),
                site.get(),
                prefix.get(),
                id,
                keepAlive.get(),
                willDelay.get(),
                connectTimeout.get(),
                spb.enabled()
                        ? new MqttConfig.Sparkplug(
                                spb.groupId() == null ? site.get() : spb.groupId(),
                                spb.edgeNodeId() == null ? gatewayName.get() : spb.edgeNodeId(),
                                spb.primaryHost())
                        : null,
                trust.get().orElse(null)));
    }

    /** {@code caCertificates} and {@code crl}: both or neither; an inner empty for neither. */
    private static Optional<Optional<MqttConfig.BrokerTrust>> brokerTrust(YamlMap m, java.nio.file.Path source) {
        Optional<YamlValue> caAt = m.optional("caCertificates");
        Optional<YamlValue> crlAt = m.optional("crl");
        if (caAt.isEmpty() && crlAt.isEmpty()) {
            return Optional.of(Optional.empty());
        }
        if (caAt.isEmpty() || crlAt.isEmpty()) {
            (caAt.isPresent() ? caAt.get() : crlAt.get())
                    .report("'caCertificates' and 'crl' go together: the broker's CA and its revocation list (a"
                            + " broker is refused without a current CRL, as every peer). Add the other one, or remove"
                            + " this one to trust the plant's CA.");
            return Optional.empty();
        }
        Optional<java.nio.file.Path> ca =
                SecurityReader.readableFile(caAt.get(), source, "the broker's CA certificates");
        Optional<java.nio.file.Path> crl = SecurityReader.readableFile(crlAt.get(), source, "the broker CA's CRL");
        if (ca.isEmpty() || crl.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Optional.of(new MqttConfig.BrokerTrust(ca.get(), crl.get())));
    }

    private record SparkplugSection(boolean enabled, String groupId, String edgeNodeId, String primaryHost) {}

    /** The {@code sparkplug:} subsection, or empty when it is invalid (reported). */
    private static Optional<SparkplugSection> sparkplug(YamlMap m) {
        Optional<Boolean> enabled = m.get("enabled", true, YamlValue::bool);
        Optional<Optional<String>> group = m.get(
                "groupId", Optional.empty(), v -> v.name("Sparkplug group id").map(Optional::of));
        Optional<Optional<String>> node = m.get(
                "edgeNodeId",
                Optional.empty(),
                v -> v.name("Sparkplug edge node id").map(Optional::of));
        Optional<Optional<String>> host = m.get(
                "primaryHost",
                Optional.empty(),
                v -> v.name("Sparkplug host id").map(Optional::of));
        if (enabled.isEmpty() || group.isEmpty() || node.isEmpty() || host.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SparkplugSection(
                enabled.get(),
                group.get().orElse(null),
                node.get().orElse(null),
                host.get().orElse(null)));
    }

    private static Optional<List<URI>> brokers(YamlValue value, boolean insecure) {
        Optional<List<YamlValue>> items = value.isScalar() ? Optional.of(List.of(value)) : value.list();
        if (items.isEmpty()) {
            return Optional.empty();
        }
        if (items.get().isEmpty()) {
            value.report("lists no broker. Write at least one, e.g. [ssl://broker.plant:8883].");
            return Optional.empty();
        }
        List<URI> out = new ArrayList<>();
        boolean ok = true;
        for (YamlValue item : items.get()) {
            Optional<URI> uri = item.nonBlank("Write a broker URI, e.g. ssl://broker.plant:8883.")
                    .flatMap(text -> broker(item, text.trim(), insecure));
            ok &= uri.isPresent();
            uri.ifPresent(out::add);
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    private static Optional<URI> broker(YamlValue item, String text, boolean insecure) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            item.report(YamlValue.quote(text) + " is not a URI (" + e.getReason() + "). Write one like"
                    + " ssl://broker.plant:8883.");
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (uri.getHost() == null || (!scheme.equals("ssl") && !scheme.equals("tcp"))) {
            item.report(YamlValue.quote(text) + " is not a broker URI. Write ssl://<host>:<port> (MQTT over TLS, e.g."
                    + " ssl://broker.plant:8883), or tcp://<host>:<port> with insecure: true.");
            return Optional.empty();
        }
        if (scheme.equals("tcp") && !insecure) {
            item.report(YamlValue.quote(text) + " is plain MQTT: anyone on the network could read and forge the"
                    + " reports. Use ssl://" + uri.getHost() + ":8883, or set 'insecure: true' to allow it"
                    + " (logged as INSECURE_MODE).");
            return Optional.empty();
        }
        if (scheme.equals("ssl") && insecure) {
            item.report(YamlValue.quote(text) + " is MQTT over TLS, but 'insecure: true' asks for plain MQTT. Remove"
                    + " 'insecure: true' (wanted), or write tcp://" + uri.getHost() + ":1883.");
            return Optional.empty();
        }
        if (uri.getPath() != null && !uri.getPath().isEmpty() || uri.getQuery() != null) {
            item.report(YamlValue.quote(text) + " has a path or query; a broker URI has neither. Write" + " " + scheme
                    + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + ".");
            return Optional.empty();
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("ssl") ? 8883 : 1883;
        return Optional.of(URI.create(scheme + "://" + hostPart(uri.getHost()) + ":" + port));
    }

    private static String hostPart(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static Optional<String> prefix(YamlValue value) {
        return value.nonBlank("Write the first topic level, e.g. failover.").filter(text -> {
            if (!PREFIX.matcher(text).matches()) {
                value.report(YamlValue.quote(text) + " is not a topic prefix. Write topic levels of letters, digits,"
                        + " '_', '.' and '-', separated by '/', with no wildcard (+, #) and no empty level, e.g."
                        + " plant/incident.");
                return false;
            }
            return true;
        });
    }

    /** A whole number of seconds (MQTT counts these in seconds), at least one. */
    private static Optional<Duration> seconds(YamlValue value) {
        return value.duration().filter(d -> {
            if (d.toMillis() % 1000 != 0 || d.toSeconds() > 65_535) {
                value.report(YamlValue.format(d) + " is not a whole number of seconds from 1s to 65535s, which MQTT"
                        + " counts in. Write e.g. 10s.");
                return false;
            }
            return true;
        });
    }
}
