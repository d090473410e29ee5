package dev.failover.bench;

import dev.failover.testkit.BusyLoops;
import dev.failover.testkit.SimPair;
import dev.failover.testkit.SimProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The printout of a {@link SoakSection} run: settings, what was done to the pair, figures, verdict. */
final class SoakReport {

    /**
     * What a soak did and saw.
     *
     * @param gatewayCommand the child gateway's JVM options and jar (or class path)
     * @param busyLoops busy loops running throughout
     * @param sigstops pauses of the gateway made
     * @param stoppedMillis time the gateway was stopped, in all
     * @param lostPolls {@code lose 1} injections the controllers accepted
     * @param lossesRefused {@code lose 1} injections a controller did not answer
     * @param roleChangesA plc-a's role changes from before the gateway started to the end of the soak
     * @param roleChangesB the same for plc-b
     * @param switchoverEvents the types of the event log's {@code SWITCHOVER_*} events over the same time
     * @param startupRoleChangesA plc-a's role changes while the gateway started (under load), until the
     *     pair was first protected and armed; included in {@code roleChangesA}
     * @param startupRoleChangesB the same for plc-b
     * @param startupSwitchoverEvents {@code SWITCHOVER_*} events in that time; included in {@code switchoverEvents}
     * @param protectedAtEnd the pair was PROTECTED, both controllers healthy, detection armed, at the end
     * @param endState the pair's state at the end, and its active
     * @param detectorPauses the gateway's pause detector: pauses since it started
     * @param pauseP99Ms its p99 lateness
     * @param pauseMaxMs its worst lateness
     * @param crashed the controller whose process was killed at the end, the active
     * @param crashRtoMs from the kill to the other controller reporting that it drives; empty if it did not
     * @param twoDrivers plant readings with two controllers feeding the tank
     * @param twoActive instants proven to have two controllers reporting ACTIVE
     * @param plantReadings the observer's plant readings
     * @param violations the first of those, with their times
     * @param dir the work folder
     */
    record Figures(
            String gatewayCommand,
            int busyLoops,
            int sigstops,
            long stoppedMillis,
            int lostPolls,
            int lossesRefused,
            long roleChangesA,
            long roleChangesB,
            List<String> switchoverEvents,
            long startupRoleChangesA,
            long startupRoleChangesB,
            int startupSwitchoverEvents,
            boolean protectedAtEnd,
            String endState,
            long detectorPauses,
            double pauseP99Ms,
            double pauseMaxMs,
            String crashed,
            OptionalDouble crashRtoMs,
            long twoDrivers,
            long twoActive,
            long plantReadings,
            List<String> violations,
            Path dir) {

        Figures {
            switchoverEvents = List.copyOf(switchoverEvents);
            violations = List.copyOf(violations);
        }

        /** Failovers seen from outside: promotions of plc-a (started ACTIVE) and of plc-b (started STANDBY). */
        long falseFailovers() {
            return promotions(true, roleChangesA) + promotions(false, roleChangesB);
        }

        /** Those of {@link #falseFailovers()} made while the gateway started. */
        long startupFalseFailovers() {
            return promotions(true, startupRoleChangesA) + promotions(false, startupRoleChangesB);
        }

        /** Zero false failovers by either count, protected at the end, the crash failed over, no split brain. */
        boolean met() {
            return roleChangesA + roleChangesB == 0
                    && switchoverEvents.isEmpty()
                    && protectedAtEnd
                    && crashRtoMs.isPresent()
                    && twoDrivers == 0
                    && twoActive == 0;
        }
    }

    private SoakReport() {}

    /**
     * How many times a controller became ACTIVE, from its count of role changes (ACTIVE and STANDBY
     * alternate): one that started ACTIVE was promoted at every second change, one that started
     * STANDBY at the first and every second change after it.
     */
    static long promotions(boolean startedActive, long roleChanges) {
        return startedActive ? roleChanges / 2 : (roleChanges + 1) / 2;
    }

