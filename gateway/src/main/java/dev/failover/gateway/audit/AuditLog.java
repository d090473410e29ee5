package dev.failover.gateway.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.certs.Identity;
import dev.failover.certs.Keystores;
import dev.failover.certs.PkiException;
import dev.failover.certs.Thumbprints;
import dev.failover.gateway.durable.GroupCommit;
import dev.failover.gateway.durable.GroupCommit.Durable;
import dev.failover.gateway.events.CommandDetail;
import dev.failover.gateway.events.EventSink;
import dev.failover.gateway.events.GatewayDetail;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.PairDetail;
import dev.failover.gateway.events.SecurityDetail;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tamper-evident audit log (issue 14; docs/audit.md): every event of the gateway appended as a
 * canonical record to {@code audit.jsonl}, the records the leaves of an RFC 9162 Merkle tree, and
 * checkpoints of the tree signed with the audit key written to {@code checkpoints.jsonl} every {@code
 * checkpointEvery} records, every {@code checkpointPeriod} and right after a security-relevant event
 * (a security finding, a refused command, a switchover). The signing certificate and its chain are kept
 * in {@code audit-certs.pem}, so the directory verifies on any machine that has the CA certificate
 * ({@link AuditVerifier}).
 *
 * <p>Never in control's way: {@link #publish} only queues (a bounded queue: when it is full an event
 * is dropped and counted, never waited for); one thread ({@code audit}) encodes and writes what is
 * queued, batch after batch. The batches are synced by the group commit (one round for the audit log,
 * the journal and the replay store): a thread that must not go on before its events are on disk (a
 * command's answer) calls {@link #flush}, which waits until its events are written and then for the
 * round that syncs them, on its own thread, while the writer goes on with the next batch. The writer
 * waits for the sync itself when its queue is empty and before it signs a checkpoint (a checkpoint
 * covers only records on disk), and completes the {@linkplain #append appends} then. A write or sync
 * that fails is an {@code AUDIT_FAILED} event (once, until it works again); a file system 80 % full or
 * more is {@code AUDIT_CAPACITY}. Thread-safe.
 */
public final class AuditLog implements EventSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Records in {@code audit.jsonl}, one a line. */
    public static final String RECORDS = "audit.jsonl";
    /** Signed checkpoints in {@code checkpoints.jsonl}, one a line: {@code {"note":..., "signer":...}}. */
    public static final String CHECKPOINTS = "checkpoints.jsonl";
    /** The certificates that signed checkpoints, with their chains, PEM. */
    public static final String CERTIFICATES = "audit-certs.pem";

    /** Events queued at most before new ones are dropped (and counted). */
    static final int QUEUE = 65_536;

    private static final int CAPACITY_WARNING_PERCENT = 80;

    /**
     * How often to checkpoint, and when to seal the live file into a segment.
     *
     * @param every after this many records
     * @param period at least this often while records come
     * @param rotateBytes the live file is sealed as a segment ({@code audit-<first index>.jsonl}) once it
     *     holds this many bytes; the chain goes on in a new live file
     */
    public record Settings(int every, Duration period, long rotateBytes) {

        /** Sealed segments of 64 MB. */
        public static final long ROTATE_BYTES = 64L << 20;

        public Settings(int every, Duration period) {
            this(every, period, ROTATE_BYTES);
        }

        public static Settings defaults() {
            return new Settings(1_000, Duration.ofSeconds(60));
        }
    }

    private record Pending(GatewayEvent event, CompletableFuture<Long> appended) {}

    private final Path directory;
    private final String gateway;
    private final Identity signer;
    private final String keyName;
    private final String signerThumbprint;
    private final Settings settings;
    private final Clock clock;
    private final EventSink alarms;
    private final String boot = UUID.randomUUID().toString();
    private final long bootNanos = System.nanoTime();
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();

    /** What each publishing thread's {@link #flush} waits for. */
    private final WriteProgress progress = new WriteProgress();

    /** The sync of the last batch written: covers every batch before it too. */
    private volatile Durable lastBatch = Durable.DONE;

    /** Appends written but not yet known to be synced, completed by {@link #settle()}: the writer's own. */
    private final List<Written> unsettled = new ArrayList<>();

    /** An append written at {@code index} as {@code line}, its future completed once the write is known synced. */
    private record Written(Pending pending, long index, byte[] line) {}

    /**
     * Receives the records known to be on disk, in index order, on the audit thread: it must be quick
     * (queue them, do not publish them there).
     */
    @FunctionalInterface
    public interface DurableListener {
        void durable(List<LogRecord> records);
    }

    private final List<DurableListener> durableListeners = new CopyOnWriteArrayList<>();

    /** Counted down once the log has been read back at start (or could not be). */
    private final java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);

    /** Records on disk: the index of the next one to become durable. */
    private volatile long durableSize;

    /** The records found at start: the index of this run's first record. */
    private volatile long foundSize;

    private final List<BiConsumer<String, Checkpoint>> checkpointListeners = new CopyOnWriteArrayList<>();
    private volatile String latestNote;
    private final Thread writer;
    private volatile boolean running = true;

    /** Syncs the live file: shared with the journal and the replay store when the gateway has them. */
    private final GroupCommit.Member commits;

    /** Held by the live file's sync and by its replacement at rotation (the sync may run on another thread). */
    private final Object fileLock = new Object();

    // The writer thread's own (opened there, after the recovery); replaced under fileLock.
    private volatile FileChannel records;
    private FileChannel checkpoints;
    private long liveBytes;
    /** The index of the live file's first record (the records of the sealed segments before it). */
    private long liveFirstIndex;

    private final Merkle.Frontier tree = new Merkle.Frontier();
    private byte[] lastLeaf;
    private long checkpointedSize;
    private Instant checkpointedAt;
    private boolean failing;
    private boolean nearlyFull;
    private volatile Checkpoint latest;

    private AuditLog(
            Path directory,
            String gateway,
            Identity signer,
            Settings settings,
            Clock clock,
            EventSink alarms,
            GroupCommit group)
            throws IOException {
        this.directory = directory;
        this.gateway = gateway;
        this.signer = signer;
        this.keyName = gateway + "-audit";
        this.signerThumbprint = Thumbprints.sha256(signer.certificate());
        this.settings = settings;
        this.clock = clock;
        this.alarms = alarms;
        Files.createDirectories(directory);
        keepCertificates();
        this.checkpointedAt = clock.instant();
        this.writer = Thread.ofPlatform().name("audit").daemon(true).unstarted(this::run);
        GroupCommit.Sync sync = () -> {
            synchronized (fileLock) {
                records.force(false);
            }
        };
        String name = directory.resolve(RECORDS).toString();
        this.commits = group == null ? GroupCommit.of(name, sync) : group.join(name, sync);
    }

    /**
     * Opens (or begins) the audit log in {@code directory} and starts its writer.
     *
     * @param gateway the gateway's name: the checkpoints' origin and the records' source
     * @param signer the audit key and certificate (kind audit, from the plant PKI)
     * @param alarms where the log's own trouble is reported (the event bus)
     */
    public static AuditLog open(
            Path directory, String gateway, Identity signer, Settings settings, Clock clock, EventSink alarms)
            throws IOException {
        return open(directory, gateway, signer, settings, clock, alarms, null);
    }

    /**
     * As {@link #open(Path, String, Identity, Settings, Clock, EventSink)}, the live file's syncs shared
     * with the other files of {@code group} (null: a group of its own): a command's audit records and
     * its acknowledgement in the journal are then made durable by the same round.
     */
    public static AuditLog open(
            Path directory,
            String gateway,
            Identity signer,
            Settings settings,
            Clock clock,
            EventSink alarms,
            GroupCommit group)
            throws IOException {
        AuditLog audit = new AuditLog(directory, gateway, signer, settings, clock, alarms, group);
        // The log is read back on the writer's thread: a long log never delays the gateway's start;
        // the events of the start wait in the queue meanwhile.
        audit.writer.start();
        return audit;
    }

    /** Reads the log back and opens its files, on the writer's thread. */
    private void begin() throws IOException {
        List<GatewayEvent> startup = new ArrayList<>();
        Path file = directory.resolve(RECORDS);
        recover(file, startup);
        records =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        liveBytes = records.size();
        checkpoints = FileChannel.open(
                directory.resolve(CHECKPOINTS),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        checkpointedSize = tree.size();
        checkpointedAt = clock.instant();
        durableSize = tree.size();
        foundSize = tree.size();
        startup.forEach(alarms::publish);
    }

    /**
     * Reads the records there are, rebuilding the tree; a last line cut short by a crash is dropped
     * (it was never synced, so never acknowledged); a log that is damaged further back is moved aside
     * and a new one begun, with an {@code AUDIT_LOG_DAMAGED} event.
     */
    private void recover(Path file, List<GatewayEvent> startup) throws IOException {
        String[] damage = {null};
        long[] damagedAt = {-1};
        RecordFile.End end = RecordFile.readAll(directory, (index, line) -> {
            // The verifier's own check: canonical, at its index, following the record before it.
            String problem = AuditVerifier.recordProblem(line, index, lastLeaf);
            if (problem != null) {
                damage[0] = problem;
                damagedAt[0] = index;
                return false;
            }
            byte[] leaf = Merkle.leafHash(line);
            tree.append(leaf);
            lastLeaf = leaf;
            return true;
        });
        if (damage[0] != null) {
            keepAside(file, damagedAt[0], damage[0], startup);
            liveFirstIndex = 0;
            return;
        }
        liveFirstIndex = tree.size() - end.records();
        if (end.trailingBytes() > 0) {
            log.warn(
                    "audit log {}: dropping {} bytes of a record cut short (a crash while writing)",
                    file,
                    end.trailingBytes());
            try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
                c.truncate(end.completeBytes());
                c.force(true);
            }
        }
    }

    /** Moves a damaged log (its segments, live file and checkpoints) aside, kept for the investigation; a new log begins. */
    private void keepAside(Path file, long index, String problem, List<GatewayEvent> startup) throws IOException {
        Path aside = directory.resolve("damaged-" + clock.instant().toEpochMilli());
        Files.createDirectories(aside);
        List<Path> moved = new ArrayList<>(RecordFile.files(directory));
        moved.add(directory.resolve(CHECKPOINTS));
        for (Path f : moved) {
            if (Files.exists(f)) {
                Files.move(f, aside.resolve(f.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        log.error(
                "audit log {} is damaged at record {} ({}): moved to {}; a new log begins",
                file,
                index,
                problem,
                aside);
        startup.add(new GatewayEvent(
                clock.instant(),
                "",
                "",
                "the audit log was damaged at record " + index + " (" + problem + "): kept in " + aside
                        + ", a new log begins",
                new GatewayDetail.AuditLogDamaged(index, problem, aside.toString())));
        tree.clear();
        lastLeaf = null;
    }

    private void keepCertificates() throws IOException {
        Path file = directory.resolve(CERTIFICATES);
        List<X509Certificate> kept = new ArrayList<>();
        if (Files.exists(file)) {
            try {
                kept.addAll(Keystores.readCertificates(file));
            } catch (PkiException e) {
                throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        if (kept.stream().noneMatch(c -> Thumbprints.sha256(c).equals(signerThumbprint))) {
            kept.addAll(signer.chain());
            Path tmp = file.resolveSibling(CERTIFICATES + ".tmp");
            Files.writeString(tmp, Keystores.toPem(kept));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Queues {@code event}; never blocks (a full queue drops it, counted). */
    @Override
    public void publish(GatewayEvent event) {
        append(event);
    }

    /** Queues {@code event}; the future completes with its index once it is on disk. */
    public CompletableFuture<Long> append(GatewayEvent event) {
        CompletableFuture<Long> appended = new CompletableFuture<>();
        if (!progress.offer(() -> running && queue.offer(new Pending(event, appended)))) {
            long n = dropped.incrementAndGet();
            if (n == 1 || Long.bitCount(n) == 1) {
                log.error("audit log: {} event(s) dropped: the writer does not keep up or has stopped", n);
            }
            appended.completeExceptionally(new IOException("the audit log's queue is full or closed"));
        }
        return appended;
    }

    /**
     * Waits until the events the calling thread queued since its last flush are on disk, or {@code
     * max} has passed: whether they all are (false too when one was dropped, or its batch could not be
     * written). Events of other threads are not waited for, unless they are ahead in the queue.
     */
    @Override
    public boolean flush(Duration max) {
        if (!progress.awaitWritten(max, writer::isAlive)) {
            return false;
        }
        // Written: the sync is waited for here, on the caller's thread, which may lead the round
        // itself, while the writer goes on with the next batch. The last batch's sync covers ours.
        try {
            lastBatch.await();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The last checkpoint written, or null before the first. */
    public Checkpoint latestCheckpoint() {
        return latest;
    }

    /**
     * Calls {@code listener} with each checkpoint's signed note as it is written (on the audit thread:
     * it must be quick), and at once with the last one, if any.
     */
    public void onCheckpoint(BiConsumer<String, Checkpoint> listener) {
        checkpointListeners.add(listener);
        Checkpoint c = latest;
        String note = latestNote;
        if (c != null && note != null) {
            listener.accept(note, c);
        }
    }

    /** Events dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    private void run() {
        try {
            begin();
            opened.countDown();
        } catch (IOException e) {
            opened.countDown();
            log.error("audit log {}: cannot be opened: {}", directory, e.toString());
            failed(e);
            running = false;
            List<Pending> lost = new ArrayList<>();
            progress.exclusively(() -> queue.drainTo(lost));
            lost.forEach(p -> p.appended().completeExceptionally(e));
            progress.processed(lost.size(), false);
            return;
        }
        List<Pending> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(untilPeriodicCheckpoint(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, 4_096);
                }
            } catch (InterruptedException e) {
                running = false;
                queue.drainTo(batch);
            }
            commit(batch);
            batch.clear();
            if (queue.isEmpty()) {
                // Nothing more to write: make sure what was written is on disk.
                settle();
            }
        }
        commit(batch);
        checkpoint(true);
        settle();
    }

    /**
     * Waits for the sync of what was written (a round this thread may lead, or one a command's
     * thread leads), then completes the appends it covered; a failed sync is {@code AUDIT_FAILED}.
     */
    private void settle() {
        if (unsettled.isEmpty()) {
            return;
        }
        try {
            lastBatch.await();
        } catch (IOException e) {
            failed(e);
            unsettled.forEach(w -> w.pending().appended().completeExceptionally(e));
            unsettled.clear();
            return;
        }
        recovered();
        unsettled.forEach(w -> w.pending().appended().complete(w.index()));
        durableSize = unsettled.getLast().index() + 1;
        // The records themselves only for a listener (the MQTT sink): none, no copy.
        List<LogRecord> durable = durableListeners.isEmpty() ? List.of() : new ArrayList<>(unsettled.size());
        if (!durableListeners.isEmpty()) {
            unsettled.forEach(w -> durable.add(new LogRecord(w.index(), w.line())));
        }
        unsettled.clear();
        for (DurableListener listener : durableListeners) {
            try {
                listener.durable(durable);
            } catch (RuntimeException e) {
                log.warn("a listener of the audit log's durable records failed", e);
            }
        }
    }

    /**
     * Calls {@code listener} with the records that become durable from now on, in index order, on the
     * audit thread (see {@link DurableListener}). The records before {@link #durableSize()} are read
     * with a {@link #cursor}.
     */
    public void onDurable(DurableListener listener) {
        durableListeners.add(listener);
    }

    /**
     * How many records are on disk (those read back at start included): the index of the next one to
     * become durable. 0 until the log has been read back at start.
     */
    public long durableSize() {
        return durableSize;
    }

    /**
     * Waits until the log has been read back at start (its {@link #durableSize()} is then known), or
     * {@code max} has passed: whether it has been.
     */
    public boolean awaitOpen(Duration max) throws InterruptedException {
        return opened.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The records found on disk at start (valid once {@link #awaitOpen}): the index of this run's first. */
    public long foundAtStart() {
        return foundSize;
    }

    /** The folder of the log's files. */
    public Path directory() {
        return directory;
    }

    /** Reads the records from {@code index} on, in order, from the log's files (the outbox of the MQTT sink). */
    public RecordCursor cursor(long index) throws IOException {
        return RecordCursor.open(directory, index);
    }

    /**
     * Writes the batch, lets the threads waiting for it go on, then checkpoints when one is due (right
     * away after a security-relevant event) and rotates the live file when it is full.
     */
    private void commit(List<Pending> batch) {
        boolean written = write(batch);
        progress.processed(batch.size(), written);
        boolean urgent = false;
        for (Pending p : batch) {
            urgent |= securityRelevant(p.event());
        }
        checkpoint(written && urgent);
        if (liveBytes >= settings.rotateBytes()) {
            rotate();
        }
    }

    private long untilPeriodicCheckpoint() {
        long left = settings.period().toMillis()
                - Duration.between(checkpointedAt, clock.instant()).toMillis();
        return Math.max(10, Math.min(left, 1_000));
    }

    /** Writes and syncs the batch: whether it is on disk. */
    private boolean write(List<Pending> batch) {
        if (!batch.isEmpty()) {
            List<byte[]> leaves = new ArrayList<>(batch.size());
            byte[] previous = lastLeaf;
            long index = tree.size();
            ByteBuffer out;
            List<byte[]> lines = new ArrayList<>(batch.size());
            int bytes = 0;
            for (Pending p : batch) {
                byte[] line = AuditRecords.encode(
                        gateway,
                        p.event(),
                        new AuditRecords.Position(index++, previous, boot, System.nanoTime() - bootNanos));
                previous = Merkle.leafHash(line);
                leaves.add(previous);
                lines.add(line);
                bytes += line.length + 1;
            }
            out = ByteBuffer.allocate(bytes);
            lines.forEach(l -> out.put(l).put((byte) '\n'));
            out.flip();
            try {
                while (out.hasRemaining()) {
                    records.write(out);
                }
            } catch (IOException e) {
                failed(e);
                batch.forEach(p -> p.appended().completeExceptionally(e));
                return false;
            }
            // Not waited for here: by a flusher, by settle() when the queue is empty, and before a
            // checkpoint signs these records.
            lastBatch = commits.ticket();
            long first = tree.size();
            for (int i = 0; i < leaves.size(); i++) {
                tree.append(leaves.get(i));
                unsettled.add(new Written(batch.get(i), first + i, lines.get(i)));
            }
            lastLeaf = previous;
            liveBytes += bytes;
        }
        return true;
    }

    /**
     * Seals the live file as the segment {@code audit-<index of its first record>.jsonl} and begins a
     * new live file; the records go on with the next index and the leaf of the last one sealed, so the
     * chain and the tree run across the files.
     */
    private void rotate() {
        checkpoint(true);
        long firstOfLive = liveFirstIndex;
        try {
            Path segment = directory.resolve(RecordFile.segmentName(firstOfLive));
            synchronized (fileLock) {
                records.force(true);
                records.close();
                Files.move(directory.resolve(RECORDS), segment, StandardCopyOption.ATOMIC_MOVE);
                records = FileChannel.open(
                        directory.resolve(RECORDS),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
            }
            liveBytes = 0;
            liveFirstIndex = tree.size();
            log.info("audit log: records from {} sealed as {}", firstOfLive, segment.getFileName());
        } catch (IOException e) {
            failed(e);
        }
    }

    private static boolean securityRelevant(GatewayEvent event) {
        return switch (event.detail()) {
            case SecurityDetail s -> true;
            case CommandDetail.CommandRejected r -> true;
            case PairDetail.SwitchoverCompleted c -> true;
            case PairDetail.SwitchoverFailed f -> true;
            default -> false;
        };
    }

    /** Signs and writes a checkpoint when one is due (or {@code now}), if there is anything new. */
    private void checkpoint(boolean now) {
        long size = tree.size();
        if (size == checkpointedSize && latest != null) {
            return;
        }
        boolean due = now
                || size - checkpointedSize >= settings.every()
                || !clock.instant().isBefore(checkpointedAt.plus(settings.period()));
        if (!due) {
            return;
        }
        // Sign only records on disk: a crash must never leave a signed tree larger than the log.
        settle();
        try {
            lastBatch.await();
        } catch (IOException e) {
            return;
        }
        Checkpoint c = new Checkpoint("failover-gateway/" + gateway, size, tree.root(), clock.instant());
        String note;
        try {
            note = c.sign(keyName, signer.privateKey(), signer.certificate().getPublicKey());
            ObjectNode line = JSON.createObjectNode();
            line.put("note", note);
            line.put("signer", signerThumbprint);
            ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                checkpoints.write(out);
            }
            checkpoints.force(false);
        } catch (IOException | GeneralSecurityException e) {
            failed(e);
            return;
        }
        latest = c;
        latestNote = note;
        for (var listener : checkpointListeners) {
            try {
                listener.accept(note, c);
            } catch (RuntimeException e) {
                log.warn("a checkpoint listener failed", e);
            }
        }
        checkpointedSize = size;
        checkpointedAt = c.time();
        capacity();
    }

    private void failed(Exception e) {
        if (!failing) {
            failing = true;
            log.error("audit log {}: cannot write or sync: {}", directory, e.toString());
            alarms.publish(new GatewayEvent(
                    clock.instant(),
                    "",
                    "",
                    "the audit log in " + directory + " cannot be written: " + e.getMessage(),
                    new GatewayDetail.AuditFailed(directory.toString(), String.valueOf(e.getMessage()))));
        }
    }

    private void recovered() {
        if (failing) {
            failing = false;
            log.warn("audit log {}: writing again", directory);
            alarms.publish(new GatewayEvent(
                    clock.instant(),
                    "",
                    "",
                    "the audit log in " + directory + " can be written again",
                    new GatewayDetail.AuditRecovered(directory.toString())));
        }
    }

    private void capacity() {
        try {
            FileStore store = Files.getFileStore(directory);
            long total = store.getTotalSpace();
            long usable = store.getUsableSpace();
            int percent = total <= 0 ? 0 : (int) Math.round(100.0 * (total - usable) / total);
            boolean full = percent >= CAPACITY_WARNING_PERCENT;
            if (full && !nearlyFull) {
                alarms.publish(new GatewayEvent(
                        clock.instant(),
                        "",
                        "",
                        "the file system of the audit log is " + percent + " % full (" + usable / (1 << 20)
                                + " MiB left)",
                        new GatewayDetail.AuditCapacity(directory.toString(), percent, usable)));
            }
            nearlyFull = full;
        } catch (IOException e) {
            log.debug("audit log {}: cannot read the file system's capacity: {}", directory, e.toString());
        }
    }

    /** Writes what is queued, a last checkpoint, and closes the files. */
    @Override
    public void close() throws IOException {
        running = false;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (records != null) {
            records.close();
        }
        if (checkpoints != null) {
            checkpoints.close();
        }
    }
}
