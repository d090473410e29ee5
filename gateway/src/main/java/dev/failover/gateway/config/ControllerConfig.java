package dev.failover.gateway.config;

import java.util.Objects;
import java.util.Optional;

/**
 * One controller of a pair.
 *
 * @param endpoint how the gateway reaches it: {@link ModbusEndpoint} or {@link OpcUaEndpoint}
 * @param fence its fence, or {@code null} when it has none
 */
public record ControllerConfig(String id, PreferredRole preferredRole, LinkEndpoint endpoint, FenceConfig fence) {
    public ControllerConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(preferredRole, "preferredRole");
        Objects.requireNonNull(endpoint, "endpoint");
    }

    public Optional<FenceConfig> fenceConfig() {
        return Optional.ofNullable(fence);
    }

    /**
     * The Modbus endpoint.
     *
     * @throws IllegalStateException if the controller is reached over OPC UA
     */
    public ModbusEndpoint modbus() {
        if (endpoint instanceof ModbusEndpoint modbus) {
            return modbus;
        }
        throw new IllegalStateException("controller " + id + " is reached over OPC UA, not Modbus");
    }

    /** Whether the controller is reached over OPC UA. */
    public boolean opcUa() {
        return endpoint instanceof OpcUaEndpoint;
    }
}
