package dev.failover.gateway.events;

/**
 * Events of the gateway's doors (the control endpoint, the OPC UA server for SCADA) and of insecure
 * modes. A refusal names its {@code reason} code (docs/security.md) and the peer; repeats of one
 * reason are summarised in {@link GatewayDetail.EventsRepeated} events ({@link RefusalReporter}).
 */
public sealed interface SecurityDetail extends EventDetail {

    /**
     * The control endpoint refused a connection or a request; {@code subject} once the peer is
     * authenticated, {@code size} and {@code limit} for {@code OVERSIZED}.
     */
    record ControlRefused(String reason, String peer, String subject, Long size, Integer limit)
            implements SecurityDetail, Refusal {}

    /**
     * The OPC UA server refused to create or activate a session: the client application, the token
     * type, and for a certificate token the user certificate's subject, issuer and thumbprint.
     */
    record ScadaSessionRefused(
            String reason,
            String peer,
            String application,
            String applicationUri,
            String status,
            String token,
            String user,
            String userIssuer,
            String userThumbprint)
            implements SecurityDetail, Refusal {}

    /** The OPC UA server refused a client application certificate; {@code quarantined} is where it was put. */
    record ScadaClientRejected(
            String reason,
            String subject,
            String issuer,
            String thumbprint,
            String applicationUri,
            String status,
            String quarantined)
            implements SecurityDetail, Refusal {}

    /**
     * A controller does not meet the posture baseline ({@code findings}: each names its field and the
     * values), or a new finding appeared; the controller is the envelope's.
     */
    record PostureBaselineViolated(java.util.List<String> findings) implements SecurityDetail {}

    /** The controller meets the posture baseline again. */
    record PostureBaselineMet() implements SecurityDetail {}

    /**
     * The standby is weaker than the active, or differs from it where they must be alike: {@code
     * differences} names each field with both values. A planned switchover or failback to it is refused.
     */
    record PostureDrift(String active, String standby, java.util.List<String> differences) implements SecurityDetail {}

    /** The standby is as secure as the active again: identical or stronger on every dimension. */
    record PostureParity(String active, String standby) implements SecurityDetail {}

    /**
     * A controller presents another certificate, or reports another program, firmware or
     * configuration hash, than at the previous posture probe ({@code field}: {@code certificate},
     * {@code program}, {@code firmware}, {@code configHash}).
     */
    record ControllerIdentityChanged(String field, String from, String to) implements SecurityDetail {}

    /**
     * A controller's setpoints were last written by someone other than this gateway: {@code writer} is
     * the SHA-256 of that client's certificate, or {@code plain} for an unauthenticated plain Modbus
     * client; {@code writeCount} the controller's count of setpoint writes.
     */
    record ControllerWrittenByOther(String writer, int writeCount) implements SecurityDetail {}

    /**
     * A controller counted more tag writes than this gateway can have made: {@code writes} more were
     * made by someone else since the last such event; {@code counted} is the controller's count since
     * the count started (gateway start or controller restart), {@code gatewayMayHaveMade} the gateway's
     * write requests it may have executed in that time.
     */
    record UnexplainedWrites(int writes, long counted, long gatewayMayHaveMade) implements SecurityDetail {}

    /**
     * A rule of the anomaly watch fired (docs/security.md, "Anomaly watch"): {@code severity} ({@code
     * HIGH}, {@code MEDIUM}), the MITRE ATT&CK for ICS {@code technique} it matches, and the {@code
     * evidence}, one line per event or fact.
     */
    record Anomaly(String rule, String severity, String technique, java.util.List<String> evidence)
            implements SecurityDetail {}

    /** At start, for each plaintext link, a gateway without security, and {@code presume-down}. */
    record InsecureMode() implements SecurityDetail {}
}
