package dev.failover.plcsim.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.failover.plcsim.PartnerSign;
import dev.failover.plcsim.Plant;
import dev.failover.plcsim.PlantState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
        assertThat(file).hasSize(FilePlant.SIZE);
    }

    @Test
    void aReadTakesNoLockAndWritesNothing() throws Exception {
        Path file = dir.resolve("tank.plant");
        try (FilePlant plant = FilePlant.open(file, clock);
                FileChannel other = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            plant.attach("A").exchange(100, true, 0);
            clock.advance(Duration.ofMillis(200));
            byte[] before = Files.readAllBytes(file);

            // Another holder has the file lock: a locked access from this JVM would throw
            // OverlappingFileLockException, a reader does not care.
            try (FileLock held = other.lock()) {
                PlantState state = plant.read();
                assertThat(state.levelPercent()).isCloseTo(51, within(1e-9));
                assertThat(state.drivers()).isEqualTo(1);
            }
            assertThat(Files.readAllBytes(file)).as("the file after a read").isEqualTo(before);
        }
    }

    @Test
    void anUpdateTakesNoFileLock() throws Exception {
        Path file = dir.resolve("tank.plant");
        try (FilePlant plant = FilePlant.open(file, clock);
                FileChannel other = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Plant.Slot a = plant.attach("A");
            try (FileLock held = other.lock()) {
                a.exchange(100, true, 0);
                plant.outputEnable("A", false);
            }
            assertThat(plant.outputEnabled("A")).isFalse();
        }
    }

    @Test
    void aReaderNeverSeesHalfAnUpdate() throws Exception {
        Path file = dir.resolve("tank.plant");
        try (FilePlant plant = FilePlant.open(file, clock)) {
            plant.attach("A").exchange(0, false, 30);
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> plant.update(store -> {
                store.valve(10);
                inside.countDown();
                await(finish);
                store.valve(20);
                return null;
            }));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(plant.read().valvePercent())
                    .as("during the update, the state before it, never the 10 in its middle")
                    .isEqualTo(30);
            finish.countDown();
            writer.get(10, TimeUnit.SECONDS);
            assertThat(plant.read().valvePercent()).as("after it, all of it").isEqualTo(20);
        }
    }

    @Test
    @Timeout(30) // with a file lock, the relay box would wait for the stopped writer forever
    void aWriterStoppedInTheMiddleOfAnUpdateHoldsUpNobodyAndItsUpdateLandsOnTopWhenItResumes() throws Exception {
        // Two plant objects claim two writer entries, as two processes do; one is held inside its update
        // as SIGSTOP would hold a controller's process.
        Path file = dir.resolve("tank.plant");
        try (FilePlant controller = FilePlant.open(file, clock);
                FilePlant relayBox = FilePlant.open(file, clock)) {
            Plant.Slot a = controller.attach("A");
            a.exchange(60, true, 30);
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch resume = new CountDownLatch(1);
            AtomicInteger runs = new AtomicInteger();
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> controller.update(store -> {
                store.valve(45);
                if (runs.incrementAndGet() == 1) {
                    inside.countDown();
                    await(resume);
                }
                return null;
            }));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

            relayBox.outputEnable("A", false);
            assertThat(relayBox.read().drivers())
                    .as("the cut took effect at once")
                    .isZero();
            assertThat(relayBox.read().valvePercent())
                    .as("the stopped update is not visible")
                    .isEqualTo(30);

            resume.countDown();
            stopped.get(10, TimeUnit.SECONDS);
            assertThat(runs)
                    .as("its first run lost to the relay's update, and it ran again")
                    .hasValue(2);
            assertThat(controller.read().valvePercent()).isEqualTo(45);
            assertThat(controller.outputEnabled("A"))
                    .as("the cut was not undone")
                    .isFalse();
        }
    }

    @Test
    void aWriterEntryOfAProcessThatEndedIsClaimedAgainAndItsHalfWrittenPagesAreNeverRead() throws Exception {
        Path file = dir.resolve("tank.plant");
        try (FilePlant plant = FilePlant.open(file, clock)) {
            plant.attach("A").exchange(50, true, 30);
        }
        Process ended = new ProcessBuilder("true").start();
        assertThat(ended.waitFor(10, TimeUnit.SECONDS)).isTrue();
        try (FileChannel raw = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer dead = ByteBuffer.allocate(FilePlant.WRITERS * Long.BYTES);
            for (int i = 0; i < FilePlant.WRITERS; i++) {
                dead.putLong(i * Long.BYTES, ended.pid());
            }
            raw.write(dead, FilePlant.OFF_WRITERS);
            // Killed while writing its pages: garbage everywhere but in the current page.
            long commit = ByteBuffer.wrap(Files.readAllBytes(file)).getLong(FilePlant.OFF_COMMIT);
            int current = (int) (commit & 0xFF);
            for (int p = 0; p < FilePlant.PAGES; p++) {
                if (p != current) {
                    byte[] garbage = new byte[FilePlant.PAGE_SIZE];
                    Arrays.fill(garbage, (byte) 0x5A);
                    raw.write(ByteBuffer.wrap(garbage), FilePlant.OFF_PAGES + (long) p * FilePlant.PAGE_SIZE);
                }
            }
        }

        try (FilePlant plant = FilePlant.open(file, clock)) {
            assertThat(plant.read().drivers()).isEqualTo(1);
            plant.attach("A").exchange(70, true, 30);
            assertThat(plant.read().inflowPercent()).isEqualTo(70);
            assertThat(writerEntries(file))
                    .as("one entry claimed again")
                    .contains(ProcessHandle.current().pid());
        }
        assertThat(writerEntries(file))
                .as("given back when closed")
                .doesNotContain(ProcessHandle.current().pid());
    }

    @Test
    void whenEveryWriterEntryBelongsToALiveProcessAnUpdateIsRefusedAndNothingIsWritten() throws Exception {
        Path file = dir.resolve("tank.plant");
        try (FilePlant plant = FilePlant.open(file, clock)) {
            plant.attach("A");
        }
        try (FileChannel raw = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer live = ByteBuffer.allocate(FilePlant.WRITERS * Long.BYTES);
            for (int i = 0; i < FilePlant.WRITERS; i++) {
                live.putLong(i * Long.BYTES, ProcessHandle.current().pid());
            }
            raw.write(live, FilePlant.OFF_WRITERS);
        }
        byte[] before = Files.readAllBytes(file);

        try (FilePlant plant = FilePlant.open(file, clock)) {
            assertThatThrownBy(() -> plant.outputEnable("A", false))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("plant file " + file + " already has 16 writers in live processes; stop one or use"
                            + " another --plant path");
            assertThat(plant.outputEnabled("A")).as("reading needs no entry").isTrue();
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    private static List<Long> writerEntries(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        List<Long> entries = new ArrayList<>();
        for (int i = 0; i < FilePlant.WRITERS; i++) {
            entries.add(bytes.getLong(FilePlant.OFF_WRITERS + i * Long.BYTES));
        }
        return entries;
    }

    /** Where the current tank image starts in the file's bytes. */
    private static int currentPage(ByteBuffer bytes) {
        return FilePlant.OFF_PAGES + (int) (bytes.getLong(FilePlant.OFF_COMMIT) & 0xFF) * FilePlant.PAGE_SIZE;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
                .hasMessage(file + " is not a plant file: its size is 5 bytes, a plant file has " + FilePlant.SIZE
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

    @Test
    void aRelayCutThroughOnePlantObjectHoldsForTheOtherAndSurvivesReopening() {
        Path file = dir.resolve("tank.plant");
        try (FilePlant box = FilePlant.open(file, clock);
                FilePlant controllers = FilePlant.open(file, clock)) {
            Plant.Slot a = controllers.attach("A");
            a.exchange(60, true, 30);

            box.outputEnable("A", false);

            assertThat(controllers.read().drivers()).isZero();
            assertThat(controllers.read().inflowPercent()).isZero();
            assertThat(a.outputEnabled()).isFalse();
            a.close();
        }
        try (FilePlant reopened = FilePlant.open(file, clock)) {
            assertThat(reopened.attach("A").outputEnabled())
                    .as("a restarted controller finds its relay still cut")
                    .isFalse();
        }
    }

    @Test
    void theRelayIsTheIntAtOffset52OfItsSlot() throws Exception {
        Path file = dir.resolve("tank.plant");
        try (FilePlant plant = FilePlant.open(file, clock)) {
            plant.attach("A");
            plant.attach("B");

            plant.outputEnable("B", false);
        }

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        int slotA = currentPage(bytes) + 40;
        int slotB = slotA + MappedTankStore.SLOT_SIZE;
        assertThat(bytes.getInt(slotB + 52)).as("B: cut").isEqualTo(1);
        assertThat(bytes.getInt(slotA + 52)).as("A: closed").isZero();
    }

    @Test
    void aFileWrittenBeforeTheRelaysExistedReadsEveryRelayClosed() throws Exception {
        // A plant file as the format without relays wrote it: controller A driving 50 %, bytes 52-63
        // of its slot zero.
        ByteBuffer old = ByteBuffer.allocate(MappedTankStore.SIZE);
        old.put(0, MappedTankStore.MAGIC);
        old.putInt(8, 1);
        old.putInt(12, 8);
        old.putDouble(16, 40.0);
        old.putDouble(24, 30.0);
        old.putLong(32, SharedTank.epochMicros(clock));
        old.put(40, "A".getBytes(StandardCharsets.US_ASCII));
        old.putDouble(40 + 32, 50.0);
        old.putLong(40 + 40, SharedTank.epochMicros(clock));
        old.putInt(40 + 48, 1);
        Path file = Files.write(dir.resolve("old.plant"), old.array());

        try (FilePlant plant = FilePlant.open(file, clock)) {
            assertThat(file).as("upgraded to the paged format").hasSize(FilePlant.SIZE);
            assertThat(plant.outputEnabled("A")).isTrue();
            assertThat(plant.read().drivers()).isEqualTo(1);
            assertThat(plant.read().inflowPercent()).isEqualTo(50);
            assertThat(plant.read().levelPercent()).isEqualTo(40);
        }
    }

    @Test
    void aVersion1FileWithItsWriteSequenceIsUpgradedAndKeepsItsTank() throws Exception {
        ByteBuffer old = ByteBuffer.allocate(MappedTankStore.SIZE + Long.BYTES);
        old.put(0, MappedTankStore.MAGIC);
        old.putInt(8, 1);
        old.putInt(12, 8);
        old.putDouble(16, 42.0);
        old.putDouble(24, 35.0);
        old.putLong(32, SharedTank.epochMicros(clock));
        old.put(40, "A".getBytes(StandardCharsets.US_ASCII));
        old.putInt(40 + 52, 1);
        old.putLong(MappedTankStore.SIZE, 12);
        Path file = Files.write(dir.resolve("v1.plant"), old.array());

        try (FilePlant plant = FilePlant.open(file, clock)) {
            assertThat(file).hasSize(FilePlant.SIZE);
            assertThat(plant.read().levelPercent()).isEqualTo(42);
            assertThat(plant.read().valvePercent()).isEqualTo(35);
            assertThat(plant.outputEnabled("A")).as("its cut relay").isFalse();
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        assertThat(bytes.getInt(8)).as("file format version").isEqualTo(FilePlant.VERSION);
    }

    @Test
    void theLifeSignIsTheIntAtOffset56OfItsSlotAndItsTimeTheIntAt60() throws Exception {
        Path file = dir.resolve("tank.plant");
        try (FilePlant plantA = FilePlant.open(file, clock);
                FilePlant plantB = FilePlant.open(file, clock)) {
            Plant.Slot a = plantA.attach("A");
            Plant.Slot b = plantB.attach("B");

            assertThat(a.exchangeLifeSign(0x1234))
                    .as("B has not published yet")
                    .contains(new PartnerSign("B", OptionalInt.empty()));
            assertThat(b.exchangeLifeSign(0)).contains(new PartnerSign("A", OptionalInt.of(0x1234)));
            assertThat(a.exchangeLifeSign(0x1235))
                    .as("heartbeat 0 is a life sign, not 'never published'")
                    .contains(new PartnerSign("B", OptionalInt.of(0)));
        }

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        int slotA = currentPage(bytes) + 40;
        int slotB = slotA + MappedTankStore.SLOT_SIZE;
        assertThat(bytes.getInt(slotA + 56))
                .as("A: published, heartbeat 0x1235")
                .isEqualTo(0x11235);
        assertThat(bytes.getInt(slotB + 56)).as("B: published, heartbeat 0").isEqualTo(0x10000);
        assertThat(Integer.toUnsignedLong(bytes.getInt(slotA + 60)))
                .isEqualTo(clock.instant().getEpochSecond());
    }

    @Test
    void aFileWrittenBeforeThePartnerLinkReadsAsNeverPublished() throws Exception {
        // A plant file as the format without life signs wrote it: A and B claimed, bytes 56-63 zero.
        ByteBuffer old = ByteBuffer.allocate(MappedTankStore.SIZE);
        old.put(0, MappedTankStore.MAGIC);
        old.putInt(8, 1);
        old.putInt(12, 8);
        old.putDouble(16, 50.0);
        old.putDouble(24, 30.0);
        old.putLong(32, SharedTank.epochMicros(clock));
        old.put(40, "A".getBytes(StandardCharsets.US_ASCII));
        old.put(40 + MappedTankStore.SLOT_SIZE, "B".getBytes(StandardCharsets.US_ASCII));
        Path file = Files.write(dir.resolve("old.plant"), old.array());

        try (FilePlant plant = FilePlant.open(file, clock)) {
            assertThat(plant.attach("A").exchangeLifeSign(5)).contains(new PartnerSign("B", OptionalInt.empty()));
        }
    }

    @Test
    void thePartnerIsTheOtherSlotThatPublishedLast() {
        Path file = dir.resolve("tank.plant");
        try (FilePlant plant = FilePlant.open(file, clock)) {
            Plant.Slot stale = plant.attach("OLD");
            Plant.Slot a = plant.attach("A");
            assertThat(a.exchangeLifeSign(1))
                    .as("the only other slot")
                    .map(PartnerSign::name)
                    .contains("OLD");
            stale.exchangeLifeSign(40);
            stale.close();
            clock.advance(Duration.ofHours(1));
            Plant.Slot b = plant.attach("B");
            assertThat(a.exchangeLifeSign(2))
                    .as("B never published: OLD did, an hour ago")
                    .map(PartnerSign::name)
                    .contains("OLD");

            b.exchangeLifeSign(1);
            b.close();
            clock.advance(Duration.ofHours(1));

            assertThat(a.exchangeLifeSign(3))
                    .as("B stopped publishing, but more recently than OLD")
                    .contains(new PartnerSign("B", OptionalInt.of(1)));
        }
    }

    @Test
    void aControllerAloneInThePlantHasNoPartner() {
        try (FilePlant plant = FilePlant.open(dir.resolve("tank.plant"), clock)) {
            assertThat(plant.attach("A").exchangeLifeSign(1)).isEqualTo(Optional.empty());
        }
    }
}
