package dev.failover.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/** Renders the control endpoint's JSON answers for people. */
public final class StatusText {

    private StatusText() {}

    /** One pair's status as a few aligned lines. */
    public static String render(JsonNode pair) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "pair %s: %s, active %s, %d switchover(s), max RTO %.1f ms%n",
                pair.path("pair").asText(),
                pair.path("state").asText(),
                pair.path("active").asText("none"),
                pair.path("switchovers").asInt(),
                pair.path("maxRtoMs").asDouble()));
        for (JsonNode c : pair.path("controllers")) {
            b.append(String.format(
                    Locale.ROOT,
                    "  %-8s %-8s %-8s %-8s %-6s %7s  deadline %-7s hb %-5d %s%s%s%n",
                    c.path("id").asText(),
                    c.path("preferredRole").asText(),
                    c.path("role").asText(),
                    c.path("condition").asText(),
                    c.path("status").asText(),
                    c.path("latencyMs").asDouble() < 0
                            ? "-"
                            : c.path("latencyMs").asDouble() + "ms",
                    c.path("responseDeadline").path("ms").asDouble() + "ms",
                    c.path("heartbeat").asInt(),
                    c.path("endpoint").asText(),
                    c.path("fenced").asBoolean() ? "  FENCED" : "",
                    c.path("reason").asText().isEmpty()
                            ? ""
                            : "  (" + c.path("reason").asText() + ")"));
        }
        JsonNode alarms = pair.path("alarms");
        if (alarms.isEmpty()) {
            b.append("  alarms: none\n");
        } else {
            for (Iterator<Map.Entry<String, JsonNode>> it = alarms.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> a = it.next();
                b.append("  ALARM ")
                        .append(a.getKey())
                        .append(": ")
                        .append(a.getValue().asText())
                        .append('\n');
            }
        }
        if (pair.has("lastSwitchover")) {
            b.append("  last switchover: ")
                    .append(report(pair.path("lastSwitchover")))
                    .append('\n');
        }
        if (pair.has("mirror")) {
            JsonNode m = pair.path("mirror");
            b.append("  mirror: ")
                    .append(
                            m.path("inSync").asBoolean()
                                    ? "standby in sync"
                                    : "standby behind by " + m.path("lagMs").asLong() + " ms ("
                                            + m.path("lagCycles").asLong() + " cycles)"
                                            + (m.path("why").asText().isEmpty()
                                                    ? ""
                                                    : ": " + m.path("why").asText()))
                    .append(", ")
                    .append(m.path("valuesCopied").asLong())
                    .append(" values copied")
                    .append('\n');
            for (Iterator<Map.Entry<String, JsonNode>> it = m.path("rejected").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> r = it.next();
                b.append("  MIRROR REJECTED ")
                        .append(r.getKey())
                        .append(": ")
                        .append(r.getValue().asText())
                        .append('\n');
            }
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            m.path("unauthorised").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> u = it.next();
                b.append("  UNAUTHORISED CHANGE ")
                        .append(u.getKey())
                        .append(": ")
                        .append(u.getValue().asText())
                        .append('\n');
            }
        }
        if (pair.has("posture")) {
            JsonNode posture = pair.path("posture");
            b.append("  posture: ")
                    .append(
                            posture.path("verdict").asText().equals("parity")
                                    ? "standby as secure as the active"
                                    : "STANDBY " + posture.path("standby").asText() + " LESS SECURE")
                    .append('\n');
            posture.path("drift")
                    .forEach(d -> b.append("    ").append(d.asText()).append('\n'));
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            posture.path("controllers").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> c = it.next();
                c.getValue()
                        .path("baseline")
                        .forEach(f -> b.append("    ")
                                .append(c.getKey())
                                .append(' ')
                                .append(f.asText())
                                .append('\n'));
            }
        }
        return b.toString();
    }

    /** The gateway's own line: how often and how badly it ran late (its pause detector). */
    public static String gateway(JsonNode g) {
        return String.format(
                Locale.ROOT,
                "gateway: %d pause(s) since start, %d collection(s) over the tolerance, p99 lateness %.1f ms,"
                        + " worst %.1f ms",
                g.path("pauses").asLong(),
                g.path("gcPauses").asLong(),
                g.path("pauseP99Ms").asDouble(),
                g.path("pauseMaxMs").asDouble());
    }

    /**
     * What the gateway's doors refused since start, as one line ({@code refused since start:
     * CONTROL_REFUSED 203 (NO_CERTIFICATE 3, UNKNOWN_CA 200)}), or empty when nothing was refused.
     */
    public static Optional<String> refusals(JsonNode doors) {
        StringJoiner types = new StringJoiner("; ", "refused since start: ", "");
        types.setEmptyValue("");
        for (Iterator<Map.Entry<String, JsonNode>> it = doors.path("refused").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> type = it.next();
            long total = 0;
            StringJoiner reasons = new StringJoiner(", ", " (", ")");
            for (Iterator<Map.Entry<String, JsonNode>> r = type.getValue().fields(); r.hasNext(); ) {
                Map.Entry<String, JsonNode> reason = r.next();
                total += reason.getValue().asLong();
                reasons.add(reason.getKey() + " " + reason.getValue().asLong());
            }
            types.add(type.getKey() + " " + total + reasons);
        }
        String line = types.toString();
        return line.isEmpty() ? Optional.empty() : Optional.of(line);
    }

    /** One switchover report as one line. */
    public static String report(JsonNode r) {
        String base = r.path("kind").asText() + " "
                + (r.path("from").isNull() ? "" : r.path("from").asText() + " -> ")
                + r.path("to").asText() + " " + r.path("outcome").asText();
        if (!"COMPLETED".equals(r.path("outcome").asText())) {
            return base + ": " + r.path("failure").asText();
        }
        return base
                + ": RTO " + millis(r, "rtoMs", "rtoUnknown")
                + " (detection " + millis(r, "detectionMs", "detectionUnknown")
                + String.format(
                        Locale.ROOT,
                        ", switchover %.1f ms)",
                        r.path("switchoverMs").asDouble())
                + ", old active " + r.path("oldActive").asText()
                + (r.path("attempts").asInt(1) > 1
                        ? ", after " + r.path("attempts").asInt() + " attempts"
                        : "");
    }

    /** A figure in ms, or "unknown (why)" when the report says it is not known. */
    private static String millis(JsonNode r, String field, String unknownField) {
        return r.has(field)
                ? String.format(Locale.ROOT, "%.1f ms", r.path(field).asDouble())
                : "unknown (" + r.path(unknownField).asText() + ")";
    }

    /** A command's answer as one line: {@code DONE: detail} or {@code REJECTED ROLE_NOT_PERMITTED: detail}. */
    public static String commandResult(JsonNode answer) {
        String outcome = answer.path("outcome").asText();
        String code = answer.path("code").asText();
        return (outcome.equals(code) ? outcome : outcome + " " + code) + ": "
                + answer.path("detail").asText();
    }
}
