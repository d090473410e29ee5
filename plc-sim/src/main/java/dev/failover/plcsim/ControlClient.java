package dev.failover.plcsim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Sends commands to a controller's control port (or the relay box's), for tests and tools in other
 * processes. {@link #send} and {@link #status} are stateless and thread-safe: each call uses its own
 * connection. A {@link Session} keeps one connection open for many commands, for a caller that asks
 * often (a witness sampling every millisecond, a fence that must act at once): no connection set-up,
 * and no new thread on the port's side, per command.
 */
public final class ControlClient {

    private ControlClient() {}

    /**
     * Sends {@code commandLine} (e.g. {@code "slow 30"}) and returns the answer line, which starts
     * with {@code OK} or {@code ERR}.
     *
     * @param timeout bound for connecting and for the answer
     * @throws IOException if the port cannot be reached, times out or closes without answering
     */
    public static String send(String host, int port, String commandLine, Duration timeout) throws IOException {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(commandLine, "commandLine");
        Objects.requireNonNull(timeout, "timeout");
        if (commandLine.contains("\n") || commandLine.contains("\r")) {
            throw new IllegalArgumentException("a control command is one line, got '" + commandLine + "'");
        }
        try (Session session = Session.open(host, port, timeout)) {
            return session.send(commandLine);
        }
    }

    /**
     * Sends {@code status} and returns its {@code key=value} fields (name, role, status, heartbeat,
     * driving, outputEnable, level, faults, tls, roleChanges, partner, ageMs).
     *
     * @throws IOException as {@link #send}, or if the answer is not {@code OK}
     */
    public static Map<String, String> status(String host, int port, Duration timeout) throws IOException {
        try (Session session = Session.open(host, port, timeout)) {
            return session.status();
        }
    }

    /**
     * One open connection to a control port, for many commands in turn. Not thread-safe. After an
     * {@link IOException} the session is broken: close it and open a new one.
     */
    public static final class Session implements AutoCloseable {

        private final String host;
        private final int port;
        private final Socket socket;
        private final OutputStream out;
        private final BufferedReader in;

        private Session(String host, int port, Socket socket) throws IOException {
            this.host = host;
            this.port = port;
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        }

        /**
         * Connects to {@code host:port}.
         *
         * @param timeout bound for connecting and for each answer
         * @throws IOException if the port cannot be reached in time
         */
        public static Session open(String host, int port, Duration timeout) throws IOException {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(timeout, "timeout");
            int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(host, port), millis);
                socket.setSoTimeout(millis);
                return new Session(host, port, socket);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }

        /**
         * Sends {@code commandLine} and returns the answer line, which starts with {@code OK} or {@code ERR}.
         *
         * @throws IOException if the answer does not come in time or the connection closes without one
         */
        public String send(String commandLine) throws IOException {
            Objects.requireNonNull(commandLine, "commandLine");
            if (commandLine.contains("\n") || commandLine.contains("\r")) {
                throw new IllegalArgumentException("a control command is one line, got '" + commandLine + "'");
            }
            out.write((commandLine + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = in.readLine();
            if (answer == null) {
                throw new IOException("control port " + host + ":" + port + " closed the connection without answering");
            }
            return answer;
        }

        /**
         * Sends {@code status} and returns its {@code key=value} fields, as {@link ControlClient#status}.
         *
         * @throws IOException as {@link #send}, or if the answer is not {@code OK}
         */
        public Map<String, String> status() throws IOException {
            String answer = send("status");
            if (!answer.startsWith("OK")) {
                throw new IOException("control port " + host + ":" + port + " answered status with: " + answer);
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (String token : answer.substring(2).trim().split(" ")) {
                int eq = token.indexOf('=');
                if (eq > 0) {
                    fields.put(token.substring(0, eq), token.substring(eq + 1));
                }
            }
            return fields;
        }

        /** Closes the connection; a connection already broken has nothing left to close. */
        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing a broken socket: nothing more to release.
            }
        }
    }
}
