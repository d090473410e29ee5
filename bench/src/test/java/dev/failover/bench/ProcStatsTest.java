package dev.failover.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Parsing of /proc/<pid>/stat and /proc/<pid>/status (formats of proc(5)). */
class ProcStatsTest {

    /** A real line of a JVM's thread: utime (field 14) 1234 and stime (field 15) 56. */
    private static final String STAT = "4242 (poll-tank-01-a) S 4200 4200 19215 0 -1 1077936192 812 0 0 0 1234 56"
            + " 0 0 20 0 24 0 1019825 3133440 394 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0";

    @Test
    void cpuIsUtimePlusStimeAndTheNameIsComm() {
        ProcStats.Cpu cpu = ProcStats.parseStat(STAT);
        assertThat(cpu.ticks()).isEqualTo(1234 + 56);
        assertThat(cpu.name()).isEqualTo("poll-tank-01-a");
    }

    @Test
    void aNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        // comm is free text: counting fields from the first ')' would read the wrong columns.
        String odd = STAT.replace("(poll-tank-01-a)", "(a) b (c) 99 9)");
        ProcStats.Cpu cpu = ProcStats.parseStat(odd);
        assertThat(cpu.name()).isEqualTo("a) b (c) 99 9");
        assertThat(cpu.ticks()).isEqualTo(1290);
    }

    @Test
    void aTruncatedOrForeignLineIsRefused() {
        assertThatThrownBy(() -> ProcStats.parseStat("4242 (java) S 1 2 3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fields");
        assertThatThrownBy(() -> ProcStats.parseStat("no parentheses here"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void statusGivesResidentKilobytesAndThreads() {
        String status = "Name:\tjava\nVmPeak:\t 3000000 kB\nVmRSS:\t  131072 kB\nRssAnon:\t  100000 kB\nThreads:\t23\n";
        ProcStats.Memory m = ProcStats.parseStatus(status);
        assertThat(m.rssKb()).isEqualTo(131072);
        assertThat(m.rssMegabytes()).isEqualTo(128.0);
        assertThat(m.threads()).isEqualTo(23);
    }

    @Test
    void aZombieWithoutVmRssIsRefused() {
        assertThatThrownBy(() -> ProcStats.parseStatus("Name:\tjava\nState:\tZ (zombie)\nThreads:\t1\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsThisProcess() throws Exception {
        long self = ProcessHandle.current().pid();
        assertThat(ProcStats.memory(self).threads()).isPositive();
        assertThat(ProcStats.threads(self)).isNotEmpty().containsKey(self);
        assertThat(ProcStats.clockTicksPerSecond()).isPositive();
    }
}
