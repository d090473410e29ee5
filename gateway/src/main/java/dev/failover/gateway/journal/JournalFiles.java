package dev.failover.gateway.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The file operations of the journal (and the fence ledger), each synced before it returns. */
public final class JournalFiles {

    /** Journals are compacted long before this; a larger file is not loaded into memory. */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

    private JournalFiles() {}

    /** Writes {@code content} to {@code file} (replacing it) and syncs it. */
    public static Path write(Path file, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        return file;
    }

    /** Renames {@code from} over {@code to} atomically, then syncs the directory. */
    public static void replace(Path from, Path to) throws IOException {
        rename(from, to);
        syncDirectory(to);
    }

    /**
     * Renames atomically. There is no fallback to a plain move: a move that is not atomic could leave
     * neither file, or a mix, after a crash.
     */
    static void rename(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Syncs the directory holding {@code file}, so that a creation or a rename in it survives a crash. */
    public static void syncDirectory(Path file) throws IOException {
        try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    static byte[] readAll(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IOException(file + ": the command journal is " + size + " bytes, more than the " + MAX_FILE_BYTES
                    + " this gateway loads; it should have been compacted long before");
        }
        return Files.readAllBytes(file);
    }

    /** Cuts the file back to {@code size} bytes and syncs it. */
    static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
            ch.force(true);
        }
    }
}
