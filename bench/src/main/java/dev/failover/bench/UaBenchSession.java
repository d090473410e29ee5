package dev.failover.bench;

import dev.failover.certs.Identity;
import dev.failover.certs.Keystores;
import dev.failover.certs.PkiException;
import dev.failover.certs.TestPki;
import dev.failover.testkit.ScadaClient;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;

/**
 * One OPC UA client session of the SCADA benchmark, which keeps Milo out of {@link ScadaBenchmark}:
 * a {@link ScadaClient} (SignAndEncrypt with Basic256Sha256, an X.509 user, the server certificate
 * checked against the test PKI's root with every optional check). Every session the benchmark opens
 * is made here with the same settings, so that the gateway and the controller are read alike.
 *
 * <p>Not thread-safe, except that subscription callbacks arrive on Milo's threads.
 */
final class UaBenchSession implements AutoCloseable {

    /** A node of the server's address space, resolved once. */
    record Node(NodeId id) {}

    /**
     * A data change as the client received it.
     *
     * @param receivedNanos {@link System#nanoTime()} on entry to the listener
     * @param value the value as a number; NaN when it is not numeric or the status is not good
     * @param sourceTime the value's source timestamp (for the gateway: when its scan read the tag)
     */
    record Notification(long receivedNanos, double value, boolean good, Instant sourceTime) {}

    /** The subscription settings the server granted. */
    record Revised(double publishingMillis, double samplingMillis, long queueSize) {}

    private final OpcUaClient client;

    private UaBenchSession(OpcUaClient client) {
        this.client = client;
    }

    /** Connects {@code app} as {@code user} to {@code url}, trusting the test PKI's root only. */
    static UaBenchSession connect(String url, TestPki pki, Identity app, Identity user)
            throws UaException, PkiException {
        return new UaBenchSession(ScadaClient.connect(
                url,
                app,
                ScadaClient.user(user),
                SecurityPolicy.Basic256Sha256,
                pki.pki().root(),
                List.of(pki.pki().issuingCa()),
                Keystores.readCrls(pki.crlFile())));
    }

    /** The node {@code nsu=<namespaceUri>;s=<id>}. */
    Node node(String namespaceUri, String id) throws UaException {
        UShort index = client.readNamespaceTable().getIndex(namespaceUri);
        if (index == null) {
            throw new UaException(StatusCodes.Bad_NodeIdUnknown, "the server has no namespace " + namespaceUri);
        }
        return new Node(new NodeId(index, id));
    }

    /**
     * One Read of the node's Value (maxAge 0); null when its status is good, else the name of the
     * value's status or of the service fault.
     */
    String read(Node node) {
        StatusCode status;
        try {
            status = client.readValue(0.0, TimestampsToReturn.Both, node.id()).statusCode();
        } catch (UaException e) {
            status = e.getStatusCode();
        }
        if (status.isGood()) {
            return null;
        }
        return StatusCodes.lookup(status.value()).map(names -> names[0]).orElse(status.toString());
    }

    /**
     * Subscribes to data changes of {@code node} with sampling interval 0 (as fast as the server
     * can, or on change) and a queue of one.
     */
    Revised subscribe(Node node, double publishingMillis, Consumer<Notification> sink) throws UaException {
        OpcUaSubscription subscription = new OpcUaSubscription(client, publishingMillis);
        subscription.create();
        OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(node.id());
        item.setSamplingInterval(0.0);
        item.setQueueSize(UInteger.valueOf(1));
        item.setDataValueListener((i, value) -> sink.accept(notification(System.nanoTime(), value)));
        subscription.addMonitoredItem(item);
        subscription.synchronizeMonitoredItems();
        return new Revised(
                subscription.getRevisedPublishingInterval().orElse(Double.NaN),
                item.getRevisedSamplingInterval().orElse(Double.NaN),
                item.getRevisedQueueSize().map(UInteger::longValue).orElse(-1L));
    }

    private static Notification notification(long received, DataValue value) {
        boolean good = value.statusCode().isGood();
        double number = good && value.value().value() instanceof Number n ? n.doubleValue() : Double.NaN;
        DateTime source = value.sourceTime();
        return new Notification(received, number, good, source == null ? null : source.getJavaInstant());
    }

    @Override
    public void close() throws UaException {
        client.disconnect();
    }
}
