package dev.failover.plcsim;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Starts controllers for a test and closes them afterwards. Not thread-safe. */
final class Plcs implements AutoCloseable {

    private final List<AutoCloseable> started = new ArrayList<>();

    SimulatedPlc start(String name, Role role, Plant plant) throws IOException {
        return start(SimConfig.of(name, role), plant);
    }

    SimulatedPlc start(SimConfig config, Plant plant) throws IOException {
        SimulatedPlc plc = SimulatedPlc.start(config, plant);
        started.add(plc);
        return plc;
    }

    <T extends AutoCloseable> T track(T resource) {
        started.add(resource);
        return resource;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing test resources failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        started.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
