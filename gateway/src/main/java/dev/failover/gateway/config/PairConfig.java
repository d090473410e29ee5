package dev.failover.gateway.config;

import dev.failover.hardware.HardwareConfig;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One redundant pair: two controllers, their status registers (Modbus) and status nodes (OPC UA), the tag map, the failover policy,
 * the mirror policy and, where the gateway box drives relays, LEDs and a key for it, the box's GPIO.
 *
 * @param mirror how the mirrored tags are copied to the standby; its period is at least the poll period
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
        MirrorPolicy mirror,
        BoxConfig box) {

    public PairConfig {
        Objects.requireNonNull(name, "name");
        controllers = List.copyOf(controllers);
        tags = List.copyOf(tags);
        Objects.requireNonNull(registers, "registers");
        Objects.requireNonNull(nodes, "nodes");
        Objects.requireNonNull(failover, "failover");
        Objects.requireNonNull(mirror, "mirror");
        if (mirror.period().compareTo(failover.pollPeriod()) < 0) {
            throw new IllegalArgumentException("the mirror period " + mirror.period() + " of pair " + name
                    + " is shorter than its poll period " + failover.pollPeriod());
        }
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
                // The mirror writes every mirrored tag on the standby: never its status block (role!).
                if (tag.mirrored()
                        && (c.opcUa()
                                ? nodes.all().contains(tag.node())
                                : !statusRegistersOf(registers, tag.address(), tag.type())
                                        .isEmpty())) {
                    throw new IllegalArgumentException(
                            "mirrored tag " + tag.name() + " is a status " + (c.opcUa() ? "node" : "register"));
                }
            }
        }
    }

    /** A pair with the default mirror policy for its failover policy ({@link MirrorPolicy#defaultsFor}). */
    public PairConfig(
            String name,
            List<ControllerConfig> controllers,
            StatusRegisters registers,
            StatusNodes nodes,
            List<TagConfig> tags,
            FailoverPolicy failover,
            BoxConfig box) {
        this(name, controllers, registers, nodes, tags, failover, MirrorPolicy.defaultsFor(failover), box);
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

    /**
     * The status registers that a tag at {@code address} of {@code type} occupies, as {@code "role at
     * 22"}, in address order; empty for a tag without a register address.
     */
    static List<String> statusRegistersOf(StatusRegisters registers, int address, TagConfig.TagType type) {
        if (address == TagConfig.NO_ADDRESS) {
            return List.of();
        }
        int first = address;
        int last = first + type.registers() - 1;
        String[] names = {"heartbeat", "status", "role", "flags", "faultCode"};
        int[] addresses = {
            registers.heartbeat(), registers.status(), registers.role(), registers.flags(), registers.faultCode()
        };
        TreeMap<Integer, String> hit = new TreeMap<>();
        for (int i = 0; i < names.length; i++) {
            if (addresses[i] >= first && addresses[i] <= last) {
                hit.put(addresses[i], names[i] + " at " + addresses[i]);
            }
        }
        return List.copyOf(hit.values());
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
