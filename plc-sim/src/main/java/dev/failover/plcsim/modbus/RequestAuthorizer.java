package dev.failover.plcsim.modbus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, before a request is executed, whether the client of one connection may make it.
 * Implementations are immutable and thread-safe.
 */
interface RequestAuthorizer {

    /** A plain Modbus TCP connection: it carries no identity to authorize, so everything passes. */
    RequestAuthorizer PLAIN = new RequestAuthorizer() {
        @Override
        public boolean permits(MbapReader.Frame request) {
            return true;
        }

        @Override
        public String writer() {
            return RegisterBank.PLAIN_WRITER;
        }
    };

    /** Whether the request may run; an implementation logs its refusals. */
    boolean permits(MbapReader.Frame request);

    /** Who writes over this connection, as the register map records it ({@link RegisterBank#write}). */
    String writer();

    /** Authorization of a Modbus/TCP Security client by the role in its certificate. */
    record ByRole(TlsPeer peer, AccessPolicy policy) implements RequestAuthorizer {

        private static final Logger log = LoggerFactory.getLogger(RequestAuthorizer.class);

        @Override
        public String writer() {
            return peer.thumbprint();
        }

        @Override
        public boolean permits(MbapReader.Frame request) {
            int function = request.functionCode();
            if (policy.permits(peer.role(), function)) {
                return true;
            }
            boolean read = AccessPolicy.isRead(function);
            log.warn(
                    "Denied function {} to {} with role {}: {} roles are {}; answered exception 01",
                    function,
                    peer.subject(),
                    peer.roleText(),
                    read ? "read" : "write",
                    read ? policy.readRoles() : policy.writeRoles());
            return false;
        }
    }
}
