package dev.failover.gateway.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads one entry of a pair's {@code controllers:} list: its id, role, Modbus endpoint and fence. */
final class ControllerReader {

    static final List<String> CONTROLLER_KEYS = List.of("id", "preferredRole", "modbus", "opcua", "fence");
    static final List<String> OPCUA_KEYS = List.of("endpoint", "securityPolicy", "subscribe");
    static final List<String> MODBUS_KEYS = List.of("host", "port", "unitId", "insecure");
    static final List<String> FENCE_KEYS = List.of("type", "host", "port", "output", "pin", "feedbackPin");

    private static final Map<String, PreferredRole> ROLES =
            choices("primary", PreferredRole.PRIMARY, "standby", PreferredRole.STANDBY);
    private static final Map<String, String> FENCE_TYPES = choices("sim", "sim", "relay", "relay");
    private static final Map<String, OpcUaEndpoint.SecurityPolicyName> POLICIES = choices(
            "Basic256Sha256",
            OpcUaEndpoint.SecurityPolicyName.BASIC256SHA256,
            "Aes256_Sha256_RsaPss",
            OpcUaEndpoint.SecurityPolicyName.AES256_SHA256_RSAPSS);

    /**
     * What was read of one controller: the role and where it and the fence were written are kept for
     * the pair's checks (one primary and one standby; relay fences on both controllers or neither).
     *
     * @param at the controller's list item
     */
    record Read(
            Optional<ControllerConfig> config,
            Optional<PreferredRole> role,
            Optional<YamlValue> roleAt,
            YamlValue at,
            Optional<YamlValue> fenceAt) {}

    private final CrossChecks crossChecks;

    ControllerReader(CrossChecks crossChecks) {
        this.crossChecks = crossChecks;
    }

    Read read(YamlValue item) {
        Optional<YamlMap> map = item.map(CONTROLLER_KEYS);
        if (map.isEmpty()) {
            return new Read(Optional.empty(), Optional.empty(), Optional.empty(), item, Optional.empty());
        }
        YamlMap m = map.get();
        Optional<String> id = m.require(
                "id",
                "Add 'id: plc-a', a name unique across all pairs.",
                v -> v.name("id").map(name -> {
                    crossChecks.controllerId(name, v);
                    return name;
                }));
        Optional<YamlValue> roleAt = m.optional("preferredRole");
        Optional<PreferredRole> role = m.require(
                "preferredRole",
                "Add 'preferredRole: primary' or 'preferredRole: standby'.",
                v -> v.choice("a preferred role", ROLES));
        Optional<LinkEndpoint> endpoint = endpoint(m, item);
        Optional<Optional<FenceConfig>> fence = m.get("fence", Optional.empty(), v -> fence(v).map(Optional::of));

        if (id.isEmpty() || role.isEmpty() || endpoint.isEmpty() || fence.isEmpty()) {
            return new Read(Optional.empty(), role, roleAt, item, m.optional("fence"));
        }
        return new Read(
                Optional.of(new ControllerConfig(
                        id.get(), role.get(), endpoint.get(), fence.get().orElse(null))),
                role,
                roleAt,
                item,
                m.optional("fence"));
    }

    /** Exactly one of {@code modbus:} and {@code opcua:}. */
    private Optional<LinkEndpoint> endpoint(YamlMap m, YamlValue item) {
        Optional<YamlValue> modbusAt = m.optional("modbus");
        Optional<YamlValue> opcUaAt = m.optional("opcua");
        if (modbusAt.isPresent() && opcUaAt.isPresent()) {
            opcUaAt.get()
                    .report("the controller also has 'modbus:'. Keep one of the two: the gateway reaches a controller"
                            + " over one protocol.");
            return Optional.empty();
        }
        if (opcUaAt.isPresent()) {
            return opcUa(opcUaAt.get()).map(LinkEndpoint.class::cast);
        }
        return m.require(
                        "modbus",
                        "Add 'modbus:' with at least 'host:' under it, or 'opcua:' with 'endpoint:'.",
                        this::modbus)
                .map(LinkEndpoint.class::cast);
    }

