package dev.failover.gateway.link.modbus;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.UnaryOperator;

/**
 * A raw TCP peer on 127.0.0.1 that records each Modbus request frame it receives and answers with
 * bytes a test computes from the request: malformed or mismatched answers a real server never sends.
 */
final class ScriptedPeer implements AutoCloseable {

    static final HexFormat HEX = HexFormat.of();

    private final ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile UnaryOperator<byte[]> answer;

    ScriptedPeer(UnaryOperator<byte[]> answer) throws IOException {
        this.answer = answer;
        this.thread = Thread.ofPlatform().daemon(true).start(this::serve);
    }

    int port() {
        return server.getLocalPort();
    }

    void answerWith(UnaryOperator<byte[]> next) {
        this.answer = next;
    }

    /** The next request frame received, as lowercase hex. */
    String nextRequest() throws InterruptedException {
        return requests.take();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                while (true) {
                    byte[] header = new byte[6];
                    in.readFully(header);
                    int length = ((header[4] & 0xFF) << 8) | (header[5] & 0xFF);
                    byte[] frame = new byte[6 + length];
                    System.arraycopy(header, 0, frame, 0, 6);
                    in.readFully(frame, 6, length);
                    requests.add(HEX.formatHex(frame));
                    byte[] reply = answer.apply(frame);
                    if (reply == null) {
                        break;
                    }
                    out.write(reply);
                    out.flush();
                }
            } catch (IOException e) {
                // The client closed the connection, or the peer is closing: accept the next one.
            }
        }
    }

    /** Builds an answer frame: MBAP header with the given transaction id, then unit and PDU. */
    static byte[] frame(int transactionId, String unitAndPdu) {
        byte[] body = HEX.parseHex(unitAndPdu);
        byte[] f = new byte[6 + body.length];
        f[0] = (byte) (transactionId >> 8);
        f[1] = (byte) transactionId;
        f[4] = (byte) (body.length >> 8);
        f[5] = (byte) body.length;
        System.arraycopy(body, 0, f, 6, body.length);
        return f;
    }

    static int transactionId(byte[] request) {
        return ((request[0] & 0xFF) << 8) | (request[1] & 0xFF);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        thread.join(1000);
    }
}
