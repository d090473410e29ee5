package dev.failover.gateway.journal;

import static dev.failover.gateway.journal.JournalFixtures.START;
import static dev.failover.gateway.journal.JournalFixtures.read;
import static dev.failover.gateway.journal.JournalFixtures.w;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.journal.JournalFixtures.TickingClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random sequences of commands, a crash at a random byte, a restart: the journal holds exactly the
 * records that were whole, and compaction never changes what must survive.
 */
class JournalRandomizedTest {

    private static final List<String> PAIRS = List.of("tank-1", "tank-2");
    private static final List<String> TAGS = List.of("level_sp", "mode", "hi_alarm", "lo_alarm");
    private static final List<String> CONTROLLERS = List.of("plc-a", "plc-b");

    @TempDir
    Path dir;

    @Test
    void aCrashAtAnyByteRecoversTheStateOfTheWholeRecordsBeforeIt() throws IOException {
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (int seed = 0; seed < 40; seed++) {
            Random random = new Random(seed);
            Path original = dir.resolve("run-" + seed + ".journal");
            // ends.get(i): the file size after operation i; views.get(i): the state then.
            List<Long> ends = new ArrayList<>();
            List<JournalState.View> views = new ArrayList<>();
            try (CommandJournal journal = CommandJournal.open(original, new TickingClock(START), Long.MAX_VALUE)) {
                ends.add(journal.sizeBytes());
                views.add(journal.view());
                for (int op = 0; op < 80; op++) {
                    randomOperation(journal, random, seed + "-" + op);
                    ends.add(journal.sizeBytes());
                    views.add(journal.view());
                }
            }
            JournalState.View last = views.getLast();
            if (!last.acknowledged().isEmpty()) seen.add("acknowledged");
            if (!last.failed().isEmpty()) seen.add("failed");
            if (!last.owed().isEmpty()) seen.add("owed");
            if (last.pending().stream().anyMatch(p -> !p.appliedStandby().isEmpty())) seen.add("applied-standby");
            if (views.stream().anyMatch(v -> v.owed().isEmpty())
                    && views.stream().anyMatch(v -> !v.owed().isEmpty())) {
                seen.add("delivered-or-not-yet-owed");
            }
            byte[] bytes = read(original);
            int cut = 8 + random.nextInt(bytes.length - 8 + 1);
            int whole = lastIndexAtOrBelow(ends, cut);
            Path crashed = dir.resolve("crash-" + seed + ".journal");
            Files.write(crashed, Arrays.copyOf(bytes, cut));

            try (CommandJournal journal = CommandJournal.open(crashed, new TickingClock(START))) {
                String why = "seed " + seed + ", cut at " + cut;
                assertThat(journal.view()).as(why).isEqualTo(views.get(whole));
                if (cut == ends.get(whole)) {
                    assertThat(journal.recovery()).as(why).isEmpty();
                } else {
                    assertThat(journal.recovery()).as(why).hasValueSatisfying(r -> {
                        assertThat(r.truncatedAtOffset()).isEqualTo(ends.get(whole));
                        assertThat(r.bytesDropped()).isEqualTo(cut - ends.get(whole));
                    });
                }
                assertThat(journal.sizeBytes()).as(why).isEqualTo(ends.get(whole));
                randomOperation(journal, random, seed + "-after");
            }

            // A flipped bit in the CRC or payload of the last whole record: that record is dropped.
            if (whole > 0 && ends.get(whole) > ends.get(whole - 1)) {
                long start = ends.get(whole - 1);
                byte[] flipped = Arrays.copyOf(bytes, Math.toIntExact(ends.get(whole)));
                int at = Math.toIntExact(start + 4 + random.nextInt(Math.toIntExact(ends.get(whole) - start - 4)));
                flipped[at] ^= (byte) (1 << random.nextInt(8));
                Path bitRot = dir.resolve("flip-" + seed + ".journal");
                Files.write(bitRot, flipped);
                // The last operation may have written several records; only its last one is damaged.
                if (singleRecord(bytes, start, ends.get(whole))) {
                    try (CommandJournal journal = CommandJournal.open(bitRot, new TickingClock(START))) {
                        assertThat(journal.view())
                                .as("seed " + seed + ", flip at " + at)
                                .isEqualTo(views.get(whole - 1));
                        assertThat(journal.recovery()).isPresent();
                    }
                }
            }
        }
        assertThat(seen)
                .as("the random histories hold every kind of state")
                .containsExactly("acknowledged", "applied-standby", "delivered-or-not-yet-owed", "failed", "owed");
    }

