package dev.failover.plcsim.opcua;

import dev.failover.certs.CertificateVerifier;
import dev.failover.certs.Identity;
import dev.failover.plcsim.comms.Admission;
import dev.failover.plcsim.comms.CommsFaults;
import dev.failover.plcsim.comms.FaultRelay;
import dev.failover.plcsim.modbus.RegisterBank;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.security.Security;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfigLimits;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.IdentityValidator;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.CertificateStore;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultServerCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.BuildInfo;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.validation.ValidationCheck;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OPC UA server of one simulated controller (Eclipse Milo 1.1.2): endpoint {@code
 * opc.tcp://<bind>:<port>/plc-sim}, security policies Basic256Sha256 and Aes256_Sha256_RsaPss with
 * SignAndEncrypt only, X.509 user identity tokens only (no anonymous, no user name), unless a
 * posture drill weakens it ({@link UaPosture}: a None endpoint, anonymous users, who may read but
 * never write). BuildInfo names plc-sim and its version.
 *
 * <p>Trust: client application certificates must chain to the plant CA and pass every optional Milo
 * check except HOSTNAME (a client application certificate need not name a host): validity, key usage,
 * extended key usage, revocation against the plant CRLs (every CA has one in crl.pem, as Milo
 * requires) and the application URI. User certificates are checked by {@link PlantUserValidator}; only
 * a user whose role is {@value #WRITE_ROLE} may write.
 *
 * <p>Comms faults: the public port is a {@link FaultRelay} in front of Milo, which listens on a
 * loopback port of its own; the relay holds, delays or closes connections at the wire (hang, slow,
 * stall, drop) and the {@link ServiceGate} leaves requests unexecuted and unanswered (hang, lose).
 * Why a relay rather than hooks in Milo's Netty pipeline: it acts as a network element would, on
 * every byte the server sends (the Hello's Acknowledge and OpenSecureChannel included), without
 * depending on how Milo arranges its pipeline or on decrypting anything. Milo sees every client as
 * coming from the relay (loopback), so the relay caps connections itself.
 *
 * <p>Admission (what unauthenticated clients may hold): the relay takes connections under an {@link
 * Admission} on their real source addresses; a connection is pending until a request arrives on a
 * secure channel of a trusted application certificate ({@link ServiceGate}), and one still pending
 * at the handshake timeout is closed. Milo itself closes a connection that sends no Hello within
 * twice that (its {@code helloDeadline}, 10 s by default) and opens at most {@value #MAX_SESSIONS} sessions, which
 * only clients with a trusted application certificate can create. What Milo cannot do, and the relay
 * does: bound the time between a Hello and the OpenSecureChannel, or hold a client to a deadline on a
 * {@code None} channel (allowed for discovery, without a certificate); its own per-address rate
 * limiter exempts loopback, where every relayed connection comes from.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class PlcOpcUaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PlcOpcUaServer.class);

    /** The role a user certificate must carry to write setpoints and the role register. */
    public static final String WRITE_ROLE = "gateway";

    /** The product URI, also in BuildInfo. */
    public static final String PRODUCT_URI = "urn:dev.failover:plc-sim";

    /** plc-sim's version, in BuildInfo and (as {@code plc-sim <version>}) in the identity block. */
    public static final String SOFTWARE_VERSION = "0.1.0";

    /** The endpoint path. */
    public static final String PATH = "/plc-sim";

    /** Authenticated OPC UA connections through the relay at once. */
    public static final int MAX_CONNECTIONS = 64;

    /** Sessions at once (Milo's default is 100); only authenticated clients can create them. */
    public static final int MAX_SESSIONS = 32;

    private static final int BIND_ATTEMPTS = 5;
    private static final long TIMEOUT_SECONDS = 10;

    private final OpcUaServer server;
    private final FaultRelay relay;
    private final String endpointUrl;

    private PlcOpcUaServer(OpcUaServer server, FaultRelay relay, String endpointUrl) {
        this.server = server;
        this.relay = relay;
        this.endpointUrl = endpointUrl;
    }

    /**
     * Starts a server over {@code bank}.
     *
     * @param name the controller name (application name)
     * @param bindAddress the address to bind and advertise
     * @param port the TCP port, 0 for a free one
     * @param application the controller's OPC UA application identity: an RSA-2048 certificate whose
     *     SAN URI is the application URI, its key, and its chain up to the root
     * @param verifier the plant CA with its CRLs: validates user certificates
     * @param crls the CRLs of every CA of the plant (crl.pem)
     * @param bank the registers to serve
     * @param faults the controller's comms faults, shared with its Modbus server
     * @param admission the admission of the public port: twice its handshake timeout is Milo's Hello
     *     deadline; {@link Admission.Limits#maxAuthenticated()} should be {@link #MAX_CONNECTIONS}
     * @throws IOException if the port cannot be bound or the server fails to start
     */
    public static PlcOpcUaServer start(
            String name,
            InetAddress bindAddress,
            int port,
            Identity application,
            CertificateVerifier verifier,
            List<X509CRL> crls,
            RegisterBank bank,
            CommsFaults faults,
            Admission admission,
            UaPosture posture)
            throws IOException {
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(verifier, "verifier");
        Objects.requireNonNull(bank, "bank");
        Objects.requireNonNull(faults, "faults");
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
        FaultRelay relay = FaultRelay.bind(name, "OPC UA", bindAddress, port, faults, admission);
        try {
            IOException last = null;
            // Milo binds a port it is given, so a free one is picked first: retry if taken meanwhile.
            for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
                InetAddress loopback = InetAddress.getLoopbackAddress();
                InetSocketAddress internal = new InetSocketAddress(loopback, freePort(loopback));
                try {
                    OpcUaServer server = startOn(
                            name,
                            bindAddress,
                            relay.port(),
                            internal,
                            application,
                            verifier,
                            crls,
                            bank,
                            faults,
                            // The relay's deadline comes first (and counts); Milo's backs it up, for
                            // clients that reach its loopback port directly.
                            2 * admission.limits().handshakeTimeout().toMillis(),
                            relay::authenticated,
                            posture);
                    relay.forwardTo(internal);
                    String url = "opc.tcp://" + bindAddress.getHostAddress() + ":" + relay.port() + PATH;
                    log.debug("OPC UA server behind {} listens on {}", url, internal);
                    return new PlcOpcUaServer(server, relay, url);
                } catch (IOException e) {
                    last = e;
                }
            }
            throw last;
        } catch (IOException | RuntimeException e) {
            relay.close();
            throw e;
        }
    }

    private static OpcUaServer startOn(
            String name,
            InetAddress bindAddress,
            int port,
            InetSocketAddress internal,
            Identity application,
            CertificateVerifier verifier,
            List<X509CRL> crls,
            RegisterBank bank,
            CommsFaults faults,
            long helloDeadlineMillis,
            Consumer<InetSocketAddress> authenticated,
            UaPosture posture)
            throws IOException {
        X509Certificate certificate = application.certificate();
        String applicationUri = CertificateUtil.getSanUri(certificate)
                .orElseThrow(() -> new IOException("the OPC UA application certificate "
                        + certificate.getSubjectX500Principal().getName()
                        + " has no SAN URI: issue an `opcua` certificate with --uri"));
        X509Certificate root = verifier.trustAnchor();
        MemoryTrustListManager trust = new MemoryTrustListManager();
        trust.setTrustedCertificates(List.of(root));
        trust.setIssuerCertificates(application.chain().stream()
                .skip(1)
                .filter(ca -> !ca.equals(root))
                .toList());
        trust.setTrustedCrls(List.copyOf(crls));
        Set<ValidationCheck> checks = EnumSet.copyOf(ValidationCheck.ALL_OPTIONAL_CHECKS);
        checks.remove(ValidationCheck.HOSTNAME);
        MemoryCertificateQuarantine quarantine = new MemoryCertificateQuarantine();
        DefaultServerCertificateValidator validator = new DefaultServerCertificateValidator(trust, checks, quarantine);
        MemoryCertificateStore store = new MemoryCertificateStore();
        try {
            store.set(
                    NodeIds.RsaSha256ApplicationCertificateType,
                    new CertificateStore.Entry(
                            application.privateKey(), application.chain().toArray(X509Certificate[]::new)));
            DefaultApplicationGroup group =
                    DefaultApplicationGroup.createAndInitialize(trust, store, new NoCertificateFactory(), validator);
            DefaultCertificateManager certificates = new DefaultCertificateManager(quarantine, group);

            String host = bindAddress.getHostAddress();
            Set<EndpointConfig> endpoints = new LinkedHashSet<>();
            for (SecurityPolicy policy : List.of(SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes256_Sha256_RsaPss)) {
                endpoints.add(EndpointConfig.newBuilder()
                        .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                        // The relay's address and port: Milo advertises the bind port in the endpoint URL;
                        // RelayedTransport binds the internal address instead.
                        .setBindAddress(host)
                        .setBindPort(port)
                        .setHostname(host)
                        .setPath(PATH)
                        .setCertificate(certificate)
                        .setSecurityPolicy(policy)
                        .setSecurityMode(MessageSecurityMode.SignAndEncrypt)
                        .addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_X509)
                        .addTokenPolicies(anonymous(posture))
                        .build());
            }
            if (posture.noneEndpoint()) {
                endpoints.add(EndpointConfig.newBuilder()
                        .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                        .setBindAddress(host)
                        .setBindPort(port)
                        .setHostname(host)
                        .setPath(PATH)
                        .setCertificate(certificate)
                        .setSecurityPolicy(SecurityPolicy.None)
                        .setSecurityMode(MessageSecurityMode.None)
                        .addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_X509)
                        .addTokenPolicies(anonymous(posture))
                        .build());
            }
            IdentityValidator users = posture.anonymous()
                    ? new CompositeValidator(new PlantUserValidator(verifier), AnonymousIdentityValidator.INSTANCE)
                    : new PlantUserValidator(verifier);
            OpcUaServerConfig config = OpcUaServerConfig.builder()
                    .setApplicationUri(applicationUri)
                    .setApplicationName(LocalizedText.english("plc-sim " + name))
                    .setProductUri(PRODUCT_URI)
                    .setEndpoints(endpoints)
                    .setCertificateManager(certificates)
                    .setIdentityValidator(users)
                    .setBuildInfo(new BuildInfo(
                            PRODUCT_URI, "dev.failover", "plc-sim", SOFTWARE_VERSION, "1", DateTime.NULL_VALUE))
                    .setLimits(new Limits())
                    .build();
            OpcTcpServerTransportConfig transport = OpcTcpServerTransportConfig.newBuilder()
                    // Milo's default is 10 s: a silent connection would hold its place that long.
                    .setHelloDeadline(Unsigned.uint(helloDeadlineMillis))
                    .build();
            OpcUaServer server = new OpcUaServer(
                    config,
                    profile -> new RelayedTransport(
                            new OpcTcpServerTransport(transport), internal, faults, authenticated));
            PlcNamespace namespace = new PlcNamespace(
                    server,
                    bank,
                    session -> PlantUserValidator.role(session)
                            .filter(WRITE_ROLE::equals)
                            .isPresent());
            namespace.startup();
            try {
                server.startup().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                shutdownQuietly(server);
                throw new IOException(
                        "OPC UA server on " + internal + " (behind " + host + ":" + port + ") did not start: "
                                + e.getMessage(),
                        e);
            }
            return server;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the OPC UA server", e);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("OPC UA server setup failed: " + e.getMessage(), e);
        }
    }

    private static UserTokenPolicy[] anonymous(UaPosture posture) {
        return posture.anonymous()
                ? new UserTokenPolicy[] {OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS}
                : new UserTokenPolicy[0];
    }

    private static int freePort(InetAddress bindAddress) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, bindAddress)) {
            return socket.getLocalPort();
        }
    }

    private static void shutdownQuietly(OpcUaServer server) {
        try {
            server.shutdown().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException ignored) {
            // Best effort: the server is being abandoned.
        }
    }

    /** The public TCP port (the relay's), the one every endpoint URL names. */
    public int port() {
        return relay.port();
    }

    /** Closes every open OPC UA connection (FIN); the server keeps accepting. */
    public void closeConnections() {
        relay.closeConnections();
    }

    /** {@code opc.tcp://host:port/plc-sim}. */
    public String endpointUrl() {
        return endpointUrl;
    }

    /** Closes the public port and resets every connection, then stops the server. Idempotent. */
    @Override
    public void close() {
        relay.close();
        shutdownQuietly(server);
    }

    /** Milo's limits, with the session count bounded by {@link #MAX_SESSIONS}. */
    private static final class Limits implements OpcUaServerConfigLimits {
        @Override
        public UInteger getMaxSessions() {
            return Unsigned.uint(MAX_SESSIONS);
        }
    }

    /** The application certificate comes from the plant PKI: never generate one. */
    private static final class NoCertificateFactory implements CertificateFactory {
        @Override
        public KeyPair createKeyPair(NodeId certificateTypeId) {
            throw new UnsupportedOperationException("the OPC UA application certificate comes from the plant PKI");
        }

        @Override
        public X509Certificate[] createCertificateChain(NodeId certificateTypeId, KeyPair keyPair) {
            throw new UnsupportedOperationException("the OPC UA application certificate comes from the plant PKI");
        }

        @Override
        public ByteString createSigningRequest(
                NodeId certificateTypeId,
                KeyPair keyPair,
                X500Name subjectName,
                String sanUri,
                List<String> dnsNames,
                List<String> ipAddresses) {
            throw new UnsupportedOperationException("certificate signing requests go to the plant PKI (`certs`)");
        }
    }
}
