package dev.failover.gateway.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The gateway's OPC UA identities ({@code security.opcua:}). OPC UA needs RSA keys (Milo's default
 * certificate group), and an application certificate carries no role, so these are apart from the
 * gateway's Modbus/TCP Security key store.
 *
 * @param keystore PKCS#12 key store of the gateway's OPC UA application instance certificate (kind
 *     {@code opcua}: RSA-2048, SAN URI = the application URI): used by its OPC UA server and as the
 *     client application certificate towards OPC UA controllers
 * @param keystorePassword where that key store's password is read from
 * @param userKeystore PKCS#12 key store of the X.509 user the gateway logs on to OPC UA controllers
 *     with: an RSA-2048 certificate with the role {@code gateway}; {@code null} when no controller is
 *     reached over OPC UA
 * @param userKeystorePassword where that key store's password is read from; {@code null} with it
 */
public record OpcUaIdentityConfig(
        Path keystore, Secret keystorePassword, Path userKeystore, Secret userKeystorePassword) {

    public OpcUaIdentityConfig {
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(keystorePassword, "keystorePassword");
        if ((userKeystore == null) != (userKeystorePassword == null)) {
            throw new IllegalArgumentException("userKeystore and userKeystorePassword go together");
        }
    }
}
