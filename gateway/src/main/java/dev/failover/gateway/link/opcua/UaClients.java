package dev.failover.gateway.link.opcua;

import dev.failover.certs.Identity;
import dev.failover.gateway.config.OpcUaEndpoint;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.identity.X509IdentityProvider;
import org.eclipse.milo.opcua.stack.core.Stack;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.UaExceptionStatus;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.GetEndpointsResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.validation.ValidationCheck;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransport;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransportConfig;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransportConfigBuilder;

/**
 * Opens Milo clients to one controller: discovery, endpoint selection and a connected session, all
 * within one deadline.
 *
 * <p>Security, never relaxed: the endpoint must offer SignAndEncrypt with the configured policy and
 * X.509 user tokens (a server offering only weaker endpoints is refused, not downgraded to); the
 * server's application certificate is validated against the plant PKI only (the root as the one
 * trust anchor, the issuing CAs, every CA's CRL) with all of Milo's optional checks, including that
 * it names the host of the configured URL; the endpoints seen in the unauthenticated discovery are
 * compared with those the server returns inside the secure session. The client presents the
 * gateway's application certificate and chain and logs on with its X.509 user certificate.
 */
final class UaClients {

    static final String PRODUCT_URI = "urn:dev.failover:gateway";

    /** How long Milo may keep an unanswered request before dropping it (our callers stop waiting earlier). */
    static final Duration MILO_REQUEST_LIFETIME = Duration.ofSeconds(5);

    /** Milo's session keep-alive: a hung server is dropped after about two of these. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(1);

    private final OpcUaEndpoint endpoint;
    private final OpcUaCredentials credentials;
    private final CertificateValidator validator;
    private final String applicationUri;
    private final Duration connectTimeout;
    private final Duration requestTimeout;

    /**
     * @param connectTimeout the bound of a whole connection attempt (discovery, channel, session)
     * @param requestTimeout the bound of each of Milo's own requests (the TCP handshake's
     *     acknowledgement, session creation, subscription services); a Publish the server never
     *     answers is given up after three times this, so it also bounds how long a lost Publish
     *     can stall the subscription
     */
    UaClients(OpcUaEndpoint endpoint, OpcUaCredentials credentials, Duration connectTimeout, Duration requestTimeout) {
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.validator = validator(credentials);
        X509Certificate app = credentials.application().certificate();
        this.applicationUri = CertificateUtil.getSanUri(app)
                .orElseThrow(() -> new IllegalArgumentException("the OPC UA application certificate "
                        + app.getSubjectX500Principal().getName() + " has no SAN URI"));
        Objects.requireNonNull(credentials.user(), "credentials.user");
    }

    /** Validates server certificates against the plant PKI, never anything else. */
    static CertificateValidator validator(OpcUaCredentials credentials) {
        MemoryTrustListManager trust = new MemoryTrustListManager();
        trust.setTrustedCertificates(List.of(credentials.root()));
        trust.setIssuerCertificates(credentials.issuers());
        // Milo's revocation check wants a CRL for every CA of the chain; the plant publishes them together.
        trust.setTrustedCrls(credentials.crls());
        return new DefaultClientCertificateValidator(
                trust, ValidationCheck.ALL_OPTIONAL_CHECKS, new MemoryCertificateQuarantine());
    }

