package dev.failover.bench;

import dev.failover.certs.Identity;
import dev.failover.testkit.ScadaClient;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;

/**
 * The bench's SCADA client: one session to the gateway's OPC UA server, subscribed to one tag, counting
 * the notifications by status, so the demo can show that values keep coming across a failover on the
 * same session.
 */
final class ScadaWatcher implements AutoCloseable {

    private final OpcUaClient client;
    private final NodeId sessionId;
    private final AtomicInteger good = new AtomicInteger();
    private final AtomicInteger uncertain = new AtomicInteger();
    private final AtomicInteger bad = new AtomicInteger();
    private volatile DataValue last;

    private ScadaWatcher(OpcUaClient client) throws UaException {
        this.client = client;
        this.sessionId = client.getSession().getSessionId();
    }

    static ScadaWatcher watch(
            String url,
            String tagNode,
            Identity app,
            Identity user,
            X509Certificate root,
            List<X509Certificate> issuers,
            List<X509CRL> crls)
            throws UaException {
        OpcUaClient client = ScadaClient.connect(
                url, app, ScadaClient.user(user), SecurityPolicy.Basic256Sha256, root, issuers, crls);
        try {
            ScadaWatcher watcher = new ScadaWatcher(client);
            var index = client.readNamespaceTable().getIndex("urn:dev.failover:gateway");
            if (index == null) {
                throw new UaException(
                        org.eclipse.milo.opcua.stack.core.StatusCodes.Bad_NodeIdUnknown,
                        "the server has no namespace urn:dev.failover:gateway");
            }
            OpcUaSubscription subscription = new OpcUaSubscription(client, 20.0);
            subscription.create();
            OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(new NodeId(index, tagNode));
            item.setSamplingInterval(0.0);
            item.setDataValueListener((i, value) -> watcher.count(value));
            subscription.addMonitoredItem(item);
            subscription.synchronizeMonitoredItems();
            return watcher;
        } catch (UaException | RuntimeException e) {
            client.disconnectAsync();
            throw e;
        }
    }

    private void count(DataValue value) {
        last = value;
        if (value.statusCode().isGood()) {
            good.incrementAndGet();
        } else if (value.statusCode().isUncertain()) {
            uncertain.incrementAndGet();
        } else {
            bad.incrementAndGet();
        }
    }

    int good() {
        return good.get();
    }

    int uncertain() {
        return uncertain.get();
    }

    int bad() {
        return bad.get();
    }

    DataValue last() {
        return last;
    }

    /** Whether the client still has the session it started with (no reconnect, no new session). */
    boolean sameSession() {
        try {
            return sessionId.equals(client.getSession().getSessionId());
        } catch (UaException e) {
            return false;
        }
    }

    /** The Server object's ServiceLevel, or -1 if it cannot be read. */
    int serviceLevel() {
        try {
            Object v = client.readValue(0.0, TimestampsToReturn.Neither, NodeIds.Server_ServiceLevel)
                    .value()
                    .value();
            return v instanceof Number n ? n.intValue() : -1;
        } catch (UaException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            client.disconnect();
        } catch (UaException e) {
            // The demo is ending; a failed goodbye changes nothing.
        }
    }
}
