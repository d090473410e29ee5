package dev.failover.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.bench.FailoverBenchmark.Section;
import org.junit.jupiter.api.Test;

/** The {@code --sections} list of {@code bench failover}. */
class FailoverBenchmarkTest {

    private static BenchMain.Failover parse(String... args) {
        return (BenchMain.Failover) BenchMain.commandLine()
                .parseArgs(args)
                .subcommand()
                .commandSpec()
                .userObject();
    }

    @Test
    void sectionsAreNamedInAnyCase() {
        assertThat(parse("failover", "--sections", "unloaded,SOAK").sections)
                .containsExactlyInAnyOrder(Section.UNLOADED, Section.SOAK);
        assertThat(parse("failover", "--sections", "fast").sections).containsExactly(Section.FAST);
    }

    @Test
    void everySectionRunsByDefault() {
        assertThat(parse("failover").sections).containsExactly(Section.values());
    }
}
