package dev.failover.gateway.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The last time a controller drove, kept across gateway restarts so an outage is measured whole (issue 9). */
class DrivingMarkTest {

    @TempDir
    Path dir;

    @Test
    void aRestartedGatewayReadsWhenTheProcessWasLastDriven() {
        Clock at = Clock.fixed(Instant.parse("2026-12-07T08:00:00Z"), ZoneOffset.UTC);
        new DrivingMark(dir.resolve("driving-tank-1"), at).driving("plc-a");

        assertThat(new DrivingMark(dir.resolve("driving-tank-1"), Clock.systemUTC()).recorded())
                .contains(at.millis());
    }

    @Test
    void writesAtMostOnceASecond() {
        MutableClock clock = new MutableClock(1_000_000);
        DrivingMark mark = new DrivingMark(dir.resolve("driving-tank-1"), clock);
        mark.driving("plc-a");
        clock.millis += 500;
        mark.driving("plc-a");
        assertThat(mark.recorded()).contains(1_000_000L);
        clock.millis += 500;
        mark.driving("plc-a");
        assertThat(mark.recorded()).contains(1_001_000L);
    }

    @Test
    void aDamagedFileMeansUnknownNotAnError() throws Exception {
        Files.writeString(dir.resolve("driving-tank-1"), "not a time");
        assertThat(new DrivingMark(dir.resolve("driving-tank-1"), Clock.systemUTC()).recorded())
                .isEmpty();
        assertThat(new DrivingMark(dir.resolve("absent"), Clock.systemUTC()).recorded())
                .isEmpty();
    }

    private static final class MutableClock extends Clock {
        long millis;

        MutableClock(long millis) {
            this.millis = millis;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }
}
