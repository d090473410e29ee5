package dev.failover.certs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The register of issued certificates ({@code index.properties}) and the CRL number. One entry per
 * certificate, keyed {@code cert.<serial hex>.<field>}; the JDK (18+) writes the keys sorted, so the
 * file diffs well. Immutable: changes return a new index, which {@link #save} writes atomically.
 */
final class PkiIndex {

    private static final String CRL_NUMBER = "crl.number";
    private static final String PREFIX = "cert.";

    private final Map<BigInteger, CertificateRecord> records;
    private final BigInteger crlNumber;

    private PkiIndex(Map<BigInteger, CertificateRecord> records, BigInteger crlNumber) {
        this.records = records;
        this.crlNumber = crlNumber;
    }

    static PkiIndex empty() {
        return new PkiIndex(new LinkedHashMap<>(), BigInteger.ZERO);
    }

    static PkiIndex load(Path file) throws PkiException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new PkiException(PkiException.Reason.MISSING_FILE, "the PKI index " + file + " is missing", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new PkiException(
                    PkiException.Reason.CORRUPT, "cannot read the PKI index " + file + ": " + e.getMessage(), e);
        }
        TreeSet<String> serials = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(PREFIX)) {
                int dot = key.indexOf('.', PREFIX.length());
                if (dot < 0) {
                    throw corrupt(file, key, "expected cert.<serial>.<field>");
                }
                serials.add(key.substring(PREFIX.length(), dot));
            }
        }
        Map<BigInteger, CertificateRecord> records = new LinkedHashMap<>();
        for (String hex : serials) {
            CertificateRecord record = readRecord(file, properties, hex);
            records.put(record.serial(), record);
        }
        BigInteger crlNumber;
        try {
            crlNumber = new BigInteger(properties.getProperty(CRL_NUMBER, "0"));
        } catch (NumberFormatException e) {
            throw corrupt(file, CRL_NUMBER, "not a number");
        }
        return new PkiIndex(records, crlNumber);
    }

    void save(Path file) throws PkiException {
        Properties properties = new Properties();
        properties.setProperty(CRL_NUMBER, crlNumber.toString());
        for (CertificateRecord record : records.values()) {
            String key = PREFIX + record.serialHex() + ".";
            properties.setProperty(key + "kind", record.kind().name());
            properties.setProperty(key + "name", record.name());
            record.role().ifPresent(role -> properties.setProperty(key + "role", role));
            properties.setProperty(key + "keyAlgorithm", record.keyAlgorithm().name());
            properties.setProperty(key + "notBefore", record.notBefore().toString());
            properties.setProperty(key + "notAfter", record.notAfter().toString());
            properties.setProperty(key + "status", record.isRevoked() ? "REVOKED" : "ISSUED");
            record.revocation().ifPresent(revocation -> {
                properties.setProperty(key + "revokedAt", revocation.revokedAt().toString());
                properties.setProperty(key + "reason", revocation.reason().rfcName());
            });
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            properties.store(bytes, "Certificates issued by this PKI. Written by the certs tool: do not edit.");
            PkiFiles.write(file, bytes.toByteArray(), false);
        } catch (IOException e) {
            throw new PkiException(
                    PkiException.Reason.IO, "cannot write the PKI index " + file + ": " + e.getMessage(), e);
        }
    }

    /** All records, oldest first. */
    List<CertificateRecord> records() {
        List<CertificateRecord> list = new ArrayList<>(records.values());
        list.sort(Comparator.comparing(CertificateRecord::notBefore)
                .thenComparing(CertificateRecord::name)
                .thenComparing(CertificateRecord::serial));
        return List.copyOf(list);
    }

    Optional<CertificateRecord> find(BigInteger serial) {
        return Optional.ofNullable(records.get(serial));
    }

    boolean contains(BigInteger serial) {
        return records.containsKey(serial);
    }

    BigInteger crlNumber() {
        return crlNumber;
    }

    PkiIndex with(CertificateRecord record) {
        Map<BigInteger, CertificateRecord> copy = new LinkedHashMap<>(records);
        copy.put(record.serial(), record);
        return new PkiIndex(copy, crlNumber);
    }

    PkiIndex withNextCrlNumber() {
        return new PkiIndex(records, crlNumber.add(BigInteger.ONE));
    }

    private static CertificateRecord readRecord(Path file, Properties properties, String hex) throws PkiException {
        String key = PREFIX + hex + ".";
        try {
            BigInteger serial = new BigInteger(hex, 16);
            Optional<CertificateRecord.Revocation> revocation = Optional.empty();
            String status = required(file, properties, key + "status");
            if ("REVOKED".equals(status)) {
                revocation = Optional.of(new CertificateRecord.Revocation(
                        Instant.parse(required(file, properties, key + "revokedAt")),
                        RevocationReason.parse(required(file, properties, key + "reason"))));
            } else if (!"ISSUED".equals(status)) {
                throw corrupt(file, key + "status", "expected ISSUED or REVOKED, found '" + status + "'");
            }
            return new CertificateRecord(
                    serial,
                    CertificateKind.valueOf(required(file, properties, key + "kind")),
                    required(file, properties, key + "name"),
                    Optional.ofNullable(properties.getProperty(key + "role")),
                    KeyAlgorithm.valueOf(required(file, properties, key + "keyAlgorithm")),
                    Instant.parse(required(file, properties, key + "notBefore")),
                    Instant.parse(required(file, properties, key + "notAfter")),
                    revocation);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw corrupt(file, key + "*", e.getMessage());
        }
    }

    private static String required(Path file, Properties properties, String key) throws PkiException {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw corrupt(file, key, "missing");
        }
        return value;
    }

    private static PkiException corrupt(Path file, String key, String problem) {
        return new PkiException(
                PkiException.Reason.CORRUPT, "the PKI index " + file + " is damaged at '" + key + "': " + problem);
    }
}
