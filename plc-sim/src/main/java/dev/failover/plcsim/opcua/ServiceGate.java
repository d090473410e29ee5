package dev.failover.plcsim.opcua;

import dev.failover.plcsim.comms.CommsFaults;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.eclipse.milo.opcua.stack.core.channel.SecurityKeysListener;
import org.eclipse.milo.opcua.stack.core.encoding.EncodingContext;
import org.eclipse.milo.opcua.stack.core.security.CertificateManager;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.UaRequestMessageType;
import org.eclipse.milo.opcua.stack.core.types.UaResponseMessageType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.transport.server.ServerApplicationContext;
import org.eclipse.milo.opcua.stack.transport.server.ServiceRequestContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request-level comms faults, between Milo's secure channel and its services: while {@code hang}
 * is on, and for the next {@code lose} requests, a service request is neither executed nor answered,
 * as on Modbus (a write sent to a hung controller never takes effect).
 *
 * <p>Why here and not at the wire: every OPC UA secure channel message carries a sequence number
 * that the receiver checks to be the previous one plus one (OPC 10000-6, 6.7.2.4; Milo's {@code
 * ChunkDecoder} does). A response removed from the byte stream would break the secure channel at the
 * next message, not cost one request; a response the server never sends leaves no gap.
 *
 * <p>It also tells the relay in front which connections authenticated (their admission): a service
 * request on a secure channel whose security policy is not {@code None} proves that Milo accepted
 * the client's application certificate when the channel opened (chain to the plant CA, validity,
 * revocation). A channel with policy {@code None} (allowed by Milo for discovery only, without a
 * certificate) authenticates nothing.
 *
 * <p>Thread-safe; everything but {@link #handleServiceRequest} is delegated unchanged.
 */
final class ServiceGate implements ServerApplicationContext {

    private static final Logger log = LoggerFactory.getLogger(ServiceGate.class);

    private final ServerApplicationContext server;
    private final CommsFaults faults;
    private final Consumer<InetSocketAddress> authenticated;

    /**
     * @param authenticated told the client address (as Milo sees it) of every request on a secured
     *     channel
     */
    ServiceGate(ServerApplicationContext server, CommsFaults faults, Consumer<InetSocketAddress> authenticated) {
        this.server = server;
        this.faults = faults;
        this.authenticated = authenticated;
    }

    @Override
    public CompletableFuture<UaResponseMessageType> handleServiceRequest(
            ServiceRequestContext context, UaRequestMessageType request) {
        SocketAddress client = context.getChannel().remoteAddress();
        if (context.getSecureChannel().getSecurityPolicy() != SecurityPolicy.None
                && client instanceof InetSocketAddress address) {
            authenticated.accept(address);
        }
        if (faults.hanging() || faults.takeLost()) {
            log.debug(
                    "Not answering {} {} from {} (fault injected)",
                    request.getClass().getSimpleName(),
                    request.getRequestHeader().getRequestHandle(),
                    context.getChannel().remoteAddress());
            // Never completed: Milo sends a response only when the future completes.
            return new CompletableFuture<>();
        }
        return server.handleServiceRequest(context, request);
    }

    @Override
    public List<EndpointDescription> getEndpointDescriptions() {
        return server.getEndpointDescriptions();
    }

    @Override
    public CertificateManager getCertificateManager() {
        return server.getCertificateManager();
    }

    @Override
    public EncodingContext getEncodingContext() {
        return server.getEncodingContext();
    }

    @Override
    public Long getNextSecureChannelId() {
        return server.getNextSecureChannelId();
    }

    @Override
    public Long getNextSecureChannelTokenId() {
        return server.getNextSecureChannelTokenId();
    }

    @Override
    public @Nullable SecurityKeysListener getSecurityKeysListener() {
        return server.getSecurityKeysListener();
    }
}
