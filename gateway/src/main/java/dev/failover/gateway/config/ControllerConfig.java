package dev.failover.gateway.config;

import java.util.Objects;
import java.util.Optional;

/** One controller of a pair. {@code fence} is null when the controller has no fence. */
public record ControllerConfig(String id, PreferredRole preferredRole, ModbusEndpoint modbus, FenceConfig fence) {
    public ControllerConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(preferredRole, "preferredRole");
        Objects.requireNonNull(modbus, "modbus");
    }

    public Optional<FenceConfig> fenceConfig() {
        return Optional.ofNullable(fence);
    }
}
