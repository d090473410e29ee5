package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: a cold gateway (a fresh JVM: class loading, JIT, TLS handshakes over Modbus/TCP
 * Security) must never fail over a healthy pair. The gateway is started as a child process at the
 * default timings against a healthy pair, again and again ({@code -DcoldStartIT.starts=N}, 20 by
 * default): every start must end PROTECTED with the controller that was active, no switchover and
 * no switchover attempt in the event log, and both controllers armed.
 */
@Timeout(300)
class ColdStartIT {

    private static final int STARTS = Integer.getInteger("coldStartIT.starts", 20);

    @TempDir
    Path dir;

    @Test
    void coldStartsAgainstAHealthyPairNeverSwitch() throws Exception {
        List<String> switched = new ArrayList<>();
        try (GatewayKillRig rig = new GatewayKillRig(dir, GatewayKillRig.DEFAULT_FAILOVER)) {
            for (int start = 1; start <= STARTS; start++) {
                rig.startGateway();
                rig.awaitProtected();
                rig.awaitArmed();
                if (!"plc-a".equals(rig.activeId())
                        || rig.pairStatus().path("switchovers").asInt() != 0) {
                    switched.add("start " + start + ": active " + rig.activeId() + ", "
                            + rig.pairStatus().path("switchovers").asInt() + " switchover(s)");
                }
                rig.gateway().stop();
            }
            long attempts = rig.events().stream()
                    .filter(e -> e.path("type").asText().startsWith("SWITCHOVER_"))
                    .count();
            assertThat(switched)
                    .as("starts that switched the healthy pair; the events of every start:%n%s", eventLines(rig))
                    .isEmpty();
            assertThat(attempts)
                    .as("switchover events over %d cold starts", STARTS)
                    .isZero();
        }
    }

    private static String eventLines(GatewayKillRig rig) throws Exception {
        StringBuilder b = new StringBuilder();
        for (JsonNode e : rig.events()) {
            String type = e.path("type").asText();
            if (!type.equals("DETECTION_ARMED") && !type.equals("PARTNER_LINK")) {
                b.append(e.path("time").asText())
                        .append(' ')
                        .append(type)
                        .append(' ')
                        .append(e.path("controller").asText())
                        .append(": ")
                        .append(e.path("message").asText())
                        .append('\n');
            }
        }
        return b.toString();
    }
}
