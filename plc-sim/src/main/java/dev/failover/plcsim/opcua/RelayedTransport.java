package dev.failover.plcsim.opcua;

import dev.failover.plcsim.comms.CommsFaults;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import org.eclipse.milo.opcua.stack.transport.server.OpcServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.ServerApplicationContext;

/**
 * Milo's TCP transport behind the fault relay: it binds the internal loopback address instead of the
 * address an endpoint names, and puts the {@link ServiceGate} in front of the server's services.
 *
 * <p>Why the endpoints name the public port: Milo builds the endpoint URL it advertises in
 * GetEndpoints from the endpoint's bind port ({@code EndpointConfig.getEndpointUrl()}), and clients
 * open their session on the URL of the endpoint they select. Endpoints bound to the internal port
 * would send every client around the relay, past the faults.
 *
 * <p>Thread-safe as the delegate is.
 */
final class RelayedTransport implements OpcServerTransport {

    private final OpcServerTransport delegate;
    private final InetSocketAddress internal;
    private final CommsFaults faults;
    private final Consumer<InetSocketAddress> authenticated;

    /** @param authenticated the relay's {@code authenticated}: see {@link ServiceGate} */
    RelayedTransport(
            OpcServerTransport delegate,
            InetSocketAddress internal,
            CommsFaults faults,
            Consumer<InetSocketAddress> authenticated) {
        this.delegate = delegate;
        this.internal = internal;
        this.faults = faults;
        this.authenticated = authenticated;
    }

    /** Binds {@link #internal}; {@code advertised} is the public address the relay listens on. */
    @Override
    public void bind(ServerApplicationContext applicationContext, InetSocketAddress advertised) throws Exception {
        // Milo binds once per endpoint; every endpoint maps to the same internal address, which the
        // delegate binds only once.
        delegate.bind(new ServiceGate(applicationContext, faults, authenticated), internal);
    }

    @Override
    public void unbind() throws Exception {
        delegate.unbind();
    }
}
