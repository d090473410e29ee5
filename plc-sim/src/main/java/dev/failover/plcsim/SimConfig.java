package dev.failover.plcsim;

import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of one simulated controller, validated once on construction.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name controller name: 1 to 32 printable ASCII characters without spaces (it fills the
 *     {@code NAME} registers and the control port's status line)
 * @param initialRole role at start
 * @param bindAddress address both the Modbus and the control server bind, e.g. {@code 127.0.0.1}
 * @param modbusPort Modbus TCP port, 0 for any free port
 * @param controlPort fault-injection/control port, 0 for any free port
 * @param unitId Modbus unit id served, 1 to 255
 * @param scanPeriod scan period, 1 ms to 60 s
 */
public record SimConfig(
        String name,
        Role initialRole,
        String bindAddress,
        int modbusPort,
        int controlPort,
        int unitId,
        Duration scanPeriod) {

    /** Longest accepted name: the {@code NAME} block holds 32 ASCII bytes. */
    public static final int MAX_NAME_LENGTH = 32;

    private static final Duration MIN_SCAN = Duration.ofMillis(1);
    private static final Duration MAX_SCAN = Duration.ofSeconds(60);

    public SimConfig {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(initialRole, "initialRole must not be null");
        Objects.requireNonNull(bindAddress, "bindAddress must not be null");
        Objects.requireNonNull(scanPeriod, "scanPeriod must not be null");
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(
                    "name must be 1 to " + MAX_NAME_LENGTH + " characters, got '" + name + "'");
        }
        if (!name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(
                    "name must be printable ASCII without spaces (it is sent in registers and status lines), got '"
                            + name + "'");
        }
        if (bindAddress.isBlank()) {
            throw new IllegalArgumentException("bindAddress must not be blank, e.g. 127.0.0.1");
        }
        requirePort("modbusPort", modbusPort);
        requirePort("controlPort", controlPort);
        if (unitId < 1 || unitId > 255) {
            throw new IllegalArgumentException("unitId must be 1 to 255, got " + unitId);
        }
        if (scanPeriod.compareTo(MIN_SCAN) < 0 || scanPeriod.compareTo(MAX_SCAN) > 0) {
            throw new IllegalArgumentException("scanPeriod must be 1 ms to 60 s, got " + scanPeriod);
        }
    }

    /** A controller on 127.0.0.1 with ephemeral Modbus and control ports, unit id 1 and a 10 ms scan. */
    public static SimConfig of(String name, Role role) {
        return new SimConfig(name, role, "127.0.0.1", 0, 0, 1, Duration.ofMillis(10));
    }

    private static void requirePort(String what, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " must be 0 to 65535 (0 = any free port), got " + port);
        }
    }
}
