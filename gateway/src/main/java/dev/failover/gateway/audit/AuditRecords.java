package dev.failover.gateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.failover.gateway.events.CommandDetail;
import dev.failover.gateway.events.EventDetail;
import dev.failover.gateway.events.GatewayDetail;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.MirrorDetail;
import dev.failover.gateway.events.PairDetail;
import dev.failover.gateway.events.SecurityDetail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * The audit log's records: one event each, as canonical JSON (RFC 8785, so that any verifier hashes
 * the same bytes) with the fields IEC 62443-3-3 SR 2.8 names: {@code time}, {@code source}, {@code
 * category}, {@code type}, {@code eventId} and {@code result}; beside them the record's {@code index}
 * in the log, the leaf hash of the record before it ({@code prev}, which points a verifier at the first
 * damaged record), the gateway run ({@code boot}) and the nanoseconds since it began ({@code
 * monotonicNanos}: the order of events within a run even if the wall clock jumps), the event's
 * sentence and its fields. Stateless.
 */
public final class AuditRecords {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private AuditRecords() {}

    /** Where a record stands in its log. */
    public record Position(long index, byte[] previousLeaf, String boot, long monotonicNanos) {}

    /** The canonical bytes (UTF-8, no line end) of {@code event} as the record at {@code at}. */
    public static byte[] encode(String gateway, GatewayEvent event, Position at) {
        ObjectNode node = JSON.createObjectNode();
        node.put("index", at.index());
        node.put("prev", at.previousLeaf() == null ? "" : HEX.formatHex(at.previousLeaf()));
        node.put("time", event.time().toString());
        node.put("boot", at.boot());
        node.put("monotonicNanos", at.monotonicNanos());
        node.put("source", source(gateway, event));
        node.put("category", category(event.detail()));
        node.put("type", event.type());
        node.put("eventId", UUID.randomUUID().toString());
        node.put("result", result(event.type()));
        node.put("message", event.message());
        node.set("fields", finite(JSON.valueToTree(event.fields())));
        return canonical(node.toString());
    }

    /** {@code json} in the canonical form of RFC 8785. */
    public static byte[] canonical(String json) {
        try {
            return new JsonCanonicalizer(json).getEncodedUTF8();
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + e.getMessage(), e);
        }
    }

    /** Parses a record. */
    public static JsonNode parse(byte[] record) throws IOException {
        return JSON.readTree(record);
    }

    private static String source(String gateway, GatewayEvent event) {
        StringBuilder s = new StringBuilder(gateway);
        if (event.pair() != null && !event.pair().isEmpty()) {
            s.append('/').append(event.pair());
        }
        if (event.controller() != null && !event.controller().isEmpty()) {
            s.append('/').append(event.controller());
        }
        return s.toString();
    }

    /** The SR 2.8 category: the family of the event. */
    static String category(EventDetail detail) {
        return switch (detail) {
            case PairDetail p -> "redundancy";
            case CommandDetail c -> "command";
            case MirrorDetail m -> "replication";
            case SecurityDetail s -> "security";
            case GatewayDetail g -> "system";
        };
    }

    /** The SR 2.8 result: refused, failure or success, by the kind of event. */
    static String result(String type) {
        if (type.endsWith("_REFUSED") || type.endsWith("_REJECTED")) {
            return "refused";
        }
        if (type.endsWith("_FAILED") || type.endsWith("_DAMAGED")) {
            return "failure";
        }
        return "success";
    }

    /** JSON has no NaN or infinity: such a number is kept as its text. */
    private static JsonNode finite(JsonNode node) {
        if (node.isNumber() && (node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
            return TextNode.valueOf(String.valueOf(node.doubleValue()));
        }
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                f.setValue(finite(f.getValue()));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, finite(array.get(i)));
            }
        }
        return node;
    }
}
