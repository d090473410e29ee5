package dev.failover.plcsim.modbus;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Role-based authorization of Modbus/TCP Security requests (MB-TCP-Security-v21): the
 * role comes from the client certificate's role extension, and each request is allowed or refused
 * by its function code before it is executed. A refused request is answered with exception 01
 * (Illegal Function), as the specification requires, and changes nothing.
 *
 * <p>Functions 1 to 4 only read data and need a role in {@code readRoles}. Every other function
 * code, including ones this server does not implement, counts as a write and needs a role in
 * {@code writeRoles}: an unknown function fails closed.
 *
 * <p>Immutable and thread-safe.
 *
 * @param writeRoles roles allowed to write; must name roles ({@link Roles#any()} is refused so that
 *     a certificate without a role can never write)
 * @param readRoles roles allowed to read, or {@link Roles#any()} for every authenticated client
 */
public record AccessPolicy(Roles writeRoles, Roles readRoles) {

    /** The role the plant PKI gives the gateway's certificate, the only writer by default. */
    public static final String GATEWAY_ROLE = "gateway";

    private static final Set<Integer> READ_FUNCTIONS = Set.of(1, 2, 3, 4);

    public AccessPolicy {
        Objects.requireNonNull(writeRoles, "writeRoles must not be null");
        Objects.requireNonNull(readRoles, "readRoles must not be null");
        if (writeRoles.anyClient()) {
            throw new IllegalArgumentException("writeRoles must name roles (e.g. " + GATEWAY_ROLE + "): '"
                    + Roles.ANY_TEXT + "' would let any certificate of the plant write");
        }
    }

    /** Writes by the {@value #GATEWAY_ROLE} role only; reads by any authenticated client. */
    public static AccessPolicy defaults() {
        return new AccessPolicy(Roles.of(GATEWAY_ROLE), Roles.any());
    }

    /** Whether {@code functionCode} only reads data (functions 1 to 4). */
    public static boolean isRead(int functionCode) {
        return READ_FUNCTIONS.contains(functionCode);
    }

    /**
     * Whether a client whose certificate carries {@code role} (empty: no role extension) may use
     * {@code functionCode}.
     */
    public boolean permits(Optional<String> role, int functionCode) {
        return (isRead(functionCode) ? readRoles : writeRoles).permits(role);
    }
}
