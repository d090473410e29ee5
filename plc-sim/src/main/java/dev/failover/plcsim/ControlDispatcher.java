package dev.failover.plcsim;

import dev.failover.plcsim.comms.Admission;
import dev.failover.plcsim.control.ControlCommand;
import dev.failover.plcsim.control.ControlCommand.Action;
import dev.failover.plcsim.control.ControlCommand.Parsed;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes control port lines against a {@link FaultInjector}: one answer line per command, {@code
 * OK ...} or {@code ERR <reason>}. Thread-safe.
 */
final class ControlDispatcher {

    private static final Logger log = LoggerFactory.getLogger(ControlDispatcher.class);

    private final FaultInjector faults;
    private final PostureControls posture;
    private final Supplier<SimSnapshot> snapshot;

    ControlDispatcher(FaultInjector faults, PostureControls posture, Supplier<SimSnapshot> snapshot) {
        this.faults = faults;
        this.posture = posture;
        this.snapshot = snapshot;
    }

    String handle(String line) {
        return switch (ControlCommand.parse(line)) {
            case Parsed.Invalid invalid -> "ERR " + invalid.reason();
            case Parsed.Valid valid -> execute(valid.command(), line);
        };
    }

    private String execute(ControlCommand command, String line) {
        try {
            switch (command) {
                case Action.STATUS -> {
                    return statusLine(snapshot.get());
                }
                case Action action -> act(action);
                case ControlCommand.Slow slow -> faults.slow(slow.delay());
                case ControlCommand.Lose lose -> faults.lose(lose.count());
                case ControlCommand.Stall stall -> faults.stall(stall.duration());
                case ControlCommand.OutputEnable enable -> faults.outputEnable(enable.on());
                case ControlCommand.PartnerLink link -> {
                    if (link.cut()) {
                        faults.cutPartnerLink();
                    } else {
                        faults.restorePartnerLink();
                    }
                }
                case ControlCommand.Heartbeat heartbeat -> faults.spoofHeartbeat(heartbeat.value());
                case ControlCommand.Tls tls -> posture.tlsVersions(tls.versions());
                case ControlCommand.Suites suites -> posture.cipherSuites(suites.suites());
                case ControlCommand.Plain plain -> posture.plainModbus(plain.port());
                case ControlCommand.OpcUa ua -> {
                    if (ua.anonymous()) {
                        posture.opcUaAnonymous(ua.on());
                    } else {
                        posture.opcUaNoneEndpoint(ua.on());
                    }
                }
                case ControlCommand.Identity identity -> {
                    if (identity.firmware()) {
                        posture.firmwareVersion(identity.version());
                    } else {
                        posture.programVersion(identity.version());
                    }
                }
            }
            return "OK";
        } catch (RuntimeException e) {
            log.warn("Control command '{}' failed", line.strip(), e);
            return "ERR " + e.getMessage();
        }
    }

    private void act(Action action) {
        switch (action) {
            case CRASH -> faults.crash();
            case HANG -> faults.hang();
            case FREEZE_HEARTBEAT -> faults.freezeHeartbeat();
            case FAULT -> faults.fault();
            case DROP -> faults.drop();
            case DROP_ONCE -> faults.dropOnce();
            case CORRUPT -> faults.corrupt();
            case CORRUPT_SETPOINTS -> faults.corruptSetpoints();
            case CLEAR -> faults.clear();
            case STATUS -> throw new IllegalArgumentException("status is a query, not an action");
        }
    }

    /**
     * {@code OK name=A role=ACTIVE status=RUN heartbeat=123 driving=true outputEnable=true level=50.00
     * faults=hang,slow:30 tls=true roleChanges=3 partner=alive ageMs=4}: new fields are only ever
     * appended, so parsers keep working. {@code roleChanges} counts role changes since the process
     * started, so an observer can tell that a controller kept its role between two readings. {@code
     * partner} is {@code alive}, {@code lost} or {@code none} (no partner link) and {@code ageMs} the
     * {@code PARTNER_AGE_MS} register, both as of the last scan. Then the admission counters since
     * the process started: Modbus connections {@code refused} by the limits, {@code evicted} to make
     * room for a source holding fewer pending connections, whose handshake failed ({@code
     * handshakeFailed}) or timed out ({@code handshakeTimedOut}); the same for OPC UA ({@code ua...}).
     */
    static String statusLine(SimSnapshot s) {
        Admission.Counters modbus = s.modbusAdmission();
        Admission.Counters ua = s.opcUaAdmission();
        return String.format(
                Locale.ROOT,
                "OK name=%s role=%s status=%s heartbeat=%d driving=%b outputEnable=%b level=%.2f faults=%s tls=%b"
                        + " roleChanges=%d partner=%s ageMs=%d refused=%d evicted=%d handshakeFailed=%d"
                        + " handshakeTimedOut=%d uaRefused=%d uaEvicted=%d uaHandshakeFailed=%d uaHandshakeTimedOut=%d",
                s.name(),
                s.role(),
                s.status(),
                s.heartbeat(),
                s.driving(),
                s.outputEnable(),
                s.levelPercent(),
                String.join(",", s.faults()),
                s.tls(),
                s.roleChanges(),
                s.partner().text(),
                s.partnerAgeMillis(),
                modbus.refused(),
                modbus.evicted(),
                modbus.handshakeFailed(),
                modbus.handshakeTimedOut(),
                ua.refused(),
                ua.evicted(),
                ua.handshakeFailed(),
                ua.handshakeTimedOut());
    }
}
