package dev.failover.plcsim.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.failover.plcsim.Plant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePlantTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();

    @Test
    void twoPlantObjectsOnOneFileShareTheTank() {
        Path file = dir.resolve("tank.plant");
        try (FilePlant first = FilePlant.open(file, clock);
                FilePlant second = FilePlant.open(file, clock)) {
            Plant.Slot a = first.attach("A");
            Plant.Slot b = second.attach("B");
            a.exchange(100, true, 0);

            clock.advance(Duration.ofMillis(400));

            assertThat(b.exchange(0, false, 0).inflowPercent()).isEqualTo(100);
            assertThat(second.read().levelPercent()).isCloseTo(52, within(1e-9));
            assertThat(first.read().levelPercent()).isCloseTo(52, within(1e-9));
            assertThat(first.read().controllers()).isEqualTo(2);
        }
    }

    @Test
    void theTankOutlivesThePlantObject() {
        Path file = dir.resolve("tank.plant");
        try (FilePlant plant = FilePlant.open(file, clock)) {
            plant.attach("A").exchange(100, true, 0);
            clock.advance(Duration.ofMillis(200));
            plant.read();
        }
        try (FilePlant reopened = FilePlant.open(file, clock)) {
            assertThat(reopened.read().levelPercent()).isCloseTo(51, within(1e-9));
            assertThat(reopened.attach("A"))
                    .as("a restarted controller reclaims its slot")
                    .isNotNull();
            assertThat(reopened.read().controllers()).isEqualTo(1);
        }
        assertThat(file).hasSize(MappedTankStore.SIZE);
    }

    @Test
    void anEmptyFileBecomesAPlant() throws Exception {
        Path file = Files.createFile(dir.resolve("empty.plant"));

        try (FilePlant plant = FilePlant.open(file, clock)) {
            assertThat(plant.read().levelPercent()).isEqualTo(50);
        }
    }

    @Test
    void aFileOfAnotherSizeIsNotAPlant() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "hello");

        assertThatThrownBy(() -> FilePlant.open(file, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + " is not a plant file: its size is 5 bytes, a plant file has " + MappedTankStore.SIZE
                        + "; delete it or choose another --plant path");
        assertThat(Files.readString(file)).as("left untouched").isEqualTo("hello");
    }

    @Test
    void aFileWithoutTheMagicIsNotAPlant() throws Exception {
        Path file = Files.write(dir.resolve("zeros.bin"), new byte[MappedTankStore.SIZE]);

        assertThatThrownBy(() -> FilePlant.open(file, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a plant file: it does not start with the plant file magic");
    }

    @Test
    void plantFileFactoryUsesTheSameFormat() {
        Path file = dir.resolve("factory.plant");
        try (Plant plant = Plant.file(file)) {
            assertThat(plant).isInstanceOf(FilePlant.class);
            assertThat(plant.read().levelPercent()).isCloseTo(50, within(0.5));
        }
    }
}
