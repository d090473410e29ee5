package dev.failover.gateway.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Rules that span pairs: what must be unique across the whole file. Each value is checked when it is
 * read; the first one keeps it and later ones are reported, naming where it was first used.
 */
final class CrossChecks {

    private final Map<String, String> controllerIds = new HashMap<>();
    private final Map<String, String> endpoints = new HashMap<>();
    private final Map<Integer, String> gpioPins = new HashMap<>();

    /** Controller ids name a controller in events, alarms and operator commands, whatever its pair. */
    void controllerId(String id, YamlValue at) {
        String first = controllerIds.putIfAbsent(id, at.path());
        if (first != null) {
            at.report("'" + id + "' is already the id of " + parent(first)
                    + ". Give every controller its own id, across all pairs.");
        }
    }

    /** Two entries for one Modbus endpoint would be one controller supervised as two. */
    void endpoint(ModbusEndpoint endpoint, YamlValue at) {
        String key = endpoint.host().toLowerCase(Locale.ROOT) + "|" + endpoint.port() + "|" + endpoint.unitId();
        String first = endpoints.putIfAbsent(key, at.path());
        if (first != null) {
            at.report(endpoint.host() + ":" + endpoint.port() + " unit " + endpoint.unitId()
                    + " is also the endpoint of " + parent(first)
                    + ". Give each controller its own host, port or unitId.");
        }
    }

    /** Two entries for one OPC UA endpoint would be one controller supervised as two. */
    void endpoint(OpcUaEndpoint endpoint, YamlValue at) {
        String key = "opc.tcp|" + endpoint.host().toLowerCase(Locale.ROOT) + "|" + endpoint.port();
        String first = endpoints.putIfAbsent(key, at.path());
        if (first != null) {
            at.report(endpoint.url() + " is also the endpoint of " + parent(first)
                    + ". Give each controller its own OPC UA server.");
        }
    }

    /**
     * A pin shared by two relays would fence (or read back) the wrong controller.
     *
     * @return whether the pin is still free
     */
    boolean relayPin(int pin, YamlValue at) {
        return gpioPin(pin, at, "Give every relay its own pins.");
    }

    /**
     * All pairs share the one box and its GPIO: an LED or key pin must not be any other signal's pin.
     *
     * @return whether the pin is still free
     */
    boolean boxPin(int pin, YamlValue at) {
        return gpioPin(pin, at, "Give every signal of the box its own pin.");
    }

    private boolean gpioPin(int pin, YamlValue at, String fix) {
        String first = gpioPins.putIfAbsent(pin, at.path());
        if (first != null) {
            at.report("GPIO pin " + pin + " is already used by " + first + ". " + fix);
            return false;
        }
        return true;
    }

    /** The controller path of a key path: pairs[0].controllers[1].id becomes pairs[0].controllers[1]. */
    private static String parent(String path) {
        return path.substring(0, path.lastIndexOf('.'));
    }
}
