package dev.failover.gateway.link.modbus;

import com.ghgande.j2mod.modbus.ModbusIOException;
import com.ghgande.j2mod.modbus.io.ModbusTCPTransport;
import com.ghgande.j2mod.modbus.msg.ExceptionResponse;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import dev.failover.certs.TlsContexts;
import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Modbus TCP connection to a controller, used by one caller at a time (methods are synchronized).
 *
 * <p>j2mod frames the messages; this class owns the socket and the exchange. A timeout keeps the
 * connection (reconnecting, and with TLS a new handshake, to a slow or hung controller would cost
 * more than a poll period); a late answer to a timed-out request is recognised by its transaction
 * id and discarded, so it is never taken for the answer to a later request (the mix-up of j2mod
 * issue #165). A broken connection, an unexpected answer, a malformed frame, or more than eight
 * timeouts in a row close the socket, and the next exchange opens a new one. Repeated connection
 * failures back off exponentially, from the response timeout up to {@code maxBackoff}.
 *
 * <p>With a TLS context the connection speaks Modbus/TCP Security: TLS 1.2/1.3 with the gateway's
 * certificate, the controller's certificate checked against the plant PKI and its name against the
 * endpoint's host. The handshake is bounded by {@code handshakeTimeout}.
 */
final class ModbusChannel implements AutoCloseable {

    /** After this many timeouts in a row the connection is replaced, in case it is wedged. */
    private static final int MAX_UNANSWERED = 8;

    private static final Logger log = LoggerFactory.getLogger(ModbusChannel.class);

    private final String name;
    private final ModbusEndpoint endpoint;
    private final int timeoutMillis;
    /** The response timeout of exchanges without one of their own; connection set-up keeps {@link #timeoutMillis}. */
    private volatile int readTimeoutMillis;

    private final long maxBackoffNanos;
    private final Ticker ticker;
    private final SSLContext tls;
    private final int handshakeTimeoutMillis;
    private final String where;

    private Socket socket;
    private ModbusTCPTransport transport;
    private int transactionId;
    /** Requests on this connection that timed out and may still be answered late. */
    private int unanswered;

    private long backoffNanos;
    private long nextConnectNanos = Long.MIN_VALUE;
    private boolean closed;

    ModbusChannel(
            String name,
            ModbusEndpoint endpoint,
            Duration timeout,
            Duration maxBackoff,
            Ticker ticker,
            SSLContext tls,
            Duration handshakeTimeout) {
        this.name = name;
        this.tls = tls;
        this.handshakeTimeoutMillis = Math.toIntExact(Math.max(1, handshakeTimeout.toMillis()));
        this.where = (tls == null ? "modbus-tcp://" : "modbus-tls://") + endpoint.host() + ":" + endpoint.port() + "/"
                + endpoint.unitId();
        this.endpoint = endpoint;
        this.timeoutMillis = Math.toIntExact(Math.max(1, timeout.toMillis()));
        this.readTimeoutMillis = timeoutMillis;
        this.maxBackoffNanos = maxBackoff.toNanos();
        this.ticker = ticker;
    }

    /**
     * Sends {@code request} and decodes the answer. The request's transaction and unit ids are set
     * here.
     */
    synchronized <T> LinkResult<T> exchange(ModbusRequest request, Function<ModbusResponse, T> decode) {
        return exchange(request, decode, readTimeoutMillis);
    }

    /** Sets the response timeout of exchanges that do not name their own. */
    void readTimeout(int millis) {
        readTimeoutMillis = Math.max(1, millis);
    }

    /** The same with its own response timeout, for requests that are not polls. */
    synchronized <T> LinkResult<T> exchange(
            ModbusRequest request, Function<ModbusResponse, T> decode, int responseTimeoutMillis) {
        if (closed) {
            return LinkResult.failed(LinkError.UNREACHABLE, name + " channel is closed");
        }
        long start = ticker.nanos();
        boolean reused = transport != null;
        LinkResult<T> result = attempt(request, decode, start, responseTimeoutMillis);
        if (reused && result instanceof LinkResult.Failed<T> failed && failed.error() == LinkError.CONNECTION_LOST) {
            // An idle connection may have died with a restarted controller: one more try on a fresh
            // connection. Only for a broken connection, never after a timeout, and our requests
            // (reads, writes of a fixed value) are idempotent.
            log.debug("{}: reused connection was broken ({}), retrying on a new one", name, failed.detail());
            result = attempt(request, decode, start, responseTimeoutMillis);
        }
        return result;
    }

    private <T> LinkResult<T> attempt(
            ModbusRequest request, Function<ModbusResponse, T> decode, long start, int responseTimeoutMillis) {
        if (transport == null) {
            LinkResult<T> refused = connect(ticker.nanos());
            if (refused != null) {
                return refused;
            }
        }
        transactionId = transactionId == 0xFFFF ? 1 : transactionId + 1;
        request.setTransactionID(transactionId);
        request.setUnitID(endpoint.unitId());
        try {
            // The response timeout runs from sending the request: a connection (and TLS handshake)
            // just made for it has its own timeout and must not eat into this one.
            long deadline =
                    ticker.nanos() + Duration.ofMillis(responseTimeoutMillis).toNanos();
            transport.writeRequest(request);
            ModbusResponse response = readAnswer(deadline);
            long latency = ticker.nanos() - start;
            if (response.getTransactionID() != transactionId) {
                disconnect();
                return LinkResult.failed(
                        LinkError.PROTOCOL,
                        "answer to transaction " + response.getTransactionID() + " while waiting for " + transactionId);
            }
            if (response instanceof ExceptionResponse exception) {
                return LinkResult.failed(
                        LinkError.REJECTED,
                        "exception code " + exception.getExceptionCode() + " for function "
                                + request.getFunctionCode());
            }
            if (response.getFunctionCode() != request.getFunctionCode()) {
                disconnect();
                return LinkResult.failed(
                        LinkError.PROTOCOL,
                        "answer has function " + response.getFunctionCode() + ", expected "
                                + request.getFunctionCode());
            }
            return LinkResult.ok(decode.apply(response), latency);
        } catch (ModbusIOException e) {
            boolean timeout = e.getCause() instanceof SocketTimeoutException
                    || String.valueOf(e.getMessage())
                            .toLowerCase(java.util.Locale.ROOT)
                            .contains("timeout");
            if (timeout && ++unanswered < MAX_UNANSWERED) {
                // Keep the connection: a reconnection (and, with TLS, a handshake) to a slow or hung
                // controller would cost more than the poll period. Its late answer, if any, is
                // recognised by its transaction id and discarded.
                return LinkResult.failed(LinkError.TIMEOUT, "no answer within " + responseTimeoutMillis + " ms");
            }
            disconnect();
            if (timeout) {
                return LinkResult.failed(LinkError.TIMEOUT, "no answer within " + responseTimeoutMillis + " ms");
            }
            // TLS 1.3: a controller that refuses our certificate says so after our side of the handshake
            // has finished, so its alert arrives with the first answer.
            return TlsFailures.refusal(e)
                    .<LinkResult<T>>map(
                            why -> LinkResult.failed(LinkError.SECURITY, where + " refused the connection: " + why))
                    .orElseGet(() -> LinkResult.failed(LinkError.CONNECTION_LOST, String.valueOf(e.getMessage())));
        } catch (RuntimeException e) {
            // j2mod throws unchecked exceptions for malformed frames (for example a bad length field).
            disconnect();
            return LinkResult.failed(LinkError.PROTOCOL, "malformed answer: " + e);
        }
    }

    /**
     * Reads until the answer to the current transaction, discarding late answers to requests that
     * timed out earlier on this connection, within the same deadline.
     */
    private ModbusResponse readAnswer(long deadline) throws ModbusIOException {
        while (true) {
            long remaining = deadline - ticker.nanos();
            transport.setTimeout((int) Math.max(1, remaining / 1_000_000));
            ModbusResponse response = transport.readResponse();
            if (response.getTransactionID() == transactionId || unanswered == 0) {
                unanswered = 0;
                return response;
            }
            unanswered--;
            log.debug("{}: discarded a late answer to transaction {}", name, response.getTransactionID());
        }
    }

    private <T> LinkResult<T> connect(long now) {
        if (now < nextConnectNanos) {
            return LinkResult.failed(
                    LinkError.BACKING_OFF,
                    "next connection attempt in " + (nextConnectNanos - now) / 1_000_000 + " ms");
        }
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), timeoutMillis);
            if (tls != null) {
                try {
                    SSLSocket secure = TlsContexts.layerClient(tls, s, endpoint.host(), true);
                    secure.setSoTimeout(handshakeTimeoutMillis);
                    secure.startHandshake();
                    s = secure;
                } catch (SocketTimeoutException e) {
                    // A handshake that did not finish in time (a cold peer, a busy gateway) is no answer,
                    // not a refusal: soft evidence (safety rule 10), reported as a timeout.
                    throw e;
                } catch (IOException e) {
                    closeQuietly(s);
                    backOff(now);
                    return handshakeFailed(e);
                }
            }
            s.setSoTimeout(timeoutMillis);
            socket = s;
            transport = new ModbusTCPTransport(s);
            transport.setTimeout(timeoutMillis);
            backoffNanos = 0;
            unanswered = 0;
            log.debug("{} connected to {}", name, where);
            return null;
        } catch (IOException e) {
            closeQuietly(s);
            backOff(now);
            LinkError error = e instanceof SocketTimeoutException ? LinkError.TIMEOUT : LinkError.UNREACHABLE;
            String detail = e instanceof ConnectException ? "connection refused" : e.toString();
            return LinkResult.failed(error, "cannot connect to " + where + ": " + detail);
        }
    }

    /**
     * A handshake that failed after the TCP connection was made: {@link LinkError#SECURITY} when a side
     * refused (the controller sent an alert, or the plant PKI refused its certificate), else the
     * connection broke off ({@link LinkError#CONNECTION_LOST}: closed or reset without an alert, as a
     * controller does that drops pending handshakes under a flood of connections).
     */
    private <T> LinkResult<T> handshakeFailed(IOException e) {
        return TlsFailures.refusal(e)
                .<LinkResult<T>>map(why ->
                        LinkResult.failed(LinkError.SECURITY, "TLS handshake with " + where + " refused: " + why))
                .orElseGet(() -> LinkResult.failed(
                        LinkError.CONNECTION_LOST,
                        "TLS handshake with " + where + " broke off without an alert (a controller that refuses"
                                + " the gateway's certificate can look like this; its log says): " + e));
    }

    private void backOff(long now) {
        backoffNanos = backoffNanos == 0
                ? Duration.ofMillis(timeoutMillis).toNanos()
                : Math.min(maxBackoffNanos, backoffNanos * 2);
        nextConnectNanos = now + backoffNanos;
    }

    private void disconnect() {
        if (transport != null) {
            try {
                transport.close();
            } catch (IOException e) {
                log.debug("{}: closing transport failed", name, e);
            }
        }
        closeQuietly(socket);
        transport = null;
        socket = null;
    }

    private static void closeQuietly(Socket s) {
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (IOException e) {
            log.debug("closing socket failed", e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        disconnect();
    }
}
