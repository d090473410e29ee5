package dev.failover.plcsim;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * Hosts of the plant network other than the gateway's, on one machine: connections from loopback
 * addresses other than 127.0.0.1 (on Linux the whole of 127/8 is local; elsewhere a test that needs
 * them is skipped). Stateless.
 */
final class OtherHosts {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private OtherHosts() {}

    /** {@code 127.0.0.n}; aborts the test if this machine cannot use it as a source address. */
    static InetAddress address(int n) {
        InetAddress address;
        try {
            address = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) n});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        try (Socket probe = new Socket()) {
            probe.bind(new InetSocketAddress(address, 0));
        } catch (IOException e) {
            Assumptions.abort("cannot bind " + address + " as a source address: " + e.getMessage());
        }
        return address;
    }

    /** A TCP connection from {@code from} to {@code port} on 127.0.0.1 that sends nothing yet. */
    static Socket connect(InetAddress from, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) CONNECT_TIMEOUT.toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }
}
