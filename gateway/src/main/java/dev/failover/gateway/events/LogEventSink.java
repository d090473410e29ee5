package dev.failover.gateway.events;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Writes each event as one structured log line: {@code type pair=.. controller=.. key=value ..
 * "message"}. Alarms raised, failed steps, mirror rejections and lag, journal repairs, insecure modes
 * and refusals at the gateway's doors log at WARN, failed switchovers at ERROR, {@code
 * COMMAND_ACCEPTED} at DEBUG (the command's outcome line repeats who asked for what), the rest at
 * INFO. Every event still reaches
 * every other sink, the JSON event log included.
 */
public final class LogEventSink implements EventSink {

    /** The level an event logs at. */
    static Level level(EventDetail detail) {
        return switch (detail) {
            // One log line per command: its COMMAND_DONE or COMMAND_FAILED line names signer and action.
            case CommandDetail.CommandAccepted accepted -> Level.DEBUG;
            case CommandDetail c -> Level.INFO;
            case PairDetail.SwitchoverFailed failed -> Level.ERROR;
            case PairDetail.AlarmRaised raised -> Level.WARN;
            case PairDetail.StepFailed failed -> Level.WARN;
            case PairDetail.JournalCatchUpFailed failed -> Level.WARN;
            case PairDetail p -> Level.INFO;
            case MirrorDetail.MirrorRejected rejected -> Level.WARN;
            case MirrorDetail.MirrorMismatch mismatch -> Level.WARN;
            case MirrorDetail.MirrorLagging lagging -> Level.WARN;
            case MirrorDetail.UnauthorisedChange change -> Level.WARN;
            case MirrorDetail m -> Level.INFO;
            case SecurityDetail.PostureBaselineMet met -> Level.INFO;
            case SecurityDetail.PostureParity parity -> Level.INFO;
            case SecurityDetail s -> Level.WARN;
            case GatewayDetail.JournalRecovered recovered -> Level.WARN;
            case GatewayDetail g -> Level.INFO;
        };
    }

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
        switch (level(event.detail())) {
            case DEBUG -> log.debug(text);
            case INFO -> log.info(text);
            case WARN -> log.warn(text);
            case ERROR -> log.error(text);
            default -> throw new IllegalStateException("no log level for " + event.type());
        }
    }
}
