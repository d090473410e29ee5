package dev.failover.gateway.config;

import dev.failover.gateway.config.ConfigException.ConfigProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the problems of one configuration file while it is read. Not thread-safe. */
final class Problems {

    private final Path file;
    private final List<ConfigProblem> found = new ArrayList<>();

    Problems(Path file) {
        this.file = file;
    }

    void add(int line, String key, String message) {
        found.add(new ConfigProblem(file, line, key, message));
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    /** The problems so far, sorted by line; problems on one line keep the order they were found in. */
    ConfigException toException() {
        List<ConfigProblem> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingInt(ConfigProblem::line));
        return new ConfigException(sorted);
    }
}
