package dev.failover.gateway.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The gateway's OPC UA server for SCADA (the root {@code opcua:} section; docs/opcua.md).
 *
 * @param host the address the server binds and advertises
 * @param port its TCP port; 0 picks a free one (tests)
 * @param path the endpoint path, starting with {@code /}
 * @param trustDirectory the trust-list folders ({@code trusted/}, {@code issuer/}, {@code rejected/}):
 *     client application certificates are checked against them
 * @param anonymous whether anonymous sessions may read (never write or call methods); off by default
 *     and logged loudly when on
 */
public record ScadaServerConfig(String host, int port, String path, Path trustDirectory, boolean anonymous) {

    public static final int DEFAULT_PORT = 4840;
    public static final String DEFAULT_PATH = "/failover-gateway";

    public ScadaServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(trustDirectory, "trustDirectory");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/', got " + path);
        }
    }
}
