package dev.failover.gateway.link.opcua;

import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.config.TagConfig.TagType;
import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.StatusReading;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned;

/**
 * Values between the link and OPC UA: tag values by {@link TagType} (UINT16 as UInt16, INT16 as
 * Int16, UINT32 as UInt32, INT32 as Int32, FLOAT32 as Float) and the status block, whose five
 * variables are UInt16 with the register encodings of docs/plc-sim.md.
 *
 * <p>Decoding is strict: a variable of another data type than the tag's is a {@link
 * LinkError#PROTOCOL} error rather than a silent conversion (an Int16 read as UInt16 would turn -1
 * into 65535).
 */
final class UaValues {

    /** Indexes of the status variables, in {@code StatusNodes.all()} order. */
    static final int HEARTBEAT = 0;

    static final int STATUS = 1;
    static final int ROLE = 2;
    static final int FLAGS = 3;
    static final int FAULT_CODE = 4;
    static final List<String> STATUS_NAMES = List.of("heartbeat", "status", "role", "flags", "fault code");

    private UaValues() {}

    /** A raw value that does not fit its tag's type. */
    static final class DoesNotFit extends Exception {
        private static final long serialVersionUID = 1L;

        DoesNotFit(String message) {
            super(message);
        }
    }

    /** A value of an unexpected data type or status. */
    static final class Unexpected extends Exception {
        private static final long serialVersionUID = 1L;

        private final LinkError error;

        Unexpected(LinkError error, String message) {
            super(message);
            this.error = error;
        }

        LinkError error() {
            return error;
        }
    }

    /**
     * The variant to write for a raw value of {@code type}.
     *
     * @throws DoesNotFit if the value is not integral for an integer type, is outside the type's
     *     range, or is not finite
     */
    static Variant encode(TagType type, double raw) throws DoesNotFit {
        if (!Double.isFinite(raw)) {
            throw new DoesNotFit(raw + " is not a finite number");
        }
        if (type != TagType.FLOAT32 && raw != Math.rint(raw)) {
            throw new DoesNotFit(raw + " is not an integer, as " + type + " needs");
        }
        return switch (type) {
            case UINT16 -> new Variant(Unsigned.ushort((int) inRange(raw, 0, 0xFFFF, type)));
            case INT16 -> new Variant((short) inRange(raw, Short.MIN_VALUE, Short.MAX_VALUE, type));
            case UINT32 -> new Variant(Unsigned.uint(inRange(raw, 0, 0xFFFF_FFFFL, type)));
            case INT32 -> new Variant((int) inRange(raw, Integer.MIN_VALUE, Integer.MAX_VALUE, type));
            case FLOAT32 -> {
                if (Math.abs(raw) > Float.MAX_VALUE) {
                    throw new DoesNotFit(raw + " is outside the FLOAT32 range");
                }
                yield new Variant((float) raw);
            }
        };
    }

    private static long inRange(double raw, long min, long max, TagType type) throws DoesNotFit {
        if (raw < min || raw > max) {
            throw new DoesNotFit(raw + " is outside the " + type + " range " + min + ".." + max);
        }
        return (long) raw;
    }

    /**
     * The raw value of a tag read from its variable.
     *
     * @throws Unexpected with {@link LinkError#REJECTED} for a status other than Good, {@link
     *     LinkError#PROTOCOL} for a value of another data type
     */
    static double decode(TagConfig tag, DataValue value) throws Unexpected {
        Object v = goodValue(tag.name(), value);
        TagType type = tag.type();
        Double decoded = switch (v) {
            case UShort u when type == TagType.UINT16 -> (double) u.intValue();
            case Short s when type == TagType.INT16 -> (double) s;
            case UInteger u when type == TagType.UINT32 -> (double) u.longValue();
            case Integer i when type == TagType.INT32 -> (double) i;
            case Float f when type == TagType.FLOAT32 -> (double) f;
            default -> null;
        };
        if (decoded == null) {
            throw new Unexpected(
                    LinkError.PROTOCOL,
                    tag.name() + " holds a value of type " + typeName(v) + ", the tag is " + type + " ("
                            + typeName(type) + ")");
        }
        return decoded;
    }

    /**
     * The status block from its five variables.
     *
     * @throws Unexpected if a variable has a bad status or is not a UInt16
     */
    static StatusReading status(DataValue[] values) throws Unexpected {
        int[] v = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            Object value = goodValue(STATUS_NAMES.get(i), values[i]);
            if (!(value instanceof UShort u)) {
                throw new Unexpected(
                        LinkError.PROTOCOL,
                        "status " + STATUS_NAMES.get(i) + " holds a value of type " + typeName(value)
                                + ", expected UInt16");
            }
            v[i] = u.intValue();
        }
        return StatusReading.decode(v[HEARTBEAT], v[STATUS], v[ROLE], v[FLAGS], v[FAULT_CODE]);
    }

    private static Object goodValue(String what, DataValue value) throws Unexpected {
        StatusCode status = value.statusCode();
        if (!status.isGood()) {
            throw new Unexpected(LinkError.REJECTED, what + ": " + UaFailures.name(status));
        }
        Object v = value.value().value();
        if (v == null) {
            throw new Unexpected(LinkError.PROTOCOL, what + " holds no value");
        }
        return v;
    }

    /** The OPC UA name of a tag type's data type. */
    static String typeName(TagType type) {
        return switch (type) {
            case UINT16 -> "UInt16";
            case INT16 -> "Int16";
            case UINT32 -> "UInt32";
            case INT32 -> "Int32";
            case FLOAT32 -> "Float";
        };
    }

    private static String typeName(Object value) {
        return switch (value) {
            case UShort u -> "UInt16";
            case Short s -> "Int16";
            case UInteger u -> "UInt32";
            case Integer i -> "Int32";
            case Float f -> "Float";
            case Double d -> "Double";
            case Boolean b -> "Boolean";
            case String s -> "String";
            default -> value.getClass().getSimpleName();
        };
    }

    /** A value as text: a string as it is, a ByteString in lower-case hex, a number in decimal; {@code null} if bad or empty. */
    static String text(org.eclipse.milo.opcua.stack.core.types.builtin.DataValue value) {
        if (value == null || !value.getStatusCode().isGood() || value.getValue().isNull()) {
            return null;
        }
        Object v = value.getValue().getValue();
        return switch (v) {
            case org.eclipse.milo.opcua.stack.core.types.builtin.ByteString b ->
                java.util.HexFormat.of().formatHex(b.bytesOrEmpty());
            case org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText t -> t.getText();
            default -> String.valueOf(v);
        };
    }
}
