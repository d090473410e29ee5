package dev.failover.gateway.mirror;

import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.RuntimeRole;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One mirror cycle of a pair: decide whether the pair may be mirrored now, read the mirrored tags
 * from the active, validate them, read them from the standby, write the differing values in one
 * {@link ControllerLink#writeTags} call (a Modbus link sends one request per block of adjacent
 * registers) and check what the standby holds afterwards.
 *
 * <p>It never writes the active, never a controller that does not report STANDBY, and never while
 * the {@link SwitchGate} is closed. Not thread-safe: the mirror's thread owns it.
 */
final class Replicator {

    /** What one cycle achieved. */
    record Outcome(boolean completed, boolean inSync, String why, String activeId, String standbyId, int copied) {

        static Outcome skipped(String why, String active, String standby) {
            return new Outcome(false, false, why, active, standby, 0);
        }
    }

    private final String primary;
    private final String secondary;
    private final List<TagConfig> tags;
    private final Function<String, ControllerLink> links;
    private final Ticker ticker;
    private final SwitchGate gate;
    private final MirrorEvents events;
    private final List<Consumer<MirrorWrite>> writeListeners;
    private final MirrorValidator validator = new MirrorValidator();
    private final ChangeWatch watch;
    private final Map<String, Rejection> rejected = new LinkedHashMap<>();
    private final Set<String> mismatched = new HashSet<>();

    Replicator(
            String primary,
            String secondary,
            List<TagConfig> mirrored,
            Function<String, ControllerLink> links,
            Ticker ticker,
            SwitchGate gate,
            MirrorEvents events,
            List<Consumer<MirrorWrite>> writeListeners) {
        this.primary = primary;
        this.secondary = secondary;
        this.tags = List.copyOf(mirrored);
        this.links = links;
        this.ticker = ticker;
        this.gate = gate;
        this.events = events;
        this.writeListeners = writeListeners;
        this.watch = new ChangeWatch(this.tags, events);
    }

    /** Where the values the journal explains come from (see {@link ChangeWatch}). */
    void explainWith(Supplier<Map<String, Explained>> source) {
        watch.explainWith(source);
    }

    /** The gateway-only tags held back because the gateway did not write their value, in words. */
    Map<String, String> unauthorised() {
        return watch.held();
    }

    /** The tags whose latest value was rejected, with why. */
    Map<String, Rejection> rejected() {
        return Map.copyOf(rejected);
    }

    /**
     * Runs one cycle on the pair as {@code status} shows it.
     *
     * @param epoch the gate's epoch read before {@code status}: a state change since then stops the write
     */
    Outcome run(PairStatus status, long epoch) {
        String active = status.activeId();
        if (active == null) {
            return Outcome.skipped("pair has no active controller (" + status.state() + ")", "", "");
        }
        String standby = active.equals(primary) ? secondary : primary;
        if (status.state() != PairState.PROTECTED && status.state() != PairState.UNPROTECTED) {
            String why = status.state() == PairState.SWITCHING ? "pair is switching over" : "pair is " + status.state();
            return Outcome.skipped(why, active, standby);
        }
        Optional<String> source =
                MirrorValidator.sourceProblem(status.health().getOrDefault(active, Health.unknown(active)));
        if (source.isPresent()) {
            return Outcome.skipped(source.get(), active, standby);
        }
        Health target = status.health().getOrDefault(standby, Health.unknown(standby));
        if (!target.reachable() || target.role() != RuntimeRole.STANDBY) {
            // Never write a controller that reports ACTIVE, or one whose role is not known now.
            return Outcome.skipped(
                    "standby " + standby + " is not writable (" + target.describe() + ")", active, standby);
        }
        if (!gate.isOpen(epoch)) {
            return Outcome.skipped("pair is changing state", active, standby);
        }
        LinkResult<double[]> fromActive = links.apply(active).readTags(tags);
        if (!(fromActive instanceof LinkResult.Ok<double[]> activeValues)) {
            return Outcome.skipped("reading " + active + " failed: " + failure(fromActive), active, standby);
        }
        double[] read = activeValues.value();
        boolean[] accepted = validate(active, standby, read);
        // What the standby is to hold: the active's values, but the last authorised one of a tag
        // that only the gateway may change and that someone else changed.
        double[] values = watch.review(active, standby, read);
        LinkResult<double[]> fromStandby = links.apply(standby).readTags(tags);
        if (!(fromStandby instanceof LinkResult.Ok<double[]> standbyValues)) {
            return Outcome.skipped("reading " + standby + " failed: " + failure(fromStandby), active, standby);
        }
        double[] held = standbyValues.value();
        List<Integer> differing = new ArrayList<>();
        for (int i = 0; i < tags.size(); i++) {
            if (!accepted[i]) {
                continue;
            }
            if (held[i] == values[i]) {
                matched(standby, tags.get(i));
            } else {
                differing.add(i);
            }
        }
        if (differing.isEmpty()) {
            return done(active, standby, 0);
        }
        return write(active, standby, differing, values, epoch);
    }

