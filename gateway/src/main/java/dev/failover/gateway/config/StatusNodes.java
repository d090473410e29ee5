package dev.failover.gateway.config;

import java.util.List;
import java.util.Objects;

/**
 * Node ids of a controller's status variables on OPC UA, the counterpart of {@link StatusRegisters}.
 * Values use the register encodings of docs/plc-sim.md (role 1 ACTIVE, 2 STANDBY; status 0 INIT, 1
 * RUN, 2 STOP, 3 FAULT; flags bit 0 output-enable, bit 1 driving). Defaults match plc-sim.
 */
public record StatusNodes(String heartbeat, String status, String role, String flags, String faultCode) {

    /** plc-sim's namespace URI: the same on every controller. */
    public static final String PLC_SIM_NAMESPACE = "urn:dev.failover:plc-sim";

    public StatusNodes {
        for (String node : List.of(heartbeat, status, role, flags, faultCode)) {
            NodeIds.check(Objects.requireNonNull(node, "node id"));
        }
    }

    public static StatusNodes defaults() {
        return new StatusNodes(
                plcSim("Status/HEARTBEAT"),
                plcSim("Status/STATUS"),
                plcSim("Status/ROLE"),
                plcSim("Status/FLAGS"),
                plcSim("Status/FAULT_CODE"));
    }

    /** A node of plc-sim's namespace by its string identifier, e.g. {@code Setpoints/LEVEL_SP}. */
    public static String plcSim(String identifier) {
        return "nsu=" + PLC_SIM_NAMESPACE + ";s=" + identifier;
    }

    /** The five node ids in the order heartbeat, status, role, flags, fault code. */
    public List<String> all() {
        return List.of(heartbeat, status, role, flags, faultCode);
    }
}
