package dev.failover.bench;

import dev.failover.certs.PkiException;
import dev.failover.plcsim.Plant;
import dev.failover.plcsim.RelayBox;
import dev.failover.plcsim.Role;
import dev.failover.plcsim.SimConfig;
import dev.failover.plcsim.SimSnapshot;
import dev.failover.plcsim.SimulatedPlc;
import dev.failover.testkit.GatewayFiles;
import dev.failover.testkit.SimPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * N redundant pairs in this JVM, as {@link SimPair} starts one: each pair two plc-sim controllers on a
 * tank of their own ({@code tank-01-a} active, {@code tank-01-b} standby), serving Modbus/TCP Security
 * only with certificates of a {@link ScalePki}, and a relay box on that tank for their fences. It writes
 * the configuration file of a gateway supervising them all, crashes an active controller and times
 * the failover from outside (the controllers' own reports, never the gateway's), and counts the role
 * changes that no crash explains. Everything binds 127.0.0.1 on free ports. Not thread-safe.
 */
final class ScalePairs implements AutoCloseable {

    /** One pair: its tank, its relay box and its two controllers (a: preferred primary). */
    record Pair(String name, Plant plant, RelayBox relays, SimulatedPlc a, SimulatedPlc b) {

        SimulatedPlc other(SimulatedPlc plc) {
            return plc == a ? b : a;
        }
    }

    /** A crash made by {@link #crashActive}: the role-change counters at that moment. */
    private record Crash(String crashed, String standby, int crashedChanges, int standbyChanges) {}

    private static final Duration SAMPLE = Duration.ofNanos(200_000);

    private final List<Pair> pairs = new ArrayList<>();
    private final Map<String, Integer> baseline = new HashMap<>();
    private final Map<String, Crash> crashes = new HashMap<>();

    private ScalePairs() {}

    /** The name of pair {@code i} (from 1): {@code tank-01}, its controllers {@code tank-01-a} and {@code -b}. */
    static String pairName(int i) {
        return String.format(java.util.Locale.ROOT, "tank-%02d", i);
    }

    /** Starts {@code n} pairs; their controllers' TLS contexts come from {@code pki}. */
    static ScalePairs start(int n, ScalePki pki) throws IOException, PkiException {
        ScalePairs started = new ScalePairs();
        try {
            for (int i = 1; i <= n; i++) {
                started.pairs.add(startPair(pairName(i), pki));
            }
            return started;
        } catch (IOException | PkiException | RuntimeException e) {
            started.close();
            throw e;
        }
    }

