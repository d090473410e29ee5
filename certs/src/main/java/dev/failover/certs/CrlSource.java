package dev.failover.certs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The CRLs a verifier checks against: fixed ones, plus CRL files that are re-read whenever one changes
 * (a new {@code crl.pem} is written by rename, so its file key, time or size changes). A file that is
 * missing or unreadable is reported, and the certificates it would cover come out REVOCATION_UNKNOWN:
 * verification fails closed. Thread-safe.
 */
final class CrlSource {

    /** The CRLs as last loaded, with the problems met loading them. */
    record Snapshot(List<Object> stamps, CertStore store, int crlCount, List<String> problems) {}

    private final List<Path> files;
    private final List<X509CRL> fixed;
    private volatile Snapshot snapshot;

    CrlSource(List<Path> files, List<X509CRL> fixed) {
        this.files = List.copyOf(files);
        this.fixed = List.copyOf(fixed);
    }

    /** The current CRLs, re-read first when a file changed since the last call. */
    Snapshot current() {
        List<Object> stamps = stamps();
        Snapshot current = snapshot;
        if (current != null && current.stamps().equals(stamps)) {
            return current;
        }
        synchronized (this) {
            current = snapshot;
            if (current == null || !current.stamps().equals(stamps)) {
                current = load(stamps);
                snapshot = current;
            }
            return current;
        }
    }

    /** Forgets the loaded CRLs so the next {@link #current()} reads the files again. */
    void invalidate() {
        snapshot = null;
    }

    private Snapshot load(List<Object> stamps) {
        List<X509CRL> crls = new ArrayList<>(fixed);
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            try {
                crls.addAll(Keystores.readCrls(file));
            } catch (PkiException e) {
                problems.add(e.getMessage());
            }
        }
        try {
            CertStore store = CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls));
            return new Snapshot(stamps, store, crls.size(), List.copyOf(problems));
        } catch (GeneralSecurityException e) {
            // The JDK's "Collection" CertStore is always present; losing it is a broken runtime.
            throw new IllegalStateException("no Collection CertStore in this JDK", e);
        }
    }

    private List<Object> stamps() {
        List<Object> stamps = new ArrayList<>(files.size());
        for (Path file : files) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                stamps.add(List.of(
                        file,
                        Objects.requireNonNullElse(attributes.fileKey(), ""),
                        attributes.lastModifiedTime(),
                        attributes.size()));
            } catch (IOException e) {
                stamps.add(List.of(file, "unreadable"));
            }
        }
        return stamps;
    }
}
