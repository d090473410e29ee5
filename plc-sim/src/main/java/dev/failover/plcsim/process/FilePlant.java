package dev.failover.plcsim.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
 */
public final class FilePlant extends SharedTank {

    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path path;
    private final FileChannel channel;
    private final ReentrantLock jvmLock;
    private final MappedTankStore store;

    private FilePlant(Path path, FileChannel channel, ReentrantLock jvmLock, MappedTankStore store, Clock clock) {
        super(clock);
        this.path = path;
        this.channel = channel;
        this.jvmLock = jvmLock;
        this.store = store;
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
            MappedTankStore store = mapAndCheck(path, channel, jvmLock, clock);
            return new FilePlant(path, channel, jvmLock, store, clock);
        } catch (IOException e) {
            closeQuietly(channel, e);
            throw new UncheckedIOException("cannot use plant file " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        }
    }

    private static MappedTankStore mapAndCheck(Path path, FileChannel channel, ReentrantLock jvmLock, Clock clock)
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

    private static MappedTankStore checkedStore(Path path, FileChannel channel, Clock clock) throws IOException {
        long size = channel.size();
        if (size != 0 && size != MappedTankStore.SIZE) {
            throw notAPlant(path, "its size is " + size + " bytes, a plant file has " + MappedTankStore.SIZE);
        }
        MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, MappedTankStore.SIZE);
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
        return store;
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
                return action.apply(store);
            } finally {
                fileLock.release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock plant file " + path + ": " + e.getMessage(), e);
        } finally {
            jvmLock.unlock();
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