    @Test
    void compactionNeverChangesWhatMustSurvive() throws IOException {
        for (int seed = 0; seed < 20; seed++) {
            Random random = new Random(1000 + seed);
            Path file = dir.resolve("compact-" + seed + ".journal");
            try (CommandJournal journal = CommandJournal.open(file, new TickingClock(START), Long.MAX_VALUE)) {
                for (int op = 0; op < 150; op++) {
                    randomOperation(journal, random, seed + "-" + op);
                    if (random.nextInt(20) == 0) {
                        JournalState.View before = journal.view();
                        journal.compact();
                        JournalState.View after = journal.view();
                        String why = "seed " + seed + ", op " + op;
                        assertThat(after.latest()).as(why).isEqualTo(before.latest());
                        assertThat(after.owed()).as(why).isEqualTo(before.owed());
                        assertThat(after.pending()).as(why).isEqualTo(before.pending());
                        // What a restart right now would find.
                        Path copy = dir.resolve("copy-of-" + seed + "-" + op);
                        Files.copy(file, copy);
                        try (CommandJournal reopened = CommandJournal.open(copy, new TickingClock(START))) {
                            assertThat(reopened.view()).as(why).isEqualTo(after);
                        }
                    }
                }
            }
        }
    }

    /** One operation the rules allow, picked at random from what the journal holds now. */
    private static void randomOperation(CommandJournal journal, Random random, String id) throws IOException {
        List<PendingCommand> pending = journal.pending();
        Map<String, List<OwedCommand>> owed = new TreeMap<>();
        journal.owedControllers().forEach(c -> owed.put(c, journal.owedTo(c)));
        int choice = random.nextInt(10);
        if (choice < 3 || pending.isEmpty() && owed.isEmpty()) {
            List<String> tags = new ArrayList<>(TAGS);
            java.util.Collections.shuffle(tags, random);
            List<TagWrite> writes = tags.subList(0, 1 + random.nextInt(3)).stream()
                    .map(t -> w(t, random.nextInt(2000) - 1000))
                    .toList();
            journal.accepted("cmd-" + id, pick(PAIRS, random), writes, "CN=op-" + random.nextInt(3));
            return;
        }
        if (choice == 3 && !owed.isEmpty()) {
            String controller = pick(List.copyOf(owed.keySet()), random);
            List<OwedCommand> commands = owed.get(controller);
            if (random.nextBoolean()) {
                journal.deliveredToStandby(pick(commands, random).command().commandId(), controller);
            } else {
                journal.allDeliveredToStandby(
                        controller,
                        commands.stream().map(o -> o.command().commandId()).toList());
            }
            return;
        }
        if (pending.isEmpty()) {
            randomOperation(journal, random, id);
            return;
        }
        PendingCommand p = pick(pending, random);
        String cmd = p.command().commandId();
        String controller = pick(CONTROLLERS, random);
        boolean ackable = p.appliedToActive()
                && !(p.appliedStandby().isEmpty() && p.queuedFor().isEmpty());
        switch (random.nextInt(6)) {
            case 0 -> {
                if (random.nextInt(4) == 0) {
                    journal.failed(cmd, "random failure " + id);
                } else if (!p.appliedActive().contains(controller)) {
                    journal.appliedActive(cmd, controller);
                }
            }
            case 1 -> {
                if (!p.appliedStandby().contains(controller) && !p.queuedFor().contains(controller)) {
                    journal.appliedStandby(cmd, controller);
                }
            }
            case 2 -> {
                if (!p.appliedStandby().contains(controller) && !p.queuedFor().contains(controller)) {
                    journal.queuedForStandby(cmd, controller);
                }
            }
            default -> {
                if (ackable) {
                    journal.acknowledged(cmd);
                } else if (!p.appliedActive().contains(controller)) {
                    journal.appliedActive(cmd, controller);
                }
            }
        }
    }

    private static <T> T pick(List<T> list, Random random) {
        return list.get(random.nextInt(list.size()));
    }

    private static int lastIndexAtOrBelow(List<Long> ends, long cut) {
        int index = 0;
        for (int i = 0; i < ends.size(); i++) {
            if (ends.get(i) <= cut) {
                index = i;
            }
        }
        return index;
    }

    private static boolean singleRecord(byte[] bytes, long start, long end) {
        int length = java.nio.ByteBuffer.wrap(bytes, Math.toIntExact(start), 4).getInt();
        return start + 8 + length == end;
    }
}
