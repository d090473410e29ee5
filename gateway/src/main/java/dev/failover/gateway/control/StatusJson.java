package dev.failover.gateway.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.gateway.config.ControllerConfig;
import dev.failover.gateway.failover.Alarm;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.gateway.failover.Transition;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.health.ResponseDeadline;
import dev.failover.gateway.mirror.MirrorStatus;
import dev.failover.gateway.posture.ControllerPosture;
import dev.failover.gateway.posture.PostureStatus;
import dev.failover.gateway.supervisor.Pair;
import java.util.List;
import java.util.Map;

/** Renders pair status and switchover reports as JSON for the control endpoint. */
public final class StatusJson {

    private static final int TRANSITIONS_SHOWN = 10;

    private StatusJson() {}

    public static ObjectNode pair(ObjectMapper json, Pair supervisor) {
        PairStatus s = supervisor.status();
        ObjectNode node = json.createObjectNode();
        node.put("pair", supervisor.pairName());
        node.put("state", s.state().name());
        node.put("active", s.activeId());
        node.put("switchovers", s.switchovers());
        node.put("maxRtoMs", round(s.maxRtoMillis()));
        ArrayNode controllers = node.putArray("controllers");
        for (ControllerConfig c : supervisor.config().controllers()) {
            Health h = s.health().get(c.id());
            ObjectNode cn = controllers.addObject();
            cn.put("id", c.id());
            cn.put("preferredRole", c.preferredRole().name().toLowerCase(java.util.Locale.ROOT));
            cn.put("endpoint", supervisor.link(c.id()).endpoint());
            cn.put(
                    "transport",
                    supervisor.link(c.id()).secure()
                            ? "Modbus/TCP Security (TLS, mutual authentication)"
                            : "Modbus TCP (plaintext, INSECURE)");
            cn.put("condition", h.condition().name());
            cn.put("reachable", h.reachable());
            cn.put("role", h.role().name());
            cn.put("status", h.status().name());
            cn.put("heartbeat", h.heartbeat());
            cn.put("latencyMs", h.latencyNanos() < 0 ? -1 : round(h.latencyNanos() / 1e6));
            cn.put("fenced", s.fenced().contains(c.id()));
            cn.put("detectionArmed", supervisor.detectionArmed(c.id()));
            cn.put("partner", supervisor.partnerView(c.id()).name());
            ResponseDeadline.Figures d = supervisor.responseDeadline(c.id());
            ObjectNode deadline = cn.putObject("responseDeadline");
            deadline.put("ms", round(d.deadlineMillis()));
            if (d.samples() > 0) {
                deadline.put("srttMs", round(d.srttMillis()));
                deadline.put("rttvarMs", round(d.rttvarMillis()));
            }
            deadline.put("samples", d.samples());
            cn.put("reason", h.reason());
        }
        ObjectNode alarms = node.putObject("alarms");
        for (Map.Entry<Alarm, String> a : s.alarms().entrySet()) {
            alarms.put(a.getKey().name(), a.getValue());
        }
        if (s.lastSwitchover() != null) {
            node.set("lastSwitchover", report(json, s.lastSwitchover()));
        }
        if (supervisor.config().tags().stream().anyMatch(t -> t.mirrored())) {
            MirrorStatus m = supervisor.mirror().status();
            ObjectNode mirror = node.putObject("mirror");
            mirror.put("inSync", m.inSync());
            mirror.put("lagMs", m.lagMillis());
            mirror.put("lagCycles", m.lagCycles());
            mirror.put("lastCycleAgeMs", m.lastCycleAgeMillis());
            mirror.put("valuesCopied", m.valuesCopied());
            mirror.put("why", mirrorWhy(s, m, supervisor.mirror()));
            ObjectNode rejected = mirror.putObject("rejected");
            m.rejected().forEach((tag, r) -> rejected.put(tag, r.rule() + ": " + r.detail()));
            ObjectNode unauthorised = mirror.putObject("unauthorised");
            m.unauthorised().forEach(unauthorised::put);
        }
        ArrayNode transitions = node.putArray("recentTransitions");
        List<Transition> all = s.transitions();
        for (Transition t : all.subList(Math.max(0, all.size() - TRANSITIONS_SHOWN), all.size())) {
            transitions
                    .addObject()
                    .put("from", t.from().name())
                    .put("to", t.to().name())
                    .put("reason", t.reason());
        }
        return node;
    }

