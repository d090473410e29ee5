package dev.failover.plcsim;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a controller's scan at a fixed rate on its own thread, independent of the communication
 * threads. A failing scan is logged and the next one runs.
 *
 * <p>Thread-safe. {@link #stop()} never interrupts the scan thread: an interrupt during a plant
 * file lock would close the shared file channel.
 */
final class ScanLoop {

    private static final Logger log = LoggerFactory.getLogger(ScanLoop.class);

    private final String plcName;
    private final Runnable scan;
    private final ScheduledExecutorService executor;
    private String lastFailure = "";

    private ScanLoop(String plcName, Runnable scan) {
        this.plcName = plcName;
        this.scan = scan;
        this.executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "plc-" + plcName + "-scan");
            thread.setDaemon(true);
            return thread;
        });
    }

    static ScanLoop start(String plcName, Duration period, Runnable scan) {
        ScanLoop loop = new ScanLoop(plcName, scan);
        loop.executor.scheduleAtFixedRate(loop::runOnce, 0, period.toNanos(), TimeUnit.NANOSECONDS);
        return loop;
    }

    private void runOnce() {
        MDC.put("plc", plcName);
        try {
            scan.run();
            lastFailure = "";
        } catch (RuntimeException e) {
            // Log a failure once, not a hundred times a second.
            if (!String.valueOf(e.getMessage()).equals(lastFailure)) {
                log.error("Scan failed; retrying every scan", e);
                lastFailure = String.valueOf(e.getMessage());
            }
        }
    }

    /** Stops scanning and waits for a running scan to finish. */
    void stop() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Scan of {} did not stop within 5 s", plcName);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("Interrupted while waiting for the scan of {} to stop", plcName);
        }
    }
}
