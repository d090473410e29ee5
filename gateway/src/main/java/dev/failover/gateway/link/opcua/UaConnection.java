package dev.failover.gateway.link.opcua;

import dev.failover.gateway.Ticker;
import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.opcua.UaFailures.Failure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaSession;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.types.UaRequestMessageType;
import org.eclipse.milo.opcua.stack.core.types.UaResponseMessageType;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.RequestHeader;
import org.eclipse.milo.opcua.stack.core.types.structured.WriteRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.WriteResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.WriteValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connected Milo client with its activated session: the exchanges of the link, each bounded by
 * its own timeout, and the node ids resolved against this server's namespace table.
 *
 * <p>Poll and control exchanges share this one secure channel: Milo multiplexes requests by id and
 * the server serves them concurrently, so a role write is sent at once even while a poll is
 * outstanding, and a late answer completes only its own request. A caller stops waiting after its
 * timeout; Milo drops the request after {@link UaClients#MILO_REQUEST_LIFETIME}, so unanswered
 * requests to a hung server are bounded (and its keep-alive replaces the connection within seconds).
 *
 * <p>The connection reports its loss once, to the {@code onLost} callback: when Milo's session goes
 * inactive (channel closed, keep-alive failed) or an exchange fails with a status that means the
 * channel or session is gone. Milo would reconnect by itself; the owner instead discards this
 * connection and opens a new one on its own schedule. Thread-safe.
 */
final class UaConnection {

    private static final Logger log = LoggerFactory.getLogger(UaConnection.class);

    /** An answer to a Read and when it was sent and received. */
    record ReadAnswer(DataValue[] values, long sentNanos, long receivedNanos, DateTime serverTimestamp) {
        long roundTripNanos() {
            return receivedNanos - sentNanos;
        }
    }

    /** An answer to a Write. */
    record WriteAnswer(StatusCode[] results, long sentNanos, long receivedNanos) {}

    private final String name;
    private final OpcUaClient client;
    private final OpcUaSession session;
    private final Ticker ticker;
    private final NodeId[] statusNodes;
    private final ConcurrentMap<String, Optional<NodeId>> nodes = new ConcurrentHashMap<>();
    private final AtomicBoolean lost = new AtomicBoolean();
    private final BiConsumer<UaConnection, Failure> onLost;
    private final SessionActivityListener sessionListener;
    private volatile Failure loss;
    private final AtomicBoolean subscribing = new AtomicBoolean();
    private volatile StatusSubscription subscription;
    private volatile long subscriptionAttemptNanos = Long.MIN_VALUE;

    private UaConnection(
            String name,
            OpcUaClient client,
            OpcUaSession session,
            Ticker ticker,
            NodeId[] statusNodes,
            BiConsumer<UaConnection, Failure> onLost) {
        this.name = name;
        this.client = client;
        this.session = session;
        this.ticker = ticker;
        this.statusNodes = statusNodes;
        this.onLost = onLost;
        this.sessionListener = new SessionActivityListener() {
            @Override
            public void onSessionInactive(UaSession inactive) {
                lose(new Failure(LinkError.CONNECTION_LOST, "session " + inactive.getSessionName() + " inactive"));
            }
        };
    }

    /**
     * Wraps a connected client: resolves the status nodes in its namespace table and watches its
     * session.
     *
     * @throws UnknownNode if a status node's namespace is not on the server
     */
    static UaConnection open(
            String name,
            OpcUaClient client,
            Ticker ticker,
            List<String> statusNodeTexts,
            BiConsumer<UaConnection, Failure> onLost,
            Duration timeout)
            throws UnknownNode, InterruptedException, ExecutionException, TimeoutException {
        OpcUaSession session = client.getSessionAsync().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        NodeId[] status = new NodeId[statusNodeTexts.size()];
        for (int i = 0; i < status.length; i++) {
            String text = statusNodeTexts.get(i);
            status[i] = resolve(client, text)
                    .orElseThrow(() -> new UnknownNode("status node " + text + " names a namespace the server"
                            + " does not have (its namespaces: "
                            + String.join(", ", client.getNamespaceTable().toArray()) + ")"));
        }
        UaConnection connection = new UaConnection(name, client, session, ticker, status, onLost);
        client.addSessionActivityListener(connection.sessionListener);
        return connection;
    }

    /** A node id whose namespace the server does not have. */
    static final class UnknownNode extends Exception {
        private static final long serialVersionUID = 1L;

        UnknownNode(String message) {
            super(message);
        }
    }

    /** Resolves {@code nsu=} against the namespace table read when the session was made. */
    private static Optional<NodeId> resolve(OpcUaClient client, String text) {
        return ExpandedNodeId.parse(text).toNodeId(client.getNamespaceTable());
    }

    /** The node id of a configured node on this server, if its namespace is there. */
    Optional<NodeId> node(String text) {
        return nodes.computeIfAbsent(text, t -> resolve(client, t));
    }

    NodeId[] statusNodes() {
        return statusNodes.clone();
    }

    OpcUaClient client() {
        return client;
    }

    boolean lost() {
        return lost.get();
    }

    StatusSubscription subscription() {
        return subscription;
    }

    void subscription(StatusSubscription s) {
        subscription = s;
    }

    /** Claims the right to (re-)create the subscription; {@code false} if a creation is claimed already. */
    boolean startSubscribing() {
        return subscribing.compareAndSet(false, true);
    }

    void doneSubscribing() {
        subscribing.set(false);
    }

    long subscriptionAttemptNanos() {
        return subscriptionAttemptNanos;
    }

    void subscriptionAttempt(long nanos) {
        subscriptionAttemptNanos = nanos;
    }

    /** Reads the Value attribute of {@code nodes}, server timestamps included. */
    LinkResult<ReadAnswer> read(NodeId[] nodes, Duration timeout) {
        ReadValueId[] ids = new ReadValueId[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            ids[i] = new ReadValueId(nodes[i], AttributeId.Value.uid(), null, QualifiedName.NULL_VALUE);
        }
        ReadRequest request = new ReadRequest(header(), 0.0, TimestampsToReturn.Server, ids);
        return exchange(request, timeout, (response, sent, received) -> {
            ReadResponse r = (ReadResponse) response;
            DataValue[] values = r.getResults();
            if (values == null || values.length != nodes.length) {
                return LinkResult.failed(
                        LinkError.PROTOCOL,
                        "answer holds " + (values == null ? 0 : values.length) + " values, " + nodes.length + " asked");
            }
            return LinkResult.ok(
                    new ReadAnswer(values, sent, received, r.getResponseHeader().getTimestamp()), received - sent);
        });
    }

    /** Writes values in one Write request. */
    LinkResult<WriteAnswer> write(WriteValue[] values, Duration timeout) {
        WriteRequest request = new WriteRequest(header(), values);
        return exchange(request, timeout, (response, sent, received) -> {
            StatusCode[] results = ((WriteResponse) response).getResults();
            if (results == null || results.length != values.length) {
                return LinkResult.failed(
                        LinkError.PROTOCOL,
                        "answer holds " + (results == null ? 0 : results.length) + " results, " + values.length
                                + " written");
            }
            return LinkResult.ok(new WriteAnswer(results, sent, received), received - sent);
        });
    }

    private RequestHeader header() {
        return client.newRequestHeader(
                session.getAuthenticationToken(), Unsigned.uint(UaClients.MILO_REQUEST_LIFETIME.toMillis()));
    }

    @FunctionalInterface
    private interface Decoder<T> {
        LinkResult<T> decode(UaResponseMessageType response, long sentNanos, long receivedNanos);
    }

    private <T> LinkResult<T> exchange(UaRequestMessageType request, Duration timeout, Decoder<T> decoder) {
        if (lost.get()) {
            return LinkResult.failed(LinkError.CONNECTION_LOST, "connection lost, reconnecting");
        }
        long sent = ticker.nanos();
        CompletableFuture<UaResponseMessageType> answer = client.sendRequestAsync(request);
        UaResponseMessageType response;
        try {
            response = answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return LinkResult.failed(LinkError.TIMEOUT, "no answer within " + millis(timeout));
        } catch (ExecutionException e) {
            Failure failure = UaFailures.ofRequest(e.getCause());
            if (UaFailures.replacesConnection(e.getCause())) {
                lose(failure);
            }
            return failure.result();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return LinkResult.failed(LinkError.TIMEOUT, "interrupted while waiting for the answer");
        }
        long received = ticker.nanos();
        try {
            return decoder.decode(response, sent, received);
        } catch (RuntimeException e) {
            return LinkResult.failed(LinkError.PROTOCOL, "malformed answer: " + e);
        }
    }

    /** Reports the loss once and stops using this connection. */
    void lose(Failure why) {
        if (lost.compareAndSet(false, true)) {
            loss = why;
            log.warn("{}: connection lost: {} {}", name, why.error(), why.detail());
            onLost.accept(this, why);
        }
    }

    /** Why the connection was lost, or {@code null} while it is not. */
    Failure loss() {
        return loss;
    }

    /** Closes the session and the channel without waiting (the server may be gone). */
    void close() {
        lost.set(true);
        client.removeSessionActivityListener(sessionListener);
        client.disconnectAsync().orTimeout(5, TimeUnit.SECONDS).whenComplete((c, e) -> {
            if (e != null) {
                log.debug("{}: disconnect did not complete: {}", name, e.toString());
            }
        });
    }

    /** Closes and waits up to {@code wait} for the session to be closed on the server. */
    void closeAndWait(Duration wait) {
        lost.set(true);
        client.removeSessionActivityListener(sessionListener);
        try {
            client.disconnectAsync().get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("{}: disconnect did not complete: {}", name, e.toString());
        }
    }

    static String millis(Duration d) {
        return d.toNanos() % 1_000_000 == 0
                ? d.toMillis() + " ms"
                : String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }

    static long epochNanos(DateTime time) {
        Instant instant = time.getJavaInstant();
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
