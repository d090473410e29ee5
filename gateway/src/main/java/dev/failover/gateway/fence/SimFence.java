package dev.failover.gateway.fence;

import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One output of plc-sim's relay box ({@code plc-sim relay}, docs/plc-sim.md): on the bench, the
 * physical output-enable relay wired to a controller, in a process of its own, so it cuts the
 * controller's outputs in the shared plant whatever the controller's process is doing (killed,
 * stopped, hung).
 *
 * <p>It speaks the box's control protocol itself (one ASCII line per command, one line per answer,
 * {@code OK ...} or {@code ERR ...}; docs/plc-sim.md), so the gateway does not depend on plc-sim.
 *
 * <p>Every command carries a deadline ({@code now + timeout} on the wall clock): the box refuses a
 * command that reaches it later, so a cut or restore the gateway gave up on is never carried out
 * late (safety rule 8). The answer is the relay's feedback contact, read back after setting it.
 */
public final class SimFence implements Fence {

    private final String controllerId;
    private final String output;
    private final String host;
    private final int port;
    private final Duration timeout;
    private final Clock clock;
    /** The connection kept open to the box, or null until the next command opens one. Guarded by this. */
    private Connection session;

    /**
     * @param output the controller's name at the relay box
     * @param clock the wall clock the deadlines are set on (the box compares with its own)
     */
    public SimFence(String controllerId, String output, String host, int port, Duration timeout, Clock clock) {
        this.controllerId = controllerId;
        this.output = output;
        this.host = host;
        this.port = port;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public String controllerId() {
        return controllerId;
    }

    @Override
    public LinkResult<Boolean> cut() {
        return set(false);
    }

    @Override
    public LinkResult<Boolean> restore() {
        return set(true);
    }

    @Override
    public LinkResult<Boolean> outputsEnabled() {
        return exchange("status " + output, System.nanoTime());
    }

    private LinkResult<Boolean> set(boolean enabled) {
        long start = System.nanoTime();
        long deadline = clock.millis() + timeout.toMillis();
        return exchange("output-enable " + output + " " + (enabled ? "on" : "off") + " deadline=" + deadline, start);
    }

    private LinkResult<Boolean> exchange(String command, long start) {
        String answer;
        try {
            answer = send(command);
        } catch (IOException e) {
            return LinkResult.failed(
                    LinkError.UNREACHABLE,
                    "relay box for " + controllerId + " at " + host + ":" + port + ": " + e.getMessage());
        }
        if (!answer.startsWith("OK")) {
            return LinkResult.failed(LinkError.REJECTED, "relay box refused '" + command + "': " + answer);
        }
        Map<String, String> fields = fields(answer);
        String state = fields.get("outputEnable");
        if (state == null || !output.equals(fields.get("name"))) {
            return LinkResult.failed(LinkError.PROTOCOL, "unexpected relay box answer: " + answer);
        }
        return LinkResult.ok(Boolean.parseBoolean(state), System.nanoTime() - start);
    }

    /**
     * Sends one command over the connection kept open to the box, so that a cut is one line on an
     * established connection, not a connection set-up in the middle of a failover. A kept connection
     * found broken (the box restarted) is replaced once; a timeout is not retried: the command may
     * still be under way, and its deadline keeps it from being executed late.
     */
    private synchronized String send(String command) throws IOException {
        boolean reused = session != null;
        try {
            return session().send(command);
        } catch (java.net.SocketTimeoutException e) {
            drop();
            throw e;
        } catch (IOException e) {
            drop();
            if (!reused) {
                throw e;
            }
            return session().send(command);
        }
    }

    private Connection session() throws IOException {
        if (session == null) {
            session = Connection.open(host, port, timeout);
        }
        return session;
    }

    private void drop() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    /** Closes the connection to the box. */
    @Override
    public synchronized void close() {
        drop();
    }

    /** The {@code key=value} words of an answer line. */
    private static Map<String, String> fields(String answer) {
        Map<String, String> fields = new HashMap<>();
        for (String token : answer.substring(2).trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                fields.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        return fields;
    }

    /** One connection to the box's control port: a line out, a line back, within the timeout. */
    private record Connection(Socket socket, OutputStream out, BufferedReader in) {

        static Connection open(String host, int port, Duration timeout) throws IOException {
            int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(host, port), millis);
                socket.setSoTimeout(millis);
                return new Connection(
                        socket,
                        socket.getOutputStream(),
                        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)));
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }

        String send(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = in.readLine();
            if (answer == null) {
                throw new IOException("the relay box closed the connection without answering");
            }
            return answer;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
