package dev.failover.plcsim.modbus;

import dev.failover.certs.TlsContexts;
import dev.failover.plcsim.comms.CommsFaults;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
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
 * <p>Thread-safe. {@link #close()} closes the listening socket and resets every connection.
 */
public final class ModbusServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModbusServer.class);
    private static final int MAX_CONNECTIONS = 16;
    private static final int BACKLOG = 50;
    /** Modbus/TCP Security requires TLS 1.2 or newer. */
    private static final List<String> TLS_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final String plcName;
    private final ServerSocket serverSocket;
    private final RequestDispatcher dispatcher;
    private final CommsFaults faults;
    private final Optional<AccessPolicy> access;
    private final Set<ModbusConnection> connections = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread acceptThread;

    private ModbusServer(
            String plcName,
            ServerSocket serverSocket,
            int unitId,
            RegisterBank bank,
            CommsFaults faults,
            Optional<AccessPolicy> access) {
        this.plcName = plcName;
        this.access = access;
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
     */
    public static ModbusServer start(
            String plcName, InetAddress bindAddress, int port, int unitId, RegisterBank bank, CommsFaults faults)
            throws IOException {
        return start(
                plcName, openServerSocket(bindAddress, port, Optional.empty()), unitId, bank, faults, Optional.empty());
    }

    /**
     * Binds {@code bindAddress:port} (0 = any free port) and starts accepting Modbus/TCP Security.
     *
     * @param serverContext the controller's TLS context: its key manager holds the controller's
     *     certificate and key, its trust manager decides which client certificates are accepted
     *     (chain to the plant CA, validity, revocation)
     * @param access which client roles may read and write
     * @see #start(String, InetAddress, int, int, RegisterBank, CommsFaults)
     */
    public static ModbusServer startTls(
            String plcName,
            InetAddress bindAddress,
            int port,
            int unitId,
            RegisterBank bank,
            CommsFaults faults,
            SSLContext serverContext,
            AccessPolicy access)
            throws IOException {
        ServerSocket socket = openServerSocket(bindAddress, port, Optional.of(serverContext));
        return start(plcName, socket, unitId, bank, faults, Optional.of(access));
    }

    private static ModbusServer start(
            String plcName,
            ServerSocket socket,
            int unitId,
            RegisterBank bank,
            CommsFaults faults,
            Optional<AccessPolicy> access) {
        ModbusServer server = new ModbusServer(plcName, socket, unitId, bank, faults, access);
        server.acceptThread.start();
        return server;
    }

    /** The one place a listening socket is made: plain, or TLS when a server context is given. */
    private static ServerSocket openServerSocket(InetAddress bindAddress, int port, Optional<SSLContext> tls)
            throws IOException {
        ServerSocket socket = tls.isPresent()
                ? tlsServerSocket(tls.get())
                : ServerSocketFactory.getDefault().createServerSocket();
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

    private static SSLServerSocket tlsServerSocket(SSLContext context) throws IOException {
        SSLServerSocket socket =
                (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        // The plant's server parameters (certs' TlsContexts): TLS 1.3/1.2, client certificate required.
        socket.setSSLParameters(TlsContexts.serverParameters(context));
        // Modbus/TCP Security forbids anything older than TLS 1.2 and requires mutual authentication:
        // enforced here as well, whatever the parameters say.
        String[] protocols = Arrays.stream(socket.getEnabledProtocols())
                .filter(TLS_PROTOCOLS::contains)
                .toArray(String[]::new);
        if (protocols.length == 0) {
            socket.close();
            throw new IOException("the TLS context offers neither TLSv1.3 nor TLSv1.2, only "
                    + Arrays.toString(socket.getEnabledProtocols()));
        }
        socket.setEnabledProtocols(protocols);
        socket.setNeedClientAuth(true);
        return socket;
    }

    /** Whether this server speaks Modbus/TCP Security (TLS) rather than plain Modbus TCP. */
    public boolean tls() {
        return access.isPresent();
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
        if (access.isPresent()) {
            log.info(
                    "Modbus/TCP Security server listening on {} ({}, client certificates required; write roles {}, read roles {})",
                    serverSocket.getLocalSocketAddress(),
                    String.join(", ", ((SSLServerSocket) serverSocket).getEnabledProtocols()),
                    access.get().writeRoles(),
                    access.get().readRoles());
        } else {
            log.info("Modbus server listening on {}", serverSocket.getLocalSocketAddress());
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
            admit(socket);
        }
        log.info("Modbus server on port {} stopped", port());
    }

    private void admit(Socket socket) {
        if (faults.dropping() || connections.size() >= MAX_CONNECTIONS) {
            log.debug(
                    "Closing new Modbus connection from {} (drop fault or {} connections open)",
                    socket.getRemoteSocketAddress(),
                    connections.size());
            closeRefused(socket);
            return;
        }
        ModbusConnection connection;
        try {
            // Requests and answers are single small segments: send them without Nagle's delay.
            socket.setTcpNoDelay(true);
            connection = new ModbusConnection(plcName, socket, dispatcher, faults, connections::remove, access);
        } catch (IOException e) {
            log.warn("Cannot set up Modbus connection from {}", socket.getRemoteSocketAddress(), e);
            closeRefused(socket);
            return;
        }
        connections.add(connection);
        Thread thread = new Thread(connection, "plc-" + plcName + "-modbus-" + socket.getPort());
        thread.setDaemon(true);
        thread.start();
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
