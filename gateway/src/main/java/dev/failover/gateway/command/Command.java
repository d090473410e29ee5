package dev.failover.gateway.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.gateway.config.CommandAction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An operator's instruction, as signed: canonical JSON (keys sorted, no insignificant white space,
 * UTF-8) inside a CMS SignedData envelope.
 *
 * <pre>{"action":"write-tag","args":{"tag":"level_setpoint","value":55.0},"expiresAt":"...",
 * "id":"...","issuedAt":"...","pair":"tank-1","v":1}</pre>
 *
 * @param id a unique nonce; the gateway accepts each id once
 * @param issuedAt when the operator signed it
 * @param expiresAt after this the command is refused; kept short (the policy bounds the window)
 * @param pair the pair it targets
 * @param action what to do
 * @param args the action's arguments: strings and numbers, keys sorted
 */
public record Command(
        String id, Instant issuedAt, Instant expiresAt, String pair, CommandAction action, Map<String, Object> args) {

    public static final int VERSION = 1;

    /** The top-level fields of a command, sorted as in its canonical form. */
    static final List<String> FIELDS = List.of("action", "args", "expiresAt", "id", "issuedAt", "pair", "v");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Only to tell a duplicate key from other syntax errors. */
    private static final ObjectMapper LENIENT = JsonMapper.builder().build();

    public Command {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(action, "action");
        args = java.util.Collections.unmodifiableMap(new TreeMap<>(args));
    }

    /** The canonical JSON bytes that are signed. */
    public byte[] canonicalJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("action", action.wireName());
        node.set("args", JSON.valueToTree(args));
        node.put("expiresAt", expiresAt.toString());
        node.put("id", id);
        node.put("issuedAt", issuedAt.toString());
        node.put("pair", pair);
        node.put("v", VERSION);
        try {
            return JSON.writeValueAsString(sorted(node)).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a command", e);
        }
    }

    /**
     * Parses signed content. The content must be exactly the canonical encoding of the command it
     * describes, so that two different byte strings can never mean the same command; and it must
     * hold nothing the gateway would ignore: no unknown field, no argument the action does not take,
     * no key twice.
     *
     * @throws InvalidCommandException naming what is wrong, with the reason code
     */
    public static Command parse(byte[] content) {
        JsonNode node = tree(content);
        if (node == null || !node.isObject()) {
            throw new InvalidCommandException(RejectReason.MALFORMED, "the signed content is not a JSON object");
        }
        if (node.path("v").asInt(-1) != VERSION) {
            throw new InvalidCommandException(RejectReason.MALFORMED, "unsupported command version " + node.path("v"));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new InvalidCommandException(
                        RejectReason.UNKNOWN_ARGUMENT,
                        "unknown field '" + field + "' in the signed command (it has " + String.join(", ", FIELDS)
                                + ")");
            }
        }
        String actionName = text(node, "action");
        CommandAction action = CommandAction.fromWire(actionName)
                .orElseThrow(() -> new InvalidCommandException(
                        RejectReason.UNKNOWN_ACTION, "unknown action '" + actionName + "'"));
        JsonNode argsNode = node.path("args");
        if (!argsNode.isObject()) {
            throw new InvalidCommandException(RejectReason.MALFORMED, "args must be an object");
        }
        Map<String, Object> args = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = argsNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isNumber()) {
                args.put(e.getKey(), v.numberValue());
            } else if (v.isTextual()) {
                args.put(e.getKey(), v.asText());
            } else {
                throw new InvalidCommandException(
                        RejectReason.MALFORMED, "argument '" + e.getKey() + "' must be a string or a number");
            }
        }
        checkArguments(action, args);
        Command command;
        try {
            command = new Command(
                    text(node, "id"),
                    Instant.parse(text(node, "issuedAt")),
                    Instant.parse(text(node, "expiresAt")),
                    text(node, "pair"),
                    action,
                    args);
        } catch (DateTimeParseException e) {
            throw new InvalidCommandException(
                    RejectReason.MALFORMED, "issuedAt and expiresAt must be ISO-8601 instants: " + e.getMessage());
        }
        if (!NonceStore.ID.matcher(command.id()).matches()) {
            throw new InvalidCommandException(
                    RejectReason.MALFORMED, "the command id must match " + NonceStore.ID.pattern());
        }
        if (!java.util.Arrays.equals(command.canonicalJson(), content)) {
            throw new InvalidCommandException(RejectReason.MALFORMED, "the signed content is not in canonical form");
        }
        return command;
    }

    /**
     * Checks that {@code args} are what {@code action} takes: no other argument, the required ones
     * present, {@code tag} and {@code reason} strings. The value of a tag write is checked against
     * the tag later, once the tag is known.
     *
     * @throws InvalidCommandException {@code UNKNOWN_ARGUMENT} or {@code BAD_ARGUMENT}, naming the argument
     */
    public static void checkArguments(CommandAction action, Map<String, ?> args) {
        for (String name : args.keySet()) {
            if (!action.arguments().contains(name)) {
                throw new InvalidCommandException(
                        RejectReason.UNKNOWN_ARGUMENT,
                        action.wireName() + " takes no argument '" + name + "' (it takes "
                                + String.join(", ", action.arguments()) + ")");
            }
        }
        for (String name : action.requiredArguments()) {
            if (!args.containsKey(name)) {
                throw new InvalidCommandException(
                        RejectReason.BAD_ARGUMENT, action.wireName() + " needs the argument '" + name + "'");
            }
        }
        for (String name : List.of("tag", "reason")) {
            if (args.containsKey(name) && !(args.get(name) instanceof String)) {
                throw new InvalidCommandException(
                        RejectReason.BAD_ARGUMENT, "the argument '" + name + "' must be a string");
            }
        }
    }

    /** The JSON tree of signed content; a key twice anywhere is refused, naming the key. */
    private static JsonNode tree(byte[] content) {
        try {
            return JSON.readTree(content);
        } catch (StreamReadException e) {
            // Parsed again without the duplicate check: if that succeeds, a duplicate key was the only
            // problem, and the parser stood on it when it stopped.
            if (parsesWithDuplicates(content)) {
                throw new InvalidCommandException(
                        RejectReason.UNKNOWN_ARGUMENT,
                        "the key '" + currentName(e) + "' appears twice in the signed command");
            }
            throw new InvalidCommandException(
                    RejectReason.MALFORMED, "the signed content is not JSON: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new InvalidCommandException(
                    RejectReason.MALFORMED, "the signed content is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidCommandException(
                    RejectReason.MALFORMED, "the signed content is not JSON: " + e.getMessage());
        }
    }

    private static boolean parsesWithDuplicates(byte[] content) {
        try {
            LENIENT.readTree(content);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String currentName(StreamReadException e) {
        return e.getProcessor() == null
                ? "?"
                : String.valueOf(e.getProcessor().getParsingContext().getCurrentName());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new InvalidCommandException(
                    RejectReason.MALFORMED, "field '" + field + "' is missing or not a string");
        }
        return v.asText();
    }

    private static JsonNode sorted(JsonNode node) {
        if (!node.isObject()) {
            return node;
        }
        ObjectNode out = JSON.createObjectNode();
        TreeMap<String, JsonNode> fields = new TreeMap<>();
        node.fields().forEachRemaining(e -> fields.put(e.getKey(), sorted(e.getValue())));
        fields.forEach(out::set);
        return out;
    }
}
