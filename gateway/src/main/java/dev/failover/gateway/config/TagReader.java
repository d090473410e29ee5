package dev.failover.gateway.config;

import dev.failover.gateway.config.TagConfig.ChangedBy;
import dev.failover.gateway.config.TagConfig.TagType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reads a pair's {@code tags:} list and checks that no register belongs to two tags. */
final class TagReader {

    static final List<String> TAG_KEYS = List.of(
            "name",
            "address",
            "node",
            "type",
            "scale",
            "unit",
            "min",
            "max",
            "mirrored",
            "maxRate",
            "writableBy",
            "changedBy");
    static final double DEFAULT_MIN = -1e9;
    static final double DEFAULT_MAX = 1e9;

    private static final Map<String, TagType> TYPES = new LinkedHashMap<>();
    private static final Map<String, ChangedBy> CHANGED_BY = new LinkedHashMap<>();

    static {
        for (TagType type : TagType.values()) {
            TYPES.put(type.name().toLowerCase(Locale.ROOT), type);
        }
        for (ChangedBy who : ChangedBy.values()) {
            CHANGED_BY.put(who.name().toLowerCase(Locale.ROOT), who);
        }
    }

    /** The registers a tag occupies, kept to check overlaps even when another key of the tag is wrong. */
    private record Span(String name, int first, int last, YamlValue addressAt) {
        String registers() {
            return first == last ? "register " + first : "registers " + first + "-" + last;
        }
    }

    private final Map<String, String> names = new HashMap<>();
    private final List<Span> spans = new ArrayList<>();

    /** Which controllers the pair has, so which addresses every tag needs; both false when unknown. */
    private final boolean modbus;

    private final boolean opcUa;

    /** The pair's status block, which no mirrored tag may hold; empty when it could not be read. */
    private final Optional<StatusRegisters> registers;

    private final Optional<StatusNodes> nodes;

    private TagReader(boolean modbus, boolean opcUa, Optional<StatusRegisters> registers, Optional<StatusNodes> nodes) {
        this.modbus = modbus;
        this.opcUa = opcUa;
        this.registers = registers;
        this.nodes = nodes;
    }

    /**
     * The tags of a pair.
     *
     * @param modbus whether a controller of the pair is reached over Modbus: every tag needs an address
     * @param opcUa whether one is reached over OPC UA: every tag needs a node id
     * @param registers the pair's status registers, if they were read: a mirrored tag must not hold one
     * @param nodes the pair's status nodes, if they were read: a mirrored tag must not be one
     */
    static Optional<List<TagConfig>> tags(
            YamlValue value,
            boolean modbus,
            boolean opcUa,
            Optional<StatusRegisters> registers,
            Optional<StatusNodes> nodes) {
        Optional<List<YamlValue>> items = value.list();
        if (items.isEmpty()) {
            return Optional.empty();
        }
        TagReader reader = new TagReader(modbus, opcUa, registers, nodes);
        List<Optional<TagConfig>> tags = items.get().stream().map(reader::tag).toList();
        boolean overlaps = reader.reportOverlaps();
        Optional<List<TagConfig>> all = PairReader.allPresent(tags);
        return overlaps ? Optional.empty() : all;
    }

