package dev.failover.gateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * A controller's OPC UA server. The gateway always connects with SignAndEncrypt, validates the
 * server's application certificate against the plant CA (with revocation and the host name of the
 * URL), and authenticates with its X.509 user certificate; there is no insecure mode.
 *
 * @param url the endpoint URL, {@code opc.tcp://host:port/path}
 * @param securityPolicy the security policy of the endpoint to use
 * @param subscribe whether the status block is also subscribed to (notifications between polls), as
 *     well as read every poll
 */
public record OpcUaEndpoint(String url, SecurityPolicyName securityPolicy, boolean subscribe) implements LinkEndpoint {

    /** The registered OPC UA TCP port. */
    public static final int DEFAULT_PORT = 4840;

    /** The security policies the gateway speaks: RSA policies with SHA-256, as Milo 1.1.2 offers. */
    public enum SecurityPolicyName {
        BASIC256SHA256("Basic256Sha256"),
        AES256_SHA256_RSAPSS("Aes256_Sha256_RsaPss");

        private final String uaName;

        SecurityPolicyName(String uaName) {
            this.uaName = uaName;
        }

        /** The policy's name in OPC UA, e.g. {@code Basic256Sha256}. */
        public String uaName() {
            return uaName;
        }

        /** The policy's URI, e.g. {@code http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256}. */
        public String uri() {
            return "http://opcfoundation.org/UA/SecurityPolicy#" + uaName;
        }
    }

    public OpcUaEndpoint {
        Objects.requireNonNull(securityPolicy, "securityPolicy");
        parse(Objects.requireNonNull(url, "url"));
    }

    /** The host of the URL. */
    @Override
    public String host() {
        return parse(url).getHost();
    }

    /** The port of the URL, {@value #DEFAULT_PORT} when it names none. */
    public int port() {
        int port = parse(url).getPort();
        return port < 0 ? DEFAULT_PORT : port;
    }

    @Override
    public boolean insecure() {
        return false;
    }

    /**
     * The URL as a URI.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static URI parse(String url) {
        if (!url.regionMatches(true, 0, "opc.tcp://", 0, "opc.tcp://".length())) {
            throw new IllegalArgumentException("'" + url + "' is not an opc.tcp:// URL");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL (" + e.getReason() + ")", e);
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("'" + url + "' names no host (a host name holds letters, digits, '-'"
                    + " and '.'; an IPv6 address goes in brackets)");
        }
        if (uri.getPort() > 65535 || uri.getPort() == 0) {
            throw new IllegalArgumentException("'" + url + "' has port " + uri.getPort() + ", not 1-65535");
        }
        if (uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException("'" + url + "' has a user, query or fragment part");
        }
        return uri;
    }

    @Override
    public String toString() {
        return url + " (" + securityPolicy.uaName() + ", SignAndEncrypt)";
    }
}
