package dev.failover.plcsim.modbus;

import com.ghgande.j2mod.modbus.ModbusIOException;
import com.ghgande.j2mod.modbus.io.ModbusTCPTransport;
import dev.failover.plcsim.comms.CommsFaults;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One client connection, served request by request on its own thread, with the comms faults applied
 * between reading a request and answering it. Frames are read by {@link MbapReader} and responses
 * written by j2mod's {@code ModbusTCPTransport}.
 *
 * <p>On a Modbus/TCP Security listener (an {@link AccessPolicy} given) the socket is an {@link
 * SSLSocket}: the TLS handshake runs first on this connection's thread, bounded by {@link
 * #HANDSHAKE_TIMEOUT}, and every request is authorized by the client's role before it is executed.
 * A plain connection is not authorized at all: plain Modbus TCP has no identity to check.
 *
 * <p>Thread-safe: {@link #close(boolean)} may be called from any thread and wakes a delayed answer.
 */
final class ModbusConnection implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ModbusConnection.class);

    /** Longest wait for a client to complete the TLS handshake before its connection is closed. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final String plcName;
    private final Socket socket;
    private final SocketAddress remote;
    private final MbapReader reader;
    private final ModbusTCPTransport transport;
    private final RequestDispatcher dispatcher;
    private final CommsFaults faults;
    private final Consumer<ModbusConnection> onExit;
    private final Optional<AccessPolicy> access;
    private final CountDownLatch closed = new CountDownLatch(1);

    /** A plain Modbus TCP connection. */
    ModbusConnection(
            String plcName,
            Socket socket,
            RequestDispatcher dispatcher,
            CommsFaults faults,
            Consumer<ModbusConnection> onExit)
            throws IOException {
        this(plcName, socket, dispatcher, faults, onExit, Optional.empty());
    }

    /**
     * A connection; with {@code access} present it is a Modbus/TCP Security connection and {@code
     * socket} must be an {@link SSLSocket} whose handshake has not run yet.
     */
    ModbusConnection(
            String plcName,
            Socket socket,
            RequestDispatcher dispatcher,
            CommsFaults faults,
            Consumer<ModbusConnection> onExit,
            Optional<AccessPolicy> access)
            throws IOException {
        if (access.isPresent() && !(socket instanceof SSLSocket)) {
            throw new IllegalArgumentException("an access policy needs a TLS socket, got " + socket);
        }
        this.access = access;
        this.plcName = plcName;
        this.socket = socket;
        this.remote = socket.getRemoteSocketAddress();
        this.transport = new ModbusTCPTransport(socket);
        // The transport's constructor sets a 3 s read timeout on the socket we read from. An idle
        // master keeps its connection, so no timeout: close() unblocks the read instead.
        this.transport.setTimeout(0);
        this.reader = new MbapReader(socket.getInputStream());
        this.dispatcher = dispatcher;
        this.faults = faults;
        this.onExit = onExit;
    }

    @Override
    public void run() {
        MDC.put("plc", plcName);
        log.debug("Modbus connection from {} opened", remote);
        try {
            Optional<RequestAuthorizer> authorizer = authenticate();
            if (authorizer.isPresent()) {
                serveUntilClosed(authorizer.get());
            }
        } catch (IOException | ModbusIOException e) {
            log.debug("Modbus connection from {} ended: {}", remote, e.getMessage());
        } finally {
            close(false);
            onExit.accept(this);
            MDC.remove("plc");
        }
    }

    private void serveUntilClosed(RequestAuthorizer authorizer) throws IOException, ModbusIOException {
        boolean open = true;
        while (open && closed.getCount() > 0) {
            Optional<MbapReader.Frame> frame = reader.read();
            open = frame.isPresent() && serve(frame.get(), authorizer);
        }
    }

    /**
     * The authorizer for this connection's requests, after the TLS handshake of a Modbus/TCP
     * Security connection; empty when the handshake failed and the connection must end.
     */
    private Optional<RequestAuthorizer> authenticate() {
        if (access.isEmpty()) {
            return Optional.of(RequestAuthorizer.PLAIN);
        }
        try {
            TlsPeer peer = TlsPeer.handshake((SSLSocket) socket, HANDSHAKE_TIMEOUT);
            log.info(
                    "Modbus/TCP Security connection from {}: {} with role {} ({})",
                    remote,
                    peer.subject(),
                    peer.roleText(),
                    ((SSLSocket) socket).getSession().getProtocol());
            return Optional.of(new RequestAuthorizer.ByRole(peer, access.get()));
        } catch (IOException e) {
            if (closed.getCount() == 0) {
                log.debug("Modbus/TCP Security connection from {} closed during the handshake", remote);
                return Optional.empty();
            }
            // Unknown CA, revoked or expired certificate, no certificate, an old TLS version, or a
            // plain Modbus TCP client on the TLS port: all end here, before any request is read.
            log.warn(
                    "Refused Modbus/TCP Security connection from {}: TLS handshake failed: {}", remote, e.getMessage());
            return Optional.empty();
        }
    }

    /** Answers one request, or not, as the faults say. False when the connection must end. */
    private boolean serve(MbapReader.Frame request, RequestAuthorizer authorizer) throws ModbusIOException {
        if (faults.dropping()) {
            return false;
        }
        if (faults.hanging() || faults.takeLost()) {
            log.debug("Not answering transaction {} from {} (fault injected)", request.transactionId(), remote);
            return true;
        }
        for (Duration left = faults.stallRemaining(); !left.isZero(); left = faults.stallRemaining()) {
            if (!pause(left)) {
                return false;
            }
        }
        if (!pause(faults.slowDelay())) {
            return false;
        }
        // Modbus/TCP Security: authorization is decided before the request is executed, so a refused
        // write changes nothing; the refusal is exception 01 (Modbus/TCP Security specification).
        transport.writeResponse(
                authorizer.permits(request)
                        ? dispatcher.answer(request)
                        : dispatcher.refuse(request, ExceptionCode.ILLEGAL_FUNCTION));
        return true;
    }

    /** Waits {@code delay} unless the connection closes first; false if it closed. */
    private boolean pause(Duration delay) {
        if (delay.isZero()) {
            return true;
        }
        try {
            return !closed.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Closes the connection. With {@code reset} the peer gets an RST instead of a FIN, as when a
     * controller dies.
     */
    void close(boolean reset) {
        closed.countDown();
        try {
            if (reset && !socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
            socket.close();
        } catch (IOException e) {
            log.debug("Closing Modbus connection from {} failed: {}", remote, e.getMessage());
        }
    }
}
