package dev.failover.plcsim.modbus;

import dev.failover.certs.TlsContexts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TLS handshake over loopback, the server's context against itself, before the first Modbus/TCP
 * Security listener of that context opens. The first handshake in a JVM loads and initialises the
 * TLS, certificate path and revocation code: measured 0.8 to 2.8 s for a client's first connection
 * to a freshly started plc-sim on a loaded 2-core machine, which counts against the handshake
 * deadline (3 s by default) on top of the client's own first handshake. Warm, a handshake takes tens of milliseconds.
 *
 * <p>Best effort: a failure is logged at DEBUG and the listener opens anyway. It needs the context's
 * certificate to be a TLS client certificate too, as controller certificates of the plant PKI are
 * (serverAuth and clientAuth). Thread-safe; once per context and JVM.
 */
final class TlsWarmUp {

    private static final Logger log = LoggerFactory.getLogger(TlsWarmUp.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Set<SSLContext> WARM =
            Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private TlsWarmUp() {}

    /** Runs the handshake unless {@code context} has been warmed up already; blocks until it ended. */
    static void once(SSLContext context) {
        if (!WARM.add(context)) {
            return;
        }
        long start = System.nanoTime();
        int millis = (int) TIMEOUT.toMillis();
        AtomicReference<Exception> clientFailure = new AtomicReference<>();
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(millis);
            Thread client = Thread.ofPlatform()
                    .daemon()
                    .name("tls-warm-up")
                    .start(() -> connect(context, listener.getLocalPort(), clientFailure));
            try (Socket accepted = listener.accept();
                    SSLSocket server = TlsContexts.layerServer(context, accepted)) {
                server.setSoTimeout(millis);
                server.startHandshake();
            }
            client.join(TIMEOUT);
            if (clientFailure.get() != null) {
                throw clientFailure.get();
            }
            log.debug("TLS warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("TLS warm-up failed after {} ms: {}", (System.nanoTime() - start) / 1_000_000, e.toString());
        }
    }

    private static void connect(SSLContext context, int port, AtomicReference<Exception> failure) {
        try (SSLSocket socket = TlsContexts.connect(context, "127.0.0.1", port, TIMEOUT, false)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.startHandshake();
            // Until the server closes: under TLS 1.3 it reads this side's Finished after startHandshake returns.
            while (socket.getInputStream().read() >= 0) {
                // Session tickets, if any.
            }
        } catch (IOException e) {
            failure.set(e);
        }
    }
}
