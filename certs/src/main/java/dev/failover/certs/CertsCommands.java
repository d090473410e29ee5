package dev.failover.certs;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The subcommands of {@code certs}. Each prints its result on standard output and returns
 * {@link CertsMain#OK}; failures are exceptions that {@link CertsMain} turns into exit codes.
 */
final class CertsCommands {

    private CertsCommands() {}

    @Command(
            name = "init",
            description = {
                "Create the PKI: the root CA, the issuing CA and a first, empty CRL.",
                "Refuses a directory that already holds a PKI."
            })
    static final class Init implements Callable<Integer> {
        @ParentCommand
        CertsMain certs;

        @Spec
        CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "the PKI directory to create")
        Path dir;

        @Option(
                names = "--org",
                required = true,
                paramLabel = "NAME",
                description = "the organisation, in every certificate's subject")
        String org;

        @Mixin
        CertsOptions.CaPassword caPassword;

        @Override
        public Integer call() throws PkiException, IOException {
            char[] password = caPassword.read(spec, certs.env());
            Pki pki;
            try {
                pki = Pki.create(dir, org, password);
            } finally {
                Arrays.fill(password, '\0');
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("created the PKI of " + org + " in " + dir);
            out.println("  root CA     " + pki.root().getSubjectX500Principal() + ", valid until "
                    + pki.root().getNotAfter().toInstant());
            out.println("  issuing CA  " + pki.issuingCa().getSubjectX500Principal() + ", valid until "
                    + pki.issuingCa().getNotAfter().toInstant());
            out.println("  CRL         " + pki.crlFile() + " (publish again with `certs crl` within "
                    + Pki.DEFAULT_CRL_VALIDITY.toDays() + " days)");
            out.println("Keep root-ca.p12, issuing-ca.p12 and the CA password secret."
                    + " Give devices ca-chain.pem and crl.pem.");
            return CertsMain.OK;
        }
    }

    @Command(
            name = "issue",
            description = {
                "Issue a certificate and its key store.",
                "Writes issued/NAME.p12 (private key and chain, protected by the key store password) and"
                        + " issued/NAME.crt.pem (the certificate alone)."
            })
    static final class Issue implements Callable<Integer> {
        @ParentCommand
        CertsMain certs;

        @Spec
        CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "the PKI directory")
        Path dir;

        @Option(
                names = "--kind",
                required = true,
                paramLabel = "KIND",
                converter = CertsOptions.Kind.class,
                completionCandidates = CertsOptions.KindNames.class,
                description = "${COMPLETION-CANDIDATES}")
        CertificateKind kind;

        @Option(
                names = "--name",
                required = true,
                paramLabel = "NAME",
                description = "1 to 64 letters, digits, '.', '_' or '-' (it becomes a file name)")
        String name;

        @Option(
                names = "--role",
                paramLabel = "ROLE",
                description = "the role in the certificate; required for operator and gateway certificates,"
                        + " not allowed for opcua")
        String role;

        @Option(
                names = "--days",
                paramLabel = "DAYS",
                converter = CertsOptions.Days.class,
                description = "validity in days, " + CertsOptions.Days.MIN + " to " + CertsOptions.Days.MAX
                        + " (default: 90 for operator certificates, 365 for the others)")
        Duration validity;

        @Option(
                names = "--rsa",
                description = "an RSA-2048 key instead of ECDSA P-256 (opcua certificates are always RSA-2048)")
        boolean rsa;

        @Option(
                names = "--ip",
                paramLabel = "ADDRESS",
                description = "an IPv4 or IPv6 address in the subject alternative name (repeatable)")
        List<String> ips = List.of();

        @Option(
                names = "--dns",
                paramLabel = "NAME",
                description = "a DNS name in the subject alternative name (repeatable)")
        List<String> dnsNames = List.of();

        @Option(
                names = "--uri",
                paramLabel = "URI",
                description =
                        "the URI in the subject alternative name: the OPC UA application URI, required for" + " opcua")
        String uri;

        @Mixin
        CertsOptions.CaPassword caPassword;

        @Mixin
        CertsOptions.KeystorePassword keystorePassword;

        @Override
        public Integer call() throws PkiException, IOException {
            CertificateRequest.Builder request = CertificateRequest.builder(kind, name);
            if (role != null) {
                request.role(role);
            }
            if (validity != null) {
                request.validity(validity);
            }
            if (rsa) {
                request.keyAlgorithm(KeyAlgorithm.RSA_2048);
            }
            ips.forEach(request::ipAddress);
            dnsNames.forEach(request::dnsName);
            if (uri != null) {
                request.uri(uri);
            }
            CertificateRequest built = request.build();

            char[] caSecret = caPassword.read(spec, certs.env());
            char[] keystoreSecret = null;
            IssuedCertificate issued;
            try {
                keystoreSecret = keystorePassword.read(spec, certs.env());
                issued = Pki.open(dir, caSecret).issue(built, keystoreSecret);
            } finally {
                Arrays.fill(caSecret, '\0');
                if (keystoreSecret != null) {
                    Arrays.fill(keystoreSecret, '\0');
                }
            }
            CertificateRecord record = issued.record();
            PrintWriter out = spec.commandLine().getOut();
            out.println("issued the " + kind + " certificate '" + record.name() + "'"
                    + record.role().map(r -> " with role '" + r + "'").orElse(""));
            out.println("  serial       " + record.serialHex());
            out.println("  valid        " + record.notBefore() + " to " + record.notAfter());
            out.println("  key          " + record.keyAlgorithm());
            out.println("  key store    " + issued.keyStore() + " (secret: private key and chain)");
            out.println("  certificate  " + issued.certificateFile());
            return CertsMain.OK;
        }
    }

    @Command(
            name = "list",
            description = {
                "List the certificates issued and their status.",
                "Also says when the CRL runs out. Needs no password."
            })
    static final class ListCertificates implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "the PKI directory")
        Path dir;

        @Override
        public Integer call() throws PkiException {
            List<CertificateRecord> records = Pki.records(dir);
            Instant now = Instant.now();
            PrintWriter out = spec.commandLine().getOut();
            String format = "%-32s  %-10s  %-24s  %-14s  %-20s  %s%n";
            out.printf(Locale.ROOT, format, "SERIAL", "KIND", "NAME", "ROLE", "NOT AFTER", "STATUS");
            for (CertificateRecord record : records) {
                String status = record.status(now).name()
                        + record.revocation()
                                .map(r -> " (" + r.reason().rfcName() + ")")
                                .orElse("");
                out.printf(
                        Locale.ROOT,
                        format,
                        record.serialHex(),
                        record.kind(),
                        record.name(),
                        record.role().orElse("-"),
                        record.notAfter().truncatedTo(ChronoUnit.SECONDS),
                        status);
            }
            out.println(records.size() + " certificate(s). " + crlStatus(dir.resolve(PkiFiles.CRL), now));
            return CertsMain.OK;
        }

        private static String crlStatus(Path crlFile, Instant now) {
            try {
                X509CRL crl = Keystores.readCrls(crlFile).get(0);
                Instant next = crl.getNextUpdate().toInstant();
                return now.isAfter(next)
                        ? "CRL " + crlFile + " EXPIRED on " + next + ": run `certs crl` and distribute it now."
                        : "CRL " + crlFile + " valid until " + next + ".";
            } catch (PkiException e) {
                return "CRL: " + e.getMessage() + ": run `certs crl`.";
            }
        }
    }

    @Command(
            name = "revoke",
            description = {
                "Revoke a certificate.",
                "Revocation is final. Devices refuse the certificate once the next CRL reaches them: run"
                        + " `certs crl` next."
            })
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        CertsMain certs;

        @Spec
        CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "the PKI directory")
        Path dir;

        @Option(
                names = "--serial",
                required = true,
                paramLabel = "HEX",
                converter = CertsOptions.Serial.class,
                description = "the serial number as `certs list` prints it (colons and a 0x prefix are accepted)")
        BigInteger serial;

        @Option(
                names = "--reason",
                required = true,
                paramLabel = "REASON",
                converter = CertsOptions.Reason.class,
                completionCandidates = CertsOptions.ReasonNames.class,
                description = "${COMPLETION-CANDIDATES}")
        RevocationReason reason;

        @Mixin
        CertsOptions.CaPassword caPassword;

        @Override
        public Integer call() throws PkiException, IOException {
            char[] password = caPassword.read(spec, certs.env());
            CertificateRecord revoked;
            try {
                revoked = Pki.open(dir, password).revoke(serial, reason);
            } finally {
                Arrays.fill(password, '\0');
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("revoked " + revoked.serialHex() + " (" + revoked.kind() + " '" + revoked.name() + "', "
                    + reason.rfcName() + ")");
            out.println("It is refused once the new CRL is published and distributed: run `certs crl --dir " + dir
                    + "` now.");
            return CertsMain.OK;
        }
    }

    @Command(
            name = "crl",
            description = {
                "Publish a new CRL (crl.pem).",
                "Copy it to every gateway and controller: they refuse every certificate once the CRL they hold"
                        + " has run out."
            })
    static final class Crl implements Callable<Integer> {
        @ParentCommand
        CertsMain certs;

        @Spec
        CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "the PKI directory")
        Path dir;

        @Option(
                names = "--days",
                paramLabel = "DAYS",
                converter = CertsOptions.Days.class,
                description = "how long the CRL is valid, in days, " + CertsOptions.Days.MIN + " to "
                        + CertsOptions.Days.MAX + " (default: 30)")
        Duration validity = Pki.DEFAULT_CRL_VALIDITY;

        @Mixin
        CertsOptions.CaPassword caPassword;

        @Override
        public Integer call() throws PkiException, IOException {
            char[] password = caPassword.read(spec, certs.env());
            Pki pki;
            X509CRL crl;
            try {
                pki = Pki.open(dir, password);
                crl = pki.publishCrl(validity);
            } finally {
                Arrays.fill(password, '\0');
            }
            int revoked = crl.getRevokedCertificates() == null
                    ? 0
                    : crl.getRevokedCertificates().size();
            PrintWriter out = spec.commandLine().getOut();
            out.println("published " + pki.crlFile() + ": " + revoked + " revoked certificate(s), next update "
                    + crl.getNextUpdate().toInstant());
            out.println("Copy it to every gateway and controller before then: after that date they refuse"
                    + " every certificate (revocation unknown).");
            return CertsMain.OK;
        }
    }
}
