package dev.failover.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** The benchmarks' temporary folders. */
final class BenchFiles {

    private BenchFiles() {}

    /** Deletes {@code dir} and what it holds, if it is not {@code null}; a folder left behind is harmless. */
    static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary folder left behind is harmless.
        }
    }
}
