package dev.failover.gateway.journal;

import dev.failover.gateway.durable.GroupCommit;
import dev.failover.gateway.durable.GroupCommit.Durable;
import dev.failover.gateway.journal.JournalRecord.Accepted;
import dev.failover.gateway.journal.JournalRecord.Acknowledged;
import dev.failover.gateway.journal.JournalRecord.AppliedActive;
import dev.failover.gateway.journal.JournalRecord.AppliedStandby;
import dev.failover.gateway.journal.JournalRecord.DeliveredToStandby;
import dev.failover.gateway.journal.JournalRecord.Failed;
import dev.failover.gateway.journal.JournalRecord.StandbyQueued;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable command journal of one gateway (safety rule 4: no acknowledged command is lost).
 *
 * <p>A command that writes tags is {@linkplain #accepted journaled} before it runs; then its
 * progress is recorded: {@linkplain #appliedActive applied to the active controller}, {@linkplain
 * #appliedStandby applied to the standby} or {@linkplain #queuedForStandby owed to a standby that is
 * down}, and finally {@linkplain #acknowledged(String) acknowledged} or {@linkplain #failed failed}.
 * The journal enforces the order: a command is acknowledged only once an active controller confirmed
 * it and a standby holds it or is owed it; a record that breaks a rule is refused with an {@link
 * IllegalStateException} and nothing is written.
 *
 * <p><b>Durability.</b> {@link #accepted}, {@link #acknowledged(String)} and the deliveries to a
 * standby are written and synced ({@code fsync}) before the method returns; a caller that got no
 * exception may rely on the record surviving a crash or power loss. {@link #acknowledge(String)}
 * writes the acknowledgement and leaves the wait to the caller, who can release its own locks
 * first. The syncs are shared ({@link GroupCommit}): appends made by other threads while a sync runs
 * are covered together by the next one, so concurrent commands share their syncs. The progress
 * records in between (applied to the active or the standby, queued for the standby, failed) are
 * written without a sync of their own: the acknowledgement's sync flushes them first, so an
 * acknowledged command always has them; a crash before it can lose them, and the command is then one
 * a crash interrupted, never acknowledged. When an append or a sync fails, the journal is
 * <em>broken</em>: every later append throws, with the first failure as cause, until the gateway
 * restarts and re-reads the file (a half-written record followed by more would make it unreadable,
 * and a command must never run unjournaled). The queries answer from memory, which holds a record as
 * soon as it is written: before its sync completes.
 *
 * <p><b>Recovery.</b> {@link #open} replays the file. A last record cut short by a crash is dropped
 * and reported in {@link #recovery()}; any other damage throws {@link JournalCorruptException}
 * naming the file and byte offset, and leaves the file untouched.
 *
 * <p><b>Compaction.</b> When the file outgrows its threshold, it is rewritten atomically with only
 * what is still needed: the latest acknowledged value of every tag, what is owed to standbys, and
 * the pending commands. Superseded acknowledged commands and failed ones are forgotten.
 *
 * <p>Thread-safe: appends and queries are synchronized, a sync is waited for outside the lock;
 * queries return immutable snapshots.
 */
public final class CommandJournal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CommandJournal.class);

    /** The file is compacted once it is larger than this and twice its size after the last compaction. */
    public static final long DEFAULT_COMPACT_THRESHOLD_BYTES = 8L << 20;

    /** Reasons longer than this many characters are clipped. */
    static final int MAX_REASON_CHARS = 500;

    private enum Lifecycle {
        OPEN,
        BROKEN,
        CLOSED
    }

    private final Path file;
    private final Path compactionFile;
    private final Clock clock;
    private final long compactThreshold;
    private final Optional<Recovery> recovery;
    private JournalState state;
    /** Guarded by {@link #fileLock} for its replacement: a sync runs without the journal's lock. */
    private volatile RandomAccessFile out;

    private final Object fileLock = new Object();
    private final GroupCommit.Member commits;
    private final DroppedIds dropped;

    /**
     * Told which command ids a compaction is about to drop, before the journal changes: the replay
     * store, which relies on the journal's records of tag writes, keeps them durably itself.
     */
    @FunctionalInterface
    public interface DroppedIds {

        /**
         * @param acceptedAt the ids dropped and when each was accepted
         * @throws IOException when they cannot be kept: the compaction is not done (retried later)
         */
        void dropping(Map<String, Instant> acceptedAt) throws IOException;
    }

    private long size;
    private long compactAt;
    private Lifecycle lifecycle = Lifecycle.OPEN;
    private IOException failure;

    private CommandJournal(
            Path file,
            Clock clock,
            long compactThreshold,
            JournalReader.Scan scan,
            RandomAccessFile out,
            GroupCommit group,
            DroppedIds dropped) {
        this.dropped = dropped;
        this.file = file;
        this.compactionFile = compactionFileOf(file);
        this.clock = clock;
        this.compactThreshold = compactThreshold;
        this.recovery = scan.recovery();
        this.state = scan.state();
        this.out = out;
        this.size = scan.validEnd();
        this.compactAt = compactThreshold;
        this.commits = group == null
                ? GroupCommit.of(file.toString(), this::syncFile)
                : group.join(file.toString(), this::syncFile);
    }

    /**
     * The group commit's sync: {@code fsync(2)} of the file appended to now, under {@link #fileLock}.
     * It may run on any thread, one holding the journal's lock included (a compaction's hook waits for
     * a round): a failure is noted without that lock, and breaks the journal at its next append.
     */
    private void syncFile() throws IOException {
        try {
            synchronized (fileLock) {
                // RandomAccessFile rather than FileChannel: an interrupt of the calling thread would
                // close a FileChannel and so break the journal for every command; getFD().sync() is
                // fsync(2), as FileChannel.force(true) is.
                out.getFD().sync();
            }
        } catch (IOException e) {
            if (syncFailure == null) {
                syncFailure = e;
                log.error("{}: a sync failed; the journal refuses every append until the gateway restarts", file, e);
            }
            throw e;
        }
    }

    /** A failed sync, noted by whichever thread ran it; {@link #checkWritable()} breaks the journal. */
    private volatile IOException syncFailure;

    private synchronized void broken(IOException e, String what) {
        if (lifecycle == Lifecycle.OPEN) {
            lifecycle = Lifecycle.BROKEN;
            failure = e;
            log.error("{}: {}; the journal refuses every append until the gateway restarts", file, what, e);
        }
    }

    /** As {@link #open(Path, Clock, long)} with {@link #DEFAULT_COMPACT_THRESHOLD_BYTES}. */
    public static CommandJournal open(Path file, Clock clock) throws IOException {
        return open(file, clock, DEFAULT_COMPACT_THRESHOLD_BYTES);
    }

    /**
     * Opens the journal, creating it (header only, synced with its directory) when it is missing, and
     * replays it. A last record cut short by a crash is cut off the file and reported in {@link
     * #recovery()}; a compaction file left by a crash before its rename is deleted (the journal itself
     * is whole).
     *
     * @param clock stamps {@link Accepted#acceptedAt()}
     * @param compactThresholdBytes the size above which the file is compacted
     * @throws JournalCorruptException on any damage a crash cannot explain; the file is not modified
     * @throws IOException when the file cannot be read, created or repaired
     */
    public static CommandJournal open(Path file, Clock clock, long compactThresholdBytes) throws IOException {
        return open(file, clock, compactThresholdBytes, null);
    }

    /**
     * As {@link #open(Path, Clock, long)}, the journal's syncs shared with the other files of {@code
     * group} (null: a group of its own).
     */
    public static CommandJournal open(Path file, Clock clock, long compactThresholdBytes, GroupCommit group)
            throws IOException {
        return open(file, clock, compactThresholdBytes, group, null);
    }

    /**
     * As {@link #open(Path, Clock, long, GroupCommit)}, telling {@code dropped} (null: nobody) which
     * command ids each compaction drops, before it does, the one run by this open included.
     */
    public static CommandJournal open(
            Path file, Clock clock, long compactThresholdBytes, GroupCommit group, DroppedIds dropped)
            throws IOException {
        if (compactThresholdBytes <= 0) {
            throw new IllegalArgumentException("compactThresholdBytes must be positive");
        }
        Path abs = file.toAbsolutePath();
        if (!Files.isDirectory(abs.getParent())) {
            Files.createDirectories(abs.getParent());
            JournalFiles.syncDirectory(abs.getParent());
        }
        Path leftover = compactionFileOf(abs);
        if (!Files.exists(abs)) {
            // Written whole then renamed: a crash leaves no file or a whole header, never a part of one.
            JournalFiles.replace(JournalFiles.write(leftover, RecordCodec.header()), abs);
            log.info("{}: created an empty command journal", abs);
        }
        byte[] bytes = JournalFiles.readAll(abs);
        JournalReader.Scan scan = JournalReader.scan(abs, bytes);
        if (Files.deleteIfExists(leftover)) {
            log.warn(
                    "{}: deleted {} left by a compaction that a crash stopped before its rename; the journal itself "
                            + "is whole",
                    abs,
                    leftover.getFileName());
        }
        if (scan.recovery().isPresent()) {
            JournalFiles.truncate(abs, scan.validEnd());
            log.warn("{}", scan.recovery().get().message());
        }
        RandomAccessFile out = new RandomAccessFile(abs.toFile(), "rw");
        CommandJournal journal;
        try {
            out.seek(scan.validEnd());
            journal = new CommandJournal(abs, clock, compactThresholdBytes, scan, out, group, dropped);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
        synchronized (journal) {
            if (journal.size > journal.compactAt) {
                journal.compactOrWarn();
                if (journal.lifecycle == Lifecycle.BROKEN) {
                    journal.close();
                    throw new IOException("cannot compact the command journal " + abs, journal.failure);
                }
            }
        }
        return journal;
    }

    /**
     * Journals a command before it runs; stamps it with the clock.
     *
     * @return the record written
     * @throws IllegalStateException when the id is already in the journal (pending, acknowledged, or
     *     failed since the last compaction)
     * @throws IOException when the record could not be written and synced: the command must not run,
     *     and the journal is broken
     */
    public Accepted accepted(String commandId, String pair, List<TagWrite> writes, String signer) throws IOException {
        Accepted a;
        Durable written;
        synchronized (this) {
            a = new Accepted(commandId, pair, writes, clock.instant(), signer);
            written = append(a);
        }
        written.await();
        return a;
    }

    /** The active controller {@code controllerId} confirmed the writes of a pending command. */
    public synchronized void appliedActive(String commandId, String controllerId) throws IOException {
        appendProgress(new AppliedActive(commandId, controllerId));
    }

    /** The standby {@code controllerId} holds the writes of a pending command. */
    public synchronized void appliedStandby(String commandId, String controllerId) throws IOException {
        appendProgress(new AppliedStandby(commandId, controllerId));
    }

    /**
     * The standby {@code controllerId} is down: the writes of a pending command are owed to it until
     * {@link #deliveredToStandby}.
     */
    public synchronized void queuedForStandby(String commandId, String controllerId) throws IOException {
        // Durable before the acknowledgement, whose sync flushes it.
        appendProgress(new StandbyQueued(commandId, controllerId));
    }

    /**
     * The command is acknowledged: from now on it must never be lost.
     *
     * @throws IllegalStateException unless an active controller confirmed it and a standby holds it or
     *     is owed it (safety rule 4)
     */
    public void acknowledged(String commandId) throws IOException {
        acknowledge(commandId).await();
    }

    /**
     * As {@link #acknowledged(String)}, without waiting for the sync: the record is written, and it is
     * on disk once the handle's {@link Durable#await()} returns. For a caller that holds a lock of its
     * own and should not hold it through the sync (the commands of a pair). Until then the command
     * must not be reported acknowledged; a crash before the sync leaves it one a crash interrupted.
     */
    public synchronized Durable acknowledge(String commandId) throws IOException {
        return append(new Acknowledged(commandId));
    }

    /**
     * The pending command failed: it will not be acknowledged, and it is owed to no standby. A
     * {@code reason} longer than {@value #MAX_REASON_CHARS} characters is clipped.
     */
    public synchronized void failed(String commandId, String reason) throws IOException {
        // Lost in a crash, the command is pending at the next start and recorded failed then.
        appendProgress(new Failed(commandId, clip(reason)));
    }

    /** The writes owed to {@code controllerId} for the command were applied to it. */
    public void deliveredToStandby(String commandId, String controllerId) throws IOException {
        Durable written;
        synchronized (this) {
            written = append(new DeliveredToStandby(commandId, controllerId));
        }
        written.await();
    }

    /**
     * As {@link #deliveredToStandby(String, String)} for several commands, with one sync: for a
     * standby that catches up on what it is owed.
     */
    public void allDeliveredToStandby(String controllerId, List<String> commandIds) throws IOException {
        if (new HashSet<>(commandIds).size() != commandIds.size()) {
            throw new IllegalArgumentException("a command id appears twice in " + commandIds);
        }
        Durable written;
        synchronized (this) {
            written = append(
                    commandIds.stream()
                            .<JournalRecord>map(id -> new DeliveredToStandby(id, controllerId))
                            .toList(),
                    true);
        }
        written.await();
    }

    /**
     * The acknowledged commands of {@code pair}, in the order they were acknowledged, with their
     * writes. After a compaction only those still needed are left, each with only its writes that
     * still hold the latest value of their tag (all of them when it is owed to a standby).
     */
    public synchronized List<Accepted> acknowledgedCommands(String pair) {
        return state.acknowledged(pair);
    }

    /**
     * The latest acknowledged raw value of every tag of {@code pair} that a command wrote, by tag
     * name: what every controller that becomes active must hold. Compaction keeps it.
     */
    public synchronized Map<String, AcknowledgedValue> latestAcknowledgedValues(String pair) {
        return state.latestAcknowledgedValues(pair);
    }

    /**
     * The commands whose writes are owed to the standby {@code controllerId}: first the acknowledged
     * ones in the order of their acknowledgement, then pending ones in the order they were accepted.
     * Apply them in this order, then record {@link #deliveredToStandby}.
     */
    public synchronized List<OwedCommand> owedTo(String controllerId) {
        return state.owedTo(controllerId);
    }

    /** The controllers that are owed some command, by id. */
    public synchronized Set<String> owedControllers() {
        return state.owedControllers();
    }

    /**
     * The commands accepted but neither acknowledged nor failed, in the order they were accepted.
     * After a restart these are the commands a crash interrupted: each may or may not have reached a
     * controller beyond what its record says.
     */
    public synchronized List<PendingCommand> pending() {
        return state.pending();
    }

    /**
     * Every command id the journal holds (pending, acknowledged, failed since the last compaction), with
     * the time it was accepted: the replay store learns them at start.
     */
    public synchronized Map<String, Instant> commandIds() {
        return Map.copyOf(state.commandIds());
    }

    /** What {@link #open} repaired: a last record cut short by a crash, dropped. */
    public Optional<Recovery> recovery() {
        return recovery;
    }

    /** The journal file. */
    public Path file() {
        return file;
    }

    /** The size of the file, in bytes. */
    public synchronized long sizeBytes() {
        return size;
    }

    /**
     * Compacts the file now, whatever its size.
     *
     * @throws IOException when it fails; if the failure came before the new file replaced the old one
     *     the journal is unchanged and still usable, otherwise it is broken
     */
    public synchronized void compact() throws IOException {
        checkWritable();
        compactNow();
    }

    private Durable append(JournalRecord record) throws IOException {
        return append(List.of(record), true);
    }

    /**
     * Appends a record that only tells how far a command got, without an fsync of its own: the next
     * synced record (the command's acknowledgement, or the next command's acceptance) makes it
     * durable, since fsync flushes every earlier write of the file. A crash before that loses it,
     * and the command is then one a crash interrupted (reported so, never acknowledged, never
     * replayed). This halves the syncs per command: accepted and acknowledged only.
     */
    private void appendProgress(JournalRecord record) throws IOException {
        append(List.of(record), false);
    }

    /**
     * Writes {@code records}, applies them, and returns the handle that waits for their sync ({@link
     * Durable#DONE} when {@code sync} is false). Called with the journal's lock held; the caller
     * waits for the handle after releasing it.
     */
    private Durable append(List<JournalRecord> records, boolean sync) throws IOException {
        checkWritable();
        // Each record is checked against the state as it is: callers pass independent records only.
        for (JournalRecord r : records) {
            state.violation(r).ifPresent(v -> {
                throw new IllegalStateException(file + ": " + v);
            });
        }
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        records.forEach(r -> frames.writeBytes(RecordCodec.frame(r)));
        try {
            out.write(frames.toByteArray());
        } catch (IOException e) {
            broken(e, "an append failed");
            throw new IOException("cannot append to the command journal " + file, e);
        }
        // The ticket is taken after the write returned and under the journal's lock: a sync that
        // begins after it covers this record and every one before it.
        Durable written = sync ? commits.ticket() : Durable.DONE;
        size += frames.size();
        records.forEach(state::apply);
        if (size > compactAt) {
            // A compaction writes and syncs everything the state holds: the record is in it.
            compactOrWarn();
        }
        return written;
    }

    private void compactOrWarn() {
        try {
            compactNow();
        } catch (IOException e) {
            if (lifecycle == Lifecycle.BROKEN) {
                log.error("{}: compaction failed after the rename; the journal refuses every append", file, e);
            } else {
                compactAt = size + Math.min(compactThreshold, Long.MAX_VALUE - size);
                log.warn(
                        "{}: compaction failed, the journal is unchanged; next attempt at {} bytes",
                        file,
                        compactAt,
                        e);
            }
        }
    }

    private void compactNow() throws IOException {
        // A pending interrupt would close the FileChannels of the compaction: keep it for afterwards.
        boolean interrupted = Thread.interrupted();
        try {
            compactUninterrupted();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void compactUninterrupted() throws IOException {
        long started = System.nanoTime();
        long before = size;
        List<JournalRecord> records = state.compactionRecords();
        JournalState next = JournalState.replay(records);
        if (dropped != null) {
            Map<String, Instant> leaving = state.commandIds();
            leaving.keySet().removeAll(next.commandIds().keySet());
            dropped.dropping(leaving);
        }
        Path written = writeCompactionFile(records);
        install(written, next);
        log.info(
                "{}: compacted from {} to {} bytes ({} records) in {} ms",
                file,
                before,
                size,
                records.size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Writes and syncs the compacted file beside the journal; the journal is not changed yet. */
    synchronized Path writeCompactionFile() throws IOException {
        return writeCompactionFile(state.compactionRecords());
    }

    private Path writeCompactionFile(List<JournalRecord> records) throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.writeBytes(RecordCodec.header());
        records.forEach(r -> content.writeBytes(RecordCodec.frame(r)));
        try {
            return JournalFiles.write(compactionFile, content.toByteArray());
        } catch (IOException e) {
            throw deleteAfterFailure(compactionFile, e);
        }
    }

    private void install(Path written, JournalState next) throws IOException {
        long newSize = Files.size(written);
        try {
            JournalFiles.rename(written, file);
        } catch (IOException e) {
            throw deleteAfterFailure(written, e);
        }
        // From here on the old file is gone from the directory: appending to it would lose records.
        RandomAccessFile reopened = null;
        try {
            JournalFiles.syncDirectory(file);
            reopened = new RandomAccessFile(file.toFile(), "rw");
            reopened.seek(newSize);
        } catch (IOException e) {
            lifecycle = Lifecycle.BROKEN;
            failure = e;
            if (reopened != null) {
                reopened.close();
            }
            throw e;
        }
        RandomAccessFile old;
        synchronized (fileLock) {
            // A sync running now finishes on the old file first; what it would cover is in the new one.
            old = out;
            out = reopened;
        }
        state = next;
        size = newSize;
        compactAt = Math.max(compactThreshold, 2 * newSize);
        try {
            old.close();
        } catch (IOException e) {
            // Everything in it was synced before the rename.
            log.warn("{}: closing the replaced journal file failed", file, e);
        }
    }

    /** Deletes the unused compaction file; {@code failure} is what to throw, with any new one added. */
    private static IOException deleteAfterFailure(Path unused, IOException failure) {
        try {
            Files.deleteIfExists(unused);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    private void checkWritable() throws IOException {
        IOException failedSync = syncFailure;
        if (failedSync != null && lifecycle == Lifecycle.OPEN) {
            lifecycle = Lifecycle.BROKEN;
            failure = failedSync;
        }
        switch (lifecycle) {
            case OPEN -> {}
            case CLOSED -> throw new IllegalStateException("the command journal " + file + " is closed");
            case BROKEN ->
                throw new IOException(
                        "the command journal " + file + " failed earlier; it refuses every append until the "
                                + "gateway restarts, so that no command runs unjournaled",
                        failure);
        }
    }

    /** Everything the journal holds: for tests. */
    synchronized JournalState.View view() {
        return state.view();
    }

    /** Closes the file of appends as a failing disk would: for tests. */
    synchronized void closeFileForTest() throws IOException {
        synchronized (fileLock) {
            out.close();
        }
    }

    private static String clip(String reason) {
        if (reason == null || reason.length() <= MAX_REASON_CHARS) {
            return reason;
        }
        int end = Character.isHighSurrogate(reason.charAt(MAX_REASON_CHARS - 1))
                ? MAX_REASON_CHARS - 1
                : MAX_REASON_CHARS;
        return reason.substring(0, end) + "…";
    }

    static Path compactionFileOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".compacting");
    }

    /** Idempotent. Queries still answer from memory after it. */
    @Override
    public synchronized void close() throws IOException {
        if (lifecycle == Lifecycle.CLOSED) {
            return;
        }
        lifecycle = Lifecycle.CLOSED;
        synchronized (fileLock) {
            out.close();
        }
    }
}
