package dev.failover.gateway.health;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import dev.failover.gateway.Ticker;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.util.ArrayList;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM's own reports of garbage collections, for the {@link PauseDetector}: a collection that
 * stopped every thread longer than the tolerance is a pause, at the time the JVM says it ran (its
 * start and end in milliseconds since the JVM started, mapped onto the ticker with a millisecond of
 * margin on each side). The detector's sleeping thread sees the same stop as lateness; the report
 * places it exactly and says what it was.
 *
 * <p>Collections of a concurrent collector's concurrent phases are not pauses and are skipped (their
 * cause says so); with the launchers' serial collector every collection stops the world.
 */
final class GcPauses implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GcPauses.class);

    private static final long MARGIN_NANOS = 1_000_000L;

    private final PauseDetector detector;
    private final Ticker ticker;
    private final long toleranceNanos;
    private final RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::notified;

    private GcPauses(PauseDetector detector, Ticker ticker, long toleranceNanos) {
        this.detector = detector;
        this.ticker = ticker;
        this.toleranceNanos = toleranceNanos;
    }

    /** Listens to every collector of this JVM and reports its pauses to {@code detector}. */
    static GcPauses watch(PauseDetector detector, Ticker ticker, long toleranceNanos) {
        GcPauses gc = new GcPauses(detector, ticker, toleranceNanos);
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (bean instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(gc.listener, null, null);
                gc.emitters.add(emitter);
            }
        }
        return gc;
    }

    private void notified(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        if (info.getGcCause().contains("No GC") || info.getGcName().contains("Cycles")) {
            // ZGC and Shenandoah report their concurrent cycles too: the application ran through those.
            return;
        }
        GcInfo gc = info.getGcInfo();
        long durationNanos = gc.getDuration() * 1_000_000L;
        if (durationNanos < toleranceNanos) {
            return;
        }
        long now = ticker.nanos();
        long uptimeMillis = runtime.getUptime();
        long from = now - (uptimeMillis - gc.getStartTime()) * 1_000_000L - MARGIN_NANOS;
        long to = Math.min(now, now - (uptimeMillis - gc.getEndTime()) * 1_000_000L + MARGIN_NANOS);
        detector.pause(from, to);
        log.debug("{} ({}) stopped the gateway for {} ms", info.getGcName(), info.getGcCause(), gc.getDuration());
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                log.debug("GC listener already removed", e);
            }
        }
    }
}
