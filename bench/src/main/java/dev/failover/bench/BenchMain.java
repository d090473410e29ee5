package dev.failover.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code bench} command line: the failover demo and the benchmarks on the simulated pair
 * (docs/bench.md, docs/benchmarks.md). Not shipped with the gateway. Exit codes: 0 every check
 * passed, 1 a check failed, 2 usage error, 3 the bench could not run.
 */
@Command(
        name = "bench",
        // Help, version and the exit codes hold for every subcommand too.
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        version = "bench 0.1.0",
        description = "The failover demo and the benchmarks on a simulated PLC pair over loopback.",
        subcommands = {
            BenchMain.Demo.class,
            BenchMain.Failover.class,
            BenchMain.Commands.class,
            BenchMain.Scada.class,
            BenchMain.Rpo.class,
            BenchMain.Scale.class,
            BenchMain.Posture.class,
            BenchMain.Audit.class,
            BenchMain.Mqtt.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every check passed", "1:a check failed", "2:usage error", "3:the bench could not run"})
public final class BenchMain implements Callable<Integer> {

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

    public static void main(String[] args) {
        if (args.length > 0
                && Set.of("demo", "failover", "scale").contains(args[0])
                && System.getProperty("logback.configurationFile") == null) {
            // The bench prints progress on stdout; its log goes to bench-data/gateway.log instead.
            System.setProperty("logback.configurationFile", "logback-bench.xml");
            if (args[0].equals("scale") && System.getProperty("gateway.log.file") == null) {
                // The controllers' log; the gateway under measurement is a process with a log of its own.
                System.setProperty("gateway.log.file", "bench-data/scale-benchmark.log");
            }
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line, for tests: usage errors exit 2. */
    static CommandLine commandLine() {
        return new CommandLine(new BenchMain())
                .registerConverter(Duration.class, BenchMain::duration)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler((e, args) -> {
                    e.getCommandLine().getErr().println("error: " + e.getMessage());
                    e.getCommandLine().usage(e.getCommandLine().getErr());
                    return 2;
                });
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 2;
    }

    /** {@code 0}, or a whole number with a unit: ms, s, m or h ({@code 500ms}, {@code 30s}, {@code 10m}). */
    static Duration duration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException(
                    "a duration is a whole number with a unit, ms, s, m or h (30s, 10m), or 0; got '" + text + "'");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    static int within(CommandLine.Model.CommandSpec spec, String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), option + " must be between " + min + " and " + max + ", got " + value);
        }
        return (int) value;
    }

    static Duration within(
            CommandLine.Model.CommandSpec spec, String option, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), option + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    @Command(name = "demo", description = "The failover demo on two simulated PLCs (docs/bench.md).")
    static final class Demo implements Callable<Integer> {
        @Option(names = "--keep-running", description = "keep the bench up after the demo, for manual faults")
        boolean keepRunning;

        @Override
        public Integer call() {
            return new BenchDemo(System.out).run(keepRunning);
        }
    }

    @Command(
            name = "failover",
            description =
                    "The failover benchmark (docs/benchmarks.md): RTO per fault type unloaded and under full"
                            + " CPU load, a soak of a healthy pair with the gateway paused and polls lost, a 5 ms poll profile.")
    static final class Failover implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--sections",
                split = ",",
                paramLabel = "SECTION",
                description = "sections to run: ${COMPLETION-CANDIDATES} (default: all)")
        List<FailoverBenchmark.Section> sections = List.of(FailoverBenchmark.Section.values());

        @Option(
                names = "--faults",
                paramLabel = "N",
                description = "faults per type (1-10000, default ${DEFAULT-VALUE})")
        int faults = 50;

        @Option(
                names = "--jitter",
                paramLabel = "N",
                description = "jitter rounds (0-100000, default ${DEFAULT-VALUE})")
        int jitter = 100;

        @Option(names = "--soak", paramLabel = "DURATION", description = "soak duration, 0 skips (default 10m)")
        Duration soak = Duration.ofMinutes(10);

        @Option(
                names = "--fast-soak",
                paramLabel = "DURATION",
                description = "soak of the 5 ms profile, 0 skips (default 2m)")
        Duration fastSoak = Duration.ofMinutes(2);

        @Option(names = "--tls", description = "controllers over Modbus/TCP Security")
        boolean tls;

        @Option(names = "--out", paramLabel = "FILE", description = "also write the results as JSON to FILE")
        String out;

        @Override
        public Integer call() {
            return new FailoverBenchmark(System.out)
                    .run(new FailoverBenchmark.Settings(
                            Set.copyOf(sections),
                            within(spec, "--faults", faults, 1, 10_000),
                            within(spec, "--jitter", jitter, 0, 100_000),
                            tls,
                            within(spec, "--soak", soak, Duration.ZERO, Duration.ofHours(24)),
                            within(spec, "--fast-soak", fastSoak, Duration.ZERO, Duration.ofHours(24)),
                            out));
        }
    }

    @Command(name = "commands", description = "Signed commands per second and their latency (docs/benchmarks.md).")
    static final class Commands implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--commands",
                paramLabel = "N",
                description = "commands to submit (100-10000000, default ${DEFAULT-VALUE})")
        int commands = 20_000;

        @Option(
                names = "--threads",
                paramLabel = "N",
                description = "submitting threads (1-64, default ${DEFAULT-VALUE})")
        int threads = 2;

        @Option(names = "--out", paramLabel = "FILE", description = "also write the results as JSON to FILE")
        String out;

        @Override
        public Integer call() {
            return new CommandBenchmark(System.out)
                    .run(
                            within(spec, "--commands", commands, 100, 10_000_000),
                            within(spec, "--threads", threads, 1, 64),
                            out);
        }
    }

    @Command(
            name = "posture",
            description = "What the security posture checks cost, and the RTO with them running (docs/benchmarks.md).")
    static final class Posture implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--probes",
                paramLabel = "N",
                description = "probes of the pair (1-1000, default ${DEFAULT-VALUE})")
        int probes = 20;

        @Option(
                names = "--failovers",
                paramLabel = "N",
                description = "failovers without and with probes running (1-200, default ${DEFAULT-VALUE})")
        int failovers = 10;

        @Override
        public Integer call() {
            return new PostureBenchmark(System.out)
                    .run(within(spec, "--probes", probes, 1, 1000), within(spec, "--failovers", failovers, 1, 200));
        }
    }

    @Command(name = "audit", description = "The audit log's append and verify rates (docs/benchmarks.md).")
    static final class Audit implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--records", paramLabel = "N", description = "records (1-5000000, default ${DEFAULT-VALUE})")
        int records = 1_000_000;

        @Override
        public Integer call() {
            return new AuditBenchmark(System.out).run(within(spec, "--records", records, 1, 5_000_000));
        }
    }

    @Command(
            name = "mqtt",
            description = "Incident response over MQTT: delay to a subscriber, events/s, draining a backlog"
                    + " (docs/benchmarks.md).")
    static final class Mqtt implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--switchovers",
                paramLabel = "N",
                description = "planned switchovers timed (1-1000, default ${DEFAULT-VALUE})")
        int switchovers = 40;

        @Option(
                names = "--events",
                paramLabel = "N",
                description = "events for the sustained rate (1-5000000, default ${DEFAULT-VALUE})")
        int events = 50_000;

        @Option(
                names = "--backlog",
                paramLabel = "N",
                description = "events held back by an outage (1-5000000, default ${DEFAULT-VALUE})")
        int backlog = 100_000;

        @Override
        public Integer call() {
            return new MqttBenchmark(System.out)
                    .run(
                            within(spec, "--switchovers", switchovers, 1, 1000),
                            within(spec, "--events", events, 1, 5_000_000),
                            within(spec, "--backlog", backlog, 1, 5_000_000));
        }
    }

    @Command(
            name = "scada",
            description = "OPC UA read latency and notification delay of the gateway's server (docs/benchmarks.md).")
    static final class Scada implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--reads", paramLabel = "N", description = "reads (1-10000000, default ${DEFAULT-VALUE})")
        int reads = 5000;

        @Option(
                names = "--changes",
                paramLabel = "N",
                description = "value changes (1-100000, default ${DEFAULT-VALUE})")
        int changes = 200;

        @Override
        public Integer call() {
            return new ScadaBenchmark(System.out)
                    .run(within(spec, "--reads", reads, 1, 10_000_000), within(spec, "--changes", changes, 1, 100_000));
        }
    }

    @Command(
            name = "rpo",
            description = "Mirror lag, loss at takeover, and commands per second with and without the journal's disk"
                    + " syncs (docs/benchmarks.md).")
    static final class Rpo implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--changes",
                paramLabel = "N",
                description = "mirrored changes (1-100000, default ${DEFAULT-VALUE})")
        int changes = 200;

        @Option(
                names = "--trials",
                paramLabel = "N",
                description = "takeover trials (1-100000, default ${DEFAULT-VALUE})")
        int trials = 200;

        @Option(
                names = "--commands",
                paramLabel = "N",
                description = "commands per run, 0 skips (0-10000000, default ${DEFAULT-VALUE})")
        int commands = 20_000;

        @Option(
                names = "--threads",
                paramLabel = "N",
                description = "submitting threads (1-64, default ${DEFAULT-VALUE})")
        int threads = 2;

        @Option(names = "--out", paramLabel = "FILE", description = "also write the results as JSON to FILE")
        String out;

        @Override
        public Integer call() {
            return new RpoBenchmark(System.out)
                    .run(
                            new RpoBenchmark.Settings(
                                    within(spec, "--changes", changes, 1, 100_000),
                                    within(spec, "--trials", trials, 1, 100_000),
                                    within(spec, "--commands", commands, 0, 10_000_000),
                                    within(spec, "--threads", threads, 1, 64)),
                            out);
        }
    }

    @Command(
            name = "scale",
            description =
                    "One gateway process supervising N pairs: CPU, RSS, threads, allocation rate, RTO of N"
                            + " crashes, false failovers (docs/benchmarks.md); GATEWAY_JAVA_OPTS sets the gateway's JVM options.")
    static final class Scale implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--pairs", split = ",", paramLabel = "N", description = "pair counts (1-500, default 1,10,50)")
        List<Integer> pairs = List.of(1, 10, 50);

        @Option(
                names = "--duration",
                paramLabel = "DURATION",
                description = "measured time per count (1s-1h, default 30s)")
        Duration duration = Duration.ofSeconds(30);

        @Option(names = "--warmup", paramLabel = "DURATION", description = "warm-up per count (0-1h, default 120s)")
        Duration warmup = Duration.ofSeconds(120);

        @Option(
                names = "--crashes",
                paramLabel = "N",
                description = "crashes per count (0-500, default ${DEFAULT-VALUE})")
        int crashes = 10;

        @Option(names = "--out", paramLabel = "FILE", description = "also write the results as JSON to FILE")
        String out;

        @Override
        public Integer call() {
            for (int n : pairs) {
                within(spec, "--pairs", n, 1, 500);
            }
            return new ScaleBenchmark(System.out)
                    .run(
                            new ScaleBenchmark.Settings(
                                    List.copyOf(pairs),
                                    within(spec, "--duration", duration, Duration.ofSeconds(1), Duration.ofHours(1)),
                                    within(spec, "--warmup", warmup, Duration.ZERO, Duration.ofHours(1)),
                                    within(spec, "--crashes", crashes, 0, 500)),
                            out);
        }
    }
}
