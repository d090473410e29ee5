package dev.failover.gateway.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.certs.TlsContexts;
import dev.failover.gateway.command.CommandResult;
import dev.failover.gateway.command.CommandService;
import dev.failover.gateway.supervisor.PairSupervisor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local operator endpoint: one JSON request per line and connection, one JSON answer line.
 * Operations: {@code status}, and {@code submit} of a signed command envelope (base64). With a TLS
 * context the endpoint requires a client certificate of the plant PKI (TLS 1.2/1.3); without one
 * it serves status only and refuses commands. It binds a loopback address only.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    private static final int MAX_REQUEST_CHARS = 64 * 1024;
    private static final int MAX_CONNECTIONS = 16;
    /** An oversized line is read to its end (so the answer is not lost in a reset), up to this much. */
    private static final int MAX_DRAIN_CHARS = 1024 * 1024;

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private final ObjectMapper json = new ObjectMapper();
    private final List<PairSupervisor> pairs;
    private final CommandService commands;
    private final ServerSocket server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(MAX_CONNECTIONS);
    private final Thread acceptor;

    /**
     * @param tls the server context (client authentication required), or {@code null} for a
     *     plaintext, status-only endpoint
     * @param commands the command service, or {@code null} when the gateway takes no commands
     */
    private final java.util.function.Supplier<dev.failover.gateway.health.PauseDetector.Figures> pauses;

    public ControlServer(String host, int port, List<PairSupervisor> pairs, SSLContext tls, CommandService commands)
            throws IOException {
        this(host, port, pairs, tls, commands, () -> null);
    }

    /**
     * @param pauses the gateway's own pause figures for the status answer (safety rule 10), or a
     *     supplier of {@code null} without a pause detector
     */
    public ControlServer(
            String host,
            int port,
            List<PairSupervisor> pairs,
            SSLContext tls,
            CommandService commands,
            java.util.function.Supplier<dev.failover.gateway.health.PauseDetector.Figures> pauses)
            throws IOException {
        this.pauses = pauses;
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the control endpoint binds loopback only, not " + host);
        }
        if (commands != null && tls == null) {
            throw new IllegalArgumentException("commands are accepted only over the TLS endpoint");
        }
        this.pairs = List.copyOf(pairs);
        this.commands = commands;
        this.server = tls == null ? new ServerSocket(port, 16, address) : TlsContexts.serverSocket(tls, address, port);
        this.acceptor = Thread.ofPlatform().name("control-accept").daemon(true).start(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                // Small request-answer exchanges: no Nagle delay on the answers.
                socket.setTcpNoDelay(true);
                if (!slots.tryAcquire()) {
                    log.warn(
                            "control endpoint busy ({} connections): refusing {}",
                            MAX_CONNECTIONS,
                            socket.getRemoteSocketAddress());
                    socket.close();
                    continue;
                }
                handlers.execute(() -> {
                    try {
                        handle(socket);
                    } finally {
                        slots.release();
                    }
                });
            } catch (IOException e) {
                if (!server.isClosed()) {
                    log.warn("control endpoint accept failed", e);
                }
            }
        }
    }

    private void handle(Socket socket) {
        try (socket;
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = socket.getOutputStream()) {
            socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
            String line = readLine(in);
            JsonNode answer;
            if (line == null) {
                answer = error("empty or oversized request (at most " + MAX_REQUEST_CHARS + " characters, one line)");
            } else {
                try {
                    answer = answer(line, origin(socket));
                } catch (RuntimeException e) {
                    log.error("control request from {} failed", origin(socket), e);
                    answer = error("the gateway could not process the request: " + e.getMessage());
                }
            }
            out.write((json.writeValueAsString(answer) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            log.debug("control connection failed", e);
        }
    }

    /** One line of at most {@link #MAX_REQUEST_CHARS} characters, or {@code null} if empty or longer. */
    private static String readLine(BufferedReader in) throws IOException {
        StringBuilder line = new StringBuilder();
        int read = 0;
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (++read > MAX_DRAIN_CHARS) {
                throw new IOException("request line longer than " + MAX_DRAIN_CHARS + " characters");
            }
            if (line.length() < MAX_REQUEST_CHARS + 1) {
                line.append((char) c); // beyond the limit the rest of the line is read but not kept
            }
        }
        return line.isEmpty() || line.length() > MAX_REQUEST_CHARS ? null : line.toString();
    }

    /** The peer: its certificate's subject over TLS, else its address. */
    private static String origin(Socket socket) {
        if (socket instanceof SSLSocket tls) {
            try {
                return TlsContexts.peerCertificate(tls.getSession())
                                .getSubjectX500Principal()
                                .getName() + " from " + socket.getRemoteSocketAddress();
            } catch (javax.net.ssl.SSLPeerUnverifiedException | RuntimeException e) {
                return "unverified peer " + socket.getRemoteSocketAddress();
            }
        }
        return socket.getRemoteSocketAddress().toString();
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

    private JsonNode status(String pairName) {
        ObjectNode answer = json.createObjectNode().put("ok", true);
        ArrayNode list = answer.putArray("pairs");
        for (PairSupervisor p : pairs) {
            if (pairName.isEmpty() || p.pairName().equals(pairName)) {
                list.add(StatusJson.pair(json, p));
            }
        }
        dev.failover.gateway.health.PauseDetector.Figures f = pauses.get();
        if (f != null) {
            // How late the gateway itself runs: the misses it could not hold against a controller.
            answer.putObject("gateway")
                    .put("pauses", f.pauses())
                    .put("gcPauses", f.gcPauses())
                    .put("pauseP99Ms", f.p99Millis())
                    .put("pauseMaxMs", Math.round(f.maxMillis() * 100) / 100.0);
        }
        return list.isEmpty() ? error("no pair named '" + pairName + "'") : answer;
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
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
