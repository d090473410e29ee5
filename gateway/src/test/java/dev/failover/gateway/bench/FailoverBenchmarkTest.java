package dev.failover.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.gateway.bench.FailoverBenchmark.Section;
import org.junit.jupiter.api.Test;

/** The {@code --sections} list of {@code gateway benchmark}. */
class FailoverBenchmarkTest {

    @Test
    void sectionsAreNamedInAnyCaseWithSpacesAroundTheCommas() {
        assertThat(Section.parse("unloaded, SOAK")).containsExactlyInAnyOrder(Section.UNLOADED, Section.SOAK);
        assertThat(Section.parse("fast")).containsExactly(Section.FAST);
    }

    @Test
    void anUnknownSectionNamesItselfAndTheSectionsThereAre() {
        assertThatThrownBy(() -> Section.parse("unloaded,cold"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown section 'cold'; the sections are unloaded,starvation,soak,fast");
    }
}