    /**
     * Discovers the endpoint, then opens a secure channel and an activated session.
     *
     * @throws UaException with the status that made it fail ({@code Bad_Timeout} when the deadline
     *     passed); nothing is left running
     * @throws InterruptedException if interrupted; nothing is left running
     */
    OpcUaClient connect() throws UaException, InterruptedException {
        long deadline = System.nanoTime() + connectTimeout.toNanos();
        List<EndpointDescription> endpoints = discover(endpoint.url(), requestTimeout, connectTimeout, deadline);
        EndpointDescription chosen = select(endpoints);
        Identity app = credentials.application();
        Identity user = credentials.user();
        OpcUaClientConfig config = OpcUaClientConfig.builder()
                .setApplicationName(LocalizedText.english("plc-failover gateway"))
                .setApplicationUri(applicationUri)
                .setProductUri(PRODUCT_URI)
                .setEndpoint(chosen)
                .setDiscoveryEndpoints(endpoints)
                .setSessionEndpointValidationEnabled(true)
                .setKeyPair(new KeyPair(app.certificate().getPublicKey(), app.privateKey()))
                .setCertificate(app.certificate())
                .setCertificateChain(app.chain().toArray(X509Certificate[]::new))
                .setCertificateValidator(validator)
                .setIdentityProvider(new X509IdentityProvider(user.certificate(), user.privateKey()))
                .setRequestTimeout(uint(requestTimeout))
                .setSessionTimeout(uint(Duration.ofSeconds(30)))
                .setKeepAliveInterval(uint(KEEP_ALIVE))
                .setKeepAliveTimeout(uint(KEEP_ALIVE))
                .setKeepAliveFailuresAllowed(Unsigned.uint(1))
                .build();
        OpcUaClient client = new OpcUaClient(config, new OpcTcpClientTransport(transportConfig()));
        try {
            client.connectAsync().get(remaining(deadline), TimeUnit.NANOSECONDS);
            return client;
        } catch (ExecutionException e) {
            client.disconnectAsync();
            throw asUaException(e.getCause());
        } catch (TimeoutException e) {
            client.disconnectAsync();
            throw new UaException(StatusCodes.Bad_Timeout, "no session within " + connectTimeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            client.disconnectAsync();
            throw e;
        }
    }

    private OpcTcpClientTransportConfig transportConfig() {
        return transportConfig(requestTimeout);
    }

    private static OpcTcpClientTransportConfig transportConfig(Duration requestTimeout) {
        OpcTcpClientTransportConfigBuilder builder = OpcTcpClientTransportConfig.newBuilder();
        // A server that accepts the connection but never acknowledges (closed at once, hung) must
        // fail the attempt soon, not after the whole connect timeout.
        builder.setConnectTimeout(uint(requestTimeout)).setAcknowledgeTimeout(uint(requestTimeout));
        return builder.build();
    }

    /**
     * GetEndpoints on {@code url} over an unsecured discovery channel (what anyone on the network
     * sees), closed again whatever happens.
     */
    static List<EndpointDescription> discover(
            String url, Duration requestTimeout, Duration connectTimeout, long deadline)
            throws UaException, InterruptedException {
        EndpointDescription discovery = new EndpointDescription(
                url,
                null,
                null,
                MessageSecurityMode.None,
                SecurityPolicy.None.getUri(),
                null,
                Stack.TCP_UASC_UABINARY_TRANSPORT_URI,
                Unsigned.ubyte(0));
        DiscoveryClient client =
                new DiscoveryClient(discovery, new OpcTcpClientTransport(transportConfig(requestTimeout)));
        try {
            GetEndpointsResponse response = client.connectAsync()
                    .thenCompose(c ->
                            c.getEndpoints(url, new String[0], new String[] {Stack.TCP_UASC_UABINARY_TRANSPORT_URI}))
                    .get(remaining(deadline), TimeUnit.NANOSECONDS);
            EndpointDescription[] found = response.getEndpoints();
            return found == null ? List.of() : List.of(found);
        } catch (ExecutionException e) {
            throw asUaException(e.getCause());
        } catch (TimeoutException e) {
            throw new UaException(StatusCodes.Bad_Timeout, "no endpoints within " + connectTimeout.toMillis() + " ms");
        } finally {
            client.disconnectAsync();
        }
    }

    /**
     * The SignAndEncrypt endpoint with the configured policy that takes X.509 users, with the URL
     * as configured (so the host name check applies to the host we meant to reach).
     */
    EndpointDescription select(List<EndpointDescription> endpoints) throws UaException {
        String policy = endpoint.securityPolicy().uri();
        EndpointDescription found = endpoints.stream()
                .filter(e -> policy.equals(e.getSecurityPolicyUri()))
                .filter(e -> e.getSecurityMode() == MessageSecurityMode.SignAndEncrypt)
                .filter(UaClients::takesX509Users)
                .findFirst()
                .orElseThrow(() -> new UaException(
                        StatusCodes.Bad_SecurityPolicyRejected,
                        "the server offers no SignAndEncrypt endpoint with "
                                + endpoint.securityPolicy().uaName() + " and X.509 users; it offers "
                                + endpoints.stream()
                                        .map(e -> e.getSecurityMode() + "/"
                                                + e.getSecurityPolicyUri()
                                                        .substring(e.getSecurityPolicyUri()
                                                                        .indexOf('#')
                                                                + 1))
                                        .distinct()
                                        .collect(Collectors.joining(", "))));
        return new EndpointDescription(
                endpoint.url(),
                found.getServer(),
                found.getServerCertificate(),
                found.getSecurityMode(),
                found.getSecurityPolicyUri(),
                found.getUserIdentityTokens(),
                found.getTransportProfileUri(),
                found.getSecurityLevel());
    }

    private static boolean takesX509Users(EndpointDescription e) {
        UserTokenPolicy[] tokens = e.getUserIdentityTokens();
        return tokens != null && Arrays.stream(tokens).anyMatch(t -> t.getTokenType() == UserTokenType.Certificate);
    }

    static UaException asUaException(Throwable t) {
        Throwable cause = UaFailures.unwrap(t);
        return switch (cause) {
            case UaException ua -> ua;
            case UaExceptionStatus status -> new UaException(status.getStatusCode(), status.getMessage());
            case java.net.ConnectException refused -> new UaException(StatusCodes.Bad_ConnectionRejected, refused);
            default -> new UaException(StatusCodes.Bad_CommunicationError, cause);
        };
    }

    private static long remaining(long deadline) {
        return Math.max(1, deadline - System.nanoTime());
    }

    private static UInteger uint(Duration d) {
        return Unsigned.uint(d.toMillis());
    }
}
