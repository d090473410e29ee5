package dev.failover.gateway.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.gateway.failover.SwitchoverReport;
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
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local operator endpoint: one JSON request per line and connection, one JSON answer line.
 * Operations: {@code status} and {@code switchover}. It binds a loopback address only; in this
 * version requests are not authenticated (every switchover request is logged with its origin).
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    private static final int MAX_REQUEST_CHARS = 64 * 1024;
    private static final Duration SWITCHOVER_WAIT = Duration.ofSeconds(10);

    private final ObjectMapper json = new ObjectMapper();
    private final List<PairSupervisor> pairs;
    private final ServerSocket server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread acceptor;

    public ControlServer(String host, int port, List<PairSupervisor> pairs) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException(
                    "the control endpoint is unauthenticated and binds loopback only, not " + host);
        }
        this.pairs = List.copyOf(pairs);
        this.server = new ServerSocket(port, 16, address);
        this.acceptor = Thread.ofPlatform().name("control-accept").daemon(true).start(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                handlers.execute(() -> handle(socket));
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
            socket.setSoTimeout((int) SWITCHOVER_WAIT.toMillis());
            String line = in.readLine();
            JsonNode answer = line == null || line.length() > MAX_REQUEST_CHARS
                    ? error("empty or oversized request")
                    : answer(line, socket.getRemoteSocketAddress().toString());
            out.write((json.writeValueAsString(answer) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            log.debug("control connection failed", e);
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
            case "switchover" -> switchover(request, origin);
            default -> error("unknown op '" + op + "'; use status or switchover");
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
        return list.isEmpty() ? error("no pair named '" + pairName + "'") : answer;
    }

    private JsonNode switchover(JsonNode request, String origin) {
        String pairName = request.path("pair").asText("");
        String operator = request.path("operator").asText("");
        String reason = request.path("reason").asText("manual switchover");
        if (operator.isBlank()) {
            return error("switchover needs an operator name");
        }
        PairSupervisor pair = pairs.stream()
                .filter(p -> p.pairName().equals(pairName))
                .findFirst()
                .orElse(null);
        if (pair == null) {
            return error("no pair named '" + pairName + "'");
        }
        log.warn(
                "UNAUTHENTICATED manual switchover of {} requested by '{}' from {}: {}",
                pairName,
                operator,
                origin,
                reason);
        try {
            SwitchoverReport report = pair.requestSwitchover(operator + "@" + origin, reason)
                    .get(SWITCHOVER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            ObjectNode answer = json.createObjectNode().put("ok", report.ok());
            answer.set("switchover", StatusJson.report(json, report));
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error("interrupted while waiting for the switchover");
        } catch (ExecutionException | TimeoutException e) {
            return error("no answer from the supervisor of " + pairName + ": " + e);
        }
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
