package dev.failover.plcsim.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A TCP server for a line protocol: each line received is passed to the handler and its answer sent
 * back as one line. Lines are ASCII, at most {@value #MAX_LINE} characters.
 *
 * <p>Thread-safe; one thread per connection. The handler is called concurrently from those threads.
 */
public final class LineServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LineServer.class);
    private static final int MAX_LINE = 1024;
    private static final int MAX_CONNECTIONS = 16;

    private final String plcName;
    private final ServerSocket serverSocket;
    private final UnaryOperator<String> handler;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private LineServer(String plcName, ServerSocket serverSocket, UnaryOperator<String> handler) {
        this.plcName = plcName;
        this.serverSocket = serverSocket;
        this.handler = handler;
    }

    /** Binds {@code bindAddress:port} (0 = any free port) and starts serving. */
    public static LineServer start(String plcName, InetAddress bindAddress, int port, UnaryOperator<String> handler)
            throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(bindAddress, port));
        } catch (IOException e) {
            socket.close();
            throw new IOException(
                    "cannot bind control port " + bindAddress.getHostAddress() + ":" + port + ": " + e.getMessage(), e);
        }
        LineServer server = new LineServer(plcName, socket, handler);
        daemon(server::acceptLoop, "plc-" + plcName + "-control-accept").start();
        return server;
    }

    /** The bound port. */
    public int port() {
        return serverSocket.getLocalPort();
    }

    private void acceptLoop() {
        MDC.put("plc", plcName);
        log.info("Control port listening on {}", serverSocket.getLocalSocketAddress());
        while (!closed) {
            try {
                Socket socket = serverSocket.accept();
                if (connections.size() >= MAX_CONNECTIONS) {
                    log.warn(
                            "Refusing control connection from {}: {} open",
                            socket.getRemoteSocketAddress(),
                            MAX_CONNECTIONS);
                    socket.close();
                    continue;
                }
                connections.add(socket);
                daemon(() -> serve(socket), "plc-" + plcName + "-control-" + socket.getPort())
                        .start();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("Control port accept failed", e);
                }
            }
        }
    }

    private void serve(Socket socket) {
        MDC.put("plc", plcName);
        try (socket;
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))) {
            OutputStream out = socket.getOutputStream();
            for (Optional<String> line = readLine(in); line.isPresent(); line = readLine(in)) {
                String answer = line.get().length() > MAX_LINE
                        ? "ERR line longer than " + MAX_LINE + " characters"
                        : handler.apply(line.get());
                out.write((answer + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            log.debug("Control connection {} ended: {}", socket.getRemoteSocketAddress(), e.getMessage());
        } finally {
            connections.remove(socket);
        }
    }

    /** Reads one line, keeping at most one character past the limit; empty at end of stream. */
    private static Optional<String> readLine(BufferedReader in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c = in.read();
        if (c < 0) {
            return Optional.empty();
        }
        while (c >= 0 && c != '\n') {
            if (c != '\r' && line.length() <= MAX_LINE) {
                line.append((char) c);
            }
            c = in.read();
        }
        return Optional.of(line.toString());
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Stops listening and closes every connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException e) {
            log.warn("Closing control server socket failed", e);
        }
        for (Socket socket : connections) {
            try {
                socket.close();
            } catch (IOException e) {
                log.debug("Closing control connection failed: {}", e.getMessage());
            }
        }
    }
}
