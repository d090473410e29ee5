package dev.failover.gateway.scada;

import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;

/** OPC UA status codes in words, for events. Stateless. */
final class UaStatus {

    private UaStatus() {}

    /** The symbolic name, e.g. {@code Bad_IdentityTokenInvalid}, or the code in hex. */
    static String name(long code) {
        return StatusCodes.lookup(code).map(n -> n[0]).orElse(String.format("0x%08X", code));
    }

    /** The name, and the exception's own message or the specification's description of the code. */
    static String describe(UaException e) {
        long code = e.getStatusCode().value();
        String name = name(code);
        String message = e.getMessage();
        if (message == null || message.isBlank() || message.startsWith("status=")) {
            // Milo's default message: the description of the code.
            return StatusCodes.lookup(code)
                    .map(n -> n[1])
                    .filter(d -> !d.isBlank())
                    .map(d -> name + " (" + d + ")")
                    .orElse(name);
        }
        return name + " (" + message + ")";
    }
}
