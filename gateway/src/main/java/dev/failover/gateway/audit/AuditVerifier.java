package dev.failover.gateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failover.certs.CertificateVerifier;
import dev.failover.certs.Keystores;
import dev.failover.certs.PkiException;
import dev.failover.certs.Purpose;
import dev.failover.certs.Thumbprints;
import dev.failover.certs.VerificationResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies an audit log directory offline, with nothing but the plant's CA certificate (and, if at
 * hand, its CRLs): every record is re-hashed as it is stored and must be canonical JSON at its index
 * following the record before it; every checkpoint must be signed by an audit certificate that chains
 * to the CA (with the audit-signing purpose, valid when the checkpoint was made), cover no more records
 * than there are, carry the root of exactly the records it covers, and be consistent with the
 * checkpoint before it (an RFC 9162 consistency proof, made from the records and checked). The report
 * names the first bad record, missing or reordered records, a truncated log, bad signatures, and the
 * records after the last checkpoint (the unsigned tail). Stateless.
 */
public final class AuditVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOT_FOLLOWING = "changed after it was written";

    private AuditVerifier() {}

    /**
     * What the verifier found.
     *
     * @param records the records read
     * @param checkpoints the checkpoints whose signature verified
     * @param signedRecords the records covered by the last valid checkpoint
     * @param firstBadIndex the first record that is damaged, missing or out of place, -1 if none
     * @param problems every problem, in words, each naming where
     * @param lastCheckpoint the signed note of the last valid checkpoint, empty if none
     */
    public record Report(
            long records,
            int checkpoints,
            long signedRecords,
            long firstBadIndex,
            List<String> problems,
            String lastCheckpoint) {

        public Report {
            problems = List.copyOf(problems);
        }

        /** Whether the log verified: no problem, and at least one checkpoint. */
        public boolean ok() {
            return problems.isEmpty();
        }

        /** Records after the last valid checkpoint, which nothing signed yet. */
        public long unsignedTail() {
            return records - signedRecords;
        }
    }

    /**
     * Verifies the log in {@code directory} against the plant CA in {@code caCertificates} (and the
     * CRLs in {@code crl}, if given: without, revocation is not checked).
     */
    public static Report verify(Path directory, Path caCertificates, Optional<Path> crl) throws IOException {
        List<String> problems = new ArrayList<>();
        long firstBad = -1;

        // The records: canonical, in order, each following the one before; only their leaf hashes kept.
        List<byte[]> leaves = new ArrayList<>();
        long[] bad = {-1};
        RecordFile.End end = RecordFile.readAll(directory, (at, line) -> {
            String problem = recordProblem(line, at, leaves.isEmpty() ? null : leaves.getLast());
            if (problem != null) {
                // A record that does not follow the one before: that one was changed (or this one moved).
                long where = problem.startsWith(NOT_FOLLOWING) ? at - 1 : at;
                problems.add("record " + where + ": " + problem);
                if (bad[0] < 0) {
                    bad[0] = where;
                }
            }
            leaves.add(Merkle.leafHash(line));
            return true;
        });
        firstBad = bad[0];
        if (end.trailingBytes() > 0) {
            problems.add("the log ends in a record without its line end (" + end.trailingBytes() + " bytes)");
        }

        // The checkpoints: signed by a certificate of the plant's, in order, each the root of its prefix.
        Map<String, List<X509Certificate>> chains = chains(directory.resolve(AuditLog.CERTIFICATES), problems);
        Trust trust = null;
        String trustProblem = "";
        try {
            trust = Trust.read(caCertificates, crl);
        } catch (PkiException e) {
            trustProblem = "cannot read the plant's CA certificates or CRLs: " + e.getMessage();
        }
        Merkle.Frontier prefix = new Merkle.Frontier();
        int valid = 0;
        long signed = 0;
        String lastNote = "";
        Path checkpointsFile = directory.resolve(AuditLog.CHECKPOINTS);
        List<String> lines =
                Files.exists(checkpointsFile) ? Files.readAllLines(checkpointsFile, StandardCharsets.UTF_8) : List.of();
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode entry;
            try {
                entry = JSON.readTree(line);
            } catch (IOException e) {
                problems.add("checkpoint " + n + ": not JSON");
                continue;
            }
            String thumbprint = entry.path("signer").asText();
            List<X509Certificate> chain = chains.get(thumbprint);
            if (chain == null) {
                problems.add("checkpoint " + n + ": signed by an unknown certificate " + thumbprint);
                continue;
            }
            Checkpoint c;
            try {
                c = Checkpoint.verify(
                        entry.path("note").asText(),
                        keyName(entry.path("note").asText()),
                        chain.getFirst().getPublicKey());
            } catch (Checkpoint.Invalid e) {
                problems.add("checkpoint " + n + ": " + e.getMessage());
                continue;
            }
            if (trust == null) {
                problems.add("checkpoint " + n + ": cannot be checked: " + trustProblem);
                continue;
            }
            Optional<String> untrusted = trust.problem(chain, c);
            if (untrusted.isPresent()) {
                problems.add("checkpoint " + n + ": " + untrusted.get());
                continue;
            }
            if (c.size() < signed) {
                problems.add("checkpoint " + n + ": covers " + c.size() + " records, fewer than the " + signed
                        + " an earlier one signed: the log was rolled back");
                continue;
            }
            if (c.size() > leaves.size()) {
                problems.add("checkpoint " + n + ": covers " + c.size() + " records but the log has " + leaves.size()
                        + ": records " + leaves.size() + " to " + (c.size() - 1) + " are missing (truncated)");
                if (firstBad < 0) {
                    firstBad = leaves.size();
                }
                continue;
            }
            byte[] root = prefixRoot(prefix, leaves, c.size());
            if (!MessageDigest.isEqual(root, c.root())) {
                problems.add("checkpoint " + n + ": the " + c.size() + " records it covers do not have the root it"
                        + " signed: a record among them was changed, removed, added or moved"
                        + (firstBad >= 0 ? " (the first out of place is " + firstBad + ")" : ""));
                continue;
            }
            // Consistent with the checkpoint before it: both are the roots of prefixes of these same
            // records (what an RFC 9162 consistency proof between them would show).
            valid++;
            signed = c.size();
            lastNote = entry.path("note").asText();
        }
        if (valid == 0) {
            problems.add("no valid checkpoint: nothing in the log is signed");
        }
        return new Report(leaves.size(), valid, signed, firstBad, problems, lastNote);
    }

    /** Calls {@code visitor} with each record of the log in {@code directory}, as stored (without its line end). */
    public static void records(Path directory, RecordVisitor visitor) throws IOException {
        RecordFile.readAll(directory, (index, bytes) -> {
            visitor.record(index, bytes);
            return true;
        });
    }

    /** Called with each record. */
    public interface RecordVisitor {
        void record(long index, byte[] bytes) throws IOException;
    }

    /**
     * The root of the first {@code size} leaves: {@code prefix} is advanced to it when it is behind (the
     * usual case, checkpoints growing), else it is computed afresh.
     */
    private static byte[] prefixRoot(Merkle.Frontier prefix, List<byte[]> leaves, long size) {
        if (size < prefix.size()) {
            return Merkle.root(leaves.subList(0, (int) size));
        }
        while (prefix.size() < size) {
            prefix.append(leaves.get((int) prefix.size()));
        }
        return prefix.root();
    }

    /** Why {@code line} is not a canonical record at {@code index} after {@code previous}, or null. */
    static String recordProblem(byte[] line, long index, byte[] previous) {
        JsonNode node;
        try {
            node = AuditRecords.parse(line);
        } catch (IOException e) {
            return "not JSON (damaged)";
        }
        if (!Arrays.equals(AuditRecords.canonical(new String(line, StandardCharsets.UTF_8)), line)) {
            return "not in canonical form (changed after it was written)";
        }
        long stored = node.path("index").asLong(-1);
        if (stored != index) {
            return stored > index
                    ? "holds index " + stored + ": records " + index + " to " + (stored - 1) + " are missing"
                    : "holds index " + stored + ": out of order";
        }
        String prev = previous == null ? "" : HexFormat.of().formatHex(previous);
        if (!prev.equals(node.path("prev").asText())) {
            return NOT_FOLLOWING + " (record " + index + " does not follow it), or record " + index + " was moved";
        }
        return null;
    }

    private static String keyName(String note) {
        int dash = note.indexOf("\n\u2014 ");
        if (dash < 0) {
            return "";
        }
        String rest = note.substring(dash + 3);
        int space = rest.indexOf(' ');
        return space < 0 ? rest : rest.substring(0, space);
    }

    /** The certificates of the file, each end-entity with the CAs after it, by its thumbprint. */
    private static Map<String, List<X509Certificate>> chains(Path file, List<String> problems) {
        Map<String, List<X509Certificate>> chains = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            problems.add("no " + AuditLog.CERTIFICATES + ": the signers' certificates are missing");
            return chains;
        }
        List<X509Certificate> all;
        try {
            all = Keystores.readCertificates(file);
        } catch (PkiException e) {
            problems.add(AuditLog.CERTIFICATES + ": " + e.getMessage());
            return chains;
        }
        for (int i = 0; i < all.size(); i++) {
            X509Certificate c = all.get(i);
            if (c.getBasicConstraints() < 0) {
                chains.put(Thumbprints.sha256(c), all.subList(i, all.size()));
            }
        }
        return chains;
    }

    /** The plant's trust as read once: its root, its other CA certificates, and its CRLs when given. */
    private record Trust(X509Certificate anchor, List<X509Certificate> intermediates, Optional<List<X509CRL>> crls) {

        static Trust read(Path caCertificates, Optional<Path> crl) throws PkiException {
            X509Certificate anchor = Keystores.verifier(caCertificates, List.of(), Clock.systemUTC())
                    .trustAnchor();
            List<X509Certificate> others = Keystores.readCertificates(caCertificates).stream()
                    .filter(c -> !c.equals(anchor))
                    .toList();
            Optional<List<X509CRL>> crls =
                    crl.isEmpty() ? Optional.empty() : Optional.of(Keystores.readCrls(crl.get()));
            return new Trust(anchor, others, crls);
        }

        /** Why {@code chain} may not have signed {@code c}, or empty when it may. */
        Optional<String> problem(List<X509Certificate> chain, Checkpoint c) {
            CertificateVerifier.Builder builder = CertificateVerifier.builder(anchor)
                    .intermediates(intermediates)
                    .intermediates(chain.subList(1, chain.size()))
                    // Valid when the checkpoint was made, not necessarily today.
                    .clock(Clock.fixed(c.time(), ZoneOffset.UTC));
            if (crls.isPresent()) {
                builder.crls(crls.get());
            } else {
                builder.withoutRevocationCheck();
            }
            VerificationResult result = builder.build().verify(chain, Purpose.AUDIT_SIGNING);
            return result.isValid()
                    ? Optional.empty()
                    : Optional.of("its signer is not trusted at " + c.time() + ": " + result);
        }
    }
}
