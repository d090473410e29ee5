package dev.failover.gateway.config;

/** Where a controller's Modbus TCP server is. */
public record ModbusEndpoint(String host, int port, int unitId) {
    public ModbusEndpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
        if (unitId < 0 || unitId > 255) {
            throw new IllegalArgumentException("unitId must be 0-255, got " + unitId);
        }
    }

    @Override
    public String toString() {
        return "modbus-tcp://" + host + ":" + port + "/" + unitId;
    }
}
