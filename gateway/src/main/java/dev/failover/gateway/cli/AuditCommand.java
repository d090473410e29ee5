package dev.failover.gateway.cli;

import dev.failover.gateway.audit.AuditVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gateway audit}: the audit log, read and checked offline (docs/audit.md). */
@Command(
        name = "audit",
        description = "Check the audit log (docs/audit.md).",
        subcommands = {AuditCommand.Verify.class, AuditShow.class})
final class AuditCommand {

    private AuditCommand() {}

    /** {@code gateway audit verify}: every record and checkpoint, with only the CA certificate. */
    @Command(
            name = "verify",
            description = {
                "Verify the audit log in DIR with only the plant's CA certificate: every record re-hashed,",
                "every checkpoint's signature, root and consistency. Exit 0 if it verifies, 1 with every",
                "problem and the first bad record. Runs on any machine: copy DIR and ca-chain.pem there."
            })
    static final class Verify implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "the audit log's directory")
        Path dir;

        @Option(
                names = "--ca",
                required = true,
                paramLabel = "FILE",
                description = "the plant's CA certificates (ca-chain.pem): the only thing trusted")
        Path ca;

        @Option(
                names = "--crl",
                paramLabel = "FILE",
                description = "the plant's CRLs (crl.pem); without, revocation is not checked")
        Path crl;

        @Override
        public Integer call() throws CommandFailure {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!Files.isDirectory(dir)) {
                err.println("error: " + dir + " is not a directory");
                throw CommandFailure.reported(ExitCode.USAGE);
            }
            AuditVerifier.Report report;
            try {
                report = AuditVerifier.verify(dir, ca, Optional.ofNullable(crl));
            } catch (IOException e) {
                err.println("error: cannot read the audit log in " + dir + ": " + e.getMessage());
                throw CommandFailure.reported(ExitCode.RUNTIME);
            }
            out.println(dir + ": " + report.records() + " record(s), " + report.checkpoints()
                    + " valid checkpoint(s), the last covering " + report.signedRecords() + " record(s); unsigned tail "
                    + report.unsignedTail());
            if (report.ok()) {
                out.println("verified: OK");
                return ExitCode.OK;
            }
            if (report.firstBadIndex() >= 0) {
                out.println("first bad record: " + report.firstBadIndex());
            }
            report.problems().forEach(p -> out.println("  " + p));
            out.println("verified: FAILED (" + report.problems().size() + " problem(s))");
            return ExitCode.FAILED;
        }
    }
}
