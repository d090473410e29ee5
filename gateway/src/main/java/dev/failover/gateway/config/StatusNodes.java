package dev.failover.gateway.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Node ids of a controller's status variables on OPC UA, the counterpart of {@link StatusRegisters}.
 * Values use the register encodings of docs/plc-sim.md (role 1 ACTIVE, 2 STANDBY; status 0 INIT, 1
 * RUN, 2 STOP, 3 FAULT; flags bit 0 output-enable, bit 1 driving). Defaults match plc-sim.
 *
 * @param roleCommand the role command variable: a UInt16[5] holding the registers of the role command
 *     block (deadline as unsigned 64-bit epoch milliseconds, high word first, then the role), written
 *     in one Write; empty to write the {@code role} variable instead, without a deadline
 */
public record StatusNodes(
        String heartbeat, String status, String role, String flags, String faultCode, Optional<String> roleCommand) {

    /** plc-sim's namespace URI: the same on every controller. */
    public static final String PLC_SIM_NAMESPACE = "urn:dev.failover:plc-sim";

    /** plc-sim's role command variable. */
    public static final String DEFAULT_ROLE_COMMAND = plcSim("Status/RoleCommand");

    public StatusNodes {
        for (String node : List.of(heartbeat, status, role, flags, faultCode)) {
            NodeIds.check(Objects.requireNonNull(node, "node id"));
        }
        Objects.requireNonNull(roleCommand, "roleCommand (Optional.empty() for none)");
        roleCommand.ifPresent(NodeIds::check);
    }

    /** Status nodes with plc-sim's role command variable. */
    public StatusNodes(String heartbeat, String status, String role, String flags, String faultCode) {
        this(heartbeat, status, role, flags, faultCode, Optional.of(DEFAULT_ROLE_COMMAND));
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

    /** These nodes with {@code node} as the role command variable (empty for none). */
    public StatusNodes withRoleCommand(Optional<String> node) {
        return new StatusNodes(heartbeat, status, role, flags, faultCode, node);
    }

    /**
     * The five status node ids in the order heartbeat, status, role, flags, fault code (the role
     * command is written, never read, and is not among them).
     */
    public List<String> all() {
        return List.of(heartbeat, status, role, flags, faultCode);
    }
}