    private Optional<OpcUaEndpoint> opcUa(YamlValue value) {
        Optional<YamlMap> map = value.map(OPCUA_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Optional<String> url = m.require(
                "endpoint",
                "Add 'endpoint: opc.tcp://<host>:4840/<path>', the controller's OPC UA endpoint URL.",
                v -> v.nonBlank("Write the endpoint URL, e.g. opc.tcp://10.0.0.11:4840/plc.")
                        .filter(text -> {
                            try {
                                OpcUaEndpoint.parse(text.trim());
                                return true;
                            } catch (IllegalArgumentException e) {
                                v.report(e.getMessage() + ". Write it as opc.tcp://<host>:<port>/<path>, e.g."
                                        + " opc.tcp://10.0.0.11:4840/plc.");
                                return false;
                            }
                        })
                        .map(String::trim));
        Optional<OpcUaEndpoint.SecurityPolicyName> policy = m.get(
                "securityPolicy",
                OpcUaEndpoint.SecurityPolicyName.BASIC256SHA256,
                v -> v.choice("a security policy", POLICIES));
        Optional<Boolean> subscribe = m.get("subscribe", true, YamlValue::bool);
        if (url.isEmpty() || policy.isEmpty() || subscribe.isEmpty()) {
            return Optional.empty();
        }
        OpcUaEndpoint endpoint = new OpcUaEndpoint(url.get(), policy.get(), subscribe.get());
        crossChecks.endpoint(endpoint, value);
        return Optional.of(endpoint);
    }

    private Optional<ModbusEndpoint> modbus(YamlValue value) {
        Optional<YamlMap> map = value.map(MODBUS_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Optional<String> host = m.require(
                "host",
                "Add 'host:' with the controller's address.",
                v -> v.nonBlank("Write the controller's address."));
        Optional<Boolean> insecure = m.get("insecure", false, YamlValue::bool);
        Optional<Integer> port =
                m.get("port", ModbusEndpoint.defaultPort(insecure.orElse(false)), v -> v.integer(IntRange.PORT));
        Optional<Integer> unitId = m.get("unitId", 1, v -> v.integer(new IntRange(0, 255, "a unit id")));
        if (host.isEmpty() || port.isEmpty() || unitId.isEmpty() || insecure.isEmpty()) {
            return Optional.empty();
        }
        ModbusEndpoint endpoint = new ModbusEndpoint(host.get(), port.get(), unitId.get(), insecure.get());
        crossChecks.endpoint(endpoint, value);
        return Optional.of(endpoint);
    }

    private Optional<FenceConfig> fence(YamlValue value) {
        Optional<YamlMap> map = value.map(FENCE_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Optional<String> type =
                m.require("type", "Add 'type: sim' or 'type: relay'.", v -> v.choice("a fence type", FENCE_TYPES));
        if (type.isEmpty()) {
            // The other keys depend on the type; checking them against a guess would only add noise.
            return Optional.empty();
        }
        return type.get().equals("sim") ? sim(m) : relay(m);
    }

    private Optional<FenceConfig> sim(YamlMap m) {
        boolean foreign = rejectKeys(m, "sim", "relay", "pin", "feedbackPin");
        Optional<String> host = m.require(
                "host",
                "Add 'host:' with the simulator's control address.",
                v -> v.nonBlank("Write the simulator's" + " control address."));
        Optional<Integer> port =
                m.require("port", "Add 'port:' with the relay box's control port.", v -> v.integer(IntRange.PORT));
        Optional<String> output =
                m.get("output", "", v -> v.nonBlank("Write the name of the controller's output at the relay box."));
        if (foreign || host.isEmpty() || port.isEmpty() || output.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                new FenceConfig.Sim(host.get(), port.get(), output.get().isEmpty() ? null : output.get()));
    }

    private Optional<FenceConfig> relay(YamlMap m) {
        boolean foreign = rejectKeys(m, "relay", "sim", "host", "port", "output");
        Optional<Integer> pin = m.require(
                "pin",
                "Add 'pin:' with the GPIO pin that drives the relay coil.",
                v -> v.integer(IntRange.GPIO_PIN).filter(p -> crossChecks.relayPin(p, v)));
        Optional<Integer> feedbackPin = m.require(
                "feedbackPin",
                "Add 'feedbackPin:' with the GPIO pin that reads the relay's auxiliary contact.",
                v -> v.integer(IntRange.GPIO_PIN).filter(p -> {
                    if (pin.isPresent() && pin.get().equals(p)) {
                        v.report(p + " is also the relay's 'pin'. Wire the feedback contact to another pin: the"
                                + " coil output cannot confirm itself.");
                        return false;
                    }
                    return crossChecks.relayPin(p, v);
                }));
        if (foreign || pin.isEmpty() || feedbackPin.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FenceConfig.Relay(pin.get(), feedbackPin.get()));
    }

    /** Reports the keys that belong to the other fence type; true if there were any. */
    private static boolean rejectKeys(YamlMap m, String type, String otherType, String... otherKeys) {
        boolean found = false;
        for (String key : otherKeys) {
            Optional<YamlValue> value = m.optional(key);
            if (value.isPresent()) {
                value.get()
                        .report("a " + type + " fence has no '" + key + "'. Remove it, or set 'type: " + otherType
                                + "'.");
                found = true;
            }
        }
        return found;
    }

    static <E> Map<String, E> choices(String word1, E value1, String word2, E value2) {
        Map<String, E> map = new LinkedHashMap<>();
        map.put(word1, value1);
        map.put(word2, value2);
        return map;
    }
}
