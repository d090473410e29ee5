package dev.failover.certs;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bouncycastle.util.IPAddress;

/**
 * What to issue: an immutable, validated request. A {@code null} validity or key algorithm takes the
 * kind's default ({@link CertificateKind#defaultValidity()}, {@link CertificateKind#defaultKeyAlgorithm()}).
 *
 * @param kind what the certificate is for
 * @param name the subject's common name, also the file name of the key store ({@code [A-Za-z0-9._-]},
 *     at most 64 characters, starting with a letter or digit)
 * @param role the role for the {@link RoleExtension}; required for gateways and operators, not allowed
 *     for OPC UA applications
 * @param validity how long the certificate is valid from now
 * @param keyAlgorithm EC P-256 or RSA-2048; OPC UA applications must be RSA-2048
 * @param ipAddresses IP literals for the subjectAltName
 * @param dnsNames DNS names for the subjectAltName
 * @param uri a URI for the subjectAltName; required for OPC UA applications (their applicationUri)
 * @throws IllegalArgumentException when a field is invalid, naming it
 */
public record CertificateRequest(
        CertificateKind kind,
        String name,
        Optional<String> role,
        Duration validity,
        KeyAlgorithm keyAlgorithm,
        List<String> ipAddresses,
        List<String> dnsNames,
        Optional<String> uri) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    public CertificateRequest {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        role = role == null ? Optional.empty() : role;
        uri = uri == null ? Optional.empty() : uri;
        validity = validity == null ? kind.defaultValidity() : validity;
        keyAlgorithm = keyAlgorithm == null ? kind.defaultKeyAlgorithm() : keyAlgorithm;
        ipAddresses = ipAddresses == null ? List.of() : List.copyOf(ipAddresses);
        dnsNames = dnsNames == null ? List.of() : List.copyOf(dnsNames);

        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name '" + name
                    + "' is not usable: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        role.ifPresent(CertificateRequest::checkRole);
        if (kind.requiresRole() && role.isEmpty()) {
            throw new IllegalArgumentException(kind + " certificates need a role (for example 'operator')");
        }
        if (kind == CertificateKind.AUDIT && role.isPresent()) {
            throw new IllegalArgumentException(
                    "an audit certificate carries no role: it signs the audit log's checkpoints and nothing else");
        }
        if (kind == CertificateKind.BROKER && role.isPresent()) {
            throw new IllegalArgumentException(
                    "a broker certificate carries no role: it serves MQTT over TLS and nothing else");
        }
        if (kind == CertificateKind.OPCUA_APPLICATION) {
            if (role.isPresent()) {
                throw new IllegalArgumentException(
                        "an OPC UA application certificate carries no role: OPC UA maps users to roles itself");
            }
            if (keyAlgorithm != KeyAlgorithm.RSA_2048) {
                throw new IllegalArgumentException(
                        "an OPC UA application certificate must be RSA-2048 (Milo's default certificate group is RSA only)");
            }
            if (uri.isEmpty()) {
                throw new IllegalArgumentException(
                        "an OPC UA application certificate needs a SAN URI equal to the application's applicationUri");
            }
        }
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive, not " + validity);
        }
        for (String ip : ipAddresses) {
            if (!IPAddress.isValid(ip)) {
                throw new IllegalArgumentException("'" + ip + "' is not an IPv4 or IPv6 address");
            }
        }
        for (String dns : dnsNames) {
            if (!DNS_NAME.matcher(dns).matches()) {
                throw new IllegalArgumentException("'" + dns + "' is not a DNS name");
            }
        }
        uri.ifPresent(CertificateRequest::checkUri);
    }

    /** A request for an operator certificate with the operator default validity (90 days). */
    public static CertificateRequest operator(String name, String role) {
        return builder(CertificateKind.OPERATOR, name).role(role).build();
    }

    /** A request for a gateway certificate. */
    public static CertificateRequest gateway(String name, String role) {
        return builder(CertificateKind.GATEWAY, name).role(role).build();
    }

    /** A request for a controller certificate with no SAN (add them through the builder). */
    public static CertificateRequest controller(String name) {
        return builder(CertificateKind.CONTROLLER, name).build();
    }

    /** A request for an OPC UA application certificate (RSA-2048) whose SAN URI is {@code applicationUri}. */
    public static CertificateRequest opcuaApplication(String name, String applicationUri) {
        return builder(CertificateKind.OPCUA_APPLICATION, name)
                .uri(applicationUri)
                .build();
    }

    /** A builder starting from the kind's defaults. */
    public static Builder builder(CertificateKind kind, String name) {
        return new Builder(kind, name);
    }

    private static void checkRole(String role) {
        if (role.isBlank() || role.length() > 128 || role.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("role '" + role + "' is not usable: use 1 to 128 printable characters");
        }
    }

    private static void checkUri(String uri) {
        try {
            if (!new URI(uri).isAbsolute()) {
                throw new IllegalArgumentException("SAN URI '" + uri + "' must be absolute (e.g. urn:plant:gateway)");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("SAN URI '" + uri + "' is not a URI: " + e.getReason(), e);
        }
    }

    /** Builds a {@link CertificateRequest}; not thread-safe. */
    public static final class Builder {
        private final CertificateKind kind;
        private final String name;
        private String role;
        private Duration validity;
        private KeyAlgorithm keyAlgorithm;
        private final List<String> ipAddresses = new ArrayList<>();
        private final List<String> dnsNames = new ArrayList<>();
        private String uri;

        private Builder(CertificateKind kind, String name) {
            this.kind = kind;
            this.name = name;
        }

        public Builder role(String role) {
            this.role = role;
            return this;
        }

        public Builder validity(Duration validity) {
            this.validity = validity;
            return this;
        }

        public Builder keyAlgorithm(KeyAlgorithm keyAlgorithm) {
            this.keyAlgorithm = keyAlgorithm;
            return this;
        }

        /** Adds an IP address literal to the subjectAltName. */
        public Builder ipAddress(String ipAddress) {
            ipAddresses.add(ipAddress);
            return this;
        }

        /** Adds a DNS name to the subjectAltName. */
        public Builder dnsName(String dnsName) {
            dnsNames.add(dnsName);
            return this;
        }

        public Builder uri(String uri) {
            this.uri = uri;
            return this;
        }

        /** The request; throws {@link IllegalArgumentException} naming an invalid field. */
        public CertificateRequest build() {
            return new CertificateRequest(
                    kind,
                    name,
                    Optional.ofNullable(role),
                    validity,
                    keyAlgorithm,
                    ipAddresses,
                    dnsNames,
                    Optional.ofNullable(uri));
        }
    }
}
