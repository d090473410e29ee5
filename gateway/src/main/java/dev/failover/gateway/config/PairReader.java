package dev.failover.gateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the {@code pairs:} list: each pair's name, controllers, status registers, tags, policy and box. */
final class PairReader {

    static final List<String> PAIR_KEYS =
            List.of("name", "controllers", "registers", "nodes", "tags", "failover", "mirror", "box");
    static final List<String> MIRROR_KEYS = List.of("period");
    /** The status block's keys, in {@link StatusNodes#all()} order. */
    static final List<String> STATUS_KEYS = List.of("heartbeat", "status", "role", "flags", "faultCode");

    static final String ROLE_COMMAND_KEY = "roleCommand";
    static final String NONE = "none";
    static final List<String> REGISTER_KEYS =
            List.of("heartbeat", "status", "role", "flags", "faultCode", ROLE_COMMAND_KEY);
    static final List<String> NODE_KEYS = REGISTER_KEYS;

    /** The most holding registers one Modbus read (function 03) may return: the status block is one read. */
    private static final int MAX_REGISTERS_PER_READ = 125;

    private final ControllerReader controllers;
    private final BoxReader boxes;
    private final Map<String, String> pairNames = new HashMap<>();

    PairReader(CrossChecks crossChecks) {
        this.controllers = new ControllerReader(crossChecks);
        this.boxes = new BoxReader(crossChecks);
    }

    Optional<List<PairConfig>> pairs(YamlValue value) {
        Optional<List<YamlValue>> items = value.list();
        if (items.isEmpty()) {
            return Optional.empty();
        }
        if (items.get().isEmpty()) {
            value.report("the list is empty. Add at least one pair.");
            return Optional.empty();
        }
        List<Optional<PairConfig>> pairs = items.get().stream().map(this::pair).toList();
        return allPresent(pairs);
    }

