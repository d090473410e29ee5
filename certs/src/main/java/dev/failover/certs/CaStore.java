package dev.failover.certs;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * The two CAs of a PKI directory: generated and written once by {@link #generate}, read back with the
 * CA password by {@link #load}. Also the settings file ({@code pki.properties}).
 *
 * @param organisation the O attribute of every subject
 * @param root the root CA certificate
 * @param rootKey its private key
 * @param issuing the issuing CA certificate
 * @param issuingKey its private key
 */
record CaStore(
        String organisation, X509Certificate root, PrivateKey rootKey, X509Certificate issuing, PrivateKey issuingKey) {

    static final Duration ROOT_VALIDITY = Duration.ofDays(3653);
    static final Duration ISSUING_VALIDITY = Duration.ofDays(1826);

    /** Throws {@code ALREADY_EXISTS} when {@code dir} holds any file of a PKI. */
    static void refuseExisting(Path dir) throws PkiException {
        for (String file :
                List.of(PkiFiles.SETTINGS, PkiFiles.ROOT_KEYSTORE, PkiFiles.ISSUING_KEYSTORE, PkiFiles.INDEX)) {
            if (Files.exists(dir.resolve(file))) {
                throw new PkiException(
                        PkiException.Reason.ALREADY_EXISTS,
                        dir + " already holds a PKI (found " + file
                                + "): use it, or choose an empty directory for a new one");
            }
        }
    }

    /**
     * Generates the root CA (P-256, pathLen 1) and the issuing CA (P-256, pathLen 0) valid from {@code
     * notBefore}, and writes their key stores (protected by {@code password}), their PEM certificates,
     * {@code ca-chain.pem} and an empty index.
     */
    static CaStore generate(Path dir, String organisation, char[] password, CertificateMaker maker, Instant notBefore)
            throws PkiException, IOException {
        KeyPair rootPair = maker.generateKeyPair(KeyAlgorithm.EC_P256);
        X509Certificate root =
                maker.rootCa(caName(organisation, "Root CA"), rootPair, notBefore, notBefore.plus(ROOT_VALIDITY));
        KeyPair issuingPair = maker.generateKeyPair(KeyAlgorithm.EC_P256);
        X509Certificate issuing = maker.intermediateCa(
                caName(organisation, "Issuing CA"),
                issuingPair.getPublic(),
                root,
                rootPair.getPrivate(),
                notBefore,
                notBefore.plus(ISSUING_VALIDITY));

        Keystores.writePkcs12(
                dir.resolve(PkiFiles.ROOT_KEYSTORE),
                PkiFiles.ROOT_ALIAS,
                rootPair.getPrivate(),
                List.of(root),
                password);
        Keystores.writePkcs12(
                dir.resolve(PkiFiles.ISSUING_KEYSTORE),
                PkiFiles.ISSUING_ALIAS,
                issuingPair.getPrivate(),
                List.of(issuing, root),
                password);
        writePublic(dir.resolve(PkiFiles.ROOT_CERT), Keystores.toPem(List.of(root)));
        writePublic(dir.resolve(PkiFiles.ISSUING_CERT), Keystores.toPem(List.of(issuing)));
        writePublic(dir.resolve(PkiFiles.CA_CHAIN), Keystores.toPem(List.of(issuing, root)));
        PkiIndex.empty().save(dir.resolve(PkiFiles.INDEX));
        return new CaStore(organisation, root, rootPair.getPrivate(), issuing, issuingPair.getPrivate());
    }

    /**
     * Writes {@code pki.properties}, the marker of a complete PKI: written last, so a PKI whose creation
     * failed half-way is never opened.
     */
    void writeSettings(Path dir, Instant created) throws IOException {
        Properties settings = new Properties();
        settings.setProperty("organisation", organisation);
        settings.setProperty("created", created.toString());
        settings.setProperty("format", "1");
        StringWriter text = new StringWriter();
        settings.store(text, "The plant PKI. Written by the certs tool.");
        writePublic(dir.resolve(PkiFiles.SETTINGS), text.toString());
    }

    /**
     * Reads the settings and both CA key stores of {@code dir}.
     *
     * @throws PkiException {@code MISSING_FILE} or {@code WRONG_PASSWORD} naming the file, {@code
     *     CORRUPT} when the issuing CA was not issued by the root
     */
    static CaStore load(Path dir, char[] password) throws PkiException {
        Path settingsFile = dir.resolve(PkiFiles.SETTINGS);
        if (!Files.isRegularFile(settingsFile)) {
            throw new PkiException(
                    PkiException.Reason.MISSING_FILE,
                    "no PKI in " + dir + ": " + settingsFile + " is missing (create a PKI with `certs init`)");
        }
        Properties settings = new Properties();
        try (Reader reader = Files.newBufferedReader(settingsFile, StandardCharsets.UTF_8)) {
            settings.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new PkiException(
                    PkiException.Reason.CORRUPT, "cannot read " + settingsFile + ": " + e.getMessage(), e);
        }
        String organisation = settings.getProperty("organisation", "").strip();
        if (organisation.isEmpty()) {
            throw new PkiException(PkiException.Reason.CORRUPT, settingsFile + " has no 'organisation'");
        }
        Identity root = Keystores.loadIdentity(dir.resolve(PkiFiles.ROOT_KEYSTORE), password);
        Identity issuing = Keystores.loadIdentity(dir.resolve(PkiFiles.ISSUING_KEYSTORE), password);
        try {
            issuing.certificate().verify(root.certificate().getPublicKey(), Bc.NAME);
        } catch (SignatureException | InvalidKeyException e) {
            throw new PkiException(
                    PkiException.Reason.CORRUPT,
                    "the issuing CA in " + dir.resolve(PkiFiles.ISSUING_KEYSTORE) + " was not issued by the root CA in "
                            + dir.resolve(PkiFiles.ROOT_KEYSTORE),
                    e);
        } catch (GeneralSecurityException e) {
            throw new PkiException(
                    PkiException.Reason.CRYPTO, "cannot check the issuing CA's signature: " + e.getMessage(), e);
        }
        return new CaStore(
                organisation, root.certificate(), root.privateKey(), issuing.certificate(), issuing.privateKey());
    }

    /** The subject of an end-entity certificate: CN=name, OU=kind, O=organisation. */
    X500Name subjectName(CertificateRequest request) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, organisation)
                .addRDN(BCStyle.OU, request.kind().cliName())
                .addRDN(BCStyle.CN, request.name())
                .build();
    }

    /** Owner-only key stores sit beside world-readable certificates: only keys are secret. */
    static void writePublic(Path file, String text) throws IOException {
        PkiFiles.write(file, text.getBytes(StandardCharsets.UTF_8), false);
    }

    @Override
    public String toString() {
        return "CaStore[" + root.getSubjectX500Principal() + ", " + issuing.getSubjectX500Principal() + "]";
    }

    private static X500Name caName(String organisation, String what) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, organisation)
                .addRDN(BCStyle.CN, organisation + " " + what)
                .build();
    }
}
