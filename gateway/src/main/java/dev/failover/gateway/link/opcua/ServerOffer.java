package dev.failover.gateway.link.opcua;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What an OPC UA server offers anyone who asks (GetEndpoints over an unsecured discovery channel),
 * in plain words and without Milo types, for the security posture checks.
 *
 * @param endpoints every endpoint it returned
 * @param certificate the application certificate its endpoints carry, {@code null} if none did or it
 *     could not be parsed
 */
public record ServerOffer(List<Endpoint> endpoints, X509Certificate certificate) {

    public ServerOffer {
        endpoints = List.copyOf(endpoints);
    }

    /**
     * One endpoint.
     *
     * @param securityPolicy the policy's short name, e.g. {@code Basic256Sha256}, {@code None}
     * @param securityMode {@code None}, {@code Sign} or {@code SignAndEncrypt}
     * @param userTokens the user token types it takes: {@code Anonymous}, {@code UserName},
     *     {@code Certificate}, {@code IssuedToken}
     */
    public record Endpoint(String securityPolicy, String securityMode, List<String> userTokens) {

        public Endpoint {
            userTokens = List.copyOf(userTokens);
        }

        @Override
        public String toString() {
            return securityMode + "/" + securityPolicy + " " + userTokens;
        }
    }

    /**
     * What a server reports about itself and its program, read over the gateway's secure session.
     *
     * @param manufacturer BuildInfo's manufacturer name
     * @param product BuildInfo's product name
     * @param softwareVersion BuildInfo's software version
     * @param buildNumber BuildInfo's build number
     * @param values the values of the nodes asked for, as text (a ByteString in lower-case hex), each
     *     {@code null} where it could not be read
     */
    public record Facts(
            String manufacturer, String product, String softwareVersion, String buildNumber, List<String> values) {}
}
