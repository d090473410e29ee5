package dev.failover.gateway.mqtt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.gateway.config.ControllerConfig;
import dev.failover.gateway.failover.Alarm;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.posture.Finding;
import dev.failover.gateway.posture.PostureStatus;
import dev.failover.gateway.scada.ServiceLevels;
import dev.failover.gateway.supervisor.Pair;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The retained state of one pair for incident response: who is active, the pair state, the OPC UA
 * ServiceLevel, the alarms, each controller's condition and role, and the posture verdict when there
 * is one. Only what changes with the situation, not with every poll (no heartbeat, no latency), so the
 * state is published again only when it changed. Stateless.
 */
final class PairStateJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PairStateJson() {}

    static ObjectNode of(Pair pair, Optional<PostureStatus> posture) {
        PairStatus s = pair.status();
        ObjectNode node = JSON.createObjectNode();
        node.put("pair", pair.pairName());
        node.put("state", s.state().name());
        node.put("active", s.activeId());
        node.put("serviceLevel", ServiceLevels.of(s));
        node.put("switchovers", s.switchovers());
        ObjectNode alarms = node.putObject("alarms");
        for (Map.Entry<Alarm, String> a : s.alarms().entrySet()) {
            alarms.put(a.getKey().name(), a.getValue());
        }
        ObjectNode controllers = node.putObject("controllers");
        for (ControllerConfig c : pair.config().controllers()) {
            Health h = s.health().get(c.id());
            ObjectNode cn = controllers.putObject(c.id());
            cn.put("condition", h == null ? "UNKNOWN" : h.condition().name());
            cn.put("role", h == null ? "UNKNOWN" : h.role().name());
            cn.put("reachable", h != null && h.reachable());
            cn.put("fenced", s.fenced().contains(c.id()));
        }
        posture.ifPresent(p -> {
            ObjectNode pn = node.putObject("posture");
            List<Finding> parity = p.parity();
            pn.put("verdict", parity.isEmpty() ? "parity" : "standby-weaker");
            pn.putArray("parity")
                    .addAll(parity.stream()
                            .map(f -> JSON.getNodeFactory().textNode(f.toString()))
                            .toList());
            ObjectNode baseline = pn.putObject("baselineFindings");
            p.baseline().forEach((id, findings) -> baseline.put(id, findings.size()));
        });
        return node;
    }
}
