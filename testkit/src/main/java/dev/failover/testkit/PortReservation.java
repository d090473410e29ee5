package dev.failover.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback TCP port held for a listener that a test opens later, when the port must be known
 * beforehand (it goes into a configuration). A port found free and then let go is soon taken by
 * an outgoing connection's ephemeral port; this one stays bound, so the kernel hands it to nothing
 * else. It is bound without listening: a connection to it is refused at once, as to a closed port.
 * {@link #release()} it just before the listener binds.
 */
public final class PortReservation implements AutoCloseable {

    private final Socket socket;
    private final int port;

    private PortReservation(Socket socket) {
        this.socket = socket;
        this.port = socket.getLocalPort();
    }

    /** Reserves a free port on 127.0.0.1. */
    public static PortReservation onLoopback() {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new PortReservation(s);
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("cannot reserve a loopback port", e);
        }
    }

    public int port() {
        return port;
    }

    /** Lets the port go, for the listener about to bind it. Idempotent. */
    public int release() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release port " + port, e);
        }
        return port;
    }

    @Override
    public void close() {
        release();
    }
}
