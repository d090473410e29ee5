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
import javax.net.ssl.SSLSocket;

/**
 * Sends one request to a running gateway's control endpoint and returns its answer. A call that
 * gets no answer throws a {@link ControlCallException} saying whether nothing answered, the gateway
 * refused the connection (and with which TLS alert), or the connection ended early. Stateless.
 */
public final class GatewayClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GatewayClient() {}

    public static JsonNode call(String host, int port, JsonNode request, Duration timeout) throws ControlCallException {
        return call(null, host, port, request, timeout);
    }

    /** The same over TLS with {@code tls}'s client certificate (the gateway's certificate is checked). */
    public static JsonNode call(SSLContext tls, String host, int port, JsonNode request, Duration timeout)
            throws ControlCallException {
        Socket socket;
        try {
            if (tls == null) {
                socket = new Socket();
                socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            } else {
                socket = TlsContexts.connect(tls, host, port, timeout, true);
            }
        } catch (IOException e) {
            throw ControlCallException.unreachable(e);
        }
        try (socket) {
            socket.setSoTimeout((int) timeout.toMillis());
            if (socket instanceof SSLSocket handshaking) {
                handshaking.startHandshake();
            }
            socket.getOutputStream().write((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) {
                throw ControlCallException.noAnswer("the gateway closed the connection without an answer");
            }
            try {
                return JSON.readTree(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw ControlCallException.noAnswer("the gateway's answer is not JSON: " + e.getOriginalMessage());
            }
        } catch (ControlCallException e) {
            throw e;
        } catch (IOException e) {
            throw ControlCallException.afterConnect(e);
        }
    }
}
