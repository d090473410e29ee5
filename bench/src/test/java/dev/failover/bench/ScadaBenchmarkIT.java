package dev.failover.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.config.FailoverPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SCADA benchmark runs end to end with tiny counts and yields complete figures. Latencies are
 * only checked for sanity: speed targets belong to the benchmark's printout (docs/benchmarks.md),
 * not to a test that a loaded CI machine could fail.
 */
@Timeout(120)
class ScadaBenchmarkIT {

    @Test
    void aShortRunCountsEveryReadAndChangeWithPlausibleFigures() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ScadaBenchmark benchmark = new ScadaBenchmark(new PrintStream(printed, true, StandardCharsets.UTF_8));
        // Slower polls than the default, as in ScadaServerIT: a loaded CI machine must not make the
        // pair fail over in the middle of the run.
        FailoverPolicy policy = new FailoverPolicy(
                Duration.ofMillis(50),
                Duration.ofMillis(40),
                3,
                3,
                Duration.ZERO,
                FailoverPolicy.FailbackMode.MANUAL,
                Duration.ofSeconds(60),
                FailoverPolicy.UnreachableActive.FENCE,
                Duration.ofSeconds(5),
                10,
                Duration.ofMinutes(10));
        ScadaBenchmark.Settings settings = new ScadaBenchmark.Settings(60, 10, 5, 1, policy);

        ScadaBenchmark.Result r = benchmark.measure(settings);

        assertThat(r.gatewayRead().count()).isEqualTo(60);
        assertThat(r.directRead().count()).isEqualTo(60);
        assertThat(r.directNotGood()).isEmpty();
        assertThat(r.missedChanges())
                .as(printed.toString(StandardCharsets.UTF_8))
                .isZero();
        assertThat(r.changeToScan().count()).isEqualTo(r.notification().count());
        assertThat(r.scanToClient().count()).isEqualTo(r.notification().count());
        assertThat(r.notification().count() + r.disturbedChanges()).isEqualTo(5);
        for (ScadaBenchmark.Latency l : new ScadaBenchmark.Latency[] {
            r.gatewayRead(), r.directRead(), r.notification(), r.changeToScan(), r.write()
        }) {
            assertThat(l.median()).isPositive();
            assertThat(l.median()).isLessThanOrEqualTo(l.p90());
            assertThat(l.p90()).isLessThanOrEqualTo(l.p99());
            assertThat(l.p99()).isLessThanOrEqualTo(l.max());
        }
        // Each notification follows the scan that read its value, so every order statistic does too.
        assertThat(r.notification().median())
                .isGreaterThanOrEqualTo(r.changeToScan().median());
        assertThat(r.pollMillis()).isEqualTo(50);
        assertThat(r.revisedPublishingMillis()).isEqualTo(ScadaBenchmark.PUBLISHING_MILLIS);
        assertThat(ScadaReport.render(settings, r)).contains("target read", "target notify");
    }
}
