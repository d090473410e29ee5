package dev.failover.gateway.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failover.certs.TlsContexts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** Sends one request to a running gateway's control endpoint and returns its answer. */
public final class GatewayClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GatewayClient() {}

    public static JsonNode call(String host, int port, JsonNode request, Duration timeout) throws IOException {
        return call(null, host, port, request, timeout);
    }

    /** The same over TLS with {@code tls}'s client certificate (the gateway's certificate is checked). */
    public static JsonNode call(SSLContext tls, String host, int port, JsonNode request, Duration timeout)
            throws IOException {
        try (Socket socket = tls == null ? new Socket() : TlsContexts.connect(tls, host, port, timeout, true)) {
            if (tls == null) {
                socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            }
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) {
                throw new IOException("the gateway closed the connection without an answer");
            }
            return JSON.readTree(line);
        }
    }
}
