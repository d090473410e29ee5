package dev.failover.certs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** The PKI directory's layout and the file operations on it: atomic writes, permissions, a lock. */
final class PkiFiles {

    static final String SETTINGS = "pki.properties";
    static final String INDEX = "index.properties";
    static final String ROOT_KEYSTORE = "root-ca.p12";
    static final String ROOT_CERT = "root-ca.crt.pem";
    static final String ISSUING_KEYSTORE = "issuing-ca.p12";
    static final String ISSUING_CERT = "issuing-ca.crt.pem";
    static final String CA_CHAIN = "ca-chain.pem";
    static final String CRL = "crl.pem";
    static final String ISSUED = "issued";
    static final String ROOT_ALIAS = "root-ca";
    static final String ISSUING_ALIAS = "issuing-ca";
    private static final String LOCK = ".lock";

    private PkiFiles() {}

    /**
     * Writes {@code bytes} to {@code target} through a temporary file and a rename, so a reader never
     * sees a half-written file. A {@code secret} file is readable by its owner only (where the file
     * system has POSIX permissions); others are world-readable.
     */
    static void write(Path target, byte[] bytes, boolean secret) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        // createTempFile makes the file owner-only on POSIX: secrets are never briefly exposed.
        Path temporary = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (!secret && isPosix(parent)) {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Creates {@code dir} (and parents) and restricts it to its owner where POSIX permissions exist. */
    static void createPrivateDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (isPosix(dir)) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /**
     * Takes the PKI directory's lock, so two processes never change the index at once. Closing the
     * returned channel releases it.
     */
    static FileChannel lock(Path dir) throws PkiException {
        Path lockFile = dir.resolve(LOCK);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new PkiException(
                        PkiException.Reason.BUSY, "another process is changing the PKI in " + dir + ": try again");
            }
            return channel;
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel, e);
            throw new PkiException(
                    PkiException.Reason.BUSY, "the PKI in " + dir + " is being changed by this process already", e);
        } catch (IOException e) {
            closeQuietly(channel, e);
            throw new PkiException(PkiException.Reason.IO, "cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel channel, Exception primary) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
