package dev.failover.gateway.config;

import dev.failover.hardware.HardwareConfig;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One redundant pair: two controllers, their status registers (Modbus) and status nodes (OPC UA), the tag map, the failover policy and,
 * where the gateway box drives relays, LEDs and a key for it, the box's GPIO.
 *
 * @param box the box's I/O for this pair, or {@code null} when it has none; a pair with a box has a
 *     relay fence on both controllers, and a pair with a relay fence has a box
 */
public record PairConfig(
        String name,
        List<ControllerConfig> controllers,
        StatusRegisters registers,
        StatusNodes nodes,
        List<TagConfig> tags,
        FailoverPolicy failover,
        BoxConfig box) {

    public PairConfig {
        Objects.requireNonNull(name, "name");
        controllers = List.copyOf(controllers);
        tags = List.copyOf(tags);
        Objects.requireNonNull(registers, "registers");
        Objects.requireNonNull(nodes, "nodes");
        Objects.requireNonNull(failover, "failover");
        if (controllers.size() != 2) {
            throw new IllegalArgumentException("a pair has exactly two controllers, got " + controllers.size());
        }
        if (controllers.get(0).preferredRole() == controllers.get(1).preferredRole()) {
            throw new IllegalArgumentException("one controller must be preferred primary and the other standby");
        }
        boolean relayFence = controllers.stream().anyMatch(c -> c.fence() instanceof FenceConfig.Relay);
        if (relayFence && box == null) {
            throw new IllegalArgumentException("pair " + name + " has a relay fence but no box to drive it");
        }
        if (box != null) {
            box.hardware(name, controllers);
        }
        for (ControllerConfig c : controllers) {
            for (TagConfig tag : tags) {
                if (c.opcUa() ? tag.node() == null : !tag.hasAddress()) {
                    throw new IllegalArgumentException("tag " + tag.name() + " has no "
                            + (c.opcUa() ? "node id" : "register address") + " for controller " + c.id());
                }
            }
        }
    }

    /** A pair whose OPC UA controllers (if any) have plc-sim's status nodes. */
    public PairConfig(
            String name,
            List<ControllerConfig> controllers,
            StatusRegisters registers,
            List<TagConfig> tags,
            FailoverPolicy failover,
            BoxConfig box) {
        this(name, controllers, registers, StatusNodes.defaults(), tags, failover, box);
    }

    /** The hardware module's configuration of this pair's box, if it has one. */
    public Optional<HardwareConfig> hardware() {
        return box == null ? Optional.empty() : Optional.of(box.hardware(name, controllers));
    }

    public ControllerConfig primary() {
        return controllers.stream()
                .filter(c -> c.preferredRole() == PreferredRole.PRIMARY)
                .findFirst()
                .orElseThrow();
    }

    public ControllerConfig secondary() {
        return controllers.stream()
                .filter(c -> c.preferredRole() == PreferredRole.STANDBY)
                .findFirst()
                .orElseThrow();
    }

    public ControllerConfig controller(String id) {
        return controllers.stream()
                .filter(c -> c.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no controller " + id + " in pair " + name));
    }
}
