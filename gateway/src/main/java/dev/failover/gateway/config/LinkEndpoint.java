package dev.failover.gateway.config;

/** Where and how the gateway reaches one controller: over Modbus TCP or over OPC UA. */
public sealed interface LinkEndpoint permits ModbusEndpoint, OpcUaEndpoint {

    /** The controller's host name or address. */
    String host();

    /** Whether the link runs without authentication and encryption (named explicitly in the configuration). */
    boolean insecure();
}
