package dev.failover.gateway.config;

/** The role a controller takes by preference, from the configuration. */
public enum PreferredRole {
    PRIMARY,
    STANDBY
}
