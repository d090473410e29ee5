package dev.failover.gateway.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.gateway.audit.AuditRecords;
import dev.failover.gateway.audit.AuditVerifier;
import dev.failover.gateway.audit.Merkle;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gateway audit show} and {@code export}: records of the audit log by index or time range, each
 * with its inclusion proof against the last valid checkpoint and that checkpoint's signed note, so that
 * one record can be handed over as evidence and checked on its own (docs/audit.md).
 */
@Command(
        name = "show",
        aliases = "export",
        description = {
            "Print records of the audit log in DIR, one JSON object a line: the record, its index, its",
            "inclusion proof against the last valid checkpoint and that checkpoint's signed note. Select",
            "one record with --index, or a time range with --from/--to (ISO 8601); --out writes them to a",
            "file instead (an export)."
        })
final class AuditShow implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "the audit log's directory")
    Path dir;

    @Option(names = "--ca", required = true, paramLabel = "FILE", description = "the plant's CA certificates")
    Path ca;

    @Option(names = "--index", paramLabel = "N", description = "the record at index N")
    Long index;

    @Option(names = "--from", paramLabel = "TIME", description = "records at or after TIME, e.g. 2026-12-07T08:00:00Z")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "records before TIME")
    String to;

    @Option(names = "--out", paramLabel = "FILE", description = "write to FILE (an export) instead of printing")
    Path out;

    @Override
    public Integer call() throws CommandFailure {
        PrintWriter err = spec.commandLine().getErr();
        Instant after = time(from, "--from", err, Instant.MIN);
        Instant before = time(to, "--to", err, Instant.MAX);
        try {
            AuditVerifier.Report report = AuditVerifier.verify(dir, ca, Optional.empty());
            if (!report.ok()) {
                err.println("warning: the log does not verify (gateway audit verify says why); proofs are against"
                        + " the last valid checkpoint, covering " + report.signedRecords() + " record(s)");
            }
            List<byte[]> leaves = new ArrayList<>();
            List<Long> chosen = new ArrayList<>();
            List<ObjectNode> picked = new ArrayList<>();
            AuditVerifier.records(dir, (i, bytes) -> {
                leaves.add(Merkle.leafHash(bytes));
                if (index != null && index != i) {
                    return;
                }
                ObjectNode record = (ObjectNode) AuditRecords.parse(bytes);
                Instant at = Instant.parse(record.path("time").asText());
                if (index == null && (at.isBefore(after) || !at.isBefore(before))) {
                    return;
                }
                chosen.add(i);
                picked.add(record);
            });
            int signed = (int) Math.min(report.signedRecords(), leaves.size());
            List<String> lines = new ArrayList<>();
            for (int k = 0; k < chosen.size(); k++) {
                int i = chosen.get(k).intValue();
                ObjectNode record = picked.get(k);
                ObjectNode line = JSON.createObjectNode();
                line.put("index", i);
                line.set("record", record);
                if (i < signed) {
                    ArrayNode proof = line.putArray("inclusionProof");
                    Merkle.inclusionProof(i, leaves.subList(0, signed))
                            .forEach(h -> proof.add(HexFormat.of().formatHex(h)));
                    line.put("treeSize", signed);
                    line.put("checkpoint", report.lastCheckpoint());
                } else {
                    line.put("unsigned", "after the last valid checkpoint: not yet covered by a signature");
                }
                lines.add(line.toString());
            }
            if (index != null && lines.isEmpty()) {
                err.println("error: the log has no record " + index + " (it has " + leaves.size() + ")");
                return ExitCode.FAILED;
            }
            if (out != null) {
                Files.writeString(out, lines.isEmpty() ? "" : String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
                spec.commandLine().getOut().println("exported " + lines.size() + " record(s) to " + out);
            } else {
                lines.forEach(spec.commandLine().getOut()::println);
            }
            return ExitCode.OK;
        } catch (IOException e) {
            err.println("error: cannot read the audit log in " + dir + ": " + e.getMessage());
            throw CommandFailure.reported(ExitCode.RUNTIME);
        }
    }

    private static Instant time(String text, String option, PrintWriter err, Instant none) throws CommandFailure {
        if (text == null) {
            return none;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            err.println("error: " + option + " '" + text + "' is not an ISO 8601 instant, e.g. 2026-12-07T08:00:00Z");
            throw CommandFailure.reported(ExitCode.USAGE);
        }
    }
}
