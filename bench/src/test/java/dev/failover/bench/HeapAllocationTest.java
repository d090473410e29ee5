package dev.failover.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing of {@code jstat -gc -t} and the allocation it implies. */
class HeapAllocationTest {

    /** JDK 25's columns with the serial collector (no concurrent collections: CGC and CGCT are "-"). */
    private static final String HEADER = "Timestamp           S0C         S1C         S0U         S1U          EC"
            + "           EU           OC           OU          MC         MU       CCSC      CCSU     YGC     YGCT"
            + "     FGC    FGCT     CGC    CGCT       GCT   ";

    @Test
    void parsesTheColumnsByName() {
        HeapAllocation.Sample s = HeapAllocation.parse(
                HEADER,
                "           12.5      1088.0      1088.0         0.0       512.3      8768.0      2048.0     21888.0"
                        + "     11000.1    25000.0    24500.2    3000.0     2800.5     7     0.021     1     0.040"
                        + "       -          -     0.061");
        assertThat(s.seconds()).isEqualTo(12.5);
        assertThat(s.edenCapacityKb()).isEqualTo(8768.0);
        assertThat(s.youngCollections()).isEqualTo(7);
    }

    @Test
    void aLineThatDoesNotMatchItsHeaderIsRefused() {
        assertThatThrownBy(() -> HeapAllocation.parse(HEADER, "1.0 2.0 3.0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("columns");
        assertThatThrownBy(() -> HeapAllocation.parse("Timestamp EU YGC FGC", "1.0 2.0 3 0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EC");
    }

    @Test
    void theRateRunsFromTheFirstCollectionToTheLast() {
        // Collections seen at 2.0 s and 4.0 s (eden 8192 kB before each): one eden in 2 s, whatever came before.
        List<HeapAllocation.Sample> samples = List.of(
                new HeapAllocation.Sample(1.0, 8192, 3),
                new HeapAllocation.Sample(2.0, 8192, 4),
                new HeapAllocation.Sample(3.0, 8192, 4),
                new HeapAllocation.Sample(4.0, 8192, 5),
                new HeapAllocation.Sample(5.0, 8192, 5));
        HeapAllocation.Rate rate = HeapAllocation.rate(samples);
        assertThat(rate.megabytesPerSecond()).hasValueCloseTo(4.0, within(1e-9));
        assertThat(rate.collections()).isEqualTo(2);
    }

    @Test
    void severalCollectionsBetweenTwoSamplesAreEachAWholeEdenOfTheCapacityBefore() {
        // At 2.0 s two collections (the second a whole eden of 4096 kB); at 3.0 s three more of 8192 kB.
        List<HeapAllocation.Sample> samples = List.of(
                new HeapAllocation.Sample(1.0, 4096, 0),
                new HeapAllocation.Sample(2.0, 8192, 2),
                new HeapAllocation.Sample(3.0, 8192, 5));
        assertThat(HeapAllocation.rate(samples).megabytesPerSecond())
                .hasValueCloseTo((4096 + 3 * 8192) / 1024.0, within(1e-9));
    }

    @Test
    void withFewerThanTwoCollectionsThereIsOnlyABound() {
        // One collection in a 10 s window: at most two edens (16 MB) were allocated in it.
        List<HeapAllocation.Sample> samples = List.of(
                new HeapAllocation.Sample(0.0, 8192, 7),
                new HeapAllocation.Sample(5.0, 8192, 8),
                new HeapAllocation.Sample(10.0, 8192, 8));
        HeapAllocation.Rate rate = HeapAllocation.rate(samples);
        assertThat(rate.megabytesPerSecond()).isEmpty();
        assertThat(rate.atMostMegabytesPerSecond()).isCloseTo(1.6, within(1e-9));
        assertThat(HeapAllocation.rate(List.of(new HeapAllocation.Sample(0, 8192, 0)))
                        .atMostMegabytesPerSecond())
                .isNaN();
    }
}
