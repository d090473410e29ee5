package dev.failover.plcsim.modbus;

import dev.failover.certs.TlsContexts;
import dev.failover.plcsim.comms.Admission;
import dev.failover.plcsim.comms.CommsFaults;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A Modbus TCP server: our own accept loop and one thread per connection, with j2mod used only for
 * framing. Requests for another unit id are answered with exception 0B (gateway target failed to
 * respond) rather than ignored, so a misconfigured master fails fast.
 *
 * <p>Started with {@link #startTls} it serves Modbus/TCP Security instead: TLS 1.2 or 1.3 only,
 * with mutual authentication (a client must present a certificate that the server context's trust
 * manager accepts) and every request authorized by the client's role under an {@link AccessPolicy}.
 * One server is either plain or TLS, never both on one port.
 *
 * <p>Connections are taken under an {@link Admission}: a connection is pending until its TLS
 * handshake succeeded (plain Modbus TCP: until its first complete request arrived), pending
 * connections are limited in total and per source address and closed at the handshake deadline,
 * and only authenticated ones take the server's connection slots. A connection beyond the limits is
 * closed on the accept thread at once. The TLS handshake runs on the connection's thread, on a TLS
 * socket layered over the accepted one, so that the deadline can close the accepted socket under a
 * handshake blocked in a read.
 *
 * <p>Thread-safe. {@link #close()} closes the listening socket and resets every connection.
 */
public final class ModbusServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModbusServer.class);
    /** Authenticated connections (plain Modbus TCP: connections that sent a request) served at once. */
    public static final int MAX_CONNECTIONS = 16;

    /**
     * How long a plain Modbus TCP connection may wait before its first request. Lenient, unlike the
     * TLS handshake's: a master may connect ahead of its first poll, and plain Modbus TCP has nothing
     * to authenticate; it only keeps silent connections from holding their slots for ever.
     */
    public static final Duration FIRST_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private static final int BACKLOG = 50;
    /** Modbus/TCP Security requires TLS 1.2 or newer. */
    private static final List<String> TLS_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final String plcName;
    private final ServerSocket serverSocket;
    private final RequestDispatcher dispatcher;
    private final CommsFaults faults;
    private final Optional<Tls> tls;
    private final Admission admission;
    private final Set<ModbusConnection> connections = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread acceptThread;

    /** The TLS side of a Modbus/TCP Security server: its context, the protocols enabled, the access rules. */
    private record Tls(SSLContext context, List<String> protocols, AccessPolicy access, TlsPosture posture) {}

    private ModbusServer(
            String plcName,
            ServerSocket serverSocket,
            int unitId,
            RegisterBank bank,
            CommsFaults faults,
            Optional<Tls> tls,
            Admission admission) {
        this.plcName = plcName;
        this.tls = tls;
        this.admission = admission;
        this.serverSocket = serverSocket;
        this.dispatcher = new RequestDispatcher(unitId, bank);
        this.faults = faults;
        this.acceptThread = new Thread(this::acceptLoop, "plc-" + plcName + "-modbus-accept");
        this.acceptThread.setDaemon(true);
    }

    /**
     * Binds {@code bindAddress:port} (0 = any free port) and starts accepting plain Modbus TCP.
     *
     * @param plcName controller name for thread names and the log MDC
     * @param unitId the only unit id answered normally
     * @param admission the admission of this listener: a connection is pending until its first
     *     complete request; its limits should be {@link #FIRST_REQUEST_TIMEOUT} and {@link
     *     #MAX_CONNECTIONS}
     */
    public static ModbusServer start(
            String plcName,
            InetAddress bindAddress,
            int port,
            int unitId,
            RegisterBank bank,
            CommsFaults faults,
            Admission admission)
            throws IOException {
        return start(plcName, openServerSocket(bindAddress, port), unitId, bank, faults, Optional.empty(), admission);
    }

    /**
     * Binds {@code bindAddress:port} (0 = any free port) and starts accepting Modbus/TCP Security.
     *
     * @param serverContext the controller's TLS context: its key manager holds the controller's
     *     certificate and key, its trust manager decides which client certificates are accepted
     *     (chain to the plant CA, validity, revocation)
     * @param access which client roles may read and write
     * @param posture the TLS versions and cipher suites accepted, read for each new connection
     * @param admission the admission of this listener: a connection is pending until its TLS
     *     handshake succeeded
     * @see #start(String, InetAddress, int, int, RegisterBank, CommsFaults, Admission)
     */
    public static ModbusServer startTls(
            String plcName,
            InetAddress bindAddress,
            int port,
            int unitId,
            RegisterBank bank,
            CommsFaults faults,
            SSLContext serverContext,
            AccessPolicy access,
            TlsPosture posture,
            Admission admission)
            throws IOException {
        Tls tls = new Tls(serverContext, tlsProtocols(serverContext), access, posture);
        // So that the first client's handshake fits the deadline (a cold JVM's takes seconds).
        TlsWarmUp.once(serverContext);
        return start(plcName, openServerSocket(bindAddress, port), unitId, bank, faults, Optional.of(tls), admission);
    }

    private static ModbusServer start(
            String plcName,
            ServerSocket socket,
            int unitId,
            RegisterBank bank,
            CommsFaults faults,
            Optional<Tls> tls,
            Admission admission) {
        ModbusServer server = new ModbusServer(plcName, socket, unitId, bank, faults, tls, admission);
        server.acceptThread.start();
        return server;
    }

    /**
     * The one place a listening socket is made. Plain even for Modbus/TCP Security: TLS is layered
     * over each accepted socket ({@link #secure}).
     */
    private static ServerSocket openServerSocket(InetAddress bindAddress, int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            // A restarted controller must get its old port back while old connections linger.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(bindAddress, port), BACKLOG);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw new IOException(
                    "cannot bind Modbus port " + bindAddress.getHostAddress() + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * The protocols a Modbus/TCP Security connection may use: the plant's server parameters (certs'
     * TlsContexts: TLS 1.3/1.2), of which Modbus/TCP Security allows nothing older than TLS 1.2,
     * enforced here as well, whatever the parameters say.
     */
    private static List<String> tlsProtocols(SSLContext context) throws IOException {
        String[] offered = TlsContexts.serverParameters(context).getProtocols();
        List<String> protocols =
                Arrays.stream(offered).filter(TLS_PROTOCOLS::contains).toList();
        if (protocols.isEmpty()) {
            throw new IOException(
                    "the TLS context offers neither TLSv1.3 nor TLSv1.2, only " + Arrays.toString(offered));
        }
        return protocols;
    }

    /** The TLS server side over an accepted socket: mutual authentication required, no handshake yet. */
    private static SSLSocket secure(Tls tls, Socket accepted) throws IOException {
        SSLSocket socket = TlsContexts.layerServer(tls.context(), accepted);
        tls.posture().apply(socket, tls.protocols());
        socket.setNeedClientAuth(true);
        return socket;
    }

    /** Whether this server speaks Modbus/TCP Security (TLS) rather than plain Modbus TCP. */
    public boolean tls() {
        return tls.isPresent();
    }

    /** The bound port. */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** Closes every open connection (FIN); the server keeps accepting. */
    public void closeConnections() {
        connections.forEach(c -> c.close(false));
    }

    private void acceptLoop() {
        MDC.put("plc", plcName);
        Admission.Limits limits = admission.limits();
        if (tls.isPresent()) {
            log.info(
                    "Modbus/TCP Security server listening on {} ({}, client certificates required; write roles {}, read"
                            + " roles {}; TLS handshake within {} ms, at most {} connections without one, {} per source"
                            + " address)",
                    serverSocket.getLocalSocketAddress(),
                    String.join(", ", tls.get().protocols()),
                    tls.get().access().writeRoles(),
                    tls.get().access().readRoles(),
                    limits.handshakeTimeout().toMillis(),
                    limits.maxPending(),
                    limits.maxPendingPerSource());
        } else {
            log.info(
                    "Modbus server listening on {} (first request within {} ms, at most {} connections without one, {}"
                            + " per source address)",
                    serverSocket.getLocalSocketAddress(),
                    limits.handshakeTimeout().toMillis(),
                    limits.maxPending(),
                    limits.maxPendingPerSource());
        }
        while (closed.getCount() > 0) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (closed.getCount() == 0) {
                    break;
                }
                log.warn("Modbus accept failed, retrying", e);
                if (awaitClosed(100)) {
                    break;
                }
                continue;
            }
            try {
                admit(socket);
            } catch (RuntimeException | Error e) {
                // Out of threads, say: this connection is lost, the door stays open for the next one.
                log.warn("Cannot serve Modbus connection from {}: {}", socket.getRemoteSocketAddress(), e.toString());
                closeRefused(socket);
                if (awaitClosed(100)) {
                    break;
                }
            }
        }
        log.info("Modbus server on port {} stopped", port());
    }

    private void admit(Socket socket) {
        if (faults.dropping()) {
            log.debug("Closing new Modbus connection from {} (drop fault)", socket.getRemoteSocketAddress());
            closeRefused(socket);
            return;
        }
        // Refused here, on the accept thread, and closed at once: no thread waits for a deadline.
        Optional<Admission.Ticket> ticket = admission.admit(socket.getInetAddress(), () -> closeRefused(socket));
        if (ticket.isEmpty()) {
            closeRefused(socket);
            return;
        }
        ModbusConnection connection;
        try {
            // Requests and answers are single small segments: send them without Nagle's delay.
            socket.setTcpNoDelay(true);
            Socket served = tls.isPresent() ? secure(tls.get(), socket) : socket;
            connection = new ModbusConnection(
                    plcName,
                    socket,
                    served,
                    dispatcher,
                    faults,
                    connections::remove,
                    tls.map(Tls::access),
                    ticket.get(),
                    admission.limits().handshakeTimeout());
        } catch (IOException e) {
            log.warn("Cannot set up Modbus connection from {}", socket.getRemoteSocketAddress(), e);
            ticket.get().release();
            closeRefused(socket);
            return;
        }
        connections.add(connection);
        try {
            Thread thread = new Thread(connection, "plc-" + plcName + "-modbus-" + socket.getPort());
            thread.setDaemon(true);
            thread.start();
        } catch (RuntimeException | Error e) {
            connections.remove(connection);
            ticket.get().release();
            throw e;
        }
        if (closed.getCount() == 0) {
            connection.close(true);
        }
    }

    private static void closeRefused(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("Closing refused connection failed: {}", e.getMessage());
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

    /** Stops listening and resets every connection, as a dying controller would. Idempotent. */
    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        closed.countDown();
        try {
            serverSocket.close();
        } catch (IOException e) {
            log.warn("Closing Modbus server socket failed", e);
        }
        connections.forEach(c -> c.close(true));
        try {
            acceptThread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
