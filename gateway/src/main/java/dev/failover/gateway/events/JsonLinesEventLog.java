package dev.failover.gateway.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends each event as one JSON object per line to a file, flushed per event. Thread-safe.
 * (The tamper-evident audit log is a separate, hash-chained log; this one is for tools.)
 */
public final class JsonLinesEventLog implements EventSink, AutoCloseable {

    private final ObjectMapper json = new ObjectMapper();
    private final Path file;
    private final BufferedWriter out;

    public JsonLinesEventLog(Path file) throws IOException {
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The event as the JSON object this log writes. */
    public static ObjectNode toJson(ObjectMapper json, GatewayEvent event) {
        ObjectNode node = json.createObjectNode();
        node.put("time", event.time().toString());
        node.put("type", event.type());
        node.put("pair", event.pair());
        node.put("controller", event.controller());
        node.put("message", event.message());
        node.set("fields", json.valueToTree(event.fields()));
        return node;
    }

    @Override
    public synchronized void publish(GatewayEvent event) {
        try {
            out.write(json.writeValueAsString(toJson(json, event)));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to event log " + file, e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
