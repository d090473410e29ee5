package dev.failover.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scale benchmark's readings of the gateway's status, of its threads and of its JVM options. */
class ScaleBenchmarkTest {

    private final ObjectMapper json = new ObjectMapper();

    private static String pair(String state, String conditionB, boolean fencedB, boolean armedB) {
        return """
                {"pair": "p", "state": "%s", "controllers": [
                  {"id": "a", "condition": "HEALTHY", "fenced": false, "detectionArmed": true},
                  {"id": "b", "condition": "%s", "fenced": %s, "detectionArmed": %s}]}
                """.formatted(state, conditionB, fencedB, armedB);
    }

    private int protectedPairs(String... pairs) throws Exception {
        JsonNode status = json.readTree("{\"ok\": true, \"pairs\": [" + String.join(",", pairs) + "]}");
        return ScaleBenchmark.protectedPairs(status);
    }

    @Test
    void aPairCountsAsProtectedOnlyWithBothHealthyUnfencedAndArmed() throws Exception {
        assertThat(protectedPairs(pair("PROTECTED", "HEALTHY", false, true))).isEqualTo(1);
        assertThat(protectedPairs(
                        pair("PROTECTED", "HEALTHY", false, true),
                        pair("DEGRADED", "HEALTHY", false, true),
                        pair("PROTECTED", "SUSPECT", false, true),
                        pair("PROTECTED", "HEALTHY", true, true),
                        // Armed detection is what makes a timeout count: before it, a crash measures start-up.
                        pair("PROTECTED", "HEALTHY", false, false)))
                .isEqualTo(1);
    }

    @Test
    void aPairWithOneControllerOrAnErrorAnswerIsNotProtected() throws Exception {
        assertThat(protectedPairs("""
                {"state": "PROTECTED", "controllers": [{"condition": "HEALTHY", "fenced": false, "detectionArmed": true}]}
                """)).isZero();
        assertThat(ScaleBenchmark.protectedPairs(json.readTree("{\"ok\": false, \"error\": \"no pair\"}")))
                .isZero();
    }

    @Test
    void threadCpuIsTheDeltaOverTheWindowBusiestFirst() {
        Map<Long, ProcStats.Cpu> before = Map.of(
                1L, new ProcStats.Cpu("poll-a", 100),
                2L, new ProcStats.Cpu("pause-detector", 50),
                3L, new ProcStats.Cpu("ended", 999));
        Map<Long, ProcStats.Cpu> after = Map.of(
                1L, new ProcStats.Cpu("poll-a", 130),
                2L, new ProcStats.Cpu("pause-detector", 60),
                4L, new ProcStats.Cpu("born", 40));
        // 100 ticks a second over 10 s: 1000 ticks are one core.
        List<ScaleReport.ThreadCpu> top = ScaleBenchmark.topThreads(before, after, 100, 10);
        assertThat(top).extracting(ScaleReport.ThreadCpu::name).containsExactly("born", "poll-a", "pause-detector");
        assertThat(top.get(0).percent()).isCloseTo(4.0, within(1e-9));
        assertThat(top.get(1).percent()).isCloseTo(3.0, within(1e-9));
        assertThat(top.get(2).percent()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void theOnePairTargetsAreJudgedAndAFalseFailoverShowsInTheTable() {
        Stats rto = new Stats();
        rto.add(80);
        rto.add(120);
        ScaleReport.Run one = new ScaleReport.Run(
                1,
                7.2,
                129.0,
                20,
                new HeapAllocation.Rate(java.util.OptionalDouble.of(1.5), Double.NaN, 6),
                "",
                rto,
                2,
                0,
                new ScalePairs.RoleChanges(2, 1),
                new ScalePairs.RoleChanges(0, 0),
                List.of(new ScaleReport.ThreadCpu("poll-tank-01-a", 1.2)),
                5.0,
                "0.5",
                "");
        String text = ScaleReport.render("header\n", List.of(one, ScaleReport.Run.failed(50, "ports exhausted")));
        assertThat(text)
                .contains("CPU < 3 % of a core: MISSED (7.20 %)")
                .contains("RSS < 200 MB: MET (129.0 MB)")
                .contains("|       1.50 |")
                .contains("0 (+2 at start)")
                .contains("poll-tank-01-a     1.20")
                .contains("FAILED: ports exhausted");
    }
}
