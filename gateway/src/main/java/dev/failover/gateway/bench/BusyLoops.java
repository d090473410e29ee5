package dev.failover.gateway.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Full CPU load from outside: {@code n} shell processes each spinning in {@code while :; do :; done},
 * at the same priority as everything else, as the background load of a busy box. Separate processes
 * (not threads of this JVM) so that the load competes with the gateway's and the controllers' JVMs
 * as a neighbour would, and is not paused by this JVM's collector. {@link #close()} kills them all,
 * also after a failure; not thread-safe.
 */
final class BusyLoops implements AutoCloseable {

    /** Issue 10's full load: two busy loops per core keep every core's run queue longer than one. */
    static final int FULL_LOAD_PER_CORE = 2;

    private final List<Process> loops = new ArrayList<>();

    private BusyLoops() {}

    /** Starts {@code perCore} loops for each core this JVM may use ({@link Runtime#availableProcessors()}). */
    static BusyLoops perCore(int perCore) throws IOException {
        return start(perCore * Runtime.getRuntime().availableProcessors());
    }

    /** Starts {@code n} loops; if one cannot start, those already started are killed. */
    static BusyLoops start(int n) throws IOException {
        BusyLoops loops = new BusyLoops();
        try {
            for (int i = 0; i < n; i++) {
                loops.loops.add(new ProcessBuilder("sh", "-c", "while :; do :; done")
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start());
            }
        } catch (IOException | RuntimeException e) {
            loops.close();
            throw e;
        }
        return loops;
    }

    int count() {
        return loops.size();
    }

    /** Kills every loop (SIGKILL: a spinning shell has nothing to clean up) and waits until each is gone. */
    @Override
    public void close() {
        loops.forEach(Process::destroyForcibly);
        boolean interrupted = false;
        for (Process p : loops) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
