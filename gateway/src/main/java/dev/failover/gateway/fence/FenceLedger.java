package dev.failover.gateway.fence;

import dev.failover.gateway.journal.JournalFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's durable record of its fence actions (safety rule 8: nothing safety-relevant lives
 * only in memory). Before a relay is commanded, the intent is appended and synced; after, the
 * confirmed outcome. At the next start the record is reconciled with the relays' feedback: what a
 * crashed gateway left cut is known to the new one, and a disagreement is reported.
 *
 * <p>Format: one line per entry, {@code <epoch ms> <intent|confirmed|failed> <cut|restore>
 * <controller id>}, UTF-8. A torn last line (a crash while writing) is ignored. The file is
 * rewritten at start with one line per controller ({@link #compact}).
 *
 * <p>Thread-safe: appends are serialised.
 */
public final class FenceLedger implements AutoCloseable {

    /** What the record says of one controller's outputs. */
    public enum Recorded {
        /** No fence action recorded. */
        NONE,
        /** The last action was a confirmed cut. */
        CUT,
        /** The last action was a confirmed restore. */
        RESTORED,
        /** An action was begun and not confirmed: the relay may be in either state. */
        UNCERTAIN
    }

    private final Path file;
    private final Clock clock;
    private FileChannel channel;

    private FenceLedger(Path file, Clock clock, FileChannel channel) {
        this.file = file;
        this.clock = clock;
        this.channel = channel;
    }

    /** Opens (creating) the ledger file. */
    public static FenceLedger open(Path file, Clock clock) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        boolean existed = Files.exists(file);
        FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        if (!existed) {
            JournalFiles.syncDirectory(file);
        }
        return new FenceLedger(file, clock, channel);
    }

    public Path file() {
        return file;
    }

    /** Records, synced, that a cut ({@code cut}) or restore of {@code controllerId} is about to be commanded. */
    public synchronized void intent(String controllerId, boolean cut) throws IOException {
        append("intent", cut, controllerId);
    }

    /** Records, synced, how the command ended: {@code confirmed} only when the relay's feedback said so. */
    public synchronized void outcome(String controllerId, boolean cut, boolean confirmed) throws IOException {
        append(confirmed ? "confirmed" : "failed", cut, controllerId);
    }

    /** What the record says of each controller that has an entry. */
    public synchronized Map<String, Recorded> recorded() throws IOException {
        Map<String, Recorded> last = new HashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String line : lines) {
            parse(line).ifPresent(e -> last.put(e.controllerId, e.recorded()));
        }
        return last;
    }

    /**
     * Rewrites the file atomically with one confirmed entry per controller in {@code state} ({@code
     * true} = cut), so that it does not grow without end.
     */
    public synchronized void compact(Map<String, Boolean> state) throws IOException {
        StringBuilder content = new StringBuilder();
        long now = clock.millis();
        state.forEach((id, cut) -> content.append(line(now, "confirmed", cut, id)));
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        JournalFiles.write(temp, content.toString().getBytes(StandardCharsets.UTF_8));
        channel.close();
        JournalFiles.replace(temp, file);
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private void append(String phase, boolean cut, String controllerId) throws IOException {
        ByteBuffer buf =
                ByteBuffer.wrap(line(clock.millis(), phase, cut, controllerId).getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        channel.force(false);
    }

    private static String line(long millis, String phase, boolean cut, String controllerId) {
        if (controllerId.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("controller id with white space: '" + controllerId + "'");
        }
        return millis + " " + phase + " " + (cut ? "cut" : "restore") + " " + controllerId + "\n";
    }

    private record Entry(String controllerId, String phase, boolean cut) {
        Recorded recorded() {
            if (!phase.equals("confirmed")) {
                return Recorded.UNCERTAIN;
            }
            return cut ? Recorded.CUT : Recorded.RESTORED;
        }
    }

    private static Optional<Entry> parse(String line) {
        String[] w = line.trim().split(" ");
        if (w.length != 4
                || !w[0].chars().allMatch(Character::isDigit)
                || !List.of("intent", "confirmed", "failed").contains(w[1])
                || !List.of("cut", "restore").contains(w[2])) {
            return Optional.empty();
        }
        return Optional.of(new Entry(w[3], w[1], w[2].equals("cut")));
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
