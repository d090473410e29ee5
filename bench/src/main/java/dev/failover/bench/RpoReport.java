package dev.failover.bench;

import dev.failover.gateway.config.FailoverPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The RPO benchmark's results, collected as the parts finish, and their printout. Not thread-safe. */
final class RpoReport {

    /** Part (b) in bins of this many mirror periods of delay. */
    private static final double BIN = 0.25;

    /** The mirror's own bound, as MirrorIT checks it: a change reaches the standby within two periods. */
    private static final double LAG_BOUND_PERIODS = 2;

    private final RpoBenchmark.Settings settings;
    private final FailoverPolicy policy;
    private final long seed;
    private Duration period = Duration.ZERO;
    private ReplicationLag.Result lag;
    private TakeoverLoss.Result loss;
    private final Map<Path, Stats> journalCost = new LinkedHashMap<>();
    private final Map<String, Optional<CommandBenchmark.Figures>> commands = new LinkedHashMap<>();
    private final List<String> commandPrintouts = new ArrayList<>();

    RpoReport(RpoBenchmark.Settings settings, FailoverPolicy policy, long seed) {
        this.settings = settings;
        this.policy = policy;
        this.seed = seed;
    }

    void period(Duration mirrorPeriod) {
        this.period = mirrorPeriod;
    }

    void lag(ReplicationLag.Result result) {
        this.lag = result;
    }

    void loss(TakeoverLoss.Result result) {
        this.loss = result;
    }

    void journalCost(Path dir, Stats perCommand) {
        journalCost.put(dir, perCommand);
    }

    void commands(String label, Optional<CommandBenchmark.Figures> figures) {
        commands.put(label, figures);
    }

    void commandPrintout(String printed) {
        commandPrintouts.add(printed);
    }

    private double periodMillis() {
        return period.toNanos() / 1e6;
    }

    /** Lag within the mirror's bound, and a change lost exactly when the mirror never confirmed it on the standby. */
    boolean checksHold() {
        return lagHolds() && inconsistentTrials() == 0;
    }

    private boolean lagHolds() {
        return lag.lag().count() > 0 && lag.lag().max() <= LAG_BOUND_PERIODS * periodMillis() && lag.missed() == 0;
    }

    private long inconsistentTrials() {
        return loss.trials().stream().filter(t -> t.lost() == t.copied()).count();
    }

    String render(String machine) {
        StringBuilder b = new StringBuilder();
        line(
                b,
                "RPO benchmark: in-process plc-sim pair over Modbus/TCP Security, fences on; poll %d ms, mirror period"
                        + " %d ms (the default for it), hold-down %d ms",
                policy.pollPeriod().toMillis(),
                period.toMillis(),
                policy.holdDown().toMillis());
        line(b, "  machine        %s", machine);
        line(b, "  random seed    %d (delays and phases)", seed);
        renderLag(b);
        renderLoss(b);
        renderCommands(b);
        line(
                b,
                "%ncheck lag       max <= %.0f mirror periods, none missed: %s",
                LAG_BOUND_PERIODS,
                lagHolds() ? "MET" : "MISSED");
        line(
                b,
                "check loss      lost exactly when the mirror never confirmed the change on the standby: %s",
                inconsistentTrials() == 0 ? "MET" : "MISSED (" + inconsistentTrials() + " trial(s))");
        return b.toString();
    }

    private void renderLag(StringBuilder b) {
        Stats l = lag.lag();
        double p = periodMillis();
        line(
                b,
                "%n(a) replication lag: %d setpoint changes written on the active directly (after %d uncounted), at a"
                        + " random phase of the mirror period; timed from the start of the write to the mirror's"
                        + " confirmed write of the value to the standby",
                l.count(),
                RpoBenchmark.WARMUP);
        line(
                b,
                "  lag            n %5d  median %7.2f  p90 %7.2f  p99 %7.2f  max %7.2f ms",
                l.count(),
                l.quantile(0.5),
                l.quantile(0.9),
                l.quantile(0.99),
                l.max());
        line(
                b,
                "                 = median %.2f  p90 %.2f  p99 %.2f  max %.2f mirror periods",
                l.quantile(0.5) / p,
                l.quantile(0.9) / p,
                l.quantile(0.99) / p,
                l.max() / p);
        line(
                b,
                "  direct write   median %.2f  p99 %.2f ms (included above)",
                lag.write().quantile(0.5),
                lag.write().quantile(0.99));
        line(
                b,
                "  not counted    %d missed, %d during a switchover; standby read back differently after the copy: %d",
                lag.missed(),
                lag.disturbed(),
                lag.standbyDiffers());
        StatusSampler.Summary s = lag.status();
        line(
                b,
                "  MirrorStatus   %d readings (~1 ms apart) over %d cycles: standby reported behind in %d (%.2f %%),"
                        + " largest lagMillis %d ms",
                s.samples(),
                s.cycles(),
                s.behind(),
                s.samples() == 0 ? 0 : 100.0 * s.behind() / s.samples(),
                s.maxLagMillis());
        line(
                b,
                "                 lastCycleAgeMillis median %.0f  p99 %.0f  max %.0f ms",
                s.cycleAge().quantile(0.5),
                s.cycleAge().quantile(0.99),
                s.cycleAge().max());
    }

