package dev.failover.certs;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The plant PKI, kept in one directory: a root CA (ECDSA P-256, 10 years, pathLen 1) and an issuing CA
 * under it (5 years, pathLen 0), both keys in PKCS#12 files protected by the CA password; the issued
 * certificates under {@code issued/}; an index of everything issued; and the CRLs. See docs/pki.md for
 * the layout and the workflow.
 *
 * <p>Changes to the directory (issue, revoke, publish a CRL) take a file lock and re-read the index,
 * so two processes working on one PKI cannot lose each other's changes; the second one fails with
 * {@link PkiException.Reason#BUSY}. Instances are thread-safe. The CA private keys stay in memory for
 * the instance's lifetime; the passwords are not kept.
 */
public final class Pki {

    /** Validity of a CRL when none is given: {@code certs crl} must be run again before it ends. */
    public static final Duration DEFAULT_CRL_VALIDITY = Duration.ofDays(30);

    /** Start of validity is set this far in the past so devices whose clock lags a little accept it. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    static final int MIN_PASSWORD_LENGTH = 8;

    private final Path dir;
    private final Clock clock;
    private final CertificateMaker maker;
    private final CaStore cas;

    private Pki(Path dir, Clock clock, CertificateMaker maker, CaStore cas) {
        this.dir = dir;
        this.clock = clock;
        this.maker = maker;
        this.cas = cas;
    }

    /**
     * Creates a new PKI in {@code dir} (created if missing, made owner-only) with its root and issuing
     * CA and a first, empty CRL valid for {@link #DEFAULT_CRL_VALIDITY}.
     *
     * @param organisation the plant or company name, used in every subject's O attribute
     * @param password the CA password (at least 8 characters) protecting both CA key stores
     * @throws PkiException {@code ALREADY_EXISTS} when {@code dir} already holds a PKI, {@code
     *     INVALID_REQUEST} for a blank organisation or short password, {@code IO}/{@code CRYPTO} otherwise
     */
    public static Pki create(Path dir, String organisation, char[] password) throws PkiException {
        return create(dir, organisation, password, Clock.systemUTC());
    }

    @SuppressWarnings("try") // the lock is held for the block, never used in it
    static Pki create(Path dir, String organisation, char[] password, Clock clock) throws PkiException {
        if (organisation == null || organisation.isBlank()) {
            throw new PkiException(PkiException.Reason.INVALID_REQUEST, "the organisation name must not be empty");
        }
        checkPassword(password, "the CA password");
        CaStore.refuseExisting(dir);
        try {
            PkiFiles.createPrivateDirectory(dir);
            PkiFiles.createPrivateDirectory(dir.resolve(PkiFiles.ISSUED));
        } catch (IOException e) {
            throw new PkiException(PkiException.Reason.IO, "cannot create " + dir + ": " + e.getMessage(), e);
        }
        try (FileChannel lock = PkiFiles.lock(dir)) {
            CertificateMaker maker = new CertificateMaker(new SecureRandom());
            Instant now = clock.instant();
            CaStore cas = CaStore.generate(dir, organisation, password, maker, now.minus(BACKDATE));
            Pki pki = new Pki(dir, clock, maker, cas);
            pki.writeCrls(DEFAULT_CRL_VALIDITY);
            cas.writeSettings(dir, now);
            return pki;
        } catch (IOException e) {
            throw new PkiException(
                    PkiException.Reason.IO, "cannot create the PKI in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the PKI in {@code dir}, unlocking both CA keys with {@code password}.
     *
     * @throws PkiException {@code MISSING_FILE} naming the missing file, {@code WRONG_PASSWORD} naming
     *     the key store, {@code CORRUPT} when the files do not belong together
     */
    public static Pki open(Path dir, char[] password) throws PkiException {
        return open(dir, password, Clock.systemUTC());
    }

    static Pki open(Path dir, char[] password, Clock clock) throws PkiException {
        CaStore cas = CaStore.load(dir, password);
        PkiIndex.load(dir.resolve(PkiFiles.INDEX));
        return new Pki(dir, clock, new CertificateMaker(new SecureRandom()), cas);
    }

    /**
     * The records in the index of the PKI in {@code dir}, oldest first; needs no password.
     *
     * @throws PkiException {@code MISSING_FILE} when {@code dir} holds no PKI, {@code CORRUPT} when the
     *     index cannot be read
     */
    public static List<CertificateRecord> records(Path dir) throws PkiException {
        if (!Files.isRegularFile(dir.resolve(PkiFiles.SETTINGS))) {
            throw new PkiException(
                    PkiException.Reason.MISSING_FILE,
                    "no PKI in " + dir + ": " + dir.resolve(PkiFiles.SETTINGS) + " is missing");
        }
        return PkiIndex.load(dir.resolve(PkiFiles.INDEX)).records();
    }

    /**
     * Issues a certificate valid from now (less {@link #BACKDATE}) for {@code request.validity()} and
     * writes {@code issued/<name>.p12} (key and chain, protected by {@code keystorePassword}) and {@code
     * issued/<name>.crt.pem}.
     *
     * @throws PkiException {@code NAME_IN_USE} when the name has a certificate that is neither revoked
     *     nor expired, {@code INVALID_REQUEST} when the validity outlasts the issuing CA or the password
     *     is shorter than 8 characters
     */
    public IssuedCertificate issue(CertificateRequest request, char[] keystorePassword) throws PkiException {
        Instant now = clock.instant();
        Instant notAfter = now.plus(request.validity());
        Instant caEnd = cas.issuing().getNotAfter().toInstant();
        if (notAfter.isAfter(caEnd)) {
            throw new PkiException(
                    PkiException.Reason.INVALID_REQUEST,
                    "a validity of " + request.validity().toDays() + " days would end on " + notAfter
                            + ", after the issuing CA expires on " + caEnd + ": choose a shorter validity");
        }
        return issue(request, keystorePassword, now.minus(BACKDATE), notAfter);
    }

    /**
     * Issues with an explicit validity window, which may lie in the past or the future: for {@link
     * TestPki}'s expired and not-yet-valid certificates. Not for production use.
     */
    @SuppressWarnings("try") // the lock is held for the block, never used in it
    synchronized IssuedCertificate issue(
            CertificateRequest request, char[] keystorePassword, Instant notBefore, Instant notAfter)
            throws PkiException {
        Objects.requireNonNull(request, "request");
        checkPassword(keystorePassword, "the key store password");
        if (!notAfter.isAfter(notBefore)) {
            throw new PkiException(PkiException.Reason.INVALID_REQUEST, "notAfter must be after notBefore");
        }
        try (FileChannel lock = PkiFiles.lock(dir)) {
            PkiIndex index = loadIndex();
            Instant now = clock.instant();
            for (CertificateRecord existing : index.records()) {
                CertificateRecord.Status status = existing.status(now);
                if (existing.name().equals(request.name())
                        && status != CertificateRecord.Status.REVOKED
                        && status != CertificateRecord.Status.EXPIRED) {
                    throw new PkiException(
                            PkiException.Reason.NAME_IN_USE,
                            "'" + request.name() + "' already has a certificate (serial " + existing.serialHex()
                                    + ", valid until " + existing.notAfter() + "): revoke it first, e.g. `certs revoke"
                                    + " --serial " + existing.serialHex() + " --reason superseded`");
                }
            }
            KeyPair keyPair = maker.generateKeyPair(request.keyAlgorithm());
            BigInteger serial;
            do {
                serial = maker.newSerial();
            } while (index.contains(serial));
            X509Certificate certificate = maker.endEntity(
                    request,
                    cas.subjectName(request),
                    serial,
                    keyPair.getPublic(),
                    cas.issuing(),
                    cas.issuingKey(),
                    notBefore,
                    notAfter);
            List<X509Certificate> chain = List.of(certificate, cas.issuing(), cas.root());

            Path issuedDir = dir.resolve(PkiFiles.ISSUED);
            Path keyStore = issuedDir.resolve(request.name() + ".p12");
            Path certificateFile = issuedDir.resolve(request.name() + ".crt.pem");
            createDirectory(issuedDir);
            Keystores.writePkcs12(keyStore, request.name(), keyPair.getPrivate(), chain, keystorePassword);
            CaStore.writePublic(certificateFile, Keystores.toPem(List.of(certificate)));

            CertificateRecord record = new CertificateRecord(
                    serial,
                    request.kind(),
                    request.name(),
                    request.role(),
                    request.keyAlgorithm(),
                    certificate.getNotBefore().toInstant(),
                    certificate.getNotAfter().toInstant(),
                    Optional.empty());
            index.with(record).save(indexFile());
            return new IssuedCertificate(record, certificate, chain, keyStore, certificateFile);
        } catch (IOException e) {
            throw new PkiException(
                    PkiException.Reason.IO, "cannot issue '" + request.name() + "': " + e.getMessage(), e);
        }
    }

    /**
     * Marks the certificate with {@code serial} as revoked in the index. It is refused by verifiers
     * once the next CRL is published ({@link #publishCrl}).
     *
     * @return the updated record
     * @throws PkiException {@code UNKNOWN_SERIAL} or {@code ALREADY_REVOKED}
     */
    @SuppressWarnings("try") // the lock is held for the block, never used in it
    public synchronized CertificateRecord revoke(BigInteger serial, RevocationReason reason) throws PkiException {
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(reason, "reason");
        try (FileChannel lock = PkiFiles.lock(dir)) {
            PkiIndex index = loadIndex();
            CertificateRecord record = index.find(serial)
                    .orElseThrow(() -> new PkiException(
                            PkiException.Reason.UNKNOWN_SERIAL,
                            "no certificate with serial " + serial.toString(16) + " in " + indexFile()
                                    + " (see `certs list`)"));
            if (record.isRevoked()) {
                throw new PkiException(
                        PkiException.Reason.ALREADY_REVOKED,
                        "certificate " + record.serialHex() + " ('" + record.name() + "') was already revoked on "
                                + record.revocation().orElseThrow().revokedAt());
            }
            // CRL entries carry seconds; keep the index equal to what the CRL will say.
            CertificateRecord revoked = record.revoked(clock.instant().truncatedTo(ChronoUnit.SECONDS), reason);
            index.with(revoked).save(indexFile());
            return revoked;
        } catch (IOException e) {
            throw new PkiException(
                    PkiException.Reason.IO, "cannot revoke " + serial.toString(16) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Publishes the CRLs to {@link #crlFile()}: the issuing CA's CRL (every revoked end-entity
     * certificate) followed by the root's CRL (which covers the issuing CA, and is empty). Both are
     * needed by a PKIX verifier with revocation checking on: each certificate in the path must be
     * covered by a current CRL of its issuer.
     *
     * @param nextUpdate how long the CRLs are valid; verifiers fail closed ({@code REVOCATION_UNKNOWN})
     *     once it has passed, so publish again well before
     * @return the issuing CA's CRL
     */
    @SuppressWarnings("try") // the lock is held for the block, never used in it
    public synchronized X509CRL publishCrl(Duration nextUpdate) throws PkiException {
        Objects.requireNonNull(nextUpdate, "nextUpdate");
        if (nextUpdate.isNegative() || nextUpdate.isZero()) {
            throw new PkiException(PkiException.Reason.INVALID_REQUEST, "the CRL validity must be positive");
        }
        try (FileChannel lock = PkiFiles.lock(dir)) {
            return writeCrls(nextUpdate);
        } catch (IOException e) {
            throw new PkiException(PkiException.Reason.IO, "cannot publish the CRL: " + e.getMessage(), e);
        }
    }

    /** Every certificate this PKI issued, oldest first, as the index records it now. */
    public List<CertificateRecord> list() throws PkiException {
        return loadIndex().records();
    }

    /**
     * A verifier for certificates of this PKI: the root as trust anchor, the issuing CA as known
     * intermediate, revocation from {@link #crlFile()} (re-read when it changes).
     */
    public CertificateVerifier verifier(Clock validationClock) {
        return CertificateVerifier.builder(cas.root())
                .intermediates(List.of(cas.issuing()))
                .crlFile(crlFile())
                .clock(validationClock)
                .build();
    }

    /** The root CA certificate: the trust anchor to install everywhere. */
    public X509Certificate root() {
        return cas.root();
    }

    /** The issuing CA certificate, which signs every end-entity certificate and its CRL. */
    public X509Certificate issuingCa() {
        return cas.issuing();
    }

    /** The PKI directory. */
    public Path dir() {
        return dir;
    }

    /** The organisation named in every subject. */
    public String organisation() {
        return cas.organisation();
    }

    /** {@code crl.pem}: the issuing CA's CRL and the root's CRL. */
    public Path crlFile() {
        return dir.resolve(PkiFiles.CRL);
    }

    /** {@code root-ca.crt.pem}: the trust anchor in PEM. */
    public Path rootCertificateFile() {
        return dir.resolve(PkiFiles.ROOT_CERT);
    }

    /** {@code ca-chain.pem}: the issuing CA then the root, in PEM. */
    public Path caChainFile() {
        return dir.resolve(PkiFiles.CA_CHAIN);
    }

    private X509CRL writeCrls(Duration validity) throws PkiException {
        PkiIndex index = loadIndex().withNextCrlNumber();
        Instant now = clock.instant();
        Instant nextUpdate = now.plus(validity);
        List<CertificateRecord> revoked =
                index.records().stream().filter(CertificateRecord::isRevoked).toList();
        X509CRL issuingCrl = maker.crl(cas.issuing(), cas.issuingKey(), now, nextUpdate, index.crlNumber(), revoked);
        X509CRL rootCrl = maker.crl(cas.root(), cas.rootKey(), now, nextUpdate, index.crlNumber(), List.of());
        index.save(indexFile());
        try {
            CaStore.writePublic(crlFile(), Keystores.toPem(List.of(issuingCrl, rootCrl)));
        } catch (IOException e) {
            throw new PkiException(PkiException.Reason.IO, "cannot write " + crlFile() + ": " + e.getMessage(), e);
        }
        return issuingCrl;
    }

    private PkiIndex loadIndex() throws PkiException {
        return PkiIndex.load(indexFile());
    }

    private Path indexFile() {
        return dir.resolve(PkiFiles.INDEX);
    }

    private static void checkPassword(char[] password, String what) throws PkiException {
        if (password == null || password.length < MIN_PASSWORD_LENGTH) {
            throw new PkiException(
                    PkiException.Reason.INVALID_REQUEST,
                    what + " must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
    }

    private static void createDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            PkiFiles.createPrivateDirectory(directory);
        }
    }
}
