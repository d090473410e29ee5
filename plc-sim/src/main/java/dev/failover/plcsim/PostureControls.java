package dev.failover.plcsim;

import dev.failover.plcsim.modbus.TlsPosture;
import dev.failover.plcsim.opcua.UaPosture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security posture of one {@link SimulatedPlc}, made weaker (or strong again) while it runs, so
 * that a gateway's posture checks can be drilled: the TLS versions and cipher suites its Modbus/TCP
 * Security port accepts, a plain Modbus TCP port beside it, an OPC UA None endpoint and anonymous
 * OPC UA users, and the versions its identity block reports. Unlike a fault, a posture is configuration: {@code clear} leaves it, and a crash and
 * restart keep it. Each change is logged at WARN. The control port's {@code tls}, {@code suites},
 * {@code plain}, {@code opcua} and {@code identity} commands call the same methods. Thread-safe.
 */
public final class PostureControls {

    private static final Logger log = LoggerFactory.getLogger(PostureControls.class);

    private final SimulatedPlc plc;
    private final TlsPosture tls;
    private final RegisterMap registers;
    private final String name;

    PostureControls(SimulatedPlc plc, TlsPosture tls, RegisterMap registers, String name) {
        this.plc = plc;
        this.tls = tls;
        this.registers = registers;
        this.name = name;
    }

    /** The TLS versions new connections may use. */
    public void tlsVersions(TlsPosture.Versions versions) {
        tls.versions(versions);
        warn("TLS versions accepted now: " + String.join(", ", versions.protocols()));
    }

    /** The cipher suites new connections may use. */
    public void cipherSuites(TlsPosture.Suites suites) {
        tls.suites(suites);
        warn("cipher suites accepted now: " + suites.word());
    }

    /** Opens a plain Modbus TCP port (0: any free one) beside the TLS port, or closes it ({@code port} empty). */
    public void plainModbus(OptionalInt port) {
        try {
            plc.plainModbus(port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open plain Modbus TCP on port " + port.orElse(0), e);
        }
        warn(
                port.isPresent()
                        ? "plain Modbus TCP open now on port " + plc.plainPort().orElse(0) + ", unauthenticated"
                        : "plain Modbus TCP closed");
    }

    /** Offers an OPC UA endpoint with security policy and mode None beside the secure ones, or not. */
    public void opcUaNoneEndpoint(boolean on) {
        opcUa(
                plc.opcUaPosture().withNoneEndpoint(on),
                on ? "OPC UA None endpoint offered now" : "OPC UA None endpoint withdrawn");
    }

    /** Takes anonymous OPC UA users (who may read, not write) on every endpoint, or not. */
    public void opcUaAnonymous(boolean on) {
        opcUa(
                plc.opcUaPosture().withAnonymous(on),
                on ? "OPC UA anonymous users taken now" : "OPC UA anonymous users refused");
    }

    private void opcUa(UaPosture posture, String what) {
        try {
            plc.opcUaPosture(posture);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart the OPC UA server: " + e.getMessage(), e);
        }
        warn(what + " (the OPC UA server restarted)");
    }

    /** The program version the identity block reports. */
    public void programVersion(String version) {
        registers.programVersion(version);
        warn("program version reported now: " + version);
    }

    /** The firmware version the identity block reports. */
    public void firmwareVersion(String version) {
        registers.firmwareVersion(version);
        warn("firmware version reported now: " + version);
    }

    private void warn(String what) {
        PlcMdc.run(name, () -> log.warn("Security posture changed: {}", what));
    }
}
