package dev.failover.plcsim.modbus;

/** Modbus exception codes this server answers. Immutable and thread-safe. */
public enum ExceptionCode {
    /** 01: function code not supported. */
    ILLEGAL_FUNCTION(0x01),
    /** 02: an address outside the map, or a write to a read-only register. */
    ILLEGAL_DATA_ADDRESS(0x02),
    /** 03: a quantity or value out of range. */
    ILLEGAL_DATA_VALUE(0x03),
    /** 04: the request is valid but the controller's state refuses it (promotion outside RUN). */
    SERVER_DEVICE_FAILURE(0x04),
    /** 0B: the request names a unit id this server does not serve. */
    GATEWAY_TARGET_FAILED_TO_RESPOND(0x0B);

    private final int code;

    ExceptionCode(int code) {
        this.code = code;
    }

    /** The code on the wire. */
    public int code() {
        return code;
    }
}
