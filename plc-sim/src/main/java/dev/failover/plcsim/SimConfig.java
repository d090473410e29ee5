package dev.failover.plcsim;

import dev.failover.certs.CertificateVerifier;
import dev.failover.certs.Identity;
import dev.failover.plcsim.comms.Admission;
import dev.failover.plcsim.modbus.AccessPolicy;
import dev.failover.plcsim.modbus.Roles;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * Configuration of one simulated controller, validated once on construction.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name controller name: 1 to 32 printable ASCII characters without spaces (it fills the
 *     {@code NAME} registers and the control port's status line)
 * @param initialRole role at start
 * @param bindAddress address both the Modbus and the control server bind, e.g. {@code 127.0.0.1}
 * @param modbusPort Modbus port, 0 for any free port: plain Modbus TCP, or Modbus/TCP Security when
 *     {@code tls} is present
 * @param controlPort fault-injection/control port, 0 for any free port
 * @param unitId Modbus unit id served, 1 to 255
 * @param scanPeriod scan period, 1 ms to 60 s
 * @param tls Modbus/TCP Security on the Modbus port; empty for plain Modbus TCP
 * @param opcUa an OPC UA server beside the Modbus one (docs/plc-sim.md, "OPC UA"); empty for none
 * @param retainActiveRole whether a controller that was {@code ACTIVE} when it crashed comes back
 *     {@code ACTIVE} after {@code clear}; off by default, so a restarted controller never claims the
 *     process its partner may have taken over. For plants without a gateway only
 * @param partnerTimeout how long the partner's heartbeat must stand still (and over at least 5 of
 *     this controller's scans) before the partner counts as lost: 1 ms to 60 s, 60 ms by default
 * @param handshakeTimeout how long a new Modbus/TCP Security connection may take to complete its TLS
 *     handshake, from accept, before it is closed: 10 ms to 60 s, 3 s by default. See {@link
 *     Admission}; plain Modbus TCP waits {@code ModbusServer.FIRST_REQUEST_TIMEOUT} for a first request
 */
public record SimConfig(
        String name,
        Role initialRole,
        String bindAddress,
        int modbusPort,
        int controlPort,
        int unitId,
        Duration scanPeriod,
        Optional<Tls> tls,
        Optional<OpcUa> opcUa,
        boolean retainActiveRole,
        Duration partnerTimeout,
        Duration handshakeTimeout) {

    /** Longest accepted name: the {@code NAME} block holds 32 ASCII bytes. */
    public static final int MAX_NAME_LENGTH = 32;

    /** The partner timeout when none is given. */
    public static final Duration DEFAULT_PARTNER_TIMEOUT = Duration.ofMillis(60);

    /**
     * The TLS handshake timeout when none is given. A warm handshake takes tens of milliseconds, but a
     * gateway's first one after its start took 0.6 to 1.7 s (measured from accept, on a loaded 2-core
     * machine), and the gateway takes a connection closed in mid-handshake for a refused handshake,
     * which counts against the controller at once: 500 ms cut every cold start's first connection.
     * Locking the gateway out is prevented by the admission's limits, not by this deadline.
     */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(3);

    private static final Duration MIN_SCAN = Duration.ofMillis(1);
    private static final Duration MAX_SCAN = Duration.ofSeconds(60);

    public SimConfig {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(initialRole, "initialRole must not be null");
        Objects.requireNonNull(bindAddress, "bindAddress must not be null");
        Objects.requireNonNull(scanPeriod, "scanPeriod must not be null");
        Objects.requireNonNull(tls, "tls must not be null (Optional.empty() for plain Modbus TCP)");
        Objects.requireNonNull(opcUa, "opcUa must not be null (Optional.empty() for no OPC UA server)");
        Objects.requireNonNull(partnerTimeout, "partnerTimeout must not be null");
        requireHandshakeTimeout("handshakeTimeout", handshakeTimeout);
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(
                    "name must be 1 to " + MAX_NAME_LENGTH + " characters, got '" + name + "'");
        }
        if (!name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(
                    "name must be printable ASCII without spaces (it is sent in registers and status lines), got '"
                            + name + "'");
        }
        if (bindAddress.isBlank()) {
            throw new IllegalArgumentException("bindAddress must not be blank, e.g. 127.0.0.1");
        }
        requirePort("modbusPort", modbusPort);
        requirePort("controlPort", controlPort);
        if (unitId < 1 || unitId > 255) {
            throw new IllegalArgumentException("unitId must be 1 to 255, got " + unitId);
        }
        if (scanPeriod.compareTo(MIN_SCAN) < 0 || scanPeriod.compareTo(MAX_SCAN) > 0) {
            throw new IllegalArgumentException("scanPeriod must be 1 ms to 60 s, got " + scanPeriod);
        }
        if (partnerTimeout.compareTo(MIN_SCAN) < 0 || partnerTimeout.compareTo(MAX_SCAN) > 0) {
            throw new IllegalArgumentException("partnerTimeout must be 1 ms to 60 s, got " + partnerTimeout);
        }
        int plainPort = tls.map(t -> t.plainPort().orElse(0)).orElse(0);
        if (plainPort != 0 && (plainPort == modbusPort || plainPort == controlPort)) {
            throw new IllegalArgumentException(
                    "tls.plainPort must differ from the Modbus and control ports, got " + plainPort);
        }
        int opcUaPort = opcUa.map(OpcUa::port).orElse(0);
        if (opcUaPort != 0 && (opcUaPort == modbusPort || opcUaPort == controlPort || opcUaPort == plainPort)) {
            throw new IllegalArgumentException(
                    "opcUa.port must differ from the Modbus, control and plain ports, got " + opcUaPort);
        }
    }

    /** A controller with the {@linkplain #DEFAULT_HANDSHAKE_TIMEOUT default handshake timeout}. */
    public SimConfig(
            String name,
            Role initialRole,
            String bindAddress,
            int modbusPort,
            int controlPort,
            int unitId,
            Duration scanPeriod,
            Optional<Tls> tls,
            Optional<OpcUa> opcUa,
            boolean retainActiveRole,
            Duration partnerTimeout) {
        this(
                name,
                initialRole,
                bindAddress,
                modbusPort,
                controlPort,
                unitId,
                scanPeriod,
                tls,
                opcUa,
                retainActiveRole,
                partnerTimeout,
                DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /** A controller with the {@linkplain #DEFAULT_PARTNER_TIMEOUT default partner timeout}. */
    public SimConfig(
            String name,
            Role initialRole,
            String bindAddress,
            int modbusPort,
            int controlPort,
            int unitId,
            Duration scanPeriod,
            Optional<Tls> tls,
            Optional<OpcUa> opcUa,
            boolean retainActiveRole) {
        this(
                name,
                initialRole,
                bindAddress,
                modbusPort,
                controlPort,
                unitId,
                scanPeriod,
                tls,
                opcUa,
                retainActiveRole,
                DEFAULT_PARTNER_TIMEOUT);
    }

    /** A controller that comes back {@code STANDBY} after a crash: the configuration without {@code retainActiveRole}. */
    public SimConfig(
            String name,
            Role initialRole,
            String bindAddress,
            int modbusPort,
            int controlPort,
            int unitId,
            Duration scanPeriod,
            Optional<Tls> tls,
            Optional<OpcUa> opcUa) {
        this(name, initialRole, bindAddress, modbusPort, controlPort, unitId, scanPeriod, tls, opcUa, false);
    }

    /** A controller without an OPC UA server: the configuration without {@code opcUa}. */
    public SimConfig(
            String name,
            Role initialRole,
            String bindAddress,
            int modbusPort,
            int controlPort,
            int unitId,
            Duration scanPeriod,
            Optional<Tls> tls) {
        this(name, initialRole, bindAddress, modbusPort, controlPort, unitId, scanPeriod, tls, Optional.empty());
    }

    /** A plain Modbus TCP controller: the configuration without {@code tls}. */
    public SimConfig(
            String name,
            Role initialRole,
            String bindAddress,
            int modbusPort,
            int controlPort,
            int unitId,
            Duration scanPeriod) {
        this(name, initialRole, bindAddress, modbusPort, controlPort, unitId, scanPeriod, Optional.empty());
    }

    /** A controller on 127.0.0.1 with ephemeral Modbus and control ports, unit id 1 and a 10 ms scan. */
    public static SimConfig of(String name, Role role) {
        return new SimConfig(name, role, "127.0.0.1", 0, 0, 1, Duration.ofMillis(10));
    }

    /** This configuration serving Modbus/TCP Security on its Modbus port, as {@code tls} says. */
    public SimConfig withTls(Tls tls) {
        return new SimConfig(
                name,
                initialRole,
                bindAddress,
                modbusPort,
                controlPort,
                unitId,
                scanPeriod,
                Optional.of(tls),
                opcUa,
                retainActiveRole,
                partnerTimeout,
                handshakeTimeout);
    }

    /** This configuration also serving OPC UA, as {@code opcUa} says. */
    public SimConfig withOpcUa(OpcUa opcUa) {
        return new SimConfig(
                name,
                initialRole,
                bindAddress,
                modbusPort,
                controlPort,
                unitId,
                scanPeriod,
                tls,
                Optional.of(opcUa),
                retainActiveRole,
                partnerTimeout,
                handshakeTimeout);
    }

    /**
     * This configuration with {@code retain}: whether an {@code ACTIVE} controller stays {@code ACTIVE}
     * across a crash and {@code clear}. For plants without a gateway: with one, the gateway decides.
     */
    public SimConfig withRetainActiveRole(boolean retain) {
        return new SimConfig(
                name,
                initialRole,
                bindAddress,
                modbusPort,
                controlPort,
                unitId,
                scanPeriod,
                tls,
                opcUa,
                retain,
                partnerTimeout,
                handshakeTimeout);
    }

    /**
     * This configuration with {@code timeout} as the partner timeout: the partner counts as lost when
     * its heartbeat has stood still for this long and over at least 5 of this controller's scans.
     */
    public SimConfig withPartnerTimeout(Duration timeout) {
        return new SimConfig(
                name,
                initialRole,
                bindAddress,
                modbusPort,
                controlPort,
                unitId,
                scanPeriod,
                tls,
                opcUa,
                retainActiveRole,
                timeout,
                handshakeTimeout);
    }

    /**
     * This configuration with {@code timeout} as the Modbus/TCP Security handshake timeout: a new
     * connection whose TLS handshake has not succeeded within it is closed.
     */
    public SimConfig withHandshakeTimeout(Duration timeout) {
        return new SimConfig(
                name,
                initialRole,
                bindAddress,
                modbusPort,
                controlPort,
                unitId,
                scanPeriod,
                tls,
                opcUa,
                retainActiveRole,
                partnerTimeout,
                timeout);
    }

    /**
     * This configuration serving Modbus/TCP Security with {@code serverContext}: writes by {@code
     * writeRoles}, reads by any authenticated client, no plain listener.
     */
    public SimConfig withTls(SSLContext serverContext, Set<String> writeRoles) {
        return withTls(
                new Tls(serverContext, new AccessPolicy(Roles.of(writeRoles), Roles.any()), OptionalInt.empty()));
    }

    /**
     * Modbus/TCP Security on the Modbus port: TLS 1.2 or 1.3 with mutual authentication, and each
     * request authorized by the role in the client's certificate.
     *
     * <p>Immutable and thread-safe (an {@link SSLContext} is).
     *
     * @param serverContext the controller's TLS context: its key manager presents the controller's
     *     certificate, its trust manager accepts client certificates (the plant CA, with revocation)
     * @param access roles allowed to read and to write
     * @param plainPort a second listener speaking plain Modbus TCP without any authorization, 0 for any
     *     free port; empty (the default) for none. For tests and migration only: it bypasses the
     *     role check entirely
     */
    public record Tls(SSLContext serverContext, AccessPolicy access, OptionalInt plainPort) {

        public Tls {
            Objects.requireNonNull(serverContext, "serverContext must not be null");
            Objects.requireNonNull(access, "access must not be null");
            Objects.requireNonNull(plainPort, "plainPort must not be null (OptionalInt.empty() for none)");
            if (plainPort.isPresent()) {
                requirePort("plainPort", plainPort.getAsInt());
            }
        }

        /** TLS with the default {@link AccessPolicy} (writes by {@code gateway}, reads by anyone authenticated), no plain listener. */
        public static Tls of(SSLContext serverContext) {
            return new Tls(serverContext, AccessPolicy.defaults(), OptionalInt.empty());
        }

        /** This TLS configuration with {@code access} instead. */
        public Tls withAccess(AccessPolicy access) {
            return new Tls(serverContext, access, plainPort);
        }

        /** This TLS configuration plus a plain Modbus TCP listener on {@code port} (0 = any free port). */
        public Tls withPlainPort(int port) {
            return new Tls(serverContext, access, OptionalInt.of(port));
        }
    }

    /**
     * An OPC UA server beside the Modbus one: endpoint {@code opc.tcp://<bindAddress>:<port>/plc-sim},
     * Basic256Sha256 and Aes256_Sha256_RsaPss with SignAndEncrypt only, X.509 user tokens only, writes
     * by users whose certificate carries the role {@code gateway}.
     *
     * <p>Immutable and thread-safe.
     *
     * @param port TCP port, 0 for any free port
     * @param application the controller's OPC UA application identity: an RSA-2048 {@code opcua}
     *     certificate of the plant PKI (its SAN URI is the application URI), its key and chain
     * @param verifier the plant CA with its CRLs: validates the X.509 user certificates
     * @param crls the CRLs of every CA of the plant (the PKI's {@code crl.pem}): Milo checks client
     *     application certificates against them
     * @param handshakeTimeout how long a new OPC UA connection may take to open a secure channel
     *     with a trusted application certificate and send a request on it before it is closed: 10 ms
     *     to 60 s, 5 s by default. See {@link Admission}
     */
    public record OpcUa(
            int port,
            Identity application,
            CertificateVerifier verifier,
            List<X509CRL> crls,
            Duration handshakeTimeout) {

        /**
         * The OPC UA handshake timeout when none is given: longer than Modbus's, since a client
         * opens its secure channel with RSA operations on both sides, and the first one a cold
         * server opens takes seconds on a loaded machine.
         */
        public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

        public OpcUa {
            requirePort("opcUa.port", port);
            requireHandshakeTimeout("opcUa.handshakeTimeout", handshakeTimeout);
            Objects.requireNonNull(application, "application must not be null");
            Objects.requireNonNull(verifier, "verifier must not be null");
            crls = List.copyOf(crls);
            if (!"RSA".equals(application.privateKey().getAlgorithm())) {
                throw new IllegalArgumentException("the OPC UA application key must be RSA (Milo 1.1.2 supports"
                        + " RsaSha256ApplicationCertificateType only), got "
                        + application.privateKey().getAlgorithm());
            }
        }

        /** With the {@linkplain #DEFAULT_HANDSHAKE_TIMEOUT default handshake timeout}. */
        public OpcUa(int port, Identity application, CertificateVerifier verifier, List<X509CRL> crls) {
            this(port, application, verifier, crls, DEFAULT_HANDSHAKE_TIMEOUT);
        }
    }

    private static void requireHandshakeTimeout(String what, Duration timeout) {
        Objects.requireNonNull(timeout, what + " must not be null");
        if (timeout.compareTo(Admission.Limits.MIN_HANDSHAKE_TIMEOUT) < 0
                || timeout.compareTo(Admission.Limits.MAX_HANDSHAKE_TIMEOUT) > 0) {
            throw new IllegalArgumentException(what + " must be 10 ms to 60 s, got " + timeout.toMillis() + " ms");
        }
    }

    private static void requirePort(String what, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " must be 0 to 65535 (0 = any free port), got " + port);
        }
    }
}