    private boolean[] validate(String active, String standby, double[] values) {
        long now = ticker.nanos();
        boolean[] accepted = new boolean[tags.size()];
        for (int i = 0; i < tags.size(); i++) {
            TagConfig tag = tags.get(i);
            Optional<Rejection> problem = validator.check(tag, values[i], now);
            accepted[i] = problem.isEmpty();
            if (problem.isPresent()) {
                if (rejected.put(tag.name(), problem.get()) == null) {
                    events.rejected(active, standby, tag, values[i], problem.get());
                }
            } else {
                Rejection was = rejected.remove(tag.name());
                if (was != null) {
                    events.rejectionCleared(active, tag, values[i], was);
                }
            }
        }
        return accepted;
    }

    private Outcome write(String active, String standby, List<Integer> differing, double[] values, long epoch) {
        List<TagConfig> batch = differing.stream().map(tags::get).toList();
        double[] raw = differing.stream().mapToDouble(i -> values[i]).toArray();
        Optional<LinkResult<double[]>> written = gate.whileOpen(epoch, () -> {
            LinkResult<double[]> result = links.apply(standby).writeTags(batch, raw);
            Map<String, Double> engineering = new LinkedHashMap<>();
            for (int j = 0; j < batch.size(); j++) {
                engineering.put(batch.get(j).name(), batch.get(j).engineering(raw[j]));
            }
            MirrorWrite write = new MirrorWrite(active, standby, engineering, result.isOk());
            writeListeners.forEach(l -> l.accept(write));
            return result;
        });
        if (written.isEmpty()) {
            return Outcome.skipped("pair changed state during the cycle: nothing written", active, standby);
        }
        if (!(written.get() instanceof LinkResult.Ok<double[]> ok)) {
            String names = batch.stream().map(TagConfig::name).collect(Collectors.joining(", "));
            return new Outcome(
                    false,
                    false,
                    "writing " + names + " to " + standby + " failed: " + failure(written.get()),
                    active,
                    standby,
                    0);
        }
        double[] after = ok.value();
        for (int j = 0; j < batch.size(); j++) {
            TagConfig tag = batch.get(j);
            if (after[j] == raw[j]) {
                matched(standby, tag);
            } else if (mismatched.add(tag.name())) {
                events.mismatch(standby, tag, raw[j], after[j]);
            }
        }
        return done(active, standby, batch.size());
    }

    private void matched(String standby, TagConfig tag) {
        if (mismatched.remove(tag.name())) {
            events.mismatchCleared(standby, tag);
        }
    }

    private Outcome done(String active, String standby, int copied) {
        List<String> problems = new ArrayList<>();
        rejected.forEach((tag, why) -> problems.add(tag + " rejected (" + why.rule() + "): " + why.detail()));
        watch.held().forEach((tag, what) -> problems.add(tag + " on " + active + " " + what));
        mismatched.stream().sorted().forEach(tag -> problems.add(standby + " did not take " + tag));
        return new Outcome(true, problems.isEmpty(), String.join("; ", problems), active, standby, copied);
    }

    private static String failure(LinkResult<?> result) {
        return result instanceof LinkResult.Failed<?> f ? f.error() + ": " + f.detail() : "unexpected " + result;
    }
}
