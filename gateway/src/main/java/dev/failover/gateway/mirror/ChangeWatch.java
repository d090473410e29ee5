package dev.failover.gateway.mirror;

import dev.failover.gateway.config.TagConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Replication never spreads a change nobody authorised (issue 13, part B). For each mirrored tag
 * that only the gateway may change ({@link TagConfig#gatewayOnly()}), the value on the active must
 * be one the command journal explains ({@link Explained}: the latest acknowledged write or one in
 * progress) or the last authorised value. Any other value was written past the gateway (a client
 * with a stolen certificate, an engineering tool, a local HMI): it is held back from the standby,
 * which keeps the last authorised value, so that a failover never lands on it without a decision;
 * and once it is seen on two cycles in a row ({@value #CONFIRM_CYCLES}: a write in progress between
 * the read of the active and of the journal is not mistaken for one) {@code UNAUTHORISED_CHANGE} is
 * raised with both values. It clears when the active holds an authorised value again: a signed write
 * of the tag accepts the new value or reverts it.
 *
 * <p>The authorised value of a tag is the journal's latest acknowledged write; for a tag never
 * written through the gateway, the value the mirror first saw on the active in this run (a change
 * made while the gateway was not running is not seen).
 *
 * <p>Not thread-safe: the mirror's thread owns it.
 */
final class ChangeWatch {

    /** Cycles in a row an unexplained value must be seen before it is raised. */
    static final int CONFIRM_CYCLES = 2;

    /** MITRE ATT&CK for ICS: Modify Parameter. */
    static final String TECHNIQUE = "T0836";

    private record Held(double found, int cycles, boolean raised) {}

    private final List<TagConfig> tags;
    private final MirrorEvents events;
    private volatile Supplier<Map<String, Explained>> journal = Map::of;
    private final Map<String, Double> authorised = new LinkedHashMap<>();
    private final Map<String, Held> held = new LinkedHashMap<>();

    ChangeWatch(List<TagConfig> mirrored, MirrorEvents events) {
        this.tags = List.copyOf(mirrored);
        this.events = events;
    }

    /** Where the explained values come from: the command journal, by tag name. */
    void explainWith(Supplier<Map<String, Explained>> source) {
        this.journal = source;
    }

    /**
     * The values the standby is to hold, for the values just read from the active: the active's
     * value, except for a gateway-only tag whose value nobody authorised, where it is the last
     * authorised one. Raises and clears the alarms. Call after reading the active: a write in
     * progress is journaled before it reaches the active.
     */
    double[] review(String active, String standby, double[] values) {
        double[] target = values.clone();
        Map<String, Explained> explained = null;
        for (int i = 0; i < tags.size(); i++) {
            TagConfig tag = tags.get(i);
            if (!tag.gatewayOnly()) {
                continue;
            }
            if (explained == null) {
                explained = journal.get();
            }
            target[i] = review(tag, values[i], explained.getOrDefault(tag.name(), Explained.NONE), active, standby);
        }
        return target;
    }

    private double review(TagConfig tag, double value, Explained explained, String active, String standby) {
        if (explained.acknowledged() != null) {
            authorised.put(tag.name(), explained.acknowledged());
        }
        Double last = authorised.get(tag.name());
        if (last == null) {
            authorised.put(tag.name(), value);
            return value;
        }
        if (explained.pending().contains(value) || value == last) {
            Held was = held.remove(tag.name());
            if (was != null && was.raised()) {
                events.unauthorisedCleared(
                        active,
                        tag,
                        value,
                        explained.pending().contains(value)
                                ? "a signed write of the tag is in progress"
                                : "the active holds the authorised value again");
            }
            return value;
        }
        Held was = held.get(tag.name());
        int cycles = was == null ? 1 : was.cycles() + 1;
        boolean raise = cycles >= CONFIRM_CYCLES && (was == null || !was.raised());
        if (raise) {
            events.unauthorisedChange(active, standby, tag, last, value);
        }
        held.put(tag.name(), new Held(value, cycles, raise || (was != null && was.raised())));
        return last;
    }

    /** The gateway-only tags held back now, with the authorised and the found value, in words. */
    Map<String, String> held() {
        Map<String, String> out = new LinkedHashMap<>();
        for (TagConfig tag : tags) {
            Held h = held.get(tag.name());
            if (h != null && h.raised()) {
                out.put(
                        tag.name(),
                        "holds " + MirrorValidator.format(tag.engineering(h.found())) + unit(tag)
                                + ", not written by the gateway; the standby keeps "
                                + MirrorValidator.format(tag.engineering(authorised.get(tag.name()))) + unit(tag));
            }
        }
        return out;
    }

    /** Whether {@code tag} is held back now (raised or not yet). */
    boolean holds(String tag) {
        return held.containsKey(tag);
    }

    private static String unit(TagConfig tag) {
        return tag.unit().isEmpty() ? "" : " " + tag.unit();
    }
}
