package dev.failover.gateway.link.opcua;

import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.OpcUaEndpoint;
import dev.failover.gateway.config.StatusNodes;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.link.StatusReading;
import dev.failover.gateway.link.opcua.StatusSubscription.Snapshot;
import dev.failover.gateway.link.opcua.UaConnection.ReadAnswer;
import dev.failover.gateway.link.opcua.UaConnection.WriteAnswer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned;
import org.eclipse.milo.opcua.stack.core.types.structured.WriteValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ControllerLink} over OPC UA (Eclipse Milo client): the only part of the gateway, with the
 * SCADA server, that knows OPC UA.
 *
 * <p><b>Security.</b> Always SignAndEncrypt with the configured policy; the server's certificate is
 * validated against the plant PKI only (root, issuing CAs, CRLs, validity, usage, revocation, and its
 * host name against the URL's host), never accepted because it is new; the gateway presents its
 * application certificate and logs on with its X.509 user (role {@code gateway}). See {@link
 * UaClients}.
 *
 * <p><b>Connection.</b> One Milo client (one secure channel, one session) per controller, kept open by
 * a {@link UaConnector} on its own thread with back-off from the response timeout up to {@code
 * maxBackoff}. Callers never wait for a connection: without one they get, at once, why (see {@link
 * UaConnector}). Poll and control exchanges share the channel: Milo sends every request at once and
 * matches answers by request id, and the server serves requests concurrently, so a role write never
 * queues behind an outstanding poll ({@code OpcUaLinkIT.aRoleWriteDoesNotWaitBehindAnUnansweredPoll}).
 * A second session would add a second connection to keep alive and nothing a role write could gain. Node ids given as {@code
 * nsu=<uri>;...} are resolved against the namespace table of each new session.
 *
 * <p><b>Status: poll and subscription.</b> {@link #readStatus(Duration)} is the health poll and must never
 * report an answer the controller did not give recently. With {@code subscribe} off it is one Read of
 * the five status variables, bounded by the response timeout, and its latency is the round trip.
 * With {@code subscribe} on, the link also keeps a subscription to them (publishing every max(10 ms,
 * half the response timeout), sampling twice as fast, re-created on every new connection and whenever
 * Milo reports it lost) and answers from the latest data-change notification, without a round trip,
 * when all of these hold:
 *
 * <ul>
 *   <li>the newest value in it was sampled, by the server's clock mapped onto ours ({@link
 *       ServerClock}, calibrated by the Reads), and received, by our clock, no longer than one
 *       response timeout ago: a hung server sends nothing and a slow one delivers old samples, so
 *       both fall back to a Read, which then times out;
 *   <li>it was sampled after (by more than the clock's uncertainty) the newest information the
 *       link has reported by a Read, on any path, and after the last role write: a poll right after
 *       a promotion never reports the role from before it, and a notification is never served twice;
 *   <li>it shows another heartbeat than the previous {@code readStatus} returned: the heartbeat
 *       check of the health tracker never compares two samples closer than a scan apart; a frozen
 *       heartbeat sends no notification, so the Read that follows shows it frozen;
 *   <li>a Read calibrated the clock within the last second, so one Read a second still runs.
 * </ul>
 *
 * Otherwise it reads. The latency of an answer from the subscription is the age of its newest
 * sample: how old the information is, as for a Read.
 *
 * <p><b>Failures</b> are values: {@link LinkError#TIMEOUT} (no answer within the timeout), {@link
 * LinkError#UNREACHABLE} (refused, not yet connected), {@link LinkError#CONNECTION_LOST} (channel or
 * session gone), {@link LinkError#SECURITY} (a certificate or the identity refused, by either side),
 * {@link LinkError#REJECTED} (a Bad status on a variable or a service fault, named in the detail, e.g.
 * {@code Bad_UserAccessDenied}, {@code Bad_OutOfRange}), {@link LinkError#PROTOCOL} (a value of an
 * unexpected data type, a namespace missing on the server), {@link LinkError#BACKING_OFF} (waiting to
 * reconnect).
 *
 * <p><b>Role commands carry a deadline.</b> {@link #writeRole} writes the role command variable
 * ({@link StatusNodes#roleCommand()}, plc-sim's {@code Status/RoleCommand}): one UInt16[5] in one
 * Write, the deadline (the wall clock now plus the command timeout, as unsigned 64-bit epoch
 * milliseconds, high word first) and the role. The controller refuses a command past its deadline
 * ({@code Bad_OutOfRange}), so a role write the link stopped waiting for is never executed late;
 * the wall clocks must agree to well within the command timeout. Without a role command variable
 * the link writes the role variable, without a deadline, and says so once at start.
 *
 * <p>Thread-safe. {@link #close()} is idempotent and ends the connector thread.
 */
public final class OpcUaLink implements ControllerLink {

    private static final Logger log = LoggerFactory.getLogger(OpcUaLink.class);

    /** A tag write for a command gets more time than a poll, as on Modbus. */
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(250);

    /** The smallest publishing interval Milo's server grants (below it, it falls back to 250 ms). */
    static final Duration MIN_PUBLISHING = Duration.ofMillis(10);

    /** With a subscription, one Read at least this often keeps the server clock calibrated. */
    static final Duration CALIBRATION = Duration.ofSeconds(1);

    private final String controllerId;
    private final OpcUaEndpoint endpoint;
    /** Of reads without a deadline of their own: the adaptive deadline once {@link #adapt} sets it. */
    private volatile Duration responseTimeout;

    private final Duration commandTimeout;
    private final Ticker ticker;
    private final Clock wallClock;
    private final Optional<String> roleCommand;
    private final UaConnector connector;
    private final ServerClock clock = new ServerClock(Duration.ofSeconds(10).toNanos());
    private final AtomicLong statusPushed = new AtomicLong();
    private final Object servedLock = new Object();
    // Guarded by servedLock: when the newest information the link reported was sampled or the
    // last role was written (ticker), and the heartbeat readStatus returned last.
    private long newestInfoNanos = Long.MIN_VALUE;
    private int servedHeartbeat = -1;

    /**
     * A link that starts connecting at once, in the background.
     *
     * @param nodes the node ids of the status variables
     * @param responseTimeout how long a poll or a status read may wait for its answer (role and tag writes
     *     get at least the command timeout: they are switchover steps and commands, not fault detection)
     * @param maxBackoff the longest pause between two connection attempts
     * @param credentials the gateway's application and user identities and the plant PKI; the user
     *     must be set
     */
    public OpcUaLink(
            String controllerId,
            OpcUaEndpoint endpoint,
            StatusNodes nodes,
            Duration responseTimeout,
            Duration maxBackoff,
            Ticker ticker,
            OpcUaCredentials credentials) {
        this(controllerId, endpoint, nodes, responseTimeout, maxBackoff, ticker, credentials, Clock.systemUTC());
    }

    /**
     * As the constructor without {@code wallClock}, with the wall clock that role command deadlines
     * are taken from (the controller's must match it to well within the command timeout).
     */
    public OpcUaLink(
            String controllerId,
            OpcUaEndpoint endpoint,
            StatusNodes nodes,
            Duration responseTimeout,
            Duration maxBackoff,
            Ticker ticker,
            OpcUaCredentials credentials,
            Clock wallClock) {
        this.controllerId = Objects.requireNonNull(controllerId, "controllerId");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        this.roleCommand = nodes.roleCommand();
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.responseTimeout = Objects.requireNonNull(responseTimeout, "responseTimeout");
        this.commandTimeout = COMMAND_TIMEOUT.compareTo(responseTimeout) > 0 ? COMMAND_TIMEOUT : responseTimeout;
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(credentials, "credentials");
        if (credentials.user() == null) {
            throw new IllegalArgumentException("controller " + controllerId + " is reached over OPC UA, but the"
                    + " gateway has no OPC UA user certificate");
        }
        Duration connectTimeout = atLeast(responseTimeout.multipliedBy(20), Duration.ofSeconds(3));
        Duration requestTimeout = atLeast(responseTimeout.multipliedBy(5), Duration.ofSeconds(1));
        Duration half = responseTimeout.dividedBy(2);
        Duration publishing = half.compareTo(MIN_PUBLISHING) > 0 ? half : MIN_PUBLISHING;
        this.connector = new UaConnector(
                controllerId,
                endpoint.url(),
                new UaClients(endpoint, credentials, connectTimeout, requestTimeout),
                nodes.all(),
                ticker,
                responseTimeout,
                maxBackoff,
                endpoint.subscribe() ? publishing : null,
                requestTimeout);
        if (roleCommand.isEmpty()) {
            log.warn(
                    "role commands to {} carry no deadline (nodes.roleCommand: none): a role write the gateway gave"
                            + " up on may still be executed late",
                    controllerId);
        }
        connector.start();
    }

    private static Duration atLeast(Duration d, Duration min) {
        return d.compareTo(min) > 0 ? d : min;
    }

    @Override
    public String controllerId() {
        return controllerId;
    }

    @Override
    public String endpoint() {
        return endpoint.url();
    }

    @Override
    public boolean secure() {
        return true;
    }

    /** Whether a session to the controller is open now. */
    public boolean connected() {
        return connector.connection() != null;
    }

    /** Whether a status subscription delivers now (with {@code subscribe} on). */
    public boolean subscribed() {
        UaConnection c = connector.connection();
        StatusSubscription s = c == null ? null : c.subscription();
        return s != null && !s.broken() && s.snapshot() != null;
    }

    @Override
    public Duration responseTimeout() {
        return responseTimeout;
    }

    @Override
    public void adapt(Duration deadline) {
        responseTimeout = deadline;
    }

    @Override
    public LinkResult<StatusReading> readStatus(Duration deadline) {
        UaConnection connection = connector.connection();
        if (connection == null) {
            return connector.notConnected();
        }
        if (endpoint.subscribe()) {
            LinkResult<StatusReading> pushed = fromSubscription(connection, deadline);
            if (pushed != null) {
                return pushed;
            }
        }
        LinkResult<ReadAnswer> read = connection.read(connection.statusNodes(), deadline);
        LinkResult<StatusReading> result = status(read);
        if (result instanceof LinkResult.Ok<StatusReading> reading) {
            synchronized (servedLock) {
                servedHeartbeat = reading.value().heartbeat();
            }
        }
        return result;
    }

    /** The latest notification if it may stand for a Read (see the class comment), else {@code null}. */
    private LinkResult<StatusReading> fromSubscription(UaConnection connection, Duration deadline) {
        StatusSubscription subscription = connection.subscription();
        if (subscription == null || subscription.broken()) {
            connector.ensureSubscription(connection);
            return null;
        }
        Snapshot snapshot = subscription.snapshot();
        long now = ticker.nanos();
        if (snapshot == null
                || snapshot.sampledServerEpochNanos() == Long.MIN_VALUE
                || !clock.sampledWithin(CALIBRATION.toNanos(), now)) {
            return null;
        }
        OptionalLong sampled = clock.toTicker(snapshot.sampledServerEpochNanos(), now);
        if (sampled.isEmpty()) {
            return null;
        }
        long sampledAt = Math.min(sampled.getAsLong(), snapshot.arrivedNanos());
        long age = now - sampledAt;
        if (age > deadline.toNanos()) {
            return null;
        }
        StatusReading reading;
        try {
            reading = UaValues.status(snapshot.values());
        } catch (UaValues.Unexpected e) {
            return null;
        }
        // The server's clock maps onto ours only to within this much.
        long margin = clock.uncertaintyNanos(now);
        synchronized (servedLock) {
            if (sampledAt - margin <= newestInfoNanos || reading.heartbeat() == servedHeartbeat) {
                return null;
            }
            newestInfoNanos = sampledAt;
            servedHeartbeat = reading.heartbeat();
        }
        statusPushed.incrementAndGet();
        return LinkResult.ok(reading, age);
    }

    /**
     * Everything sampled before {@code nanos} is older than what the link has already reported (a
     * Read answered then) or done (a role written then): a notification sampled earlier must not
     * be served after it, or a poll right after a promotion could report the controller's role from
     * before it.
     */
    private void newestInfo(long nanos) {
        synchronized (servedLock) {
            newestInfoNanos = Math.max(newestInfoNanos, nanos);
        }
    }

    /** How many {@link #readStatus()} calls were answered from the subscription (diagnostics). */
    long statusPushed() {
        return statusPushed.get();
    }

    @Override
    public LinkResult<StatusReading> readStatusForControl(Duration deadline) {
        UaConnection connection = connector.connection();
        if (connection == null) {
            return connector.notConnected();
        }
        return status(connection.read(connection.statusNodes(), deadline));
    }

    /** Decodes a Read of the status block, calibrating the server clock with it. */
    private LinkResult<StatusReading> status(LinkResult<ReadAnswer> read) {
        if (read instanceof LinkResult.Failed<ReadAnswer> failed) {
            return LinkResult.failed(failed.error(), failed.detail());
        }
        ReadAnswer answer = ((LinkResult.Ok<ReadAnswer>) read).value();
        calibrate(answer);
        newestInfo(answer.receivedNanos());
        try {
            return LinkResult.ok(UaValues.status(answer.values()), answer.roundTripNanos());
        } catch (UaValues.Unexpected e) {
            return LinkResult.failed(e.error(), e.getMessage());
        }
    }

    private void calibrate(ReadAnswer answer) {
        DateTime stamp = answer.serverTimestamp();
        if (stamp == null || stamp.isNull()) {
            for (DataValue v : answer.values()) {
                if (v.serverTime() != null) {
                    stamp = v.serverTime();
                }
            }
        }
        if (stamp != null && !stamp.isNull()) {
            clock.sample(answer.sentNanos(), answer.receivedNanos(), UaConnection.epochNanos(stamp));
        }
    }

    @Override
    public LinkResult<StatusReading> writeRole(RuntimeRole role) {
        if (role == RuntimeRole.UNKNOWN) {
            throw new IllegalArgumentException("cannot write role UNKNOWN");
        }
        String what = "writing role " + role;
        UaConnection connection = connector.connection();
        if (connection == null) {
            return prefixed(what, connector.notConnected());
        }
        WriteValue write;
        long deadline = 0;
        if (roleCommand.isPresent()) {
            Optional<NodeId> node = connection.node(roleCommand.get());
            if (node.isEmpty()) {
                return LinkResult.failed(
                        LinkError.PROTOCOL,
                        what + ": the namespace of the role command node " + roleCommand.get()
                                + " is not on the server; configure nodes.roleCommand, or none to write the role"
                                + " without a deadline");
            }
            deadline = wallClock.millis() + commandTimeout.toMillis();
            write = writeValue(node.get(), new Variant(roleCommand(deadline, role)));
        } else {
            NodeId node = connection.statusNodes()[UaValues.ROLE];
            write = writeValue(node, new Variant(Unsigned.ushort(role.code())));
        }
        LinkResult<WriteAnswer> written = connection.write(new WriteValue[] {write}, commandTimeout);
        if (written instanceof LinkResult.Failed<WriteAnswer> failed) {
            return LinkResult.failed(failed.error(), what + ": " + failed.detail());
        }
        WriteAnswer answer = ((LinkResult.Ok<WriteAnswer>) written).value();
        newestInfo(answer.receivedNanos());
        StatusCode result = answer.results()[0];
        if (!result.isGood()) {
            if (roleCommand.isPresent() && result.value() == StatusCodes.Bad_OutOfRange) {
                return LinkResult.failed(
                        LinkError.REJECTED,
                        what + ": controller refused the role command as stale or invalid (Bad_OutOfRange): its"
                                + " deadline " + deadline + " had passed by the controller's clock, or the clocks"
                                + " differ by more than the " + commandTimeout.toMillis() + " ms command timeout");
            }
            return LinkResult.failed(LinkError.REJECTED, what + ": " + UaFailures.name(result));
        }
        return status(connection.read(connection.statusNodes(), commandTimeout));
    }

    /** The role command block: deadline as u64 epoch ms, high word first, then the role. */
    static UShort[] roleCommand(long deadlineEpochMillis, RuntimeRole role) {
        UShort[] block = new UShort[5];
        for (int i = 0; i < 4; i++) {
            block[i] = Unsigned.ushort((int) (deadlineEpochMillis >>> (48 - 16 * i)) & 0xFFFF);
        }
        block[4] = Unsigned.ushort(role.code());
        return block;
    }

    /**
     * All tags in one Write, then all in one Read.
     *
     * @throws IllegalArgumentException if the counts differ
     */
    @Override
    public LinkResult<double[]> writeTags(List<TagConfig> tags, double[] raw) {
        if (raw.length != tags.size()) {
            throw new IllegalArgumentException(tags.size() + " tags but " + raw.length + " values");
        }
        UaConnection connection = connector.connection();
        if (connection == null) {
            return prefixed("writing " + names(tags), connector.notConnected());
        }
        LinkResult<NodeId[]> nodes = nodes(connection, tags);
        if (nodes instanceof LinkResult.Failed<NodeId[]> failed) {
            return LinkResult.failed(failed.error(), failed.detail() + "; nothing written");
        }
        NodeId[] ids = ((LinkResult.Ok<NodeId[]>) nodes).value();
        WriteValue[] values = new WriteValue[tags.size()];
        for (int i = 0; i < values.length; i++) {
            TagConfig tag = tags.get(i);
            try {
                values[i] = writeValue(ids[i], UaValues.encode(tag.type(), raw[i]));
            } catch (UaValues.DoesNotFit e) {
                return LinkResult.failed(
                        LinkError.PROTOCOL, tag.name() + ": raw value " + e.getMessage() + "; nothing written");
            }
        }
        LinkResult<WriteAnswer> written = connection.write(values, commandTimeout);
        if (written instanceof LinkResult.Failed<WriteAnswer> failed) {
            return LinkResult.failed(failed.error(), "writing " + names(tags) + ": " + failed.detail());
        }
        WriteAnswer answer = ((LinkResult.Ok<WriteAnswer>) written).value();
        List<String> refused = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < tags.size(); i++) {
            StatusCode result = answer.results()[i];
            if (result.isGood()) {
                accepted.add(tags.get(i).name());
            } else {
                refused.add(tags.get(i).name() + ": " + UaFailures.name(result));
            }
        }
        if (!refused.isEmpty()) {
            return LinkResult.failed(
                    LinkError.REJECTED,
                    String.join("; ", refused)
                            + (accepted.isEmpty()
                                    ? ""
                                    : " (written nonetheless: " + String.join(", ", accepted) + ")"));
        }
        LinkResult<double[]> readBack = readTags(connection, tags, ids, commandTimeout);
        if (readBack instanceof LinkResult.Ok<double[]> ok) {
            return LinkResult.ok(ok.value(), answer.receivedNanos() - answer.sentNanos() + ok.latencyNanos());
        }
        LinkResult.Failed<double[]> failed = (LinkResult.Failed<double[]>) readBack;
        return LinkResult.failed(failed.error(), "reading back after writing: " + failed.detail());
    }

    /**
     * Reads what the server reports about itself (BuildInfo) and the values of {@code nodes} as text,
     * in one Read over the control connection, for the security posture checks.
     */
    public LinkResult<ServerOffer.Facts> readServerFacts(List<String> nodes) {
        UaConnection connection = connector.connection();
        if (connection == null) {
            return prefixed("reading the server's facts", connector.notConnected());
        }
        NodeId[] ids = new NodeId[BUILD_INFO.length + nodes.size()];
        System.arraycopy(BUILD_INFO, 0, ids, 0, BUILD_INFO.length);
        for (int i = 0; i < nodes.size(); i++) {
            // A node whose namespace the server lacks is read as nothing (Bad_NodeIdUnknown).
            ids[BUILD_INFO.length + i] = connection.node(nodes.get(i)).orElse(NodeId.NULL_VALUE);
        }
        LinkResult<ReadAnswer> read = connection.read(ids, responseTimeout);
        if (read instanceof LinkResult.Failed<ReadAnswer> failed) {
            return LinkResult.failed(failed.error(), "reading the server's facts: " + failed.detail());
        }
        ReadAnswer answer = ((LinkResult.Ok<ReadAnswer>) read).value();
        String[] text = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            text[i] = UaValues.text(answer.values()[i]);
        }
        return LinkResult.ok(
                new ServerOffer.Facts(
                        text[0], text[1], text[2], text[3], Arrays.asList(text).subList(BUILD_INFO.length, ids.length)),
                answer.roundTripNanos());
    }

    /** BuildInfo's manufacturer, product name, software version and build number. */
    private static final NodeId[] BUILD_INFO = {
        NodeIds.Server_ServerStatus_BuildInfo_ManufacturerName,
        NodeIds.Server_ServerStatus_BuildInfo_ProductName,
        NodeIds.Server_ServerStatus_BuildInfo_SoftwareVersion,
        NodeIds.Server_ServerStatus_BuildInfo_BuildNumber
    };

    /** All tags in one Read. */
    @Override
    public LinkResult<double[]> readTags(List<TagConfig> tags) {
        UaConnection connection = connector.connection();
        if (connection == null) {
            return prefixed("reading " + names(tags), connector.notConnected());
        }
        LinkResult<NodeId[]> nodes = nodes(connection, tags);
        if (nodes instanceof LinkResult.Failed<NodeId[]> failed) {
            return LinkResult.failed(failed.error(), failed.detail());
        }
        return readTags(connection, tags, ((LinkResult.Ok<NodeId[]>) nodes).value(), responseTimeout);
    }

    private static LinkResult<double[]> readTags(
            UaConnection connection, List<TagConfig> tags, NodeId[] ids, Duration timeout) {
        LinkResult<ReadAnswer> read = connection.read(ids, timeout);
        if (read instanceof LinkResult.Failed<ReadAnswer> failed) {
            return LinkResult.failed(failed.error(), "reading " + names(tags) + ": " + failed.detail());
        }
        ReadAnswer answer = ((LinkResult.Ok<ReadAnswer>) read).value();
        double[] values = new double[tags.size()];
        for (int i = 0; i < values.length; i++) {
            try {
                values[i] = UaValues.decode(tags.get(i), answer.values()[i]);
            } catch (UaValues.Unexpected e) {
                return LinkResult.failed(e.error(), e.getMessage());
            }
        }
        return LinkResult.ok(values, answer.roundTripNanos());
    }

    private static LinkResult<NodeId[]> nodes(UaConnection connection, List<TagConfig> tags) {
        NodeId[] ids = new NodeId[tags.size()];
        for (int i = 0; i < ids.length; i++) {
            TagConfig tag = tags.get(i);
            if (tag.node() == null) {
                return LinkResult.failed(LinkError.PROTOCOL, "tag " + tag.name() + " has no node id");
            }
            Optional<NodeId> node = connection.node(tag.node());
            if (node.isEmpty()) {
                return LinkResult.failed(
                        LinkError.PROTOCOL,
                        "tag " + tag.name() + ": the namespace of " + tag.node() + " is not on the server");
            }
            ids[i] = node.get();
        }
        return LinkResult.ok(ids, 0);
    }

    /** A Value write without timestamps or status: servers may refuse writes that set them. */
    private static WriteValue writeValue(NodeId node, Variant value) {
        return new WriteValue(node, AttributeId.Value.uid(), null, new DataValue(value, StatusCode.GOOD, null, null));
    }

    private static <T> LinkResult<T> prefixed(String what, LinkResult<T> failed) {
        LinkResult.Failed<T> f = (LinkResult.Failed<T>) failed;
        return LinkResult.failed(f.error(), what + ": " + f.detail());
    }

    private static String names(List<TagConfig> tags) {
        return String.join(", ", tags.stream().map(TagConfig::name).toList());
    }

    @Override
    public void close() {
        connector.close();
    }

    @Override
    public String toString() {
        return "OpcUaLink[" + controllerId + " " + endpoint + "]";
    }
}
