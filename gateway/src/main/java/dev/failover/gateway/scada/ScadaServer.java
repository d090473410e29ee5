package dev.failover.gateway.scada;

import dev.failover.certs.CertificateVerifier;
import dev.failover.certs.Keystores;
import dev.failover.certs.PkiException;
import dev.failover.gateway.audit.AuditLog;
import dev.failover.gateway.command.CommandService;
import dev.failover.gateway.config.ScadaServerConfig;
import dev.failover.gateway.events.RefusalReporter;
import dev.failover.gateway.link.opcua.OpcUaCredentials;
import dev.failover.gateway.posture.PostureWatch;
import dev.failover.gateway.supervisor.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.Security;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.model.objects.ServerTypeNode;
import org.eclipse.milo.opcua.sdk.server.servicesets.impl.DefaultSessionServiceSet;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.CertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.CertificateStore;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultServerCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.FileBasedTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.RedundancySupport;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;
import org.eclipse.milo.opcua.stack.core.util.validation.ValidationCheck;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's OPC UA server for SCADA (Eclipse Milo 1.1.2), docs/opcua.md: endpoint {@code
 * opc.tcp://<host>:<port><path>}, Basic256Sha256 and Aes256_Sha256_RsaPss with SignAndEncrypt only,
 * X.509 user tokens (and anonymous read-only sessions only when configured). The address space is a
 * {@link GatewayNamespace}; the Server object's ServiceLevel is the worst pair's {@link ServiceLevels}
 * and its ServerRedundancy says {@code None}: the gateway is one server, and the redundancy behind it
 * is shown per pair.
 *
 * <p>Client application certificates must chain to a certificate in the trust-list folders (the plant
 * root is put there at every start) and pass every Milo check except the host name; an unknown
 * certificate is quarantined with a log line saying how to trust it ({@link TrustDirectory}). Every
 * refused client certificate and session is an event ({@link RefusedClients}, {@link
 * RefusedSessions}).
 */
