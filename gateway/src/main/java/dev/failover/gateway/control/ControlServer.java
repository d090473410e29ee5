package dev.failover.gateway.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.gateway.command.CommandResult;
import dev.failover.gateway.command.CommandService;
import dev.failover.gateway.events.RefusalReporter;
import dev.failover.gateway.health.PauseDetector;
import dev.failover.gateway.posture.PostureWatch;
import dev.failover.gateway.supervisor.Pair;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local operator endpoint: one JSON request per line and connection, one JSON answer line.
 * Operations: {@code status}, and {@code submit} of a signed command envelope (base64). With a TLS
 * context the endpoint requires a client certificate of the plant PKI (TLS 1.2/1.3); without one
 * it serves status only and refuses commands. It binds a loopback address only.
 *
 * <p><b>Admission</b> ({@link Admission}, docs/security.md): a connection must send its first byte
 * within the handshake timeout (default 500 ms) and complete its TLS handshake within {@link
 * #HANDSHAKE_COMPLETION} of accept; until then it is pending, and pending connections are limited in
 * total and per source, the oldest (silent ones first) making room for new ones (32 in all, 16 per
 * source). Authenticated connections have 16
 * slots of their own and {@link #REQUEST_TIMEOUT} for their request. A request line may be {@value
 * #MAX_REQUEST_BYTES} bytes long; a longer one is answered with its size and the limit. Every
 * refusal is a {@code CONTROL_REFUSED} event ({@link RefusalReason}).
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    /**
     * How long after accept a handshake that has started must be complete. A command-line client is a
     * new JVM each time: measured on the 2-core bench, its handshake completed 0.4-0.6 s after accept
     * (1.6 s against a gateway that had not handshaken yet), its first byte came after 20-120 ms.
     */
    static final Duration HANDSHAKE_COMPLETION = Duration.ofSeconds(10);

    /** The longest request line, in bytes: a signed envelope (16 KiB at most) in base64 fits easily. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;

    /** How much of an oversized request is read to tell its size and keep the answer from a reset. */
    static final long MAX_DRAIN_BYTES = 16L * 1024 * 1024;

    /** How long an authenticated client may take to send its request. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    /** The pause after a failed accept (out of file descriptors, say) before the next. */
    static final Duration ACCEPT_BACKOFF = Duration.ofMillis(100);

    private static final int BACKLOG = 64;

    private final ObjectMapper json = new ObjectMapper();
    private final List<Pair> pairs;
    private final CommandService commands;
    private final Supplier<PauseDetector.Figures> pauses;
    private final RefusalReporter refusals;
    private volatile PostureWatch posture;
    private final Admission admission = new Admission(Admission.Limits.DEFAULT);
    private final ServerSocket server;
    private final ScheduledThreadPoolExecutor deadlines;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final ControlConnection.Context context;
    private final Thread acceptor;

    /**
     * @param handshakeTimeout how long a new connection may stay silent: it must send its first byte
     *     (the start of its TLS handshake; without TLS, of its request) within it
     * @param tls the server context (client authentication required), or {@code null} for a
     *     plaintext, status-only endpoint
     * @param commands the command service, or {@code null} when the gateway takes no commands
     * @param pauses the gateway's own pause figures for the status answer (safety rule 10), or a
     *     supplier of {@code null} without a pause detector
     * @param refusals where refusals are reported (the gateway's doors share one)
     */
    public ControlServer(
            String host,
            int port,
            Duration handshakeTimeout,
            List<? extends Pair> pairs,
            SSLContext tls,
            CommandService commands,
            Supplier<PauseDetector.Figures> pauses,
            RefusalReporter refusals)
            throws IOException {
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the control endpoint binds loopback only, not " + host);
        }
        if (commands != null && tls == null) {
            throw new IllegalArgumentException("commands are accepted only over the TLS endpoint");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("the handshake timeout must be positive, not " + handshakeTimeout);
        }
        this.pairs = List.copyOf(pairs);
        this.commands = commands;
        this.pauses = Objects.requireNonNull(pauses, "pauses");
        this.refusals = Objects.requireNonNull(refusals, "refusals");
        this.deadlines = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name("control-deadlines").daemon(true).factory());
        // Most deadlines are cancelled (the handshake completed): do not keep them queued.
        deadlines.setRemoveOnCancelPolicy(true);
        this.context = new ControlConnection.Context(
                tls, handshakeTimeout, admission, deadlines, refusals, json, this::answer, new AtomicInteger());
        this.server = new ServerSocket(port, BACKLOG, address);
        this.acceptor = Thread.ofPlatform().name("control-accept").daemon(true).start(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    // Out of file descriptors, say: wait a moment rather than spin and flood the log.
                    log.warn("control endpoint accept failed: {}", e.toString());
                    LockSupport.parkNanos(ACCEPT_BACKOFF.toNanos());
                }
                continue;
            }
            long acceptedNanos = System.nanoTime();
            try {
                // Small request-answer exchanges: no Nagle delay on the answers.
                socket.setTcpNoDelay(true);
                Admission.Admitted admitted = admission.admit(
                        socket.getInetAddress(),
                        () -> ControlConnection.closeQuietly(socket),
                        () -> ControlConnection.bytesWaiting(socket));
                admitted.evicted().forEach(Admission.Ticket::evict);
                try {
                    handlers.execute(
                            () -> new ControlConnection(context, socket, admitted.ticket(), acceptedNanos).run());
                } catch (RejectedExecutionException | Error notStarted) {
                    admission.release(admitted.ticket());
                    throw notStarted;
                }
            } catch (IOException | RuntimeException | Error e) {
                // Out of threads or memory, say: this connection is lost, the endpoint goes on.
                ControlConnection.closeQuietly(socket);
                if (!server.isClosed()) {
                    log.warn("control endpoint could not take a connection", e);
                }
            }
        }
    }

    private JsonNode answer(String line, String origin) {
        JsonNode request;
        try {
            request = json.readTree(line);
        } catch (IOException e) {
            return error("request is not JSON: " + e.getMessage());
        }
        String op = request.path("op").asText("");
        return switch (op) {
            case "status" -> status(request.path("pair").asText(""));
            case "submit" -> submit(request, origin);
            default -> error("unknown op '" + op + "'; use status or submit");
        };
    }

    /** Adds each watched pair's security posture to the status answer. */
    public void showPosture(PostureWatch watch) {
        this.posture = watch;
    }

    private JsonNode status(String pairName) {
        ObjectNode answer = json.createObjectNode().put("ok", true);
        ArrayNode list = answer.putArray("pairs");
        for (Pair p : pairs) {
            if (pairName.isEmpty() || p.pairName().equals(pairName)) {
                ObjectNode pair = StatusJson.pair(json, p);
                PostureWatch watch = posture;
                if (watch != null && watch.watches(p.pairName())) {
                    pair.set("posture", StatusJson.posture(json, watch.status(p.pairName())));
                }
                list.add(pair);
            }
        }
        PauseDetector.Figures f = pauses.get();
        if (f != null) {
            // How late the gateway itself runs: the misses it could not hold against a controller.
            answer.putObject("gateway")
                    .put("pauses", f.pauses())
                    .put("gcPauses", f.gcPauses())
                    .put("pauseP99Ms", f.p99Millis())
                    .put("pauseMaxMs", Math.round(f.maxMillis() * 100) / 100.0);
        }
        answer.set("doors", doors());
        return list.isEmpty() ? error("no pair named '" + pairName + "'") : answer;
    }

    /** The control endpoint's connections now, and what the gateway's doors refused since start. */
    private ObjectNode doors() {
        ObjectNode doors = json.createObjectNode();
        doors.putObject("control")
                .put("pending", admission.pending())
                .put("authenticated", admission.authenticated())
                .put("evicted", admission.evictions());
        ObjectNode refused = doors.putObject("refused");
        for (Map.Entry<String, Map<String, Long>> type : refusals.counts().entrySet()) {
            ObjectNode byReason = refused.putObject(type.getKey());
            type.getValue().forEach(byReason::put);
        }
        return doors;
    }

    private JsonNode submit(JsonNode request, String origin) {
        if (commands == null) {
            return error("this gateway takes no commands: configure its security section (docs/security.md)");
        }
        byte[] envelope;
        try {
            envelope = Base64.getDecoder().decode(request.path("envelope").asText(""));
        } catch (IllegalArgumentException e) {
            return error("envelope is not base64: " + e.getMessage());
        }
        CommandResult result = commands.submit(envelope, origin);
        return json.createObjectNode()
                .put("ok", result.outcome() == CommandResult.Outcome.DONE)
                .put("commandId", result.commandId())
                .put("outcome", result.outcome().name())
                .put("code", result.code())
                .put("detail", result.detail());
    }

    private ObjectNode error(String message) {
        return json.createObjectNode().put("ok", false).put("error", message);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            log.debug("closing control endpoint failed", e);
        }
        handlers.shutdownNow();
        deadlines.shutdownNow();
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
