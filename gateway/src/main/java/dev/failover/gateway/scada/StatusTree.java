package dev.failover.gateway.scada;

import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

/**
 * The variables of the status tree of each pair (docs/opcua.md): {@code Status/...} of the pair and
 * {@code Controllers/<id>/...} of each controller, with their data types and descriptions.
 */
final class StatusTree {

    private StatusTree() {}

    /** The status variables of a pair. */
    enum StatusVariable {
        ACTIVE("ActiveController", NodeIds.String, "the controller the gateway treats as active; empty while none"),
        STATE("State", NodeIds.String, "DISCOVERING, PROTECTED, UNPROTECTED, SWITCHING, BLOCKED or UNDRIVEN"),
        SERVICE_LEVEL("ServiceLevel", NodeIds.Byte, "the pair's OPC UA service level (docs/opcua.md)"),
        FAILOVERS(
                "FailoverCount", NodeIds.UInt32, "completed switchovers (failovers, switchovers, drills) since start"),
        HIGHEST_RTO("HighestRtoMs", NodeIds.Double, "the highest RTO measured since start, ms (upper bound)"),
        ALARMS("Alarms", NodeIds.String, "raised alarms as 'NAME: detail', separated by '; '; empty when none"),
        LAST_TIME("LastFailover/Time", NodeIds.DateTime, "when the last switchover completed"),
        LAST_KIND(
                "LastFailover/Kind",
                NodeIds.String,
                "FAILOVER, MANUAL (an operator switchover or a drill), FAILBACK or TAKE_CONTROL"),
        LAST_OUTCOME("LastFailover/Outcome", NodeIds.String, "COMPLETED, FAILED or REFUSED"),
        LAST_FROM("LastFailover/From", NodeIds.String, "the old active"),
        LAST_TO("LastFailover/To", NodeIds.String, "the new active"),
        LAST_REASON("LastFailover/Reason", NodeIds.String, "why it happened"),
        LAST_RTO(
                "LastFailover/RtoMs",
                NodeIds.Double,
                "its RTO in ms (upper bound); status Bad_NoData if it did not complete or nobody was known to drive before"),
        MIRROR_IN_SYNC("Mirror/InSync", NodeIds.Boolean, "whether the standby holds the active's mirrored values"),
        MIRROR_LAG("Mirror/LagMs", NodeIds.Double, "time since the standby last matched the active, ms; 0 in sync"),
        MIRROR_LAG_CYCLES("Mirror/LagCycles", NodeIds.Double, "mirror cycles since the standby last matched"),
        MIRROR_REJECTED("Mirror/Rejected", NodeIds.String, "values refused for mirroring, 'tag: rule: detail; ...'"),
        MIRROR_UNAUTHORISED(
                "Mirror/Unauthorised",
                NodeIds.String,
                "gateway-only values changed past the gateway, held back from the standby, 'tag: detail; ...'");

        final String path;
        final NodeId type;
        final String description;

        StatusVariable(String path, NodeId type, String description) {
            this.path = path;
            this.type = type;
            this.description = description;
        }

        String browseName() {
            return path.replace("/", "");
        }
    }

    /** The variables of each controller. */
    enum ControllerVariable {
        CONDITION("Condition", NodeIds.String, "UNKNOWN, HEALTHY, SUSPECT or FAILED"),
        REACHABLE("Reachable", NodeIds.Boolean, "whether the last poll got an answer"),
        ROLE("Role", NodeIds.String, "the role it reports: ACTIVE, STANDBY or UNKNOWN"),
        RUN_STATUS("RunStatus", NodeIds.String, "the run status it reports"),
        LATENCY("LatencyMs", NodeIds.Double, "round trip of the last answered poll, ms; -1 before any"),
        REASON("Reason", NodeIds.String, "why the last poll was bad; empty when good"),
        FENCED("Fenced", NodeIds.Boolean, "whether its outputs are cut by its fence"),
        DRIVING("Driving", NodeIds.Boolean, "whether its last answer said it drives its outputs"),
        DETECTION_ARMED(
                "DetectionArmed", NodeIds.Boolean, "whether its timeouts count as missed polls yet (safety rule 10)"),
        RESPONSE_DEADLINE(
                "ResponseDeadlineMs",
                NodeIds.Double,
                "how long its next poll waits for an answer, ms: the adaptive deadline (RFC 6298)"),
        ENDPOINT("Endpoint", NodeIds.String, "how the gateway reaches it"),
        SECURE("Secure", NodeIds.Boolean, "whether the link is authenticated and encrypted");

