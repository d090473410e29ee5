package dev.failover.gateway.link.opcua;

import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;

/**
 * Asks an OPC UA server what it offers, as an attacker on the network would: GetEndpoints over an
 * unsecured discovery channel, on a connection of its own that is closed again. Stateless.
 */
public final class UaDiscovery {

    private UaDiscovery() {}

    /**
     * The endpoints {@code url} offers, within {@code timeout}.
     *
     * @return the offer, or a failure naming why none was learned
     */
    public static LinkResult<ServerOffer> offer(String url, Duration timeout) {
        long started = System.nanoTime();
        List<EndpointDescription> found;
        try {
            found = UaClients.discover(url, timeout, timeout, started + timeout.toNanos());
        } catch (UaException e) {
            return LinkResult.failed(LinkError.UNREACHABLE, "GetEndpoints on " + url + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return LinkResult.failed(LinkError.UNREACHABLE, "GetEndpoints on " + url + ": interrupted");
        }
        List<ServerOffer.Endpoint> endpoints = new ArrayList<>();
        X509Certificate certificate = null;
        for (EndpointDescription e : found) {
            String uri = e.getSecurityPolicyUri();
            UserTokenPolicy[] tokens = e.getUserIdentityTokens();
            endpoints.add(new ServerOffer.Endpoint(
                    uri == null ? "?" : uri.substring(uri.indexOf('#') + 1),
                    String.valueOf(e.getSecurityMode()),
                    tokens == null
                            ? List.of()
                            : Arrays.stream(tokens)
                                    .map(t -> String.valueOf(t.getTokenType()))
                                    .distinct()
                                    .toList()));
            if (certificate == null) {
                certificate = certificate(e.getServerCertificate());
            }
        }
        return LinkResult.ok(new ServerOffer(endpoints, certificate), System.nanoTime() - started);
    }

    private static X509Certificate certificate(ByteString der) {
        if (der == null || der.isNull() || der.length() == 0) {
            return null;
        }
        try {
            return CertificateUtil.decodeCertificate(der.bytesOrEmpty());
        } catch (UaException unreadable) {
            return null;
        }
    }
}
