package dev.failover.gateway.link.opcua;

import dev.failover.gateway.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemServiceOperationResult;
import org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemSynchronizationException;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription to the five status variables, keeping the latest value of each as a {@link
 * Snapshot}: which values, when the server sampled the newest of them (its clock) and when the
 * notification arrived (our ticker).
 *
 * <p>Only data-change notifications make snapshots: a keep-alive carries no timestamp, so it cannot
 * prove how current the values are. A healthy controller's heartbeat changes every scan, so a data
 * change arrives every publishing interval; a frozen or stopped one sends none, and the link reads.
 *
 * <p>The subscription is {@link #broken()} once the server reports it gone ({@code Bad_Timeout}),
 * a transfer failed, or its watchdog elapsed (no publish response for 1.5 keep-alive intervals); the
 * owner then replaces it. Thread-safe: Milo delivers notifications on its own threads.
 */
final class StatusSubscription {

    private static final Logger log = LoggerFactory.getLogger(StatusSubscription.class);

    /** Keep-alives are not used for freshness; they only keep the subscription and its watchdog alive. */
    private static final double KEEP_ALIVE_MILLIS = 500;

    /**
     * One consistent view of the status block.
     *
     * @param values the five values in {@code StatusNodes.all()} order
     * @param sampledServerEpochNanos when the server sampled the newest value, its clock, nanoseconds
     *     since the epoch; {@link Long#MIN_VALUE} if it did not say
     * @param arrivedNanos the ticker reading when the notification arrived
     * @param sequence increases with every notification
     */
    record Snapshot(DataValue[] values, long sampledServerEpochNanos, long arrivedNanos, long sequence) {}

    private final String name;
    private final OpcUaSubscription subscription;
    private final Ticker ticker;
    private final Runnable onBroken;
    private final AtomicBoolean broken = new AtomicBoolean();
    private final Object lock = new Object();
    // Guarded by lock.
    private final DataValue[] latest;
    private long sequence;
    private volatile Snapshot snapshot;

    private StatusSubscription(
            String name, OpcUaSubscription subscription, int size, Ticker ticker, Runnable onBroken) {
        this.name = name;
        this.subscription = subscription;
        this.latest = new DataValue[size];
        this.ticker = ticker;
        this.onBroken = onBroken;
    }

    /**
     * Creates the subscription and its monitored items on the server (blocking, bounded by the
     * client's request timeout).
     *
     * @param publishing the requested publishing interval; sampling is twice as fast
     * @param onBroken called once, on a Milo thread, when the subscription stops being usable
     * @throws UaException if the subscription or one of its items cannot be created
     */
    static StatusSubscription create(
            String name, OpcUaClient client, NodeId[] nodes, Duration publishing, Ticker ticker, Runnable onBroken)
            throws UaException {
        double publishingMillis = publishing.toNanos() / 1e6;
        OpcUaSubscription subscription = new OpcUaSubscription(client, publishingMillis);
        subscription.setTargetKeepAliveInterval(KEEP_ALIVE_MILLIS);
        StatusSubscription status = new StatusSubscription(name, subscription, nodes.length, ticker, onBroken);
        List<OpcUaMonitoredItem> items = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(nodes[i]);
            // Sampling 0 would ask for "as fast as possible", which Milo's server does in a busy loop.
            item.setSamplingInterval(publishingMillis / 2);
            item.setQueueSize(Unsigned.uint(1));
            item.setDiscardOldest(true);
            item.setUserObject(i);
            items.add(item);
        }
        subscription.addMonitoredItems(items);
        subscription.setSubscriptionListener(status.new Listener());
        subscription.create();
        try {
            subscription.synchronizeMonitoredItems();
        } catch (MonitoredItemSynchronizationException e) {
            status.delete();
            List<MonitoredItemServiceOperationResult> results = new ArrayList<>(e.getCreateResults());
            results.addAll(e.getModifyResults());
            results.addAll(e.getDeleteResults());
            StatusCode first = new StatusCode(StatusCodes.Bad_UnexpectedError);
            List<String> problems = new ArrayList<>();
            for (MonitoredItemServiceOperationResult r : results) {
                StatusCode bad =
                        r.serviceResult().isGood() ? r.operationResult().orElse(first) : r.serviceResult();
                if (!bad.isGood()) {
                    first = problems.isEmpty() ? bad : first;
                    problems.add(r.monitoredItem().getReadValueId().getNodeId().toParseableString() + ": "
                            + UaFailures.name(bad));
                }
            }
            throw new UaException(first, "monitored items of the status block not created: " + problems);
        }
        return status;
    }

    /** The revised publishing interval, as the server granted it. */
    Duration publishingInterval() {
        double millis = subscription.getRevisedPublishingInterval().orElse(subscription.getPublishingInterval());
        return Duration.ofNanos((long) (millis * 1e6));
    }

    /** The latest snapshot, or {@code null} until every variable has reported once. */
    Snapshot snapshot() {
        return snapshot;
    }

    boolean broken() {
        return broken.get();
    }

    /** Deletes it on the server, without waiting. */
    void delete() {
        subscription
                .deleteAsync()
                .toCompletableFuture()
                .orTimeout(5, TimeUnit.SECONDS)
                .whenComplete((u, e) -> {
                    if (e != null) {
                        log.debug("{}: deleting the status subscription failed: {}", name, e.toString());
                    }
                });
    }

    private void markBroken(String why) {
        if (broken.compareAndSet(false, true)) {
            snapshot = null;
            log.info("{}: status subscription lost ({}), it will be re-created", name, why);
            onBroken.run();
        }
    }

    private final class Listener implements OpcUaSubscription.SubscriptionListener {

        @Override
        public void onDataReceived(OpcUaSubscription s, List<OpcUaMonitoredItem> items, List<DataValue> values) {
            long arrived = ticker.nanos();
            synchronized (lock) {
                long sampled = Long.MIN_VALUE;
                for (int i = 0; i < items.size(); i++) {
                    Object index = items.get(i).getUserObject().orElse(null);
                    if (index instanceof Integer n) {
                        DataValue value = values.get(i);
                        latest[n] = value;
                        DateTime serverTime = value.serverTime();
                        if (serverTime != null) {
                            sampled = Math.max(sampled, UaConnection.epochNanos(serverTime));
                        }
                    }
                }
                for (DataValue v : latest) {
                    if (v == null) {
                        return;
                    }
                }
                sequence++;
                if (!broken.get()) {
                    snapshot = new Snapshot(latest.clone(), sampled, arrived, sequence);
                }
            }
        }

        @Override
        public void onStatusChanged(OpcUaSubscription s, StatusCode status) {
            if (status.isBad()) {
                markBroken("status " + UaFailures.name(status));
            }
        }

        @Override
        public void onTransferFailed(OpcUaSubscription s, StatusCode status) {
            markBroken("transfer failed: " + UaFailures.name(status));
        }

        @Override
        public void onWatchdogTimerElapsed(OpcUaSubscription s) {
            markBroken("no publish response within its watchdog time");
        }

        @Override
        public void onNotificationDataLost(OpcUaSubscription s) {
            // A lost notification may have been the last change of a value: the snapshot may be stale.
            markBroken("notifications lost");
        }
    }
}
