package dev.failover.gateway.events;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each event as one structured log line: {@code type pair=.. controller=.. key=value ..
 * "message"}. Alarms raised, mirror rejections and lag, journal repairs and refusals at the gateway's
 * doors log at WARN, failures at ERROR, {@code COMMAND_ACCEPTED} at DEBUG (the
 * command's outcome line repeats who asked for what), the rest at INFO. Every event still reaches
 * every other sink, the JSON event log included.
 */
public final class LogEventSink implements EventSink {

    private static final Logger log = LoggerFactory.getLogger("events");

    @Override
    public void publish(GatewayEvent event) {
        StringBuilder line = new StringBuilder(event.type()).append(" pair=").append(event.pair());
        if (!event.controller().isEmpty()) {
            line.append(" controller=").append(event.controller());
        }
        for (Map.Entry<String, Object> field : event.fields().entrySet()) {
            line.append(' ').append(field.getKey()).append('=').append(field.getValue());
        }
        line.append(" \"").append(event.message()).append('"');
        String text = line.toString();
        if (event.type().equals("COMMAND_ACCEPTED")) {
            // One log line per command: its COMMAND_DONE or COMMAND_FAILED line names signer and action.
            log.debug(text);
            return;
        }
        if (event.type().equals("SWITCHOVER_FAILED")) {
            log.error(text);
        } else if (event.type().equals("ALARM_RAISED")
                || event.type().equals("INSECURE_MODE")
                || event.type().equals("STEP_FAILED")
                || event.type().equals("MIRROR_REJECTED")
                || event.type().equals("MIRROR_MISMATCH")
                || event.type().equals("MIRROR_LAGGING")
                || event.type().equals("JOURNAL_RECOVERED")
                || event.type().equals("JOURNAL_CATCH_UP_FAILED")
                || event.type().equals(RefusalReporter.CONTROL_REFUSED)
                || event.type().equals(RefusalReporter.SCADA_SESSION_REFUSED)
                || event.type().equals(RefusalReporter.SCADA_CLIENT_REJECTED)) {
            log.warn(text);
        } else {
            log.info(text);
        }
    }
}
