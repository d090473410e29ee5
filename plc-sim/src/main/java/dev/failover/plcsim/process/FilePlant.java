package dev.failover.plcsim.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A tank in a memory-mapped plant file, shared by controllers in several processes. Use {@link
 * dev.failover.plcsim.Plant#file(Path)}.
 *
 * <p><b>No process ever waits for another.</b> The file holds the tank as pages, each a complete tank
 * image, and a commit word that names the current page. An update copies the current page into a
 * page of its own process, applies itself there and publishes it by a compare-and-set of the commit
 * word; if another update was committed in between, it starts again from the new current page. A
 * reader copies the current page and keeps the copy if the commit word did not change meanwhile. A
 * process stopped (SIGSTOP) or killed in the middle of an update holds nothing: the others go on,
 * and its unfinished page is never published. This is what a cabinet does too: a paused controller
 * cannot hold up its partner or the output-enable relays.
 *
 * <p>Each plant object that updates the file claims one of {@value #WRITERS} writer entries (its
 * process's pid) at its first update and owns that entry's two pages, so it never writes the current
 * page; its threads take turns. It gives the entry back when closed, and an entry whose process has
 * ended is claimed again. Opening a file takes an exclusive {@link FileLock} briefly, to create,
 * check or upgrade it, after a per-file lock inside this JVM (a JVM holds file locks for all its
 * threads: a second {@code lock()} from it would throw instead of waiting). Threads that open a plant
 * must not be interrupted: an interrupt during {@code lock()} closes the channel. Processes that share
 * a plant file must see each other's pids (one pid namespace).
 *
 * <p>Layout, big-endian: magic {@code "PLCTANK\0"} (8 bytes), version {@value #VERSION} (int), slot
 * count (int), commit word (long: number of commits × 256 + current page), {@value #WRITERS} writer
 * entries (long: pid, 0 free), then from offset {@value #OFF_PAGES} {@value #PAGES} pages of {@value
 * #PAGE_SIZE} bytes, each a tank image in the version 1 layout of {@link MappedTankStore}. A version 1
 * file (that tank image alone, with or without the 8-byte write sequence after it) is upgraded when
 * opened: its image becomes page 0.
 */
public final class FilePlant extends SharedTank {

    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    static final byte[] MAGIC = MappedTankStore.MAGIC;

    /** Format version of the file; its pages keep the version of the tank image. */
    static final int VERSION = 2;

    private static final int OFF_VERSION = 8;
    private static final int OFF_SLOTS = 12;
    static final int OFF_COMMIT = 16;
    static final int OFF_WRITERS = 24;

    /** Processes that can update one plant at the same time. */
    static final int WRITERS = 16;

    static final int OFF_PAGES = 160;
    static final int PAGE_SIZE = MappedTankStore.SIZE;

    /** Page 0 (the first image) and two per writer entry. */
    static final int PAGES = 1 + 2 * WRITERS;

    /** Size of a plant file in bytes. */
    static final int SIZE = OFF_PAGES + PAGES * PAGE_SIZE;

    /** Sizes of a version 1 file: the tank image, and the image followed by its write sequence. */
    private static final long V1_SIZE = MappedTankStore.SIZE;

    private static final long V1_SEQUENCED_SIZE = V1_SIZE + Long.BYTES;

    /** Read attempts that spin before they pause. */
    private static final int SPINS = 64;

    private static final long PAUSE_NANOS = 20_000;

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final Path path;
    private final FileChannel channel;
    private final MappedByteBuffer mapped;
    private final ReentrantLock updates = new ReentrantLock();
    private final ByteBuffer[] pageBytes = new ByteBuffer[PAGES];
    private final MappedTankStore[] pages = new MappedTankStore[PAGES];

    /** The writer entry this object claimed, -1 before its first update; guarded by {@link #updates}. */
    private int entry = -1;

    private FilePlant(Path path, FileChannel channel, MappedByteBuffer mapped, Clock clock) {
        super(clock);
        this.path = path;
        this.channel = channel;
        this.mapped = mapped;
        for (int p = 0; p < PAGES; p++) {
            pageBytes[p] = page(mapped, p);
            pages[p] = new MappedTankStore(pageBytes[p]);
        }
    }

    private static ByteBuffer page(ByteBuffer file, int page) {
        return file.slice(OFF_PAGES + page * PAGE_SIZE, PAGE_SIZE);
    }

    /**
     * Opens the plant file at {@code path}, creating it when missing or empty.
     *
     * @throws IllegalArgumentException if the file holds something other than a plant
     * @throws UncheckedIOException if it cannot be opened, locked or mapped
     */
    public static FilePlant open(Path path, Clock clock) {
        FileChannel channel;
        try {
            channel = FileChannel.open(
                    path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open plant file " + path + ": " + e.getMessage(), e);
        }
        try {
            ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(path.toRealPath(), p -> new ReentrantLock());
            MappedByteBuffer mapped = mapAndCheck(path, channel, jvmLock, clock);
            return new FilePlant(path, channel, mapped, clock);
        } catch (IOException e) {
            closeQuietly(channel, e);
            throw new UncheckedIOException("cannot use plant file " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        }
    }

    private static MappedByteBuffer mapAndCheck(Path path, FileChannel channel, ReentrantLock jvmLock, Clock clock)
            throws IOException {
        jvmLock.lock();
        try {
            FileLock fileLock = channel.lock();
            try {
                return checkedFile(path, channel, clock);
            } finally {
                fileLock.release();
            }
        } finally {
            jvmLock.unlock();
        }
    }

    private static MappedByteBuffer checkedFile(Path path, FileChannel channel, Clock clock) throws IOException {
        long size = channel.size();
        if (size != 0 && size != SIZE && size != V1_SIZE && size != V1_SEQUENCED_SIZE) {
            throw notAPlant(path, "its size is " + size + " bytes, a plant file has " + SIZE);
        }
        byte[] v1Image = null;
        if (size == V1_SIZE || size == V1_SEQUENCED_SIZE) {
            // Check before upgrading: a file of that size that is no plant must stay as it was.
            MappedByteBuffer old = channel.map(FileChannel.MapMode.READ_ONLY, 0, V1_SIZE);
            Optional<String> problem = new MappedTankStore(old).formatProblem();
            if (problem.isPresent()) {
                throw notAPlant(path, problem.get());
            }
            v1Image = new byte[PAGE_SIZE];
            old.get(0, v1Image);
        }
        // Mapping past the end extends the file with zero bytes.
        MappedByteBuffer file = channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
        if (size == 0 || v1Image != null) {
            file.put(0, new byte[OFF_PAGES]);
            if (v1Image == null) {
                new MappedTankStore(page(file, 0)).initialize(epochMicros(clock));
            } else {
                file.put(OFF_PAGES, v1Image);
            }
            file.putInt(OFF_VERSION, VERSION);
            file.putInt(OFF_SLOTS, TankStore.SLOTS);
            // The magic last: a file cut short while being written is no plant.
            file.put(0, MAGIC);
            file.force();
            return file;
        }
        Optional<String> problem = formatProblem(file);
        if (problem.isPresent()) {
            throw notAPlant(path, problem.get());
        }
        return file;
    }

    /** Why {@code file} does not hold a plant file of this version, or empty if it does. */
    private static Optional<String> formatProblem(ByteBuffer file) {
        byte[] magic = new byte[MAGIC.length];
        file.get(0, magic);
        if (!Arrays.equals(magic, MAGIC)) {
            return Optional.of("it does not start with the plant file magic '"
                    + new String(MAGIC, 0, MAGIC.length - 1, StandardCharsets.US_ASCII) + "'");
        }
        int version = file.getInt(OFF_VERSION);
        if (version != VERSION || file.getInt(OFF_SLOTS) != TankStore.SLOTS) {
            return Optional.of("unsupported plant file version " + version + " (expected " + VERSION + ")");
        }
        int current = (int) (((long) LONG.getVolatile(file, OFF_COMMIT)) & 0xFF);
        if (current >= PAGES) {
            return Optional.of("its commit word names page " + current + ", it has " + PAGES);
        }
        return new MappedTankStore(page(file, current)).formatProblem();
    }

    private static IllegalArgumentException notAPlant(Path path, String why) {
        return new IllegalArgumentException(
                path + " is not a plant file: " + why + "; delete it or choose another --plant path");
    }

    private static void closeQuietly(FileChannel channel, Exception primary) {
        try {
            channel.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

    private static int pageOf(long commit) {
        int page = (int) (commit & 0xFF);
        if (page >= PAGES) {
            // Only another program writing into the file (an older plc-sim still running on it) does this.
            throw new IllegalStateException("the plant file's commit word names page " + page + " of " + PAGES
                    + ": something other than this plc-sim writes into it (an older plc-sim still running?)");
        }
        return page;
    }

    private static long committed(long previous, int page) {
        return ((previous >>> 8) + 1) << 8 | page;
    }

    @Override
    <T> T update(Function<TankStore, T> action) {
        updates.lock();
        try {
            if (entry < 0) {
                entry = claimWriterEntry();
            }
            int first = 1 + 2 * entry;
            while (true) {
                long commit = (long) LONG.getVolatile(mapped, OFF_COMMIT);
                int current = pageOf(commit);
                // Never the current page: readers and other writers may be copying it.
                int target = current == first ? first + 1 : first;
                pageBytes[target].put(0, pageBytes[current], 0, PAGE_SIZE);
                T result;
                try {
                    result = action.apply(pages[target]);
                } catch (RuntimeException e) {
                    if ((long) LONG.getVolatile(mapped, OFF_COMMIT) != commit) {
                        continue; // copied while another update was committed: the copy may be torn
                    }
                    throw e;
                }
                if (LONG.compareAndSet(mapped, OFF_COMMIT, commit, committed(commit, target))) {
                    return result;
                }
            }
        } finally {
            updates.unlock();
        }
    }

    /** A free writer entry, or one whose process has ended, now holding this process's pid. */
    private int claimWriterEntry() {
        long pid = ProcessHandle.current().pid();
        for (int i = 0; i < WRITERS; i++) {
            int offset = OFF_WRITERS + i * Long.BYTES;
            long holder = (long) LONG.getVolatile(mapped, offset);
            boolean free = holder == 0
                    || ProcessHandle.of(holder).map(p -> !p.isAlive()).orElse(true);
            if (free && LONG.compareAndSet(mapped, offset, holder, pid)) {
                return i;
            }
        }
        throw new IllegalStateException("plant file " + path + " already has " + WRITERS
                + " writers in live processes; stop one or use another --plant path");
    }

    /** A copy of the current page, taken while no update was committed; never waits for a writer. */
    @Override
    <T> T onSnapshot(Function<TankStore, T> action) {
        ByteBuffer copy = ByteBuffer.allocate(PAGE_SIZE);
        for (int attempt = 0; ; attempt++) {
            long commit = (long) LONG.getVolatile(mapped, OFF_COMMIT);
            copy.put(0, pageBytes[pageOf(commit)], 0, PAGE_SIZE);
            VarHandle.loadLoadFence();
            if ((long) LONG.getVolatile(mapped, OFF_COMMIT) == commit) {
                return action.apply(new MappedTankStore(copy));
            }
            if (attempt < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(PAUSE_NANOS);
            }
        }
    }

    /** The plant file. */
    public Path path() {
        return path;
    }

    @Override
    public void close() {
        updates.lock();
        try {
            if (entry >= 0) {
                LONG.compareAndSet(
                        mapped,
                        OFF_WRITERS + entry * Long.BYTES,
                        ProcessHandle.current().pid(),
                        0L);
                entry = -1;
            }
        } finally {
            updates.unlock();
        }
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close plant file " + path, e);
        }
    }
}
