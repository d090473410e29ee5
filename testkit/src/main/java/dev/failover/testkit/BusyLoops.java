package dev.failover.testkit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Full CPU load from outside: shell processes that spin, as many per core as asked, at the same
 * priority as everything else, as the background load of a busy box. Separate processes (not threads
 * of this JVM) so that the load competes with the gateway's and the controllers' JVMs as a neighbour
 * would, and is not paused by this JVM's collector. Each loop checks now and then that the process
 * that started it is alive and ends when it is not, so a benchmark or test JVM killed without closing
 * this leaves no load behind. {@link #close()} kills them all; not thread-safe.
 */
public final class BusyLoops implements AutoCloseable {

    /** Issue 10's full load: two busy loops per core keep every core's run queue longer than one. */
    public static final int FULL_LOAD_PER_CORE = 2;

    /** Spins a few million instructions between checks of the parent: well under a second. */
    private static final String LOOP =
            "while :; do i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; kill -0 $PPID 2>/dev/null || exit 0; done";

    private final List<Process> loops = new ArrayList<>();

    private BusyLoops() {}

    /** Starts {@code perCore} busy loops for each core this JVM may use ({@link Runtime#availableProcessors()}). */
    public static BusyLoops perCore(int perCore) throws IOException {
        BusyLoops busy = new BusyLoops();
        int count = perCore * Runtime.getRuntime().availableProcessors();
        try {
            for (int i = 0; i < count; i++) {
                busy.loops.add(new ProcessBuilder("sh", "-c", LOOP)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start());
            }
        } catch (IOException | RuntimeException e) {
            busy.close();
            throw e;
        }
        return busy;
    }

    /** How many loops run. */
    public int count() {
        return (int) loops.stream().filter(Process::isAlive).count();
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
