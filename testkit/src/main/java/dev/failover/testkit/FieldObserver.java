package dev.failover.testkit;

import dev.failover.plcsim.ControlClient;
import dev.failover.plcsim.Plant;
import dev.failover.plcsim.PlantState;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Watches a pair from outside the gateway, as an independent witness of who drives the process
 * (safety rules 1 and 8): the plant itself (how many controllers feed the tank, the level) and each
 * controller's own report through its control port (role, driving, role changes). Nothing it sees
 * comes from the gateway.
 *
 * <p>It samples the plant and each controller on threads of their own (a stopped controller that
 * never answers delays no other reading), about every millisecond, and counts:
 *
 * <ul>
 *   <li><b>two drivers</b>: a plant reading with more than one controller feeding the tank;
 *   <li><b>two ACTIVE</b>: a controller reporting ACTIVE between two readings of the other that both
 *       report ACTIVE with the same role-change count, which proves the other was ACTIVE
 *       throughout, so both claimed ACTIVE at the same instant;
 *   <li><b>undriven</b>: the longest run of plant readings in which nobody fed the tank.
 * </ul>
 *
 * A controller that does not answer (killed, stopped) makes no claim. Thread-safe.
 */
public final class FieldObserver implements AutoCloseable {

    /** A controller's name in the plant and its control port. */
    public record Controller(String name, String host, int controlPort) {}

    /** One answer of a controller: asked at {@code atNanos}, answered at {@code answeredNanos}. */
    private record Report(long atNanos, long answeredNanos, String role, boolean driving, long roleChanges) {}

    private static final int HISTORY = 16;

    private static final Duration ASK_TIMEOUT = Duration.ofMillis(200);

    private final Plant plant;
    private final List<Controller> controllers;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    // Guarded by this.
    private long samples;
    private long twoDrivers;
    private long twoActive;
    private final List<String> violations = new ArrayList<>();
    private double minLevel = Double.MAX_VALUE;
    private double maxLevel = -Double.MAX_VALUE;
    private long undrivenSinceNanos = Long.MIN_VALUE;
    private long longestUndrivenNanos;
    private final Map<String, Report> latest = new HashMap<>();
    private final Map<String, java.util.ArrayDeque<Report>> recent = new HashMap<>();
    private final Map<String, List<Long>> drivingStarts = new HashMap<>();
    private final Map<String, Long> roleChanges = new HashMap<>();

    private FieldObserver(Plant plant, List<Controller> controllers) {
        if (controllers.size() != 2) {
            throw new IllegalArgumentException("a pair has two controllers, got " + controllers);
        }
        this.plant = plant;
        this.controllers = List.copyOf(controllers);
        controllers.forEach(c -> {
            drivingStarts.put(c.name(), new ArrayList<>());
            recent.put(c.name(), new java.util.ArrayDeque<>());
        });
        threads.add(Thread.ofPlatform().name("observe-plant").daemon(true).start(() -> loop(this::readPlant)));
        for (Controller c : controllers) {
            threads.add(
                    Thread.ofPlatform().name("observe-" + c.name()).daemon(true).start(() -> asking(c)));
        }
    }

    /** Starts watching {@code plant} and the two controllers. */
    public static FieldObserver start(Plant plant, List<Controller> controllers) {
        return new FieldObserver(plant, controllers);
    }