    private void renderLoss(StringBuilder b) {
        List<TakeoverLoss.Trial> trials = loss.trials();
        line(
                b,
                "%n(b) loss at takeover: %d trials (after %d uncounted): setpoint written on the active directly, the"
                        + " active crashed a random 0-2 mirror periods after it confirmed the write; lost = the new"
                        + " active lacks the new value",
                trials.size(),
                RpoBenchmark.WARMUP_TRIALS);
        Stats crash = new Stats();
        trials.forEach(t -> crash.add(t.crashPeriods() * periodMillis()));
        line(
                b,
                "  the crash (ports closed, connections reset) took median %.1f  p90 %.1f  max %.1f ms; the active"
                        + " answers on open connections until then",
                crash.quantile(0.5),
                crash.quantile(0.9),
                crash.max());
        line(
                b,
                "  delay (periods)     n   lost   lost %%   model %%   (model: max(0, 1 - delay), averaged over the bin)");
        int bins = (int) Math.ceil(2 / BIN);
        for (int i = 0; i < bins; i++) {
            double from = i * BIN;
            double to = from + BIN;
            List<TakeoverLoss.Trial> in = trials.stream()
                    .filter(t -> t.delayPeriods() >= from && (t.delayPeriods() < to || to >= 2))
                    .toList();
            lossRow(b, String.format(Locale.ROOT, "%.2f - %.2f", from, to), in);
        }
        lossRow(b, "all", trials);
        double longest = trials.stream()
                .filter(TakeoverLoss.Trial::lost)
                .mapToDouble(TakeoverLoss.Trial::delayPeriods)
                .max()
                .orElse(Double.NaN);
        double shortestKept = trials.stream()
                .filter(t -> !t.lost())
                .mapToDouble(TakeoverLoss.Trial::delayPeriods)
                .min()
                .orElse(Double.NaN);
        line(
                b,
                "  longest delay with a loss %.3f periods (%.1f ms); shortest delay kept %.3f periods (%.1f ms);"
                        + " %d failed trial(s)",
                longest,
                longest * periodMillis(),
                shortestKept,
                shortestKept * periodMillis(),
                loss.failed());
        line(
                b,
                "  kept by a mirror cycle that read the active before the crash and wrote the standby after it: %d",
                trials.stream().filter(TakeoverLoss.Trial::copiedAfterCrash).count());
    }

    private static void lossRow(StringBuilder b, String label, List<TakeoverLoss.Trial> in) {
        long lost = in.stream().filter(TakeoverLoss.Trial::lost).count();
        double model = in.stream()
                .mapToDouble(t -> Math.max(0, 1 - t.delayPeriods()))
                .average()
                .orElse(Double.NaN);
        line(
                b,
                "  %-15s %6d %6d %8.1f %8.1f",
                label,
                in.size(),
                lost,
                in.isEmpty() ? Double.NaN : 100.0 * lost / in.size(),
                100 * model);
    }

    private void renderCommands(StringBuilder b) {
        if (commands.isEmpty()) {
            line(b, "%n(c) signed commands: skipped (--commands 0)");
            return;
        }
        line(
                b,
                "%n(c) signed commands: the command benchmark (%d commands, %d threads) with the journal synced to"
                        + " disk, and with the journal on a tmpfs (a link from the state directory; the replay store"
                        + " stays on disk)",
                settings.commands(),
                settings.threads());
        journalCost.forEach((dir, cost) -> line(
                b,
                "  journal alone  in %-10s %d commands x 4 synced appends: median %.3f  p99 %.3f  max %.3f ms per"
                        + " command, one thread",
                dir,
                cost.count(),
                cost.quantile(0.5),
                cost.quantile(0.99),
                cost.max()));
        for (String printed : commandPrintouts) {
            printed.lines().forEach(l -> line(b, "  | %s", l));
        }
        commands.forEach((label, figures) -> line(
                b,
                "  %-16s %s",
                label,
                figures.map(f -> String.format(
                                Locale.ROOT,
                                "%5.0f commands/s  p50 %.2f  p99 %.2f  max %.2f ms%s",
                                f.perSecond(),
                                f.p50(),
                                f.p99(),
                                f.max(),
                                f.journalOnDisk() && !label.endsWith("disk") ? "  (NOT VALID: journal moved)" : ""))
                        .orElse("did not complete")));
    }

    private static void line(StringBuilder b, String format, Object... args) {
        b.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
    }
}
