package dev.failover.plcsim.comms;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A TCP relay on a server's public port that applies the {@link CommsFaults} at the wire, for a
 * server that cannot apply them itself (the OPC UA server, whose transport belongs to Milo). Each
 * accepted connection gets its own connection to the server's internal address, and bytes are copied
 * both ways; the faults act on the server-to-client direction only:
 *
 * <ul>
 *   <li>hang: server bytes are held (connections stay open, new ones are accepted), then sent after
 *       {@code clear}, as TCP delivers them once a partition heals;
 *   <li>slow: every server byte is sent {@link CommsFaults#slowDelay()} after it arrived;
 *   <li>stall: server bytes are held until the stall ends, then sent;
 *   <li>drop: every connection is closed (FIN), and every new one right after accept.
 * </ul>
 *
 * <p>The relay frames nothing and decrypts nothing, so it cannot lose single messages: a request
 * that must go unanswered is the server's business ({@code lose}).
 *
 * <p>Connections are taken under an {@link Admission}, on their real source address (the server
 * behind sees only the relay's): a connection is pending until the server reports it authenticated
 * ({@link #authenticated}), and one still pending at the admission's deadline is closed. A
 * connection the server closes while it is pending counts as a failed handshake.
 *
 * <p>Lifecycle: {@link #bind} takes the public port, {@link #forwardTo} starts relaying, {@link
 * #close()} closes the port and resets every connection, as a dying controller would. Thread-safe;
 * one accept thread, three threads per connection.
 */
public final class FaultRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FaultRelay.class);
    private static final int BACKLOG = 50;

    private final String plcName;
    private final String protocol;
    private final ServerSocket serverSocket;
    private final CommsFaults faults;
    private final Admission admission;
    private final Set<RelayedConnection> connections = ConcurrentHashMap.newKeySet();
    /** Open connections by the local port of their leg to the server: how the server names them. */
    private final Map<Integer, RelayedConnection> byServerLeg = new ConcurrentHashMap<>();

    private final Runnable wakeConnections = () -> connections.forEach(RelayedConnection::faultsChanged);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Object startLock = new Object();
    // Guarded by startLock.
    private Thread acceptThread;

    private FaultRelay(
            String plcName, String protocol, ServerSocket serverSocket, CommsFaults faults, Admission admission) {
        this.plcName = plcName;
        this.protocol = protocol;
        this.serverSocket = serverSocket;
        this.faults = faults;
        this.admission = admission;
    }

    /**
     * Binds the public port; connections wait in the backlog until {@link #forwardTo}.
     *
     * @param plcName controller name for thread names and the log MDC
     * @param protocol what is relayed, for log messages (e.g. {@code OPC UA})
     * @param port the public port, 0 for any free port
     * @param admission which connections are taken; they authenticate when the server says so
     * @throws IOException if the port cannot be bound
     */
    public static FaultRelay bind(
            String plcName, String protocol, InetAddress bindAddress, int port, CommsFaults faults, Admission admission)
            throws IOException {
        Objects.requireNonNull(faults, "faults");
        Objects.requireNonNull(admission, "admission");
        ServerSocket socket = new ServerSocket();
        try {
            // A restarted controller must get its old port back while old connections linger.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(bindAddress, port), BACKLOG);
        } catch (IOException e) {
            socket.close();
            throw new IOException(
                    "cannot bind " + protocol + " port " + bindAddress.getHostAddress() + ":" + port + ": "
                            + e.getMessage(),
                    e);
        }
        return new FaultRelay(plcName, protocol, socket, faults, admission);
    }

    /** Starts relaying every connection to {@code backend}. Once only; nothing after {@link #close()}. */
    public void forwardTo(InetSocketAddress backend) {
        Objects.requireNonNull(backend, "backend");
        synchronized (startLock) {
            if (closed.getCount() == 0) {
                return;
            }
            if (acceptThread != null) {
                throw new IllegalStateException("the relay already forwards");
            }
            faults.addListener(wakeConnections);
            acceptThread = new Thread(() -> acceptLoop(backend), "plc-" + plcName + "-relay-accept");
            acceptThread.setDaemon(true);
            acceptThread.start();
        }
    }

    /** The public port. */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** Closes every open connection (FIN to the client); the relay keeps accepting. */
    public void closeConnections() {
        connections.forEach(c -> c.close(false));
    }

    /**
     * The server authenticated the client of the relayed connection whose server leg is {@code
     * serverLeg} (the client address the server sees): it takes an authenticated slot, or is closed
     * if none is free. Unknown addresses (a client that reached the server directly) are ignored.
     */
    public void authenticated(InetSocketAddress serverLeg) {
        RelayedConnection connection = byServerLeg.get(serverLeg.getPort());
        if (connection != null && serverLeg.getAddress().isLoopbackAddress()) {
            connection.authenticated();
        }
    }

    private void acceptLoop(InetSocketAddress backend) {
        MDC.put("plc", plcName);
        log.debug("{} relay on {} forwards to {}", protocol, serverSocket.getLocalSocketAddress(), backend);
        while (closed.getCount() > 0) {
            Socket client;
            try {
                client = serverSocket.accept();
            } catch (IOException e) {
                if (closed.getCount() == 0) {
                    break;
                }
                log.warn("{} accept failed, retrying", protocol, e);
                if (awaitClosed(100)) {
                    break;
                }
                continue;
            }
            try {
                admit(client, backend);
            } catch (RuntimeException | Error e) {
                // Out of threads, say: this connection is lost, the door stays open for the next one.
                log.warn(
                        "Cannot relay {} connection from {}: {}",
                        protocol,
                        client.getRemoteSocketAddress(),
                        e.toString());
                closeQuietly(client);
                if (awaitClosed(100)) {
                    break;
                }
            }
        }
        log.debug("{} relay on port {} stopped", protocol, port());
    }

    private void admit(Socket client, InetSocketAddress backend) {
        if (faults.dropping()) {
            log.debug("Closing new {} connection from {} (drop fault)", protocol, client.getRemoteSocketAddress());
            closeQuietly(client);
            return;
        }
        // Refused here, on the accept thread, and closed at once: no thread waits for a deadline.
        // Closing the client socket ends a relayed connection: its upstream copier stops and closes both legs.
        Optional<Admission.Ticket> ticket = admission.admit(client.getInetAddress(), () -> closeQuietly(client));
        if (ticket.isEmpty()) {
            closeQuietly(client);
            return;
        }
        RelayedConnection connection;
        try {
            connection = RelayedConnection.open(plcName, client, backend, faults, ticket.get(), this::ended);
        } catch (IOException e) {
            log.warn("Cannot relay {} connection from {} to {}", protocol, client.getRemoteSocketAddress(), backend, e);
            ticket.get().release();
            closeQuietly(client);
            return;
        }
        connections.add(connection);
        byServerLeg.put(connection.serverLegPort(), connection);
        try {
            connection.start();
        } catch (RuntimeException | Error e) {
            ended(connection);
            ticket.get().release();
            connection.close(true);
            throw e;
        }
        if (closed.getCount() == 0) {
            connection.close(true);
        }
    }

    private void ended(RelayedConnection connection) {
        connections.remove(connection);
        byServerLeg.remove(connection.serverLegPort(), connection);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("Closing a refused connection failed: {}", e.getMessage());
        }
    }

    private boolean awaitClosed(long millis) {
        try {
            return closed.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Stops listening and resets every connection (RST to the client). Idempotent. */
    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        closed.countDown();
        Thread thread;
        synchronized (startLock) {
            faults.removeListener(wakeConnections);
            thread = acceptThread;
        }
        try {
            serverSocket.close();
        } catch (IOException e) {
            log.warn("Closing the {} relay socket failed", protocol, e);
        }
        connections.forEach(c -> c.close(true));
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
