package dev.failover.gateway.command;

import dev.failover.gateway.durable.GroupCommit;
import dev.failover.gateway.durable.GroupCommit.Durable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers every accepted command id until its command expires, durably: an id is appended and
 * synced to disk before the command runs, so neither a restart nor a crash lets a command be
 * replayed within its window.
 *
 * <p>File format: one line per id, {@code <id> <expiresAtEpochMillis>\n}. On open, and after every
 * {@value #COMPACT_AFTER} appends (or as many as there were live ids), expired ids are dropped and the file is
 * rewritten atomically. A last line without its newline is a write cut short by a
 * crash: that command was never run (it runs only after the sync), so the line is dropped with a
 * warning. Any other malformed line stops the open with the file and byte offset.
 *
 * <p>The syncs are shared ({@link GroupCommit}): commands checked at the same time wait for one sync
 * together. Thread-safe: methods are synchronized, a sync is waited for outside the lock.
 */
public final class NonceStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NonceStore.class);

    /** Command ids the store accepts: no white space, bounded length. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{8,128}");

    /** The file is rewritten with the live ids after this many appends (or twice the live ids). */
    static final int COMPACT_AFTER = 10_000;

    private final Path file;
    private final Clock clock;
    private final Map<String, Long> live = new HashMap<>();
    /** Replaced under {@link #fileLock}: a sync runs without the store's lock. */
    private volatile FileChannel channel;

    private final Object fileLock = new Object();
    private final GroupCommit.Member commits;
    private IOException broken;
    private int appendedSinceCompaction;
    private int liveAtCompaction;

    private NonceStore(Path file, Clock clock, GroupCommit group) {
        this.file = file;
        this.clock = clock;
        GroupCommit.Sync sync = () -> {
            synchronized (fileLock) {
                channel.force(false);
            }
        };
        this.commits = group == null ? GroupCommit.of(file.toString(), sync) : group.join(file.toString(), sync);
    }

    /**
     * Opens (or creates) the store.
     *
     * @throws IOException naming the file and the byte offset of a corrupt line
     */
    public static NonceStore open(Path file, Clock clock) throws IOException {
        return open(file, clock, null);
    }

    /** As {@link #open(Path, Clock)}, the store's syncs shared with the other files of {@code group} (null: its own). */
    public static NonceStore open(Path file, Clock clock, GroupCommit group) throws IOException {
        NonceStore store = new NonceStore(file, clock, group);
        store.load();
        return store;
    }

    private void load() throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        long now = clock.millis();
        if (Files.exists(file)) {
            byte[] bytes = Files.readAllBytes(file);
            int start = 0;
            while (start < bytes.length) {
                int end = indexOf(bytes, (byte) '\n', start);
                if (end < 0) {
                    log.warn(
                            "{}: the last record (byte offset {}) was cut short by a crash before it was synced; "
                                    + "dropping it (its command was never run)",
                            file,
                            start);
                    break;
                }
                String line = new String(bytes, start, end - start, StandardCharsets.UTF_8);
                String[] parts = line.split(" ");
                long expires;
                try {
                    if (parts.length != 2 || !ID.matcher(parts[0]).matches()) {
                        throw new NumberFormatException();
                    }
                    expires = Long.parseLong(parts[1]);
                } catch (NumberFormatException e) {
                    throw new IOException(file + ": corrupt replay record at byte offset " + start + ": '" + line
                            + "'. The file must hold '<id> <expiresAtMillis>' lines; restore it from a backup or "
                            + "move it aside (commands seen within their window could then be replayed).");
                }
                if (expires > now) {
                    live.put(parts[0], expires);
                }
                start = end + 1;
            }
        }
        compact();
    }

    /**
     * Records {@code id} until {@code expiresAt} and syncs it to disk.
     *
     * @return false when the id is already known: a replay
     */
    public boolean remember(String id, Instant expiresAt) {
        Optional<Durable> written = rememberLater(id, expiresAt);
        if (written.isEmpty()) {
            return false;
        }
        try {
            written.get().await();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        return true;
    }

    /**
     * As {@link #remember}, without waiting for the sync: the id is written, and on disk once the
     * handle's {@link Durable#await()} returns (it throws when it cannot be, and the store then refuses
     * every id until the gateway restarts). The command must not run before. Empty for a replay.
     */
    public Optional<Durable> rememberLater(String id, Instant expiresAt) {
        Durable written = append(id, expiresAt, true, false);
        if (written == null) {
            return Optional.empty();
        }
        return Optional.of(() -> {
            try {
                written.await();
            } catch (IOException e) {
                synchronized (this) {
                    if (broken == null) {
                        broken = e;
                    }
                }
                throw new IOException("cannot sync command id " + id + " to " + file, e);
            }
        });
    }

    /**
     * As {@link #remember}, for a tag write, without a sync of its own: its id is made durable by the
     * command journal's {@code Accepted} record, which is synced before the command runs (the command
     * service's rule). The store {@linkplain #learn learns} the journal's ids at start, and {@linkplain
     * #keep keeps} those a journal compaction drops; its own line here is synced with its next sync.
     *
     * @return false when the id is already known: a replay
     */
    public boolean rememberJournaled(String id, Instant expiresAt) {
        return append(id, expiresAt, false, false) != null;
    }

    /**
     * Learns the ids of the command journal, each live until its acceptance plus {@code lifetime}
     * (the longest validity window plus the clock skew allowed: no command accepted then is valid
     * longer): what a power loss may have kept from this file, since tag writes rely on the journal.
     */
    public synchronized void learn(Map<String, Instant> acceptedAt, Duration lifetime) {
        long now = clock.millis();
        int learned = 0;
        for (var e : acceptedAt.entrySet()) {
            long expires = e.getValue().plus(lifetime).toEpochMilli();
            if (expires > now && live.getOrDefault(e.getKey(), 0L) < expires) {
                live.put(e.getKey(), expires);
                learned++;
            }
        }
        if (learned > 0) {
            log.info("{}: {} command id(s) from the command journal kept until they expire", file, learned);
        }
    }

    /**
     * Appends the ids a journal compaction is about to drop that are still live ({@link #learn}'s
     * rule), and syncs: the compaction waits for it.
     */
    public void keep(Map<String, Instant> acceptedAt, Duration lifetime) throws IOException {
        Durable written = null;
        synchronized (this) {
            learn(acceptedAt, lifetime);
            for (String id : acceptedAt.keySet()) {
                Long expires = live.get(id);
                if (expires != null && expires > clock.millis()) {
                    written = append(id, Instant.ofEpochMilli(expires), true, true);
                }
            }
        }
        if (written != null) {
            written.await();
        }
    }

    /**
     * Appends the id; null when it is a replay (unless {@code again}: an id kept again). With {@code
     * sync}, the handle to wait for its sync without the lock; else {@link Durable#DONE}.
     */
    private synchronized Durable append(String id, Instant expiresAt, boolean sync, boolean again) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("command id '" + id + "' does not match " + ID.pattern());
        }
        long now = clock.millis();
        Long known = live.get(id);
        if (known != null && known > now && !again) {
            return null;
        }
        if (broken != null) {
            throw new UncheckedIOException(
                    "the replay store " + file + " failed earlier; no command is accepted "
                            + "until the gateway restarts",
                    broken);
        }
        Durable written;
        try {
            channel.write(
                    ByteBuffer.wrap((id + " " + expiresAt.toEpochMilli() + "\n").getBytes(StandardCharsets.UTF_8)));
            written = sync ? commits.ticket() : Durable.DONE;
        } catch (IOException e) {
            // A write that failed halfway may leave part of a line: appending more after it would
            // make the file unreadable at the next start. Refuse everything until then instead.
            broken = e;
            throw new UncheckedIOException("cannot record command id in " + file, e);
        }
        live.put(id, expiresAt.toEpochMilli());
        if (++appendedSinceCompaction > Math.max(COMPACT_AFTER, liveAtCompaction)) {
            // Expired ids are useless: rewrite the file with the live ones so it does not grow for ever.
            live.values().removeIf(expiry -> expiry <= now);
            try {
                compact();
            } catch (IOException e) {
                broken = e;
                throw new UncheckedIOException("cannot compact the replay store " + file, e);
            }
        }
        return written;
    }

    /** Whether {@code id} is remembered and not yet expired. */
    public synchronized boolean contains(String id) {
        Long expiry = live.get(id);
        return expiry != null && expiry > clock.millis();
    }

    /** Rewrites the file with the live ids only, atomically, and reopens it for appending. */
    private void compact() throws IOException {
        // Every id appended so far is in the new file, synced before the rename: a sync waited for
        // on the old file is covered by it.
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        StringBuilder b = new StringBuilder();
        live.forEach((id, expiry) -> b.append(id).append(' ').append(expiry).append('\n'));
        try (FileChannel out = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8)));
            out.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        FileChannel reopened = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        FileChannel old;
        synchronized (fileLock) {
            old = channel;
            channel = reopened;
        }
        if (old != null) {
            old.close();
        }
        appendedSinceCompaction = 0;
        liveAtCompaction = live.size();
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public synchronized void close() throws IOException {
        synchronized (fileLock) {
            try {
                // The ids of tag writes were not synced one by one.
                channel.force(false);
            } finally {
                channel.close();
            }
        }
    }
}