public final class ScadaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ScadaServer.class);

    private static final long TIMEOUT_SECONDS = 10;

    /** How often the status variables and the ServiceLevel are refreshed. */
    static final Duration STATUS_PERIOD = Duration.ofMillis(50);

    /** The CRL file is checked for changes every this many status refreshes (about a second). */
    private static final int CRL_CHECK_EVERY = 20;

    private final OpcUaServer server;
    private final GatewayNamespace namespace;
    private final FileBasedTrustListManager trust;
    private final ScheduledExecutorService status;
    private final List<Pair> pairs;
    private final String endpointUrl;
    private final Path crlFile;
    private FileTime crlVersion;
    private long refreshes;

    private ScadaServer(
            OpcUaServer server,
            GatewayNamespace namespace,
            FileBasedTrustListManager trust,
            List<? extends Pair> pairs,
            String endpointUrl,
            Path crlFile) {
        this.crlFile = crlFile;
        this.server = server;
        this.namespace = namespace;
        this.trust = trust;
        this.pairs = List.copyOf(pairs);
        this.endpointUrl = endpointUrl;
        this.status = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("opcua-status").daemon(true).factory());
    }

    /**
     * Starts the server.
     *
     * @param credentials the gateway's OPC UA application identity and the plant PKI
     * @param users validates user certificates (chain, validity, revocation against the plant PKI)
     * @param crlFile the plant CRL file: re-read when it changes, for users and client applications
     * @param refusals where refused sessions and client certificates are reported
     * @throws IOException if the port cannot be bound, the trust folders cannot be written, or the
     *     application certificate is unusable
     */
    public static ScadaServer start(
            ScadaServerConfig config,
            OpcUaCredentials credentials,
            CertificateVerifier users,
            Path crlFile,
            List<? extends Pair> pairs,
            CommandService commands,
            RefusalReporter refusals)
            throws IOException {
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
        X509Certificate certificate = credentials.application().certificate();
        String applicationUri = CertificateUtil.getSanUri(certificate)
                .orElseThrow(() -> new IOException("the gateway's OPC UA application certificate has no SAN URI"));
        FileBasedTrustListManager trust = TrustDirectory.open(
                config.trustDirectory(), credentials.root(), credentials.issuers(), credentials.crls());
        CertificateQuarantine quarantine = TrustDirectory.quarantine(config.trustDirectory());
        Set<ValidationCheck> checks = EnumSet.copyOf(ValidationCheck.ALL_OPTIONAL_CHECKS);
        // A client application certificate need not name a host.
        checks.remove(ValidationCheck.HOSTNAME);
        RefusedClients validator = new RefusedClients(
                new DefaultServerCertificateValidator(trust, checks, quarantine),
                users,
                TrustDirectory.rejected(config.trustDirectory()),
                refusals);
        MemoryCertificateStore store = new MemoryCertificateStore();
        try {
            store.set(
                    NodeIds.RsaSha256ApplicationCertificateType,
                    new CertificateStore.Entry(
                            credentials.application().privateKey(),
                            credentials.application().chain().toArray(X509Certificate[]::new)));
            DefaultApplicationGroup group =
                    DefaultApplicationGroup.createAndInitialize(trust, store, new NoCertificateFactory(), validator);
            DefaultCertificateManager certificates = new DefaultCertificateManager(quarantine, group);

            Set<EndpointConfig> endpoints = new LinkedHashSet<>();
            int port = config.port() == 0 ? freePort(config.host()) : config.port();
            for (SecurityPolicy policy : List.of(SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes256_Sha256_RsaPss)) {
                EndpointConfig.Builder endpoint = EndpointConfig.newBuilder()
                        .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                        .setBindAddress(config.host())
                        .setBindPort(port)
                        .setHostname(config.host())
                        .setPath(config.path())
                        .setCertificate(certificate)
                        .setSecurityPolicy(policy)
                        .setSecurityMode(MessageSecurityMode.SignAndEncrypt)
                        .addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_X509);
                if (config.anonymous()) {
                    endpoint.addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS);
                }
                endpoints.add(endpoint.build());
            }
            ScadaUsers x509Users = new ScadaUsers(users, crlFile);
            IdentityValidator identities = config.anonymous()
                    ? new CompositeValidator(AnonymousIdentityValidator.INSTANCE, x509Users)
                    : x509Users;
            if (config.anonymous()) {
                log.warn("INSECURE: the OPC UA server accepts anonymous sessions (opcua.anonymous: true): anyone"
                        + " with a trusted application certificate can read every tag and status without a user"
                        + " certificate. Writes and methods still need an X.509 user.");
            }
            OpcUaServerConfig serverConfig = OpcUaServerConfig.builder()
                    .setApplicationUri(applicationUri)
                    .setApplicationName(LocalizedText.english("PLC failover gateway"))
                    .setProductUri("urn:dev.failover:gateway")
                    .setEndpoints(endpoints)
                    .setCertificateManager(certificates)
                    .setIdentityValidator(identities)
                    .build();
            OpcUaServer server = new OpcUaServer(
                    serverConfig,
                    profile -> new OpcTcpServerTransport(
                            OpcTcpServerTransportConfig.newBuilder().build()));
            for (String path : sessionPaths(serverConfig)) {
                // Milo's own session services, watched for refusals (SCADA_SESSION_REFUSED events).
                server.addServiceSet(
                        path,
                        new RefusedSessions(
                                new DefaultSessionServiceSet(server), server, x509Users, config.anonymous(), refusals));
            }
            GatewayNamespace namespace = new GatewayNamespace(server, pairs, commands);
            namespace.startup();
            try {
                server.startup().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                shutdownQuietly(server);
                throw new IOException(
                        "OPC UA server on " + config.host() + ":" + port + " did not start: " + e.getMessage(), e);
            }
            String url = "opc.tcp://" + config.host() + ":" + port + config.path();
            ScadaServer scada = new ScadaServer(server, namespace, trust, List.copyOf(pairs), url, crlFile);
            scada.serverNode().getServerRedundancyNode().setRedundancySupport(RedundancySupport.None);
            scada.status.scheduleAtFixedRate(scada::refreshStatus, 0, STATUS_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
            log.info(
                    "OPC UA server for SCADA at {} (SignAndEncrypt; Basic256Sha256, Aes256_Sha256_RsaPss;"
                            + " trust lists in {})",
                    url,
                    config.trustDirectory());
            return scada;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the OPC UA server", e);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("OPC UA server setup failed: " + e.getMessage(), e);
        }
    }

    /** The paths Milo registers session services on: those of the endpoints, except discovery ones. */
    private static Set<String> sessionPaths(OpcUaServerConfig config) {
        Set<String> paths = new LinkedHashSet<>();
        for (EndpointConfig endpoint : config.getEndpoints()) {
            String path = EndpointUtil.getPath(endpoint.getEndpointUrl());
            if (!path.endsWith("/discovery")) {
                paths.add(path);
            }
        }
        return paths;
    }

    private ServerTypeNode serverNode() {
        return (ServerTypeNode) server.getAddressSpaceManager()
                .getManagedNode(NodeIds.Server)
                .orElseThrow(() -> new IllegalStateException("the server has no Server object"));
    }

    private void refreshStatus() {
        if (refreshes++ % CRL_CHECK_EVERY == 0) {
            refreshCrls();
        }
        try {
            namespace.publishStatus();
            serverNode()
                    .setServiceLevel(Unsigned.ubyte(ServiceLevels.ofGateway(
                            pairs.stream().map(Pair::status).toList())));
        } catch (RuntimeException e) {
            log.error("refreshing the OPC UA status failed", e);
        }
    }

    /** A new plant CRL file goes into the trust lists, so a revoked client application is refused at once. */
    private void refreshCrls() {
        try {
            FileTime now = Files.getLastModifiedTime(crlFile);
            if (crlVersion != null && !now.equals(crlVersion)) {
                List<X509CRL> crls = Keystores.readCrls(crlFile);
                trust.setTrustedCrls(crls);
                trust.setIssuerCrls(crls);
                log.info("OPC UA trust lists: CRLs re-read from {}", crlFile);
            }
            crlVersion = now;
        } catch (IOException | PkiException | RuntimeException e) {
            log.warn("could not re-read the CRL file {} for the OPC UA trust lists: {}", crlFile, e.toString());
        }
    }

    private static int freePort(String host) throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return socket.getLocalPort();
        }
    }

    /** {@code opc.tcp://host:port/path}. */
    public String endpointUrl() {
        return endpointUrl;
    }

    /** Publishes each watched pair's security posture under its status tree, now and whenever it is judged. */
    public void showPosture(PostureWatch watch) {
        watch.onJudged(namespace::publishPosture);
    }

    /** Publishes the audit log's last signed checkpoint under {@code Audit/...}, now and at each new one. */
    public void showAudit(AuditLog audit) {
        audit.onCheckpoint(namespace::publishCheckpoint);
    }

    /** The node id of {@code path} in the gateway's namespace, e.g. {@code Pairs/tank-1/Tags/level}. */
    public NodeId node(String path) {
        return namespace.node(path);
    }

    /** Stops the server; ServiceLevel 0 (maintenance) is served while it shuts down. Idempotent. */
    @Override
    public void close() {
        status.shutdownNow();
        try {
            serverNode().setServiceLevel(Unsigned.ubyte(ServiceLevels.MAINTENANCE));
        } catch (RuntimeException e) {
            log.debug("could not set ServiceLevel 0 before shutdown", e);
        }
        shutdownQuietly(server);
        try {
            trust.close();
        } catch (IOException e) {
            log.debug("closing the trust list failed", e);
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

    /** The application certificate comes from the plant PKI: never generate one. */
    private static final class NoCertificateFactory implements CertificateFactory {
        @Override
        public KeyPair createKeyPair(NodeId certificateTypeId) {
            throw new UnsupportedOperationException("the gateway's OPC UA certificate comes from the plant PKI");
        }

        @Override
        public X509Certificate[] createCertificateChain(NodeId certificateTypeId, KeyPair keyPair) {
            throw new UnsupportedOperationException("the gateway's OPC UA certificate comes from the plant PKI");
        }

        @Override
        public ByteString createSigningRequest(
                NodeId certificateTypeId,
                KeyPair keyPair,
                X500Name subjectName,
                String sanUri,
                List<String> dnsNames,
                List<String> ipAddresses) {
            throw new UnsupportedOperationException("the gateway's OPC UA certificate comes from the plant PKI");
        }
    }
}
