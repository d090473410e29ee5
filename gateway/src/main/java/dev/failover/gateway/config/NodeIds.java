package dev.failover.gateway.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text form of OPC UA node ids in the configuration (OPC UA Part 6 §5.3.1.10): an optional
 * {@code nsu=<namespace URI>;} or {@code ns=<index>;} and one of {@code i=}, {@code s=}, {@code g=},
 * {@code b=}. The namespace URI form is preferred: indexes may differ between servers.
 */
public final class NodeIds {

    private static final Pattern NODE_ID = Pattern.compile(
            "(?:nsu=[^;]+;|ns=(?<ns>\\d{1,5});)?(?:i=(?<i>\\d{1,10})|s=.+|g=[0-9A-Fa-f-]{36}|b=[A-Za-z0-9+/=]+)");

    private NodeIds() {}

    /** Whether {@code text} is a node id in the text form. */
    public static boolean valid(String text) {
        Matcher m = NODE_ID.matcher(text);
        if (!m.matches()) {
            return false;
        }
        // A namespace index is a UInt16, a numeric identifier a UInt32.
        return (m.group("ns") == null || Long.parseLong(m.group("ns")) <= 0xFFFF)
                && (m.group("i") == null || Long.parseLong(m.group("i")) <= 0xFFFF_FFFFL);
    }

    /**
     * Checks {@code text}.
     *
     * @throws IllegalArgumentException if it is not a node id
     */
    static void check(String text) {
        if (!valid(text)) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a node id such as nsu=urn:plant:plc;s=Status/HEARTBEAT");
        }
    }
}