    private static Pair startPair(String name, ScalePki pki) throws IOException, PkiException {
        Plant plant = Plant.inMemory();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            SimulatedPlc a = controller(name + "-a", Role.ACTIVE, plant, pki);
            opened.add(a);
            SimulatedPlc b = controller(name + "-b", Role.STANDBY, plant, pki);
            opened.add(b);
            RelayBox relays = RelayBox.start(plant, "127.0.0.1", 0);
            return new Pair(name, plant, relays, a, b);
        } catch (IOException | PkiException | RuntimeException e) {
            for (AutoCloseable c : opened.reversed()) {
                closeQuietly(c, e);
            }
            plant.close();
            throw e;
        }
    }

    private static SimulatedPlc controller(String id, Role role, Plant plant, ScalePki pki)
            throws IOException, PkiException {
        return SimulatedPlc.start(SimConfig.of(id, role).withTls(pki.controllerTls(id), Set.of("gateway")), plant);
    }

    /**
     * Writes the configuration of one gateway supervising every pair, as an installation writes it
     * (security section, state directory and event log in {@code dir}, every path absolute): per pair
     * the two controllers with their relay-box fences, the bench demo's two tags (the level, and the
     * setpoint, mirrored) and the default failover section.
     */
    Path writeConfig(Path dir, ScalePki pki) throws IOException, PkiException {
        StringBuilder yaml = new StringBuilder(GatewayFiles.header(
                "scale-benchmark",
                new GatewayFiles(dir.resolve("gateway.yaml"), dir.resolve("events.jsonl"), dir.resolve("state")),
                pki.caChain(),
                pki.crl(),
                pki.gatewayKeystore(),
                pki.passwordFile()));
        for (Pair p : pairs) {
            yaml.append("""
                      - name: %1$s
                        controllers:
                          - id: %2$s
                            preferredRole: primary
                            modbus: {host: 127.0.0.1, port: %3$d, unitId: 1}
                            fence: {type: sim, host: 127.0.0.1, port: %4$d, output: %2$s}
                          - id: %5$s
                            preferredRole: standby
                            modbus: {host: 127.0.0.1, port: %6$d, unitId: 1}
                            fence: {type: sim, host: 127.0.0.1, port: %4$d, output: %5$s}
                        tags:
                          - {name: level, address: 10, type: uint16, scale: 0.01, unit: "%%", min: 0, max: 100}
                          - {name: level_setpoint, address: 20, type: uint16, scale: 0.01, unit: "%%", min: 0,
                             max: 100, mirrored: true, writableBy: [operator]}
                        failover:
                          failback: manual
                    """.formatted(
                            p.name(),
                            p.a().snapshot().name(),
                            p.a().modbusPort(),
                            p.relays().port(),
                            p.b().snapshot().name(),
                            p.b().modbusPort()));
        }
        return Files.writeString(dir.resolve("gateway.yaml"), yaml, StandardCharsets.UTF_8);
    }

    /** Takes every controller's role-change counter as the start of the window {@link #unexpectedRoleChanges} counts. */
    void markBaseline() {
        baseline.clear();
        crashes.clear();
        for (Pair p : pairs) {
            for (SimulatedPlc plc : List.of(p.a(), p.b())) {
                SimSnapshot s = plc.snapshot();
                baseline.put(s.name(), s.roleChanges());
            }
        }
    }

    /**
     * Crashes the controller of pair {@code index} (from 0) that reports itself ACTIVE (a process
     * crash: Modbus port closed, outputs dropped) and waits until the other reports ACTIVE and driving,
     * reading both controllers directly. Returns the time from the crash to that, in milliseconds, or
     * empty when it did not happen within {@code timeout}.
     *
     * @throws IllegalStateException if neither or both controllers report ACTIVE before the crash
     */
    OptionalDouble crashActive(int index, Duration timeout) {
        Pair p = pairs.get(index);
        SimSnapshot a = p.a().snapshot();
        SimSnapshot b = p.b().snapshot();
        if ((a.role() == Role.ACTIVE) == (b.role() == Role.ACTIVE)) {
            throw new IllegalStateException(p.name() + " has no single active controller: " + a + " / " + b);
        }
        SimulatedPlc active = a.role() == Role.ACTIVE ? p.a() : p.b();
        SimulatedPlc standby = p.other(active);
        SimSnapshot before = standby.snapshot();
        SimSnapshot crashedBefore = active.snapshot();
        crashes.put(
                p.name(),
                new Crash(crashedBefore.name(), before.name(), crashedBefore.roleChanges(), before.roleChanges()));
        long crashed = System.nanoTime();
        active.faults().crash();
        long deadline = crashed + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long sampled = System.nanoTime();
            SimSnapshot s = standby.snapshot();
            if (s.role() == Role.ACTIVE && s.driving()) {
                return OptionalDouble.of((sampled - crashed) / 1e6);
            }
            LockSupport.parkNanos(SAMPLE.toNanos());
        }
        return OptionalDouble.empty();
    }

    /** Role changes that no crash explains, and in how many pairs (a failover is usually two: a demotion, a promotion). */
    record RoleChanges(int changes, int pairs) {}

    /**
     * Role changes since {@link #markBaseline()} that no crash explains: every change of a pair that
     * was not crashed; in a crashed pair, the changes before the crash, and after it any but the one
     * promotion of the standby (the crashed controller is not counted after its crash).
     */
    RoleChanges unexpectedRoleChanges() {
        int changes = 0;
        int affected = 0;
        for (Pair p : pairs) {
            Crash crash = crashes.get(p.name());
            int inPair = 0;
            for (SimulatedPlc plc : List.of(p.a(), p.b())) {
                SimSnapshot s = plc.snapshot();
                int start = baseline.getOrDefault(s.name(), s.roleChanges());
                inPair += unexpectedChanges(crash, s.name(), start, s.roleChanges());
            }
            changes += inPair;
            affected += inPair > 0 ? 1 : 0;
        }
        return new RoleChanges(changes, affected);
    }

    private static int unexpectedChanges(Crash crash, String name, int start, int now) {
        if (crash == null) {
            return changes(start, now);
        }
        if (name.equals(crash.crashed())) {
            return changes(start, crash.crashedChanges());
        }
        return changes(start, crash.standbyChanges()) + Math.max(0, changes(crash.standbyChanges(), now) - 1);
    }

    /** Changes between two readings of a counter that wraps at 65536. */
    private static int changes(int from, int to) {
        return (to - from) & 0xFFFF;
    }

    private static void closeQuietly(AutoCloseable c, Exception cause) {
        try {
            c.close();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public void close() {
        for (Pair p : pairs) {
            p.relays().close();
            p.a().close();
            p.b().close();
            p.plant().close();
        }
        pairs.clear();
    }
}
