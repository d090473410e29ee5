package dev.failover.gateway.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CPU load made for real: shell processes that spin, as many per core as asked. Each loop checks now
 * and then that the process that started it is alive and ends when it is not, so a benchmark or test
 * JVM killed without closing this leaves no load behind.
 */
public final class BusyLoops implements AutoCloseable {

    /** Spins a few million instructions between checks of the parent: well under a second. */
    private static final String LOOP =
            "while :; do i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; kill -0 $PPID 2>/dev/null || exit 0; done";

    private final List<Process> loops = new ArrayList<>();

    private BusyLoops() {}

    /** Starts {@code perCore} busy loops for each core this JVM sees. */
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
        } catch (IOException e) {
            busy.close();
            throw e;
        }
        return busy;
    }

    /** How many loops run. */
    public int count() {
        return (int) loops.stream().filter(Process::isAlive).count();
    }

    @Override
    public void close() {
        loops.forEach(Process::destroyForcibly);
        for (Process p : loops) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
