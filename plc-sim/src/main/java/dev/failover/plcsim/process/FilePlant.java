package dev.failover.plcsim.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A tank in a memory-mapped plant file, shared by controllers in several processes. Use {@link
 * dev.failover.plcsim.Plant#file(Path)}.
 *
 * <p>Thread-safe: every access holds a per-file lock inside this JVM and then an exclusive {@link
 * FileLock} across processes. The JVM lock comes first because a JVM holds file locks for all its
 * threads: a second {@code FileChannel.lock()} on the same file from this JVM would throw instead of
 * waiting. Threads that access a plant must not be interrupted: an interrupt during {@code lock()}
 * closes the channel.
 *
 * <p><b>Readers take no lock.</b> Every locked access makes the write sequence after the tank's
 * fields ({@value #SEQUENCE_OFFSET}, 8 bytes) odd before it starts and even when it ends, as a
 * seqlock does; {@link #read()} copies the fields between two equal, even readings of it and
 * integrates on the copy. An observer that samples the plant every millisecond then never holds the
 * lock the controllers' scans and the relay box need: descheduled on a loaded machine while holding
 * it, a reader would stall them all. A writer killed mid-access leaves the sequence odd; the next
 * locked access repairs it, and a reader that keeps finding it odd or changing falls back to the lock.
 * Files written before the sequence existed are {@value #SEQUENCE_OFFSET} bytes long and are extended
 * by 8 zero bytes when opened; the format version stays 1.
 */
public final class FilePlant extends SharedTank {

    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    /** Where the write sequence sits: right after the tank's fields. */
    static final int SEQUENCE_OFFSET = MappedTankStore.SIZE;

    /** Size of a plant file in bytes: the tank's fields and the write sequence. */
    static final int SIZE = SEQUENCE_OFFSET + Long.BYTES;

    /** Lock-free read attempts that spin before they wait. */
    private static final int SPINS = 64;

    private static final long WAIT_NANOS = 100_000;

    /** How long a reader waits for a writer to finish before it takes the lock itself. */
    private static final long SNAPSHOT_PATIENCE_NANOS = 100_000_000;

    private static final VarHandle SEQUENCE = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final MappedByteBuffer mapped;

    private final Path path;
    private final FileChannel channel;
    private final ReentrantLock jvmLock;
    private final MappedTankStore store;

    private FilePlant(Path path, FileChannel channel, ReentrantLock jvmLock, MappedByteBuffer mapped, Clock clock) {
        super(clock);
        this.path = path;
        this.channel = channel;
        this.jvmLock = jvmLock;
        this.mapped = mapped;
        this.store = new MappedTankStore(mapped);
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
            return new FilePlant(path, channel, jvmLock, mapped, clock);
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
                return checkedStore(path, channel, clock);
            } finally {
                fileLock.release();
            }
        } finally {
            jvmLock.unlock();
        }
    }

    private static MappedByteBuffer checkedStore(Path path, FileChannel channel, Clock clock) throws IOException {
        long size = channel.size();
        if (size != 0 && size != SIZE && size != SEQUENCE_OFFSET) {
            throw notAPlant(path, "its size is " + size + " bytes, a plant file has " + SIZE);
        }
        if (size == SEQUENCE_OFFSET) {
            // Check before extending: a file of that size that is no plant must stay as it was.
            MappedByteBuffer old = channel.map(FileChannel.MapMode.READ_ONLY, 0, SEQUENCE_OFFSET);
            Optional<String> problem = new MappedTankStore(old).formatProblem();
            if (problem.isPresent()) {
                throw notAPlant(path, problem.get());
            }
        }
        // Mapping past the end extends the file with zero bytes: a new sequence starts even.
        MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
        MappedTankStore store = new MappedTankStore(buffer);
        if (size == 0) {
            store.initialize(epochMicros(clock));
            buffer.force();
        } else {
            Optional<String> problem = store.formatProblem();
            if (problem.isPresent()) {
                throw notAPlant(path, problem.get());
            }
        }
        return buffer;
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

    @Override
    <T> T locked(Function<TankStore, T> action) {
        jvmLock.lock();
        try {
            FileLock fileLock = channel.lock();
            try {
                // Odd while this access runs: the next odd value, also after a writer that died mid-access.
                long sequence = (long) SEQUENCE.getVolatile(mapped, SEQUENCE_OFFSET);
                long writing = (sequence | 1) + 2;
                SEQUENCE.setVolatile(mapped, SEQUENCE_OFFSET, writing);
                try {
                    return action.apply(store);
                } finally {
                    SEQUENCE.setVolatile(mapped, SEQUENCE_OFFSET, writing + 1);
                }
            } finally {
                fileLock.release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock plant file " + path + ": " + e.getMessage(), e);
        } finally {
            jvmLock.unlock();
        }
    }

    /** A copy taken between two equal, even readings of the write sequence; under the lock if none comes. */
    @Override
    <T> T onSnapshot(Function<TankStore, T> action) {
        long giveUp = System.nanoTime() + SNAPSHOT_PATIENCE_NANOS;
        for (int attempt = 0; ; attempt++) {
            long before = (long) SEQUENCE.getVolatile(mapped, SEQUENCE_OFFSET);
            if ((before & 1) == 0) {
                HeapTankStore copy = HeapTankStore.copyOf(store);
                VarHandle.loadLoadFence();
                if ((long) SEQUENCE.getVolatile(mapped, SEQUENCE_OFFSET) == before) {
                    return action.apply(copy);
                }
            }
            if (attempt < SPINS) {
                Thread.onSpinWait();
            } else if (System.nanoTime() - giveUp < 0) {
                // A writer is in the middle of an access (or died in one): wait for it, without the lock.
                LockSupport.parkNanos(WAIT_NANOS);
            } else {
                // Left odd by a writer that died, and nobody wrote since: the lock repairs nothing, but it is safe.
                return locked(locked -> action.apply(HeapTankStore.copyOf(locked)));
            }
        }
    }

    /** The plant file. */
    public Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close plant file " + path, e);
        }
    }
}
