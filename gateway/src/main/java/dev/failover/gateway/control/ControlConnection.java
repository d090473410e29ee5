package dev.failover.gateway.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.certs.TlsContexts;
import dev.failover.gateway.events.RefusalReporter;
import dev.failover.gateway.events.SecurityDetail;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the control endpoint, on its own virtual thread: admission, the first byte
 * within the handshake timeout and the TLS handshake within {@link ControlServer#HANDSHAKE_COMPLETION},
 * one request and its answer. Every refusal is reported to the
 * {@link RefusalReporter} with the peer's address (and certificate subject once known), and answered
 * where the peer can still read an answer.
 *
 * <p>The TLS layer is put over the accepted socket by this class ({@code autoClose} off) rather than
 * by an {@code SSLServerSocket}, for two reasons: the first byte is awaited before any TLS work, so
 * that a silent connection is known as such ({@link Admission}); and after a failed handshake the
 * socket stays open while the client's remaining bytes are read, so that the TLS alert reaches the
 * client before the connection closes instead of being lost in a TCP reset (the CLI then says why it
 * was refused).
 */
final class ControlConnection {

    private static final Logger log = LoggerFactory.getLogger(ControlConnection.class);

    /** The TLS record type of a handshake message: the first byte of every ClientHello. */
    private static final int TLS_HANDSHAKE_RECORD = 22;

    /** The most bytes read from a client whose handshake failed, while its alert goes out. */
    private static final int LINGER_BYTES = 64 * 1024;

    /** What the server gives every connection: settings, admission, events and the answers. */
    record Context(
            SSLContext tls,
            Duration handshakeTimeout,
            Admission admission,
            ScheduledExecutorService deadlines,
            RefusalReporter refusals,
            ObjectMapper json,
            Requests requests,
            AtomicInteger lingering) {}

    /** Answers one request line from an admitted peer. */
    @FunctionalInterface
    interface Requests {
        JsonNode answer(String line, String origin);
    }

    /** Refused connections lingering at most at once, across the endpoint: they hold no pending place. */
    static final int MAX_LINGERING = 32;

    private final Context context;
    private final Socket raw;
    private final Admission.Ticket ticket;
    private final String peer;
    private final long acceptedNanos;
    private volatile long firstByteNanos;
    /** The deadline now pending: the silence deadline, then the handshake's completion. */
    private volatile ScheduledFuture<?> deadline;
    /** Whether the connection timed out silent (rather than in its handshake). */
    private volatile boolean silent;
    /** Whether a deadline of {@link #closeAfter} closed the socket. */
    private volatile boolean cutOff;

    private String subject;

    /** @param acceptedNanos when the connection was accepted ({@link System#nanoTime}): its deadlines run from then */
    ControlConnection(Context context, Socket raw, Admission.Ticket ticket, long acceptedNanos) {
        this.context = context;
        this.raw = raw;
        this.ticket = ticket;
        this.acceptedNanos = acceptedNanos;
        this.peer = raw.getInetAddress().getHostAddress() + ":" + raw.getPort();
    }

    void run() {
        try {
            long left = context.handshakeTimeout().toNanos() - (System.nanoTime() - acceptedNanos);
            deadline = context.deadlines().schedule(this::silenceDeadline, Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            // The endpoint is closing.
            context.admission().release(ticket);
            closeQuietly(raw);
            return;
        }
        try {
            // The deadlines close the socket; the read timeout is only a backstop behind them.
            raw.setSoTimeout(millis(ControlServer.HANDSHAKE_COMPLETION));
            InputStream rawIn = raw.getInputStream();
            int first;
            try {
                first = rawIn.read();
            } catch (IOException e) {
                refusedBeforeAuthentication(e);
                return;
            }
            if (first == -1) {
                refuse(RefusalReason.NO_HANDSHAKE, "it closed the connection without sending anything");
                return;
            }
            firstByteNanos = System.nanoTime();
            context.admission().spoke(ticket);
            if (context.tls() == null) {
                servePlain(first, rawIn);
            } else if (first != TLS_HANDSHAKE_RECORD) {
                notTls(first, rawIn);
            } else {
                serveTls(first, rawIn);
            }
        } catch (IOException e) {
            log.debug("control connection from {} failed", peer, e);
        } finally {
            deadline.cancel(false);
            context.admission().release(ticket);
            closeQuietly(raw);
        }
    }

    /**
     * The handshake timeout after accept: a connection that has sent nothing is closed; one that is
     * handshaking gets until {@link ControlServer#HANDSHAKE_COMPLETION} after accept to complete.
     */
    private void silenceDeadline() {
        if (firstByteNanos != 0 || bytesWaiting(raw)) {
            long left = ControlServer.HANDSHAKE_COMPLETION.toNanos() - (System.nanoTime() - acceptedNanos);
            try {
                deadline =
                        context.deadlines().schedule(this::completionDeadline, Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException closing) {
                completionDeadline();
            }
            return;
        }
        silent = true;
        if (context.admission().expire(ticket)) {
            closeQuietly(raw);
        }
    }

    private void completionDeadline() {
        if (context.admission().expire(ticket)) {
            closeQuietly(raw);
        }
    }

    private void serveTls(int first, InputStream rawIn) throws IOException {
        SSLSocket tls = (SSLSocket) ((SSLSocketFactory) context.tls().getSocketFactory())
                .createSocket(raw, new ByteArrayInputStream(new byte[] {(byte) first}), false);
        tls.setSSLParameters(TlsContexts.serverParameters(context.tls()));
        try {
            tls.startHandshake();
            subject = TlsContexts.peerCertificate(tls.getSession())
                    .getSubjectX500Principal()
                    .getName();
        } catch (IOException e) {
            refusedBeforeAuthentication(e);
            linger(rawIn);
            return;
        }
        log.debug(
                "control connection from {}: first byte after {} ms, handshake done after {} ms",
                peer,
                (firstByteNanos - acceptedNanos) / 1_000_000,
                (System.nanoTime() - acceptedNanos) / 1_000_000);
        if (!admitted(tls.getInputStream(), tls.getOutputStream())) {
            closeTls(tls);
            return;
        }
        tls.setSoTimeout(millis(ControlServer.REQUEST_TIMEOUT));
        exchange(tls.getInputStream(), tls.getOutputStream());
        closeTls(tls);
    }

    /**
     * Moves the connection of a peer that just passed the door to an authenticated slot; when every
     * slot is taken, its request is read and answered "busy".
     */
    private boolean admitted(InputStream in, OutputStream out) throws IOException {
        Admission.State state = context.admission().authenticate(ticket);
        if (state == Admission.State.AUTHENTICATED) {
            return true;
        }
        if (state != Admission.State.RELEASED) {
            // Evicted or timed out just before: the socket is closed already.
            refusedBeforeAuthentication(new IOException("closed before it was authenticated"));
            return false;
        }
        int slots = context.admission().limits().authenticated();
        refuse(RefusalReason.BUSY, "all " + slots + " authenticated connections are taken");
        if (in != null) {
            // It holds no slot now: its request gets the handshake timeout, in all, to arrive.
            Future<?> cutoff = closeAfter(context.handshakeTimeout());
            try {
                RequestLine.read(new BufferedInputStream(in), 0, ControlServer.MAX_REQUEST_BYTES);
            } finally {
                cutoff.cancel(false);
            }
        }
        write(
                out,
                refusal(
                        RefusalReason.BUSY,
                        "the control endpoint is busy: all " + slots
                                + " connections for authenticated clients are open; try again"));
        return false;
    }

    /** Without TLS (a gateway without security, status only): the request must come within the deadline. */
    private void servePlain(int first, InputStream rawIn) throws IOException {
        InputStream in = new BufferedInputStream(
                new SequenceInputStream(new ByteArrayInputStream(new byte[] {(byte) first}), rawIn));
        RequestLine line;
        try {
            line = RequestLine.read(in, ControlServer.MAX_REQUEST_BYTES, ControlServer.MAX_DRAIN_BYTES);
        } catch (IOException e) {
            refusedBeforeAuthentication(e);
            return;
        }
        if (!admitted(null, raw.getOutputStream())) {
            return;
        }
        raw.setSoTimeout(millis(ControlServer.REQUEST_TIMEOUT));
        answer(line, raw.getOutputStream());
    }

    /** A client that speaks plain text to the TLS endpoint: a JSON request gets an answer saying so. */
    private void notTls(int first, InputStream rawIn) throws IOException {
        if (first != '{') {
            refuse(
                    RefusalReason.PROTOCOL,
                    String.format("it did not start a TLS handshake (first byte 0x%02x)", first));
            linger(rawIn);
            return;
        }
        refuse(RefusalReason.PROTOCOL, "it sent a request in plain text, without TLS");
        RequestLine.read(new BufferedInputStream(rawIn), 0, ControlServer.MAX_REQUEST_BYTES);
        write(
                raw.getOutputStream(),
                refusal(
                        RefusalReason.PROTOCOL,
                        "this endpoint speaks TLS with client certificates of the plant PKI: give an operator identity"
                                + " (--identity, --pki)"));
    }

    private void exchange(InputStream in, OutputStream out) throws IOException {
        RequestLine line;
        // A deadline for the whole request, not per read: a client trickling a byte now and then must
        // not keep its authenticated slot.
        Future<?> cutoff = closeAfter(ControlServer.REQUEST_TIMEOUT);
        try {
            line = RequestLine.read(
                    new BufferedInputStream(in), ControlServer.MAX_REQUEST_BYTES, ControlServer.MAX_DRAIN_BYTES);
        } catch (IOException e) {
            // The cutoff marks itself before it closes the socket, so the read it breaks knows why.
            if (!(e instanceof SocketTimeoutException) && !cutOff) {
                throw e;
            }
            refuse(
                    RefusalReason.REQUEST_TIMEOUT,
                    "it sent no complete request within " + ControlServer.REQUEST_TIMEOUT.toSeconds() + " s");
            return;
        } finally {
            cutoff.cancel(false);
        }
        if (cutOff) {
            // The deadline passed just as the line arrived: the socket is closed, nothing may run.
            refuse(
                    RefusalReason.REQUEST_TIMEOUT,
                    "it sent no complete request within " + ControlServer.REQUEST_TIMEOUT.toSeconds() + " s");
            return;
        }
        answer(line, out);
    }

    private void answer(RequestLine line, OutputStream out) throws IOException {
        JsonNode answer;
        if (line.oversized()) {
            String size = (line.ended() ? "" : "more than ") + line.size() + " bytes";
            refuse(
                    RefusalReason.OVERSIZED,
                    "its request was too large: " + size + ", limit " + ControlServer.MAX_REQUEST_BYTES,
                    line.size(),
                    ControlServer.MAX_REQUEST_BYTES);
            answer = refusal(
                            RefusalReason.OVERSIZED,
                            "request too large: " + size + ", limit " + ControlServer.MAX_REQUEST_BYTES
                                    + " bytes (one JSON request on one line)")
                    .put("size", line.size())
                    .put("limit", ControlServer.MAX_REQUEST_BYTES);
        } else if (line.text().isBlank()) {
            answer = context.json()
                    .createObjectNode()
                    .put("ok", false)
                    .put("error", "empty request: send one JSON request on one line");
        } else {
            String origin = subject == null ? peer : subject + " from " + peer;
            try {
                answer = context.requests().answer(line.text(), origin);
            } catch (RuntimeException e) {
                log.error("control request from {} failed", origin, e);
                answer = context.json()
                        .createObjectNode()
                        .put("ok", false)
                        .put("error", "the gateway could not process the request: " + e.getMessage());
            }
        }
        write(out, answer);
    }

    private ObjectNode refusal(RefusalReason reason, String message) {
        return context.json()
                .createObjectNode()
                .put("ok", false)
                .put("code", reason.name())
                .put("error", message);
    }

    private void write(OutputStream out, JsonNode answer) throws IOException {
        out.write((context.json().writeValueAsString(answer) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** A refusal before authentication: the admission's verdict first, then the handshake's failure. */
    private void refusedBeforeAuthentication(IOException failure) {
        switch (context.admission().state(ticket)) {
            case EVICTED ->
                refuse(
                        RefusalReason.ADMISSION_LIMIT,
                        "it was closed to admit a newer connection: more than "
                                + context.admission().limits().pendingPerSource() + " unauthenticated connections from"
                                + " its address, or "
                                + context.admission().limits().pending() + " in all");
            case TIMED_OUT ->
                refuse(
                        RefusalReason.HANDSHAKE_TIMEOUT,
                        silent
                                ? "it sent nothing within "
                                        + context.handshakeTimeout().toMillis() + " ms"
                                : (context.tls() == null ? "its request" : "its TLS handshake")
                                        + " did not complete within "
                                        + ControlServer.HANDSHAKE_COMPLETION.toSeconds() + " s");
            default -> {
                HandshakeFailures.Refusal refusal = HandshakeFailures.classify(failure);
                refuse(refusal.reason(), refusal.detail());
            }
        }
    }

    private void refuse(RefusalReason reason, String detail) {
        refuse(reason, detail, null, null);
    }

    private void refuse(RefusalReason reason, String detail, Long size, Integer limit) {
        String who = subject == null ? peer : subject + " from " + peer;
        context.refusals()
                .refused(
                        new SecurityDetail.ControlRefused(reason.name(), peer, subject, size, limit),
                        "control endpoint refused " + who + ": " + detail);
    }

    /**
     * Reads what the client still sends after a failed handshake (up to {@value #LINGER_BYTES} bytes,
     * until it closes or pauses for the handshake timeout), so that the socket is not closed
     * with unread data: that would reset the connection, and the client could lose the TLS alert.
     */
    private void linger(InputStream rawIn) {
        // Refused: it holds no pending place while it lingers, and lingers the handshake timeout at most;
        // beyond MAX_LINGERING refused connections at once, it is closed without lingering.
        context.admission().release(ticket);
        if (context.lingering().incrementAndGet() > MAX_LINGERING) {
            context.lingering().decrementAndGet();
            return;
        }
        Future<?> cutoff = closeAfter(context.handshakeTimeout());
        try {
            raw.setSoTimeout(millis(context.handshakeTimeout()));
            byte[] sink = new byte[4096];
            int total = 0;
            for (int n = rawIn.read(sink); n != -1 && total < LINGER_BYTES; n = rawIn.read(sink)) {
                total += n;
            }
        } catch (IOException e) {
            log.trace("linger after a refused handshake from {} ended: {}", peer, e.toString());
        } finally {
            cutoff.cancel(false);
            context.lingering().decrementAndGet();
        }
    }

    /**
     * Closes the socket after {@code delay} unless cancelled first, marking {@link #cutOff} before it
     * does; at once, unmarked, if the endpoint is closing.
     */
    private Future<?> closeAfter(Duration delay) {
        try {
            return context.deadlines()
                    .schedule(
                            () -> {
                                cutOff = true;
                                closeQuietly(raw);
                            },
                            delay.toNanos(),
                            TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            closeQuietly(raw);
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Sends close_notify; waits for the client's for at most the handshake timeout. */
    private void closeTls(SSLSocket tls) {
        try {
            tls.setSoTimeout(millis(context.handshakeTimeout()));
            tls.close();
        } catch (IOException e) {
            log.trace("closing the TLS connection from {} failed: {}", peer, e.toString());
        }
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    /** Whether bytes from the peer wait in the socket's receive buffer (an ioctl, it does not block). */
    static boolean bytesWaiting(Socket socket) {
        try {
            return socket.getInputStream().available() > 0;
        } catch (IOException closed) {
            return false;
        }
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.trace("closing a control connection failed: {}", e.toString());
        }
    }
}
