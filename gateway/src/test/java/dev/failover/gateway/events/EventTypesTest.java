package dev.failover.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The event types are the records of the sealed {@link EventDetail} hierarchy, and the events table
 * of docs/operations.md is checked against them: every type documented, nothing documented that does
 * not exist, and every field a row names is a field of one of its types.
 */
class EventTypesTest {

    private static final Path DOC = Path.of("..", "docs", "operations.md");

    /** Every concrete event type, found by walking the sealed hierarchy. */
    static List<Class<?>> kinds() {
        List<Class<?>> out = new ArrayList<>();
        walk(EventDetail.class, out);
        return out;
    }

    private static void walk(Class<?> type, List<Class<?>> out) {
        if (type.isSealed()) {
            Arrays.stream(type.getPermittedSubclasses()).forEach(sub -> walk(sub, out));
        } else if (!out.contains(type)) {
            out.add(type);
        }
    }

    private static Map<String, Class<?>> byType() {
        Map<String, Class<?>> out = new LinkedHashMap<>();
        kinds().forEach(k -> out.put(EventFields.type(k), k));
        return out;
    }

    /** The rows of the table under "### Event types": the types of each row, then the row's text. */
    private static Map<List<String>, String> documentedRows() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int start = doc.indexOf("### Event types");
        assertThat(start)
                .as("docs/operations.md has a section '### Event types'")
                .isNotNegative();
        String section = doc.substring(start, doc.indexOf("\n#", start + 1));
        Map<List<String>, String> rows = new LinkedHashMap<>();
        for (String line : section.lines().toList()) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            List<String> types = backticked(cells[1]);
            rows.put(types, line.substring(line.indexOf('|', 1) + 1));
        }
        return rows;
    }

    private static List<String> backticked(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("`([^`]+)`").matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void everyKindIsARecordWithATypeNameOfItsOwn() {
        List<Class<?>> kinds = kinds();
        assertThat(kinds).hasSizeGreaterThan(30).allMatch(Class::isRecord);
        assertThat(byType()).hasSameSizeAs(kinds);
        assertThat(byType()).containsEntry("SWITCHOVER_COMPLETED", PairDetail.SwitchoverCompleted.class);
        assertThat(byType()).containsEntry("EVENTS_REPEATED", GatewayDetail.EventsRepeated.class);
    }

    @Test
    void theEventsTableListsEveryTypeAndNoOther() throws IOException {
        Set<String> documented = new TreeSet<>();
        documentedRows().keySet().forEach(documented::addAll);
        assertThat(documented).isEqualTo(new TreeSet<>(byType().keySet()));
    }

    @Test
    void everyFieldARowNamesIsAFieldOfOneOfItsTypes() throws IOException {
        Map<String, Class<?>> types = byType();
        Map<String, Set<String>> unknown = new LinkedHashMap<>();
        for (Map.Entry<List<String>, String> row : documentedRows().entrySet()) {
            Set<String> fields = new HashSet<>();
            for (String type : row.getKey()) {
                Arrays.stream(types.get(type).getRecordComponents())
                        .map(RecordComponent::getName)
                        .forEach(fields::add);
            }
            // Field names are camelCase words in backticks; codes and values are UPPER_CASE or links.
            Set<String> named = backticked(row.getValue()).stream()
                    .filter(w -> w.matches("[a-z][A-Za-z]*"))
                    .filter(w -> !fields.contains(w))
                    .filter(w -> !Set.of("pair", "controller", "security").contains(w))
                    .collect(Collectors.toCollection(TreeSet::new));
            if (!named.isEmpty()) {
                unknown.put(String.join("/", row.getKey()), named);
            }
        }
        assertThat(unknown)
                .as("fields the table names that the types do not have")
                .isEmpty();
    }

    @Test
    void theWireFormIsTheRecordsComponentsInOrderWithoutTheAbsentOnes() {
        Instant first = Instant.parse("2026-12-07T08:00:00Z");
        var repeated = new GatewayDetail.EventsRepeated("STEP_FAILED", null, 3, first, first.plusSeconds(2));

        assertThat(repeated.type()).isEqualTo("EVENTS_REPEATED");
        assertThat(repeated.fields())
                .containsExactly(
                        Map.entry("repeatedType", "STEP_FAILED"),
                        Map.entry("repeats", 3),
                        Map.entry("firstAt", "2026-12-07T08:00:00Z"),
                        Map.entry("lastAt", "2026-12-07T08:00:02Z"));
        assertThat(new PairDetail.DetectionArmed().fields()).isEmpty();
        assertThat(EventFields.upperSnake("ScadaSessionRefused")).isEqualTo("SCADA_SESSION_REFUSED");
    }
}
