package dev.failover.gateway.mirror;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One write of the mirror to a standby, for {@link StateMirror#onWrite} listeners.
 *
 * @param from the active controller the values were read from
 * @param to the standby controller they were written to
 * @param values the engineering values written, by tag name, in the pair's tag order
 * @param ok whether the controller accepted the write
 */
public record MirrorWrite(String from, String to, Map<String, Double> values, boolean ok) {

    public MirrorWrite {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
}
