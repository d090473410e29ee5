package dev.failover.certs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * Reading and writing the PKI's files: PKCS#12 key stores, PEM certificates and CRLs. Every failure is
 * a {@link PkiException} whose message names the file. Certificates and CRLs come back as JDK objects,
 * ready for the JDK's PKIX validator and TLS. Stateless and thread-safe.
 */
public final class Keystores {

    private Keystores() {}

    /**
     * Loads a PKCS#12 key store.
     *
     * @throws PkiException {@code MISSING_FILE}, {@code WRONG_PASSWORD} or {@code CORRUPT}, naming the file
     */
    public static KeyStore loadPkcs12(Path file, char[] password) throws PkiException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, password);
            return keyStore;
        } catch (NoSuchFileException e) {
            throw new PkiException(PkiException.Reason.MISSING_FILE, "key store " + file + " does not exist", e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new PkiException(PkiException.Reason.WRONG_PASSWORD, "wrong password for key store " + file, e);
            }
            throw new PkiException(
                    PkiException.Reason.CORRUPT,
                    "key store " + file + " is not a readable PKCS#12 file: " + e.getMessage(),
                    e);
        } catch (GeneralSecurityException e) {
            throw new PkiException(
                    PkiException.Reason.CORRUPT, "key store " + file + " cannot be loaded: " + e.getMessage(), e);
        }
    }

    /**
     * Loads the one private key entry of a PKCS#12 key store (the store and key share the password, as
     * the PKI writes them).
     *
     * @throws PkiException as {@link #loadPkcs12}, or {@code CORRUPT} when the store holds no key or
     *     more than one
     */
    public static Identity loadIdentity(Path file, char[] password) throws PkiException {
        KeyStore keyStore = loadPkcs12(file, password);
        try {
            List<String> keyAliases = new ArrayList<>();
            for (String alias : Collections.list(keyStore.aliases())) {
                if (keyStore.isKeyEntry(alias)) {
                    keyAliases.add(alias);
                }
            }
            if (keyAliases.size() != 1) {
                throw new PkiException(
                        PkiException.Reason.CORRUPT,
                        "key store " + file + " holds " + keyAliases.size() + " private keys, expected exactly one");
            }
            String alias = keyAliases.get(0);
            Key key = keyStore.getKey(alias, password);
            if (!(key instanceof PrivateKey privateKey)) {
                throw new PkiException(
                        PkiException.Reason.CORRUPT, "entry '" + alias + "' of " + file + " is not a private key");
            }
            Certificate[] chain = keyStore.getCertificateChain(alias);
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : chain == null ? new Certificate[0] : chain) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw new PkiException(
                        PkiException.Reason.CORRUPT, "entry '" + alias + "' of " + file + " has no certificate");
            }
            return new Identity(alias, privateKey, certificates);
        } catch (UnrecoverableKeyException e) {
            throw new PkiException(
                    PkiException.Reason.WRONG_PASSWORD, "wrong password for the private key in " + file, e);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new PkiException(
                    PkiException.Reason.CORRUPT, "cannot read the private key in " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The certificates in a PEM file, in file order; other PEM objects (CRLs) are skipped.
     *
     * @throws PkiException {@code MISSING_FILE}, or {@code CORRUPT} when the file holds no certificate
     *     or cannot be parsed
     */
    public static List<X509Certificate> readCertificates(Path pemFile) throws PkiException {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try {
            for (Object object : readPemObjects(pemFile)) {
                if (object instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (CertificateException e) {
            throw new PkiException(
                    PkiException.Reason.CORRUPT, "a certificate in " + pemFile + " is invalid: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new PkiException(PkiException.Reason.CORRUPT, pemFile + " holds no PEM certificate");
        }
        return List.copyOf(certificates);
    }

    /** The first certificate in a PEM file; see {@link #readCertificates}. */
    public static X509Certificate readCertificate(Path pemFile) throws PkiException {
        return readCertificates(pemFile).get(0);
    }

    /**
     * The CRLs in a PEM file, in file order; other PEM objects are skipped.
     *
     * @throws PkiException {@code MISSING_FILE}, or {@code CORRUPT} when the file holds no CRL or
     *     cannot be parsed
     */
    public static List<X509CRL> readCrls(Path pemFile) throws PkiException {
        List<X509CRL> crls = new ArrayList<>();
        JcaX509CRLConverter converter = new JcaX509CRLConverter();
        try {
            for (Object object : readPemObjects(pemFile)) {
                if (object instanceof X509CRLHolder holder) {
                    crls.add(converter.getCRL(holder));
                }
            }
        } catch (java.security.cert.CRLException e) {
            throw new PkiException(
                    PkiException.Reason.CORRUPT, "a CRL in " + pemFile + " is invalid: " + e.getMessage(), e);
        }
        if (crls.isEmpty()) {
            throw new PkiException(PkiException.Reason.CORRUPT, pemFile + " holds no PEM CRL");
        }
        return List.copyOf(crls);
    }

    /**
     * A verifier built from PKI files as they are distributed to a device: {@code caCertificates} (for
     * example {@code ca-chain.pem}, or {@code root-ca.crt.pem}) must hold exactly one self-signed CA
     * certificate, the trust anchor; its other certificates become known intermediates. The CRL files
     * (for example {@code crl.pem}) are read at the first verification and whenever they change; one
     * that is missing then makes every verification {@code REVOCATION_UNKNOWN}.
     *
     * @throws PkiException when {@code caCertificates} cannot be read or holds no or several roots
     */
    public static CertificateVerifier verifier(Path caCertificates, List<Path> crlFiles, Clock clock)
            throws PkiException {
        List<X509Certificate> roots = new ArrayList<>();
        List<X509Certificate> intermediates = new ArrayList<>();
        for (X509Certificate certificate : readCertificates(caCertificates)) {
            boolean selfSigned = certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
            (selfSigned ? roots : intermediates).add(certificate);
        }
        if (roots.size() != 1) {
            throw new PkiException(
                    PkiException.Reason.CORRUPT,
                    caCertificates + " holds " + roots.size() + " self-signed root certificates, expected exactly one");
        }
        CertificateVerifier.Builder builder = CertificateVerifier.builder(roots.get(0))
                .intermediates(intermediates)
                .clock(clock);
        crlFiles.forEach(builder::crlFile);
        return builder.build();
    }

    /** The PEM text of certificates and CRLs ({@link X509Certificate}, {@link X509CRL}), in order. */
    public static String toPem(List<?> objects) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Writer writer = new OutputStreamWriter(bytes, StandardCharsets.US_ASCII);
                JcaPEMWriter pem = new JcaPEMWriter(writer)) {
            for (Object object : objects) {
                pem.writeObject(object);
            }
        } catch (IOException e) {
            // Only an encoding failure of an object we built ourselves can land here.
            throw new IllegalStateException("cannot PEM-encode " + objects + ": " + e.getMessage(), e);
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    /**
     * Writes a PKCS#12 key store holding one private key entry (store and key share {@code password}),
     * owner-readable only.
     */
    static void writePkcs12(Path file, String alias, PrivateKey key, List<X509Certificate> chain, char[] password)
            throws PkiException {
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry(alias, key, password, chain.toArray(new X509Certificate[0]));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            keyStore.store(bytes, password);
            PkiFiles.write(file, bytes.toByteArray(), true);
        } catch (IOException e) {
            throw new PkiException(PkiException.Reason.IO, "cannot write key store " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new PkiException(
                    PkiException.Reason.CRYPTO, "cannot build key store " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Object> readPemObjects(Path pemFile) throws PkiException {
        try (Reader reader = Files.newBufferedReader(pemFile, StandardCharsets.ISO_8859_1)) {
            return parsePem(reader, pemFile.toString());
        } catch (NoSuchFileException e) {
            throw new PkiException(PkiException.Reason.MISSING_FILE, pemFile + " does not exist", e);
        } catch (IOException e) {
            throw new PkiException(PkiException.Reason.IO, "cannot read " + pemFile + ": " + e.getMessage(), e);
        }
    }

    private static List<Object> parsePem(Reader reader, String source) throws PkiException {
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(reader)) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            // PEMParser reports malformed base64 or DER as IOException or as an unchecked exception.
            throw new PkiException(PkiException.Reason.CORRUPT, source + " is not valid PEM: " + e.getMessage(), e);
        }
        return objects;
    }
}