    private Optional<TagConfig> tag(YamlValue item) {
        Optional<YamlMap> map = item.map(TAG_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Optional<String> name = m.require(
                "name",
                "Add 'name: level', unique within the pair.",
                v -> v.nonBlank("Write the tag's name.").filter(n -> unique(n, v)));
        Optional<YamlValue> addressAt = m.optional("address");
        Optional<Integer> address = modbus
                ? m.require(
                        "address",
                        "Add 'address:' with the tag's first holding register: a controller of this pair is"
                                + " reached over Modbus.",
                        v -> v.integer(IntRange.ADDRESS))
                : m.get("address", TagConfig.NO_ADDRESS, v -> v.integer(IntRange.ADDRESS));
        Optional<YamlValue> nodeAt = m.optional("node");
        Optional<String> node = opcUa || nodeAt.isPresent()
                ? m.require(
                        "node",
                        "Add 'node:' with the tag's OPC UA node id, e.g. 'nsu=urn:plant:plc;s=Setpoints/LEVEL_SP':"
                                + " a controller of this pair is reached over OPC UA.",
                        TagReader::node)
                : Optional.empty();
        boolean nodeValid = node.isPresent() || !opcUa && nodeAt.isEmpty();
        Optional<TagType> type = m.get("type", TagType.UINT16, v -> v.choice("a tag type", TYPES));
        Optional<Double> scale = m.get(
                "scale",
                1.0,
                v -> v.number().filter(s -> {
                    if (s == 0) {
                        v.report(
                                "0 is not allowed: every value would read as 0. Write a non-zero number, e.g. 1 or 0.01.");
                        return false;
                    }
                    return true;
                }));
        Optional<String> unit = m.get("unit", "", YamlValue::text);
        Optional<Double> min = m.get("min", DEFAULT_MIN, YamlValue::number);
        Optional<Double> max = m.get("max", DEFAULT_MAX, YamlValue::number);
        Optional<Boolean> mirrored = m.get("mirrored", false, YamlValue::bool);
        Optional<Double> maxRate = m.get("maxRate", TagConfig.NO_RATE_LIMIT, TagReader::rate);
        Optional<List<String>> writableBy = m.get("writableBy", List.of(), TagReader::roles);
        Optional<YamlValue> changedByAt = m.optional("changedBy");
        Optional<ChangedBy> changedBy = changedByAt.isPresent()
                ? changedByAt.get().choice("who may change the value", CHANGED_BY)
                : writableBy.map(ChangedBy::defaultFor);

        boolean valid = true;
        if (mirrored.isPresent() && name.isPresent()) {
            valid = mirrorable(m, name.get(), mirrored.get(), address, type, node);
            if (!mirrored.get() && changedByAt.isPresent()) {
                changedByAt
                        .get()
                        .report("'" + name.get() + "' is not mirrored, and who changed a value is checked only on"
                                + " mirrored values. Add 'mirrored: true', or remove changedBy.");
                valid = false;
            }
        }
        if (address.isPresent() && address.get() != TagConfig.NO_ADDRESS && type.isPresent()) {
            int last = address.get() + type.get().registers() - 1;
            if (last > IntRange.ADDRESS.max()) {
                addressAt
                        .orElseThrow()
                        .report(address.get() + " is too high for a " + word(type.get())
                                + " tag, which takes " + type.get().registers() + " registers. Write an address of "
                                + (IntRange.ADDRESS.max() - type.get().registers() + 1) + " or less.");
                valid = false;
            } else if (name.isPresent()) {
                spans.add(new Span(name.get(), address.get(), last, addressAt.orElseThrow()));
            }
        }
        if (min.isPresent() && max.isPresent() && min.get() > max.get()) {
            Optional<YamlValue> minAt = m.optional("min");
            String message = minAt.isPresent()
                    ? YamlValue.format(min.get()) + " is above max (" + describe(max.get(), m.optional("max")) + ")."
                    : YamlValue.format(max.get()) + " is below min (" + describe(min.get(), minAt) + ").";
            minAt.or(() -> m.optional("max")).orElseThrow().report(message + " Make min less than or equal to max.");
            valid = false;
        }
        if (!valid
                || name.isEmpty()
                || address.isEmpty()
                || !nodeValid
                // Neither is required only when the pair's controllers could not be read: the pair is
                // reported there.
                || address.get() == TagConfig.NO_ADDRESS && node.isEmpty()
                || type.isEmpty()
                || scale.isEmpty()
                || unit.isEmpty()
                || min.isEmpty()
                || max.isEmpty()
                || mirrored.isEmpty()
                || maxRate.isEmpty()
                || writableBy.isEmpty()
                || changedBy.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TagConfig(
                name.get(),
                address.get(),
                type.get(),
                scale.get(),
                unit.get(),
                min.get(),
                max.get(),
                mirrored.get(),
                writableBy.get(),
                node.orElse(null),
                maxRate.get(),
                changedBy.get()));
    }

    private static Optional<Double> rate(YamlValue value) {
        return value.number().filter(rate -> {
            if (rate <= 0) {
                value.report(YamlValue.format(rate) + " is not a positive rate: every change would be rejected."
                        + " Write the largest change per second the value may make, in the tag's unit, e.g. 2.");
                return false;
            }
            return true;
        });
    }

    /**
     * A rate is checked only on mirrored tags, and the mirror writes every mirrored tag on the
     * standby, so a mirrored tag must not be part of the status block: mirroring the active's role
     * register would promote the standby. Reports on the key that was written.
     */
    private boolean mirrorable(
            YamlMap m,
            String name,
            boolean mirrored,
            Optional<Integer> address,
            Optional<TagType> type,
            Optional<String> node) {
        if (!mirrored) {
            Optional<YamlValue> maxRateAt = m.optional("maxRate");
            if (maxRateAt.isPresent()) {
                maxRateAt
                        .get()
                        .report("'" + name + "' is not mirrored, and a rate is checked only on mirrored values."
                                + " Add 'mirrored: true', or remove maxRate.");
                return false;
            }
            return true;
        }
        YamlValue mirroredAt = m.optional("mirrored").orElseThrow();
        if (modbus && registers.isPresent() && address.isPresent() && type.isPresent()) {
            List<String> held = PairConfig.statusRegistersOf(registers.get(), address.get(), type.get());
            if (!held.isEmpty()) {
                int first = address.get();
                int last = first + type.get().registers() - 1;
                String span = first == last ? "register " + first : "registers " + first + "-" + last;
                mirroredAt.report("tag '" + name + "' (" + span + ") holds the status "
                        + (held.size() == 1 ? "register " : "registers ") + String.join(" and ", held)
                        + ", which the mirror would write on the standby. Write 'mirrored: false', or move"
                        + " the tag off the status block.");
                return false;
            }
        }
        if (opcUa && nodes.isPresent() && node.isPresent() && nodes.get().all().contains(node.get())) {
            mirroredAt.report("tag '" + name + "' is the status node " + node.get()
                    + ", which the mirror would write on the standby. Write 'mirrored: false', or give the tag"
                    + " another node.");
            return false;
        }
        return true;
    }

    private static Optional<String> node(YamlValue value) {
        return value.nonBlank("Write the node id, e.g. nsu=urn:plant:plc;s=Setpoints/LEVEL_SP.")
                .filter(text -> {
                    if (!NodeIds.valid(text)) {
                        value.report(YamlValue.quote(text) + " is not a node id. Write it as"
                                + " 'nsu=<namespace URI>;s=<name>' (or ns=<index>; with i=, s=, g= or b=), e.g."
                                + " nsu=urn:plant:plc;s=Setpoints/LEVEL_SP.");
                        return false;
                    }
                    return true;
                });
    }

    private boolean unique(String name, YamlValue at) {
        String first = names.putIfAbsent(name, at.path());
        if (first != null) {
            at.report("'" + name + "' is already the name of " + first.substring(0, first.lastIndexOf('.'))
                    + ". Give each tag of a pair its own name.");
            return false;
        }
        return true;
    }

    /** Reports each tag that overlaps an earlier one, once; true if any did. */
    private boolean reportOverlaps() {
        boolean any = false;
        for (int j = 1; j < spans.size(); j++) {
            Span later = spans.get(j);
            for (int i = 0; i < j; i++) {
                Span earlier = spans.get(i);
                if (later.first() <= earlier.last() && earlier.first() <= later.last()) {
                    later.addressAt()
                            .report("tag '" + later.name() + "' (" + later.registers() + ") overlaps tag '"
                                    + earlier.name() + "' (" + earlier.registers()
                                    + "). Move one of them so that no register belongs to two tags.");
                    any = true;
                    break;
                }
            }
        }
        return any;
    }

    /** A list of operator roles, as in {@code writableBy}; also read for the command policy's roles. */
    static Optional<List<String>> roles(YamlValue value) {
        Optional<List<YamlValue>> items = value.list();
        if (items.isEmpty()) {
            return Optional.empty();
        }
        List<Optional<String>> roles = items.get().stream()
                .map(v -> v.nonBlank("Write an operator role, e.g. operator."))
                .toList();
        return PairReader.allPresent(roles);
    }

    private static String describe(double value, Optional<YamlValue> written) {
        return YamlValue.format(value) + (written.isPresent() ? "" : ", the default");
    }

    private static String word(TagType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
