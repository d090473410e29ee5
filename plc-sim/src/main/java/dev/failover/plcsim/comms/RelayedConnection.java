package dev.failover.plcsim.comms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One relayed connection: a client socket and its own socket to the server. Client bytes are copied
 * to the server as they come. Server bytes go through a delay line: a reader stamps each read with
 * its arrival time and queues it, a writer sends it to the client once the faults allow (no hang,
 * {@code slow} elapsed since arrival, stall over), in arrival order. While held, at most {@value
 * #MAX_HELD} reads are queued, then the reader stops reading and TCP pushes back on the server.
 *
 * <p>The connection holds an {@link Admission.Ticket}, released when it ends; if the server ends
 * the connection while it is still pending, that is a failed handshake.
 *
 * <p>Thread-safe: {@link #close(boolean)}, {@link #authenticated()} and {@link #faultsChanged()} may
 * be called from any thread.
 */
final class RelayedConnection {

    private static final Logger log = LoggerFactory.getLogger(RelayedConnection.class);
    private static final int CONNECT_TIMEOUT_MS = 2000;
    private static final int READ_SIZE = 16 * 1024;
    private static final int MAX_HELD = 256;

    private record Chunk(byte[] bytes, long arrivalNanos) {}

    private final String plcName;
    private final Socket client;
    private final Socket server;
    private final SocketAddress remote;
    private final CommsFaults faults;
    private final Admission.Ticket ticket;
    private final Consumer<RelayedConnection> onExit;
    private volatile boolean authenticated;

    // Guarded by this.
    private final ArrayDeque<Chunk> held = new ArrayDeque<>();
    private boolean serverEnded;
    private boolean closed;

    private RelayedConnection(
            String plcName,
            Socket client,
            Socket server,
            CommsFaults faults,
            Admission.Ticket ticket,
            Consumer<RelayedConnection> onExit) {
        this.plcName = plcName;
        this.client = client;
        this.server = server;
        this.remote = client.getRemoteSocketAddress();
        this.faults = faults;
        this.ticket = ticket;
        this.onExit = onExit;
    }

    /** Connects to {@code backend} for {@code client}; {@link #start()} begins the copying. */
    static RelayedConnection open(
            String plcName,
            Socket client,
            InetSocketAddress backend,
            CommsFaults faults,
            Admission.Ticket ticket,
            Consumer<RelayedConnection> onExit)
            throws IOException {
        Socket server = new Socket();
        try {
            // Requests and answers are small messages: no Nagle delay on either leg.
            server.setTcpNoDelay(true);
            server.connect(backend, CONNECT_TIMEOUT_MS);
            client.setTcpNoDelay(true);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        return new RelayedConnection(plcName, client, server, faults, ticket, onExit);
    }

    /** The local port of the leg to the server: the client port the server sees. */
    int serverLegPort() {
        return server.getLocalPort();
    }

    /** The server authenticated the client: an authenticated slot, or the connection closes. */
    void authenticated() {
        if (authenticated) {
            return;
        }
        authenticated = ticket.authenticated();
        if (!authenticated) {
            close(false);
        }
    }

    void start() {
        String name = "plc-" + plcName + "-relay-" + client.getPort();
        daemon(this::copyClientToServer, name + "-up").start();
        daemon(this::readServer, name + "-down-read").start();
        daemon(this::writeClient, name + "-down-write").start();
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private void copyClientToServer() {
        MDC.put("plc", plcName);
        log.debug("Relaying connection from {} (local port {})", remote, server.getLocalPort());
        try (InputStream in = client.getInputStream()) {
            OutputStream out = server.getOutputStream();
            byte[] buffer = new byte[READ_SIZE];
            for (int n = in.read(buffer); n >= 0 && !faults.dropping(); n = in.read(buffer)) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            log.debug("Relayed connection from {}: client side ended: {}", remote, e.getMessage());
        } finally {
            close(false);
            ticket.release();
            onExit.accept(this);
        }
    }

    private void readServer() {
        MDC.put("plc", plcName);
        try (InputStream in = server.getInputStream()) {
            byte[] buffer = new byte[READ_SIZE];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (!hold(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime()))) {
                    return;
                }
            }
        } catch (IOException e) {
            log.debug("Relayed connection from {}: server side ended: {}", remote, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(false);
            return;
        }
        boolean serverFirst;
        synchronized (this) {
            serverFirst = !closed;
            serverEnded = true;
            notifyAll();
        }
        if (serverFirst) {
            // Counted only while pending: the server refused the client (an untrusted certificate, no
            // Hello in time, a malformed message) before it authenticated.
            ticket.failed("closed by the server before authenticating");
        }
    }

    /** Queues a server read; false when the connection closed meanwhile. */
    private synchronized boolean hold(Chunk chunk) throws InterruptedException {
        while (held.size() >= MAX_HELD && !closed) {
            wait();
        }
        if (closed) {
            return false;
        }
        held.addLast(chunk);
        notifyAll();
        return true;
    }

    private void writeClient() {
        MDC.put("plc", plcName);
        try {
            OutputStream out = client.getOutputStream();
            for (Optional<Chunk> next = nextToSend(); next.isPresent(); next = nextToSend()) {
                out.write(next.get().bytes());
            }
        } catch (IOException e) {
            log.debug("Relayed connection from {}: writing to the client failed: {}", remote, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // The server ended (its last bytes are out), the client went, or a drop: end both legs.
            close(false);
        }
    }

    /** The next server read once the faults let it go; empty when the connection must end. */
    private synchronized Optional<Chunk> nextToSend() throws InterruptedException {
        while (!closed && !faults.dropping()) {
            Chunk head = held.peekFirst();
            if (head == null) {
                if (serverEnded) {
                    return Optional.empty();
                }
                wait();
            } else if (faults.hanging()) {
                wait();
            } else {
                long slowLeft = head.arrivalNanos() + faults.slowDelay().toNanos() - System.nanoTime();
                long left = Math.max(slowLeft, faults.stallRemaining().toNanos());
                if (left <= 0) {
                    held.removeFirst();
                    notifyAll();
                    return Optional.of(head);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
        return Optional.empty();
    }

    /** The faults changed: re-decide what may be sent (a cleared hang releases what it held). */
    synchronized void faultsChanged() {
        notifyAll();
    }

    /**
     * Closes both legs. With {@code reset} the client gets an RST instead of a FIN, as when a
     * controller dies. Idempotent.
     */
    void close(boolean reset) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            held.clear();
            notifyAll();
        }
        if (reset) {
            try {
                client.setSoLinger(true, 0);
            } catch (IOException e) {
                log.debug("Cannot reset relayed connection from {}: {}", remote, e.getMessage());
            }
        }
        closeQuietly(client);
        closeQuietly(server);
        log.debug("Relayed connection from {} closed{}", remote, reset ? " (reset)" : "");
    }

    private void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("Closing a leg of the relayed connection from {} failed: {}", remote, e.getMessage());
        }
    }
}
