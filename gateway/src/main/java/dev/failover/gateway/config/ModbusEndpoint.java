package dev.failover.gateway.config;

/**
 * Where a controller's Modbus TCP server is, and whether the gateway speaks Modbus/TCP Security (TLS
 * with client certificates) to it or, only when {@code insecure} is set, plain Modbus TCP.
 *
 * @param host the controller's address
 * @param port 1-65535; {@link #SECURE_PORT} or {@link #INSECURE_PORT} by default
 * @param unitId 0-255
 * @param insecure plain Modbus TCP, without TLS: no authentication of either side and no integrity.
 *     For controllers that cannot do Modbus/TCP Security; the gateway logs it loudly at start
 */
public record ModbusEndpoint(String host, int port, int unitId, boolean insecure) implements LinkEndpoint {

    /** The port registered for Modbus/TCP Security (mbap-s). */
    public static final int SECURE_PORT = 802;

    /** The port registered for plain Modbus TCP (mbap). */
    public static final int INSECURE_PORT = 502;

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

    /** A Modbus/TCP Security endpoint ({@code insecure} false). */
    public ModbusEndpoint(String host, int port, int unitId) {
        this(host, port, unitId, false);
    }

    /** The port used when none is written: 802 for Modbus/TCP Security, 502 for plain Modbus TCP. */
    public static int defaultPort(boolean insecure) {
        return insecure ? INSECURE_PORT : SECURE_PORT;
    }

    @Override
    public String toString() {
        return "modbus-tcp://" + host + ":" + port + "/" + unitId + (insecure ? " (INSECURE plain Modbus TCP)" : "");
    }
}
