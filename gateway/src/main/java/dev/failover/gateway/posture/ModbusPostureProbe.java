package dev.failover.gateway.posture;

import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.ControllerConfig;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.PostureConfig;
import dev.failover.gateway.config.StatusRegisters;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.modbus.ModbusLink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * Probes the posture of a controller reached over Modbus/TCP Security, from the outside, as an
 * attacker would see it: a TLS handshake with each version alone and, over TLS 1.2, with each cipher
 * suite alone (those of the controller certificate's key type; every handshake carries the gateway's
 * client certificate, as the controller requires); the certificate it presents; whether plain Modbus
 * TCP answers on the port looked at; and its identity block, read over the gateway's own link. Each
 * probe opens and closes its own short connections, one at a time, and never touches the link's.
 * Thread-safe; a probe of one controller takes some tens of handshakes.
 */
final class ModbusPostureProbe implements PostureProbe {

    private static final List<String> VERSIONS = List.of("TLSv1.3", "TLSv1.2");
    /**
     * Name (16 registers), program (8), firmware (8), configuration hash (16) and the last writer of a
     * setpoint (16), as plc-sim lays it out; its setpoint write count is register 8.
     */
    private static final int IDENTITY_REGISTERS = 64;

    private static final int WRITE_COUNT = 8;

    private final SSLContext tls;
    private final PostureConfig baseline;
    private final Clock clock;
    private final Duration timeout;

    ModbusPostureProbe(SSLContext tls, PostureConfig baseline, Clock clock, Duration timeout) {
        this.tls = tls;
        this.baseline = baseline;
        this.clock = clock;
        this.timeout = timeout;
    }

    @Override
    public ControllerPosture probe(ControllerConfig controller, ControllerLink link) {
        long started = System.nanoTime();
        ModbusEndpoint endpoint = controller.modbus();
        List<String> unknown = new ArrayList<>();
        List<String> versions = new ArrayList<>();
        X509Certificate presented = null;
        String lastFailure = "";
        for (String version : VERSIONS) {
            try {
                SSLSession session = handshake(endpoint, version, null);
                versions.add(version);
                if (presented == null && session.getPeerCertificates()[0] instanceof X509Certificate x) {
                    presented = x;
                }
            } catch (IOException refused) {
                lastFailure = refused.getMessage();
            }
        }
        if (versions.isEmpty()) {
            unknown.add("tls: no TLS handshake succeeded (" + lastFailure + ")");
        }
        List<String> suites = new ArrayList<>();
        if (versions.contains("TLSv1.2") && presented != null) {
            for (String suite : candidateSuites(presented)) {
                try {
                    handshake(endpoint, "TLSv1.2", suite);
                    suites.add(suite);
                } catch (IOException refused) {
                    // Not accepted: what the probe is for.
                }
            }
        }
        return new ControllerPosture(
                controller.id(),
                clock.instant(),
                versions,
                suites,
                presented == null ? null : ControllerPosture.Certificate.of(presented),
                plainModbus(controller),
                identity(link, unknown),
                unknown,
                (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public int writeCount(ControllerLink link) {
        return link instanceof ModbusLink modbus
                        && modbus.readRegisters(WRITE_COUNT, 1) instanceof LinkResult.Ok<int[]> ok
                ? ok.value()[0]
                : -1;
    }

    private SSLSession handshake(ModbusEndpoint endpoint, String version, String suite) throws IOException {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setEnabledProtocols(new String[] {version});
            if (suite != null) {
                socket.setEnabledCipherSuites(new String[] {suite});
            }
            socket.startHandshake();
            return socket.getSession();
        }
    }

    /** The TLS 1.2 suites the gateway can offer whose authentication fits the certificate's key. */
    private List<String> candidateSuites(X509Certificate presented) {
        String auth = presented.getPublicKey() instanceof RSAKey ? "_RSA_" : "_ECDSA_";
        return Arrays.stream(tls.getDefaultSSLParameters().getCipherSuites())
                .filter(s -> !s.startsWith("TLS_AES_") && !s.startsWith("TLS_CHACHA20_") && !s.endsWith("_SCSV"))
                .filter(s -> s.contains(auth))
                .toList();
    }

    private Boolean plainModbus(ControllerConfig controller) {
        int port = baseline.plainModbusPort(controller.id());
        ModbusEndpoint plain = new ModbusEndpoint(
                controller.modbus().host(), port, controller.modbus().unitId(), true);
        ModbusLink link = new ModbusLink(
                controller.id() + "-posture-plain",
                plain,
                StatusRegisters.defaults(),
                timeout,
                timeout,
                Ticker.system());
        try {
            return link.readRegisters(0, 1).isOk();
        } finally {
            link.close();
        }
    }

    private ControllerPosture.Identity identity(ControllerLink link, List<String> unknown) {
        if (!(link instanceof ModbusLink modbus)) {
            unknown.add("identity: not read over this link");
            return null;
        }
        LinkResult<int[]> read = modbus.readRegisters(baseline.identityRegister(), IDENTITY_REGISTERS);
        if (!(read instanceof LinkResult.Ok<int[]> ok)) {
            // A controller without write records: the identity alone.
            read = modbus.readRegisters(baseline.identityRegister(), IDENTITY_REGISTERS - 16);
            if (!(read instanceof LinkResult.Ok<int[]> identityOnly)) {
                unknown.add("identity: " + (read instanceof LinkResult.Failed<int[]> f ? f.detail() : read));
                return null;
            }
            int[] r = identityOnly.value();
            return new ControllerPosture.Identity(
                    ascii(r, 0, 16),
                    ascii(r, 16, 8),
                    ascii(r, 24, 8),
                    HexFormat.of().formatHex(bytes(r, 32, 16)));
        }
        int[] r = ok.value();
        int count = modbus.readRegisters(WRITE_COUNT, 1) instanceof LinkResult.Ok<int[]> c ? c.value()[0] : -1;
        return new ControllerPosture.Identity(
                ascii(r, 0, 16),
                ascii(r, 16, 8),
                ascii(r, 24, 8),
                HexFormat.of().formatHex(bytes(r, 32, 16)),
                writer(bytes(r, 48, 16)),
                count);
    }

    /** The last writer as the identity block records it: a thumbprint, {@code plain}, or empty. */
    private static String writer(byte[] recorded) {
        boolean zeros = true;
        boolean ones = true;
        for (byte b : recorded) {
            zeros &= b == 0;
            ones &= b == (byte) 0xFF;
        }
        return zeros ? "" : ones ? "plain" : HexFormat.of().formatHex(recorded);
    }

    private static String ascii(int[] registers, int from, int count) {
        return new String(bytes(registers, from, count), StandardCharsets.US_ASCII).replace("\0", "");
    }

    private static byte[] bytes(int[] registers, int from, int count) {
        byte[] out = new byte[count * 2];
        for (int i = 0; i < count; i++) {
            out[2 * i] = (byte) (registers[from + i] >> 8);
            out[2 * i + 1] = (byte) registers[from + i];
        }
        return out;
    }
}