    private void loop(Runnable reading) {
        while (running) {
            reading.run();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void readPlant() {
        PlantState s;
        try {
            s = plant.read();
        } catch (RuntimeException e) {
            return;
        }
        long now = System.nanoTime();
        synchronized (this) {
            samples++;
            if (s.drivers() > 1) {
                twoDrivers++;
                violation("plant: " + s.drivers() + " controllers feed the tank");
            }
            minLevel = Math.min(minLevel, s.levelPercent());
            maxLevel = Math.max(maxLevel, s.levelPercent());
            if (s.drivers() == 0) {
                if (undrivenSinceNanos == Long.MIN_VALUE) {
                    undrivenSinceNanos = now;
                }
                longestUndrivenNanos = Math.max(longestUndrivenNanos, now - undrivenSinceNanos);
            } else {
                undrivenSinceNanos = Long.MIN_VALUE;
            }
        }
    }

    /**
     * Asks {@code c} for its status about every millisecond over one connection, kept open: a new
     * connection per question would cost the controller a connection and a thread a millisecond, load
     * that the witness itself would put on the pair it watches. A broken connection is opened again.
     */
    private void asking(Controller c) {
        ControlClient.Session session = null;
        while (running) {
            try {
                if (session == null) {
                    session = ControlClient.Session.open(c.host(), c.controlPort(), ASK_TIMEOUT);
                }
                long sent = System.nanoTime();
                record(c, sent, session.status());
            } catch (IOException e) {
                if (session != null) {
                    session.close();
                }
                session = null;
                synchronized (this) {
                    // No answer is no claim; it also breaks the "throughout" of the two-ACTIVE proof.
                    latest.remove(c.name());
                }
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (session != null) {
            session.close();
        }
    }

    private void record(Controller c, long sent, Map<String, String> status) {
        boolean answeredStopped = status.getOrDefault("faults", "").contains("crash");
        Report r = new Report(
                sent,
                System.nanoTime(),
                answeredStopped ? "CRASHED" : status.getOrDefault("role", "?"),
                Boolean.parseBoolean(status.get("driving")),
                Long.parseLong(status.getOrDefault("roleChanges", "-1")));
        String other = other(c.name());
        synchronized (this) {
            Report before = latest.get(c.name());
            if (r.driving() && (before == null || !before.driving())) {
                drivingStarts.get(c.name()).add(r.atNanos());
            }
            latest.put(c.name(), r);
            if (r.roleChanges() >= 0) {
                roleChanges.put(c.name(), r.roleChanges());
            }
            java.util.ArrayDeque<Report> mine = recent.get(c.name());
            mine.addLast(r);
            if (mine.size() > HISTORY) {
                mine.removeFirst();
            }
            // Proof of two ACTIVE at once: this controller answered ACTIVE now and at its previous reading,
            // with no role change between, so it was ACTIVE throughout; the other answered ACTIVE to a
            // reading asked after the previous answer and answered before this one was asked.
            if (before != null
                    && "ACTIVE".equals(r.role())
                    && "ACTIVE".equals(before.role())
                    && r.roleChanges() >= 0
                    && r.roleChanges() == before.roleChanges()) {
                for (Report o : recent.get(other)) {
                    if ("ACTIVE".equals(o.role())
                            && o.atNanos() >= before.answeredNanos()
                            && o.answeredNanos() <= r.atNanos()) {
                        twoActive++;
                        violation(c.name() + " and " + other + " both reported ACTIVE");
                        break;
                    }
                }
            }
        }
    }

    private String other(String name) {
        return controllers.get(0).name().equals(name)
                ? controllers.get(1).name()
                : controllers.get(0).name();
    }

    private void violation(String what) {
        if (violations.size() < 20) {
            violations.add(String.format(java.util.Locale.ROOT, "%.3f s: %s", System.nanoTime() / 1e9, what));
        }
    }

    public synchronized long samples() {
        return samples;
    }

    /** Plant readings with more than one controller feeding the tank. */
    public synchronized long twoDrivers() {
        return twoDrivers;
    }

    /** Proven instants at which both controllers reported ACTIVE. */
    public synchronized long twoActive() {
        return twoActive;
    }

    /** The first violations seen, with their times, for a failure message. */
    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    /** The longest time nobody fed the tank since the last {@link #reset()}, in milliseconds. */
    public synchronized double longestUndrivenMillis() {
        return longestUndrivenNanos / 1e6;
    }

    /** The tank level range since the last {@link #reset()}: {min, max}. */
    public synchronized double[] levelRange() {
        return new double[] {minLevel, maxLevel};
    }

    /** Starts the level range and the longest undriven run afresh. */
    public synchronized void reset() {
        minLevel = Double.MAX_VALUE;
        maxLevel = -Double.MAX_VALUE;
        longestUndrivenNanos = 0;
        undrivenSinceNanos = Long.MIN_VALUE;
    }

    /**
     * The first reading (System.nanoTime) at or after {@code sinceNanos} at which {@code name} reported
     * that it began to drive, if any: an RTO measured from outside.
     */
    public synchronized OptionalLong drivingFrom(String name, long sinceNanos) {
        return drivingStarts.get(name).stream()
                .mapToLong(Long::longValue)
                .filter(t -> t >= sinceNanos)
                .findFirst();
    }

    /**
     * How many role changes {@code name} counted since it started, as it last reported (the controller's
     * own counter: false failovers seen from outside), or -1 before any report.
     */
    public synchronized long roleChanges(String name) {
        return roleChanges.getOrDefault(name, -1L);
    }

    /** The latest role {@code name} reported, or empty text if it did not answer its last reading. */
    public synchronized String role(String name) {
        Report r = latest.get(name);
        return r == null ? "" : r.role();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(2_000);
        }
    }
}