    private Optional<PairConfig> pair(YamlValue item) {
        Optional<YamlMap> map = item.map(PAIR_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Optional<String> name = m.require(
                "name",
                "Add 'name: tank-1', a name unique among the pairs.",
                v -> v.name("pair name").filter(n -> unique(n, v)));
        Optional<List<ControllerReader.Read>> members =
                m.require("controllers", "Add 'controllers:' with the pair's two controllers.", this::controllers);
        Optional<StatusRegisters> registers = m.get("registers", StatusRegisters.defaults(), PairReader::registers);
        Optional<StatusNodes> nodes = m.get("nodes", StatusNodes.defaults(), PairReader::nodes);
        boolean modbus = members.isPresent()
                && members.get().stream()
                        .anyMatch(r -> !r.config().orElseThrow().opcUa());
        boolean opcUa = members.isPresent()
                && members.get().stream().anyMatch(r -> r.config().orElseThrow().opcUa());
        Optional<List<TagConfig>> tags =
                m.get("tags", List.of(), v -> TagReader.tags(v, modbus, opcUa, registers, nodes));
        Optional<FailoverPolicy> failover = m.get("failover", FailoverPolicy.defaults(), FailoverReader::policy);
        // With a broken failover section the mirror is still read, for its own problems.
        Optional<MirrorPolicy> mirror = m.get(
                "mirror",
                MirrorPolicy.defaultsFor(failover.orElse(FailoverPolicy.defaults())),
                v -> mirror(v, failover));
        Optional<Optional<BoxConfig>> box =
                m.get("box", Optional.empty(), v -> boxes.box(v).map(Optional::of));
        // The box is checked against the fences only when both were read: otherwise it would only add noise.
        boolean boxFits = members.isPresent()
                && box.isPresent()
                && boxes.fits(name.orElse(m.path()), m, box.get(), members.get());
        if (name.isEmpty()
                || !boxFits
                || registers.isEmpty()
                || nodes.isEmpty()
                || tags.isEmpty()
                || failover.isEmpty()
                || mirror.isEmpty()) {
            return Optional.empty();
        }
        List<ControllerConfig> configs =
                members.get().stream().map(r -> r.config().orElseThrow()).toList();
        return Optional.of(new PairConfig(
                name.get(),
                configs,
                registers.get(),
                nodes.get(),
                tags.get(),
                failover.get(),
                mirror.get(),
                box.get().orElse(null)));
    }

    /**
     * The {@code mirror:} section. Its period is at least the poll period: the mirror acts on the
     * controllers' health, which changes at most once a poll. Without a period, the default is 100 ms
     * or the poll period if that is longer.
     */
    private static Optional<MirrorPolicy> mirror(YamlValue value, Optional<FailoverPolicy> failover) {
        Optional<YamlMap> map = value.map(MIRROR_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        MirrorPolicy fallback = MirrorPolicy.defaultsFor(failover.orElse(FailoverPolicy.defaults()));
        Optional<Duration> period = m.get("period", fallback.period(), YamlValue::duration);
        if (period.isEmpty() || failover.isEmpty()) {
            return period.map(MirrorPolicy::new);
        }
        Duration poll = failover.get().pollPeriod();
        if (period.get().compareTo(poll) < 0) {
            boolean pollDefault = poll.equals(FailoverPolicy.defaults().pollPeriod());
            m.optional("period")
                    .orElseThrow()
                    .report(YamlValue.format(period.get()) + " is shorter than failover.pollPeriod ("
                            + YamlValue.format(poll) + (pollDefault ? ", the default" : "")
                            + "). Make the mirror period at least the poll period: the mirror acts on the"
                            + " controllers' health, which changes once a poll.");
            return Optional.empty();
        }
        return period.map(MirrorPolicy::new);
    }

    private boolean unique(String name, YamlValue at) {
        String first = pairNames.putIfAbsent(name, at.path());
        if (first != null) {
            at.report("'" + name + "' is already the name of " + first.substring(0, first.lastIndexOf('.'))
                    + ". Give each pair its own name.");
            return false;
        }
        return true;
    }

    /** The pair's two controllers, each read without a problem, or empty. */
    private Optional<List<ControllerReader.Read>> controllers(YamlValue value) {
        Optional<List<YamlValue>> items = value.list();
        if (items.isEmpty()) {
            return Optional.empty();
        }
        List<ControllerReader.Read> read =
                items.get().stream().map(controllers::read).toList();
        int count = read.size();
        if (count != 2) {
            String fix = count < 2
                    ? "Add the pair's " + (count == 0 ? "two controllers" : "second controller") + "."
                    : "Remove the extra ones: a pair is one primary and one standby.";
            value.report("a pair needs exactly two controllers, found " + count + ". " + fix);
            return Optional.empty();
        }
        ControllerReader.Read first = read.get(0);
        ControllerReader.Read second = read.get(1);
        if (first.role().isPresent()
                && first.role().equals(second.role())
                && second.roleAt().isPresent()) {
            String role = first.role().get() == PreferredRole.PRIMARY ? "primary" : "standby";
            second.roleAt()
                    .get()
                    .report("both controllers are preferred " + role
                            + ". Make one controller primary and the other standby.");
            return Optional.empty();
        }
        return read.stream().allMatch(r -> r.config().isPresent()) ? Optional.of(read) : Optional.empty();
    }

    private static Optional<StatusRegisters> registers(YamlValue value) {
        Optional<YamlMap> map = value.map(REGISTER_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        StatusRegisters d = StatusRegisters.defaults();
        int[] defaults = {d.heartbeat(), d.status(), d.role(), d.flags(), d.faultCode()};
        int[] addresses = new int[STATUS_KEYS.size()];
        boolean valid = true;
        Map<Integer, String> used = new HashMap<>();
        for (int i = 0; i < addresses.length; i++) {
            String key = STATUS_KEYS.get(i);
            Optional<Integer> address = m.get(key, defaults[i], v -> v.integer(IntRange.ADDRESS));
            if (address.isEmpty()) {
                valid = false;
                continue;
            }
            addresses[i] = address.get();
            String other = used.putIfAbsent(address.get(), key);
            if (other != null) {
                Optional<YamlValue> written = m.optional(key);
                String message = written.isPresent()
                        ? "address " + address.get() + " is also the '" + other + "' register."
                        : "address " + address.get() + " is also the default address of '" + key + "'.";
                // Two defaults never collide, so at least one of the two was written.
                written.or(() -> m.optional(other))
                        .orElse(value)
                        .report(message + " Give each status register its own address.");
                valid = false;
            }
        }
        Optional<Integer> roleCommand = m.get(ROLE_COMMAND_KEY, d.roleCommand(), PairReader::roleCommandAddress);
        if (!valid || roleCommand.isEmpty()) {
            return Optional.empty();
        }
        StatusRegisters registers = new StatusRegisters(
                addresses[0], addresses[1], addresses[2], addresses[3], addresses[4], roleCommand.get());
        if (registers.count() > MAX_REGISTERS_PER_READ) {
            value.report("the status registers span " + registers.count() + " addresses, more than the "
                    + MAX_REGISTERS_PER_READ + " one Modbus read returns. Move them closer together.");
            return Optional.empty();
        }
        if (registers.hasRoleCommand()) {
            int first = registers.roleCommand();
            int last = first + StatusRegisters.ROLE_COMMAND_REGISTERS - 1;
            for (int i = 0; i < addresses.length; i++) {
                String key = STATUS_KEYS.get(i);
                if (addresses[i] >= first && addresses[i] <= last) {
                    m.optional(ROLE_COMMAND_KEY)
                            .or(() -> m.optional(key))
                            .orElse(value)
                            .report("the role command block " + first + "-" + last + " holds the '" + key
                                    + "' register at " + addresses[i]
                                    + ". Give the role command block five registers of its own.");
                    return Optional.empty();
                }
            }
        }
        return Optional.of(registers);
    }

    /** The first register of the role command block, or {@code none}: {@link StatusRegisters#NO_ROLE_COMMAND}. */
    private static Optional<Integer> roleCommandAddress(YamlValue value) {
        if (value.isScalar() && NONE.equals(value.text().orElse("").trim())) {
            return Optional.of(StatusRegisters.NO_ROLE_COMMAND);
        }
        return value.integer(new IntRange(
                0,
                StatusRegisters.MAX_ROLE_COMMAND,
                "'none' or the first register of the five-register role command block"));
    }

    private static Optional<StatusNodes> nodes(YamlValue value) {
        Optional<YamlMap> map = value.map(NODE_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        List<String> defaults = StatusNodes.defaults().all();
        List<Optional<String>> nodes = new ArrayList<>();
        for (int i = 0; i < STATUS_KEYS.size(); i++) {
            nodes.add(m.get(STATUS_KEYS.get(i), defaults.get(i), PairReader::nodeId));
        }
        Optional<Optional<String>> roleCommand =
                m.get(ROLE_COMMAND_KEY, StatusNodes.defaults().roleCommand(), PairReader::roleCommandNode);
        if (roleCommand.isEmpty()) {
            return Optional.empty();
        }
        return allPresent(nodes)
                .map(n -> new StatusNodes(n.get(0), n.get(1), n.get(2), n.get(3), n.get(4), roleCommand.get()));
    }

    /** The role command node id, or {@code none}: empty. */
    private static Optional<Optional<String>> roleCommandNode(YamlValue value) {
        if (value.isScalar() && NONE.equals(value.text().orElse("").trim())) {
            return Optional.of(Optional.empty());
        }
        return nodeId(value).map(Optional::of);
    }

    static Optional<String> nodeId(YamlValue value) {
        return value.nonBlank("Write the node id, e.g. nsu=urn:plant:plc;s=Status/HEARTBEAT.")
                .filter(text -> {
                    if (!NodeIds.valid(text)) {
                        value.report(YamlValue.quote(text) + " is not a node id. Write it as"
                                + " 'nsu=<namespace URI>;s=<name>', e.g. nsu=urn:plant:plc;s=Status/HEARTBEAT.");
                        return false;
                    }
                    return true;
                });
    }

    /** The values if every one is present, else empty: one invalid part makes the whole invalid. */
    static <T> Optional<List<T>> allPresent(List<Optional<T>> parts) {
        List<T> values = new ArrayList<>();
        for (Optional<T> part : parts) {
            if (part.isEmpty()) {
                return Optional.empty();
            }
            values.add(part.get());
        }
        return Optional.of(values);
    }
}