        final String name;
        final NodeId type;
        final String description;

        ControllerVariable(String name, NodeId type, String description) {
            this.name = name;
            this.type = type;
            this.description = description;
        }
    }

    /**
     * The security posture of each controller under {@code Controllers/<id>/Posture/...} and the pair's
     * verdict under {@code Status/Posture/...}, as the posture checks last probed and judged them
     * (docs/security.md#security-posture); lists are text separated by {@code "; "}, empty when none.
     */
    enum PostureVariable {
        VERDICT(
                "Verdict",
                NodeIds.String,
                "the pair: parity (the standby is as secure as the active), drift, or unknown"),
        DRIFT("Drift", NodeIds.String, "the pair: where the standby is weaker or different, 'field: detail; ...'"),
        PROBED_AT("ProbedAt", NodeIds.DateTime, "when it was last probed"),
        BASELINE(
                "Baseline",
                NodeIds.String,
                "what it lacks against the baseline, 'field: detail; ...'; empty if nothing"),
        TLS("TlsVersions", NodeIds.String, "the TLS versions it accepts (Modbus/TCP Security)"),
        WEAK_SUITES("WeakSuites", NodeIds.String, "the weak TLS 1.2 cipher suites it accepts"),
        PLAIN_MODBUS("PlainModbus", NodeIds.Boolean, "whether plain Modbus TCP answers beside TLS"),
        ENDPOINTS("OpcUaEndpoints", NodeIds.String, "the OPC UA endpoints it offers, 'mode/policy [user tokens]'"),
        ANONYMOUS("Anonymous", NodeIds.Boolean, "whether its OPC UA server takes anonymous users"),
        CERTIFICATE("CertificateThumbprint", NodeIds.String, "the SHA-256 of the certificate it presents"),
        ISSUER("CertificateIssuer", NodeIds.String, "who issued it"),
        NOT_AFTER("CertificateNotAfter", NodeIds.DateTime, "when it expires"),
        KEY("CertificateKey", NodeIds.String, "its key, e.g. RSA 2048"),
        PROGRAM("Program", NodeIds.String, "the program version it reports"),
        FIRMWARE("Firmware", NodeIds.String, "the firmware version it reports"),
        CONFIG_HASH("ConfigHash", NodeIds.String, "the configuration hash it reports");

        /** The variables of the pair's {@code Status/Posture} folder; the others are per controller. */
        static final java.util.Set<PostureVariable> PAIR = java.util.EnumSet.of(VERDICT, DRIFT);

        final String name;
        final NodeId type;
        final String description;

        PostureVariable(String name, NodeId type, String description) {
            this.name = name;
            this.type = type;
            this.description = description;
        }
    }

    /** The audit log's last signed checkpoint, under {@code Objects/Audit} (docs/audit.md). */
    enum AuditVariable {
        CHECKPOINT("Checkpoint", NodeIds.String, "the last signed checkpoint, as a C2SP signed note"),
        TREE_SIZE("TreeSize", NodeIds.Int64, "the records it covers"),
        ROOT("Root", NodeIds.String, "the Merkle tree root it signs, base64"),
        TIME("Time", NodeIds.DateTime, "when it was made");

        final String name;
        final NodeId type;
        final String description;

        AuditVariable(String name, NodeId type, String description) {
            this.name = name;
            this.type = type;
            this.description = description;
        }
    }
}
