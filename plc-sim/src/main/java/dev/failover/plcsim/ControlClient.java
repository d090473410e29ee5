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
 * Sends one command to a controller's control port, for tests and tools in other processes.
 * Stateless and thread-safe: each call uses its own connection.
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
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            out.write((commandLine + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String answer = in.readLine();
            if (answer == null) {
                throw new IOException("control port " + host + ":" + port + " closed the connection without answering");
            }
            return answer;
        }
    }

    /**
     * Sends {@code status} and returns its {@code key=value} fields (name, role, status, heartbeat,
     * driving, outputEnable, level, faults, tls, roleChanges, partner, ageMs).
     *
     * @throws IOException as {@link #send}, or if the answer is not {@code OK}
     */
    public static Map<String, String> status(String host, int port, Duration timeout) throws IOException {
        String answer = send(host, port, "status", timeout);
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
}
