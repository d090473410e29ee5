package dev.failover.plcsim.comms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The relay's faults at the wire, with an echo server behind it and plain sockets in front. */
@Timeout(20)
class FaultRelayIT {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int SHORT_TIMEOUT_MS = 300;

    private final CommsFaults faults = new CommsFaults();
    private EchoServer backend;
    private FaultRelay relay;

    @BeforeEach
    void start() throws IOException {
        backend = new EchoServer();
        // The echo server authenticates nobody: connections stay pending, for longer than any test.
        Admission admission = new Admission(
                "T", "test", "handshake", Admission.Limits.of(Duration.ofSeconds(60), 64), (task, delay) -> () -> {});
        relay = FaultRelay.bind("T", "test", LOOPBACK, 0, faults, admission);
        relay.forwardTo(backend.address());
    }

    @AfterEach
    void stop() throws IOException {
        relay.close();
        backend.close();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(LOOPBACK, relay.port());
        socket.setSoTimeout(5000);
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        socket.getOutputStream().write(bytes);
        return new String(socket.getInputStream().readNBytes(bytes.length), StandardCharsets.US_ASCII);
    }

    private static Duration timed(IoAction action) throws IOException {
        long start = System.nanoTime();
        action.run();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void relaysBytesBothWaysInOrder() throws Exception {
        byte[] data = new byte[200_000];
        new Random(42).nextBytes(data);
        try (Socket socket = connect()) {
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    socket.getOutputStream().write(data);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });

            assertThat(socket.getInputStream().readNBytes(data.length)).isEqualTo(data);
            writer.join();
        }
    }

    @Test
    void hangHoldsServerBytesOnOpenConnectionsAndClearDeliversThem() throws IOException {
        try (Socket socket = connect()) {
            faults.hang();
            socket.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(SHORT_TIMEOUT_MS);

            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            try (Socket another = connect()) {
                another.setSoTimeout(SHORT_TIMEOUT_MS);
                another.getOutputStream().write('x');
                assertThatThrownBy(() -> another.getInputStream().read())
                        .as("a new connection is accepted but not answered either")
                        .isInstanceOf(SocketTimeoutException.class);
            }

            faults.clear();

            socket.setSoTimeout(5000);
            assertThat(new String(socket.getInputStream().readNBytes(4), StandardCharsets.US_ASCII))
                    .as("held, not lost: TCP delivers once the partition heals")
                    .isEqualTo("ping");
            assertThat(roundTrip(socket, "pong")).isEqualTo("pong");
        }
    }

    @Test
    void slowDelaysServerBytesByTheDelay() throws IOException {
        try (Socket socket = connect()) {
            faults.slow(Duration.ofMillis(200));

            assertThat(timed(() -> assertThat(roundTrip(socket, "a")).isEqualTo("a")))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(200));

            faults.clear();

            assertThat(timed(() -> roundTrip(socket, "b"))).isLessThan(Duration.ofMillis(200));
        }
    }

    @Test
    void stallHoldsServerBytesUntilItEndsByItself() throws IOException {
        try (Socket socket = connect()) {
            faults.stall(Duration.ofMillis(400));

            assertThat(timed(() -> assertThat(roundTrip(socket, "a")).isEqualTo("a")))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(350));
            assertThat(timed(() -> roundTrip(socket, "b"))).isLessThan(Duration.ofMillis(200));
        }
    }

    @Test
    void dropClosesOpenConnectionsAndEveryNewOneUntilClear() throws IOException {
        try (Socket open = connect()) {
            assertThat(roundTrip(open, "a")).isEqualTo("a");

            faults.drop();
            relay.closeConnections();

            assertThat(open.getInputStream().read()).isEqualTo(-1);
            try (Socket next = connect()) {
                assertThat(next.getInputStream().read())
                        .as("accepted, then closed")
                        .isEqualTo(-1);
            }
        }

        faults.clear();

        try (Socket fresh = connect()) {
            assertThat(roundTrip(fresh, "b")).isEqualTo("b");
        }
    }

    @Test
    void theServersLastBytesReachTheClientBeforeTheClose() throws IOException {
        try (Socket socket = connect()) {
            faults.slow(Duration.ofMillis(100));

            assertThat(roundTrip(socket, EchoServer.QUIT)).isEqualTo(EchoServer.QUIT);
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void closeResetsConnectionsAndClosesThePort() throws IOException {
        int port = relay.port();
        try (Socket socket = connect()) {
            assertThat(roundTrip(socket, "a")).isEqualTo("a");

            relay.close();

            InputStream in = socket.getInputStream();
            assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("reset");
        }
        assertThatThrownBy(() -> new Socket(LOOPBACK, port).close()).isInstanceOf(ConnectException.class);
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    /** Echoes every byte; closes a connection after echoing {@link #QUIT}. */
    private static final class EchoServer implements AutoCloseable {

        static final String QUIT = "quit";

        private final ServerSocket socket = new ServerSocket(0, 50, LOOPBACK);
        private final Set<Socket> connections = ConcurrentHashMap.newKeySet();

        EchoServer() throws IOException {
            Thread.ofPlatform().daemon().start(this::accept);
        }

        InetSocketAddress address() {
            return new InetSocketAddress(LOOPBACK, socket.getLocalPort());
        }

        private void accept() {
            try {
                while (true) {
                    Socket connection = socket.accept();
                    connections.add(connection);
                    Thread.ofPlatform().daemon().start(() -> echo(connection));
                }
            } catch (IOException e) {
                // Closed by close().
            }
        }

        private static void echo(Socket connection) {
            try (connection) {
                byte[] buffer = new byte[8192];
                for (int n = connection.getInputStream().read(buffer);
                        n >= 0;
                        n = connection.getInputStream().read(buffer)) {
                    connection.getOutputStream().write(buffer, 0, n);
                    if (new String(buffer, 0, n, StandardCharsets.US_ASCII).endsWith(QUIT)) {
                        return;
                    }
                }
            } catch (IOException e) {
                // The relay closed its leg.
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket connection : connections) {
                connection.close();
            }
        }
    }
}