    static String render(SoakSection.Settings s, Figures f) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "Soak, %s: %s against a healthy pair, then a crash of the active. The gateway, both plc-sim"
                        + " controllers and the relay box are processes of their own (gateway: %s), %s; %d busy loops"
                        + " (%d per core) from before the gateway started to the end%n%n",
                s.profile(),
                SoakSection.format(s.length()),
                f.gatewayCommand(),
                s.tls() ? "Modbus/TCP Security (TLS)" : "plain Modbus TCP",
                f.busyLoops(),
                BusyLoops.FULL_LOAD_PER_CORE));
        line(b, "failover section", s.failover().strip().replace("\n", ", ") + " (the rest: defaults)");
        line(b, "controllers' scan", s.scanPeriod().toMillis() + " ms");
        line(b, "controllers' priority", SimProcess.priority() + " (they stand in for hardware of its own)");
        line(
                b,
                "gateway paused",
                String.format(
                        Locale.ROOT,
                        "%d SIGSTOPs of %d-%d ms, %.1f s stopped in all",
                        f.sigstops(),
                        SoakSchedule.PAUSE_MIN_MS,
                        SoakSchedule.PAUSE_MAX_MS,
                        f.stoppedMillis() / 1000.0));
        line(
                b,
                "single lost polls",
                f.lostPolls() + " (lose 1, alternately on the active and the standby)"
                        + (f.lossesRefused() == 0 ? "" : "; " + f.lossesRefused() + " not injected (no answer)"));
        line(
                b,
                "false failovers",
                String.format(
                        Locale.ROOT,
                        "%d (outside: role changes plc-a +%d, plc-b +%d; event log: %d switchover event(s)%s)",
                        f.falseFailovers(),
                        f.roleChangesA(),
                        f.roleChangesB(),
                        f.switchoverEvents().size(),
                        f.switchoverEvents().isEmpty() ? "" : ": " + byType(f.switchoverEvents())));
        if (f.startupRoleChangesA() + f.startupRoleChangesB() + f.startupSwitchoverEvents() > 0) {
            line(
                    b,
                    "  of which at start-up",
                    String.format(
                            Locale.ROOT,
                            "%d (role changes plc-a +%d, plc-b +%d; %d switchover event(s)), before the pair was first"
                                    + " protected and armed",
                            f.startupFalseFailovers(),
                            f.startupRoleChangesA(),
                            f.startupRoleChangesB(),
                            f.startupSwitchoverEvents()));
        }
        line(b, "protected at the end", (f.protectedAtEnd() ? "yes" : "NO") + " (" + f.endState() + ")");
        line(
                b,
                "gateway's pause detector",
                String.format(
                        Locale.ROOT,
                        "%d pauses, p99 %.1f ms, max %.1f ms (its own figures, since it started)",
                        f.detectorPauses(),
                        f.pauseP99Ms(),
                        f.pauseMaxMs()));
        line(
                b,
                "crash of the active",
                "SIGKILL of " + f.crashed() + "'s process: "
                        + (f.crashRtoMs().isPresent()
                                ? String.format(
                                        Locale.ROOT,
                                        "%s drives after %.1f ms (RTO seen from outside)",
                                        SimPair.other(f.crashed()),
                                        f.crashRtoMs().getAsDouble())
                                : "NO FAILOVER: " + SimPair.other(f.crashed()) + " did not drive within "
                                        + SoakSection.format(SoakSection.CRASH_TIMEOUT)));
        line(
                b,
                "split brain",
                String.format(
                        Locale.ROOT,
                        "%d plant readings with two feeding the tank, %d instants with two ACTIVE (of %d plant"
                                + " readings)",
                        f.twoDrivers(),
                        f.twoActive(),
                        f.plantReadings()));
        f.violations().forEach(v -> b.append("      ").append(v).append('\n'));
        line(b, "work folder", f.dir() + " (configuration, event log, every process's log)");
        b.append(String.format(
                Locale.ROOT,
                "Targets (zero false failovers, protected at the end, the crash failed over, no split brain): %s%n",
                f.met() ? "MET" : "MISSED"));
        return b.toString();
    }

    /** "SWITCHOVER_COMPLETED x11, SWITCHOVER_FAILED x1": a long soak may log many. */
    private static String byType(List<String> types) {
        Map<String, Long> counts = new TreeMap<>();
        types.forEach(t -> counts.merge(t, 1L, Long::sum));
        return counts.entrySet().stream()
                .map(e -> e.getKey() + " x" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static void line(StringBuilder b, String what, String value) {
        b.append(String.format(Locale.ROOT, "  %-26s %s%n", what, value));
    }
}