    /**
     * The mirror's reason, consistent with the pair status of the same answer: the mirror's own
     * reason is from its last cycle, which may precede a state change this status already shows.
     */
    static String mirrorWhy(PairStatus s, MirrorStatus m, dev.failover.gateway.mirror.StateMirror mirror) {
        boolean steady = s.state() == dev.failover.gateway.failover.PairState.PROTECTED
                || s.state() == dev.failover.gateway.failover.PairState.UNPROTECTED;
        if (!steady) {
            return "paused while the pair is " + s.state();
        }
        if (!m.activeId().isEmpty() && !m.activeId().equals(s.activeId())) {
            return "waiting for its first cycle from " + s.activeId();
        }
        if (!m.why().isEmpty()
                && !s.transitions().isEmpty()
                && !mirror.cycledSince(s.transitions().getLast().atNanos())) {
            return "waiting for its first cycle since the pair became " + s.state();
        }
        return m.why();
    }

    /**
     * A pair's security posture: the verdict ({@code parity}, or the standby's {@code drift}), each
     * controller's probed fields and what it lacks against the baseline.
     */
    public static ObjectNode posture(ObjectMapper json, PostureStatus p) {
        ObjectNode node = json.createObjectNode();
        node.put("verdict", p.parity().isEmpty() ? "parity" : "drift");
        node.put("active", p.active());
        node.put("standby", p.standby());
        ArrayNode drift = node.putArray("drift");
        p.parity().forEach(f -> drift.add(f.toString()));
        ObjectNode controllers = node.putObject("controllers");
        p.controllers().forEach((id, c) -> {
            ObjectNode cn = controllers.putObject(id);
            cn.put("probedAt", c.probedAt().toString());
            cn.put("probeMs", c.probeMillis());
            cn.set("tls", json.valueToTree(c.tlsVersions()));
            cn.set("weakSuites", json.valueToTree(c.weakSuites()));
            cn.put("suites", c.cipherSuites().size());
            if (c.plainModbus() != null) {
                cn.put("plainModbus", c.plainModbus());
            }
            if (c.certificate() != null) {
                ControllerPosture.Certificate cert = c.certificate();
                cn.putObject("certificate")
                        .put("subject", cert.subject())
                        .put("issuer", cert.issuer())
                        .put("notAfter", cert.notAfter().toString())
                        .put("key", cert.key())
                        .put("securityBits", cert.securityBits())
                        .put("thumbprint", cert.thumbprint());
            }
            if (c.identity() != null) {
                cn.set("identity", json.valueToTree(c.identity()));
            }
            if (c.opcUa() != null) {
                ObjectNode ua = cn.putObject("opcua");
                ua.set("endpoints", json.valueToTree(c.opcUa().endpoints()));
                ua.put("anonymous", c.opcUa().anonymous());
                ua.put("build", c.opcUa().build());
            }
            ArrayNode findings = cn.putArray("baseline");
            p.baseline().getOrDefault(id, List.of()).forEach(f -> findings.add(f.kind() + " " + f));
            cn.set("unknown", json.valueToTree(c.unknown()));
        });
        return node;
    }

    public static ObjectNode report(ObjectMapper json, SwitchoverReport r) {
        ObjectNode node = json.createObjectNode();
        node.put("kind", r.kind().name());
        node.put("outcome", r.outcome().name());
        node.put("from", r.from());
        node.put("to", r.to());
        node.put("reason", r.reason());
        if (!r.failure().isEmpty()) {
            node.put("failure", r.failure());
        }
        if (r.ok()) {
            r.figures().forEach((k, v) -> node.set(k, json.valueToTree(v)));
        }
        return node;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
