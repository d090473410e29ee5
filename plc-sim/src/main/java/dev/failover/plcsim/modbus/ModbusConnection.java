package dev.failover.plcsim.modbus;

import com.ghgande.j2mod.modbus.ModbusIOException;
import com.ghgande.j2mod.modbus.io.ModbusTCPTransport;
import dev.failover.plcsim.comms.Admission;
import dev.failover.plcsim.comms.CommsFaults;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
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
 * <p>The connection holds an {@link Admission.Ticket}: it is pending until it authenticates, then
 * takes an authenticated slot. On a Modbus/TCP Security listener (an {@link AccessPolicy} given) the
 * socket is an {@link SSLSocket} layered over the accepted one: the TLS handshake runs first on this
 * connection's thread and authenticates it, and every request is authorized by the client's role
 * before it is executed. A plain connection has no identity to check: it counts as authenticated
 * once its first complete request arrived, and no request is authorized. The admission's deadline
 * closes the accepted socket of a connection still pending, which ends a handshake or first read
 * blocked on it.
 *
 * <p>Thread-safe: {@link #close(boolean)} may be called from any thread and wakes a delayed answer.
 */
final class ModbusConnection implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ModbusConnection.class);

    private final String plcName;
    private final Socket accepted;
    private final Socket socket;
    private final SocketAddress remote;
    private final MbapReader reader;
    private final ModbusTCPTransport transport;
    private final RequestDispatcher dispatcher;
    private final CommsFaults faults;
    private final Consumer<ModbusConnection> onExit;
    private final Optional<AccessPolicy> access;
    private final Admission.Ticket ticket;
    private final Duration handshakeTimeout;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean authenticated;

    /**
     * A connection; with {@code access} present it is a Modbus/TCP Security connection and {@code
     * socket} must be an {@link SSLSocket} layered over {@code accepted} whose handshake has not run
     * yet; without, {@code socket} is {@code accepted}.
     *
     * @param ticket the connection's admission, released when the connection ends
     * @param handshakeTimeout bound of each read of the TLS handshake (the admission's deadline bounds
     *     the whole handshake)
     */
    ModbusConnection(
            String plcName,
            Socket accepted,
            Socket socket,
            RequestDispatcher dispatcher,
            CommsFaults faults,
            Consumer<ModbusConnection> onExit,
            Optional<AccessPolicy> access,
            Admission.Ticket ticket,
            Duration handshakeTimeout)
            throws IOException {
        if (access.isPresent() && !(socket instanceof SSLSocket)) {
            throw new IllegalArgumentException("an access policy needs a TLS socket, got " + socket);
        }
        this.access = access;
        this.plcName = plcName;
        this.accepted = accepted;
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
        this.ticket = ticket;
        this.handshakeTimeout = handshakeTimeout;
    }

    @Override
    public void run() {
        MDC.put("plc", plcName);
        log.debug("Modbus connection from {} opened", remote);
        try {
            if (access.isPresent()) {
                Optional<RequestAuthorizer> authorizer = authenticate(access.get());
                if (authorizer.isPresent()) {
                    serveUntilClosed(authorizer.get());
                }
            } else {
                servePlain();
            }
        } catch (IOException | ModbusIOException e) {
            if (!authenticated && closed.getCount() > 0) {
                // A plain client whose first bytes are not a Modbus request (a TLS client, a scanner).
                ticket.failed("not a Modbus TCP request: " + e.getMessage());
            }
            log.debug("Modbus connection from {} ended: {}", remote, e.getMessage());
        } finally {
            close(false);
            ticket.release();
            onExit.accept(this);
            MDC.remove("plc");
        }
    }

    /** Plain Modbus TCP: the first complete request authenticates the connection, then it is served. */
    private void servePlain() throws IOException, ModbusIOException {
        Optional<MbapReader.Frame> first = reader.read();
        if (first.isEmpty()) {
            return;
        }
        if (!admitted()) {
            return;
        }
        if (serve(first.get(), RequestAuthorizer.PLAIN)) {
            serveUntilClosed(RequestAuthorizer.PLAIN);
        }
    }

    /** Moves the connection to an authenticated slot; false when it must end (see the ticket). */
    private boolean admitted() {
        authenticated = ticket.authenticated();
        return authenticated;
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
     * Security connection; empty when the handshake failed or the connection could not take an
     * authenticated slot, and the connection must end.
     */
    private Optional<RequestAuthorizer> authenticate(AccessPolicy policy) {
        TlsPeer peer;
        try {
            peer = TlsPeer.handshake((SSLSocket) socket, handshakeTimeout);
        } catch (IOException e) {
            if (closed.getCount() == 0) {
                log.debug("Modbus/TCP Security connection from {} closed during the handshake", remote);
            } else {
                // Unknown CA, revoked or expired certificate, no certificate, an old TLS version, a
                // plain Modbus TCP client on the TLS port, or the deadline closed the socket: all end
                // here, before any request is read. Counted (and logged) by the admission, once.
                log.debug("Modbus/TCP Security connection from {}: TLS handshake failed: {}", remote, e.getMessage());
                if (timedOut(e)) {
                    ticket.timedOut();
                } else {
                    ticket.failed("TLS handshake failed: " + e.getMessage());
                }
            }
            return Optional.empty();
        }
        authenticated = ticket.authenticated(policy.writeRoles().permits(peer.role()));
        if (!authenticated) {
            log.debug(
                    "Modbus/TCP Security connection from {} ({}) not admitted after its handshake",
                    remote,
                    peer.subject());
            return Optional.empty();
        }
        log.info(
                "Modbus/TCP Security connection from {}: {} with role {} ({})",
                remote,
                peer.subject(),
                peer.roleText(),
                ((SSLSocket) socket).getSession().getProtocol());
        return Optional.of(new RequestAuthorizer.ByRole(peer, policy));
    }

    /** Whether {@code failure} is a read timeout, bare or wrapped by the TLS layer. */
    private static boolean timedOut(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
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
                        ? dispatcher.answer(request, authorizer.writer())
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
        // Until the connection is authenticated, its TLS socket may be mid-handshake on the
        // connection's thread: the accepted socket beneath it is closed instead, which always ends
        // the handshake at once, whatever locks the TLS socket's own close would wait for.
        Socket closing = authenticated ? socket : accepted;
        try {
            if (reset && !closing.isClosed()) {
                closing.setSoLinger(true, 0);
            }
            closing.close();
        } catch (IOException e) {
            log.debug("Closing Modbus connection from {} failed: {}", remote, e.getMessage());
        }
    }
}
