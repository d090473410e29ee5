package dev.failover.certs;

import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code certs} command line: create the plant PKI, issue, list and revoke certificates, publish
 * the CRL (docs/pki.md). Passwords come from files or environment variables only. Exit codes: 0 done,
 * 1 failed, 2 usage error.
 */
public final class CertsMain {

    static final String DEFAULT_PASSWORD_ENV = "PKI_PASSWORD";
    static final String DEFAULT_KEYSTORE_PASSWORD_ENV = "KEYSTORE_PASSWORD";
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final Set<String> CA_PASSWORD_OPTIONS = Set.of("--password-file", "--password-env");
    private static final Set<String> KEYSTORE_PASSWORD_OPTIONS =
            Set.of("--keystore-password-file", "--keystore-password-env");

    private final Map<String, String> env;
    private final PrintStream out;

    private CertsMain(Map<String, String> env, PrintStream out) {
        this.env = env;
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** Runs one command; returns the exit code. {@code env} stands for the process environment. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length == 0 || Set.of("help", "--help", "-h").contains(args[0])) {
            (args.length == 0 ? err : out).print(usage());
            return args.length == 0 ? USAGE : OK;
        }
        String command = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        CertsMain main = new CertsMain(env, out);
        try {
            switch (command) {
                case "init" -> main.init(rest);
                case "issue" -> main.issue(rest);
                case "list" -> main.list(rest);
                case "revoke" -> main.revoke(rest);
                case "crl" -> main.crl(rest);
                default -> throw new CliArgs.UsageException("unknown command '" + command + "'");
            }
            return OK;
        } catch (CliArgs.UsageException e) {
            err.println("certs " + command + ": " + e.getMessage());
            err.println("run `certs help` for the commands and their options");
            return USAGE;
        } catch (IllegalArgumentException e) {
            err.println("certs " + command + ": " + e.getMessage());
            return USAGE;
        } catch (PkiException e) {
            err.println("certs " + command + ": " + e.getMessage());
            return e.reason() == PkiException.Reason.INVALID_REQUEST ? USAGE : FAILED;
        } catch (Passwords.PasswordException e) {
            err.println("certs " + command + ": " + e.getMessage());
            return FAILED;
        }
    }

    private void init(List<String> args) throws CliArgs.UsageException, PkiException, Passwords.PasswordException {
        CliArgs options = CliArgs.parse("init", args, with(CA_PASSWORD_OPTIONS, "--dir", "--org"), Set.of(), Set.of());
        Path dir = Path.of(options.required("--dir"));
        String org = options.required("--org");
        char[] password = caPassword(options);
        Pki pki;
        try {
            pki = Pki.create(dir, org, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        out.println("created the PKI of " + org + " in " + dir);
        out.println("  root CA     " + pki.root().getSubjectX500Principal() + ", valid until "
                + pki.root().getNotAfter().toInstant());
        out.println("  issuing CA  " + pki.issuingCa().getSubjectX500Principal() + ", valid until "
                + pki.issuingCa().getNotAfter().toInstant());
        out.println("  CRL         " + pki.crlFile() + " (publish again with `certs crl` within "
                + Pki.DEFAULT_CRL_VALIDITY.toDays() + " days)");
        out.println("Keep root-ca.p12, issuing-ca.p12 and the CA password secret."
                + " Give devices ca-chain.pem and crl.pem.");
    }

    private void issue(List<String> args) throws CliArgs.UsageException, PkiException, Passwords.PasswordException {
        CliArgs options = CliArgs.parse(
                "issue",
                args,
                with(
                        with(
                                CA_PASSWORD_OPTIONS,
                                "--dir",
                                "--kind",
                                "--name",
                                "--role",
                                "--days",
                                "--ip",
                                "--dns",
                                "--uri"),
                        KEYSTORE_PASSWORD_OPTIONS.toArray(new String[0])),
                Set.of("--ip", "--dns"),
                Set.of("--rsa"));
        Path dir = Path.of(options.required("--dir"));
        CertificateKind kind = CertificateKind.parse(options.required("--kind"));
        CertificateRequest.Builder request = CertificateRequest.builder(kind, options.required("--name"));
        options.value("--role").ifPresent(request::role);
        options.days("--days").ifPresent(days -> request.validity(Duration.ofDays(days)));
        if (options.flag("--rsa")) {
            request.keyAlgorithm(KeyAlgorithm.RSA_2048);
        }
        options.values("--ip").forEach(request::ipAddress);
        options.values("--dns").forEach(request::dnsName);
        options.value("--uri").ifPresent(request::uri);
        CertificateRequest built = request.build();

        char[] caPassword = caPassword(options);
        char[] keystorePassword = null;
        IssuedCertificate issued;
        try {
            keystorePassword = Passwords.read(
                    options,
                    "--keystore-password-file",
                    "--keystore-password-env",
                    DEFAULT_KEYSTORE_PASSWORD_ENV,
                    env,
                    "the key store password");
            issued = Pki.open(dir, caPassword).issue(built, keystorePassword);
        } finally {
            Arrays.fill(caPassword, '\0');
            if (keystorePassword != null) {
                Arrays.fill(keystorePassword, '\0');
            }
        }
        CertificateRecord record = issued.record();
        out.println("issued the " + kind + " certificate '" + record.name() + "'"
                + record.role().map(role -> " with role '" + role + "'").orElse(""));
        out.println("  serial       " + record.serialHex());
        out.println("  valid        " + record.notBefore() + " to " + record.notAfter());
        out.println("  key          " + record.keyAlgorithm());
        out.println("  key store    " + issued.keyStore() + " (secret: private key and chain)");
        out.println("  certificate  " + issued.certificateFile());
    }

    private void list(List<String> args) throws CliArgs.UsageException, PkiException, Passwords.PasswordException {
        CliArgs options = CliArgs.parse("list", args, Set.of("--dir"), Set.of(), Set.of());
        Path dir = Path.of(options.required("--dir"));
        List<CertificateRecord> records = Pki.records(dir);
        Instant now = Instant.now();
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
    }

    private void revoke(List<String> args) throws CliArgs.UsageException, PkiException, Passwords.PasswordException {
        CliArgs options = CliArgs.parse(
                "revoke", args, with(CA_PASSWORD_OPTIONS, "--dir", "--serial", "--reason"), Set.of(), Set.of());
        Path dir = Path.of(options.required("--dir"));
        BigInteger serial = parseSerial(options.required("--serial"));
        RevocationReason reason = RevocationReason.parse(options.required("--reason"));
        char[] password = caPassword(options);
        CertificateRecord revoked;
        try {
            revoked = Pki.open(dir, password).revoke(serial, reason);
        } finally {
            Arrays.fill(password, '\0');
        }
        out.println("revoked " + revoked.serialHex() + " (" + revoked.kind() + " '" + revoked.name() + "', "
                + reason.rfcName() + ")");
        out.println(
                "It is refused once the new CRL is published and distributed: run `certs crl --dir " + dir + "` now.");
    }

    private void crl(List<String> args) throws CliArgs.UsageException, PkiException, Passwords.PasswordException {
        CliArgs options = CliArgs.parse("crl", args, with(CA_PASSWORD_OPTIONS, "--dir", "--days"), Set.of(), Set.of());
        Path dir = Path.of(options.required("--dir"));
        Duration validity = options.days("--days").map(Duration::ofDays).orElse(Pki.DEFAULT_CRL_VALIDITY);
        char[] password = caPassword(options);
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
        out.println("published " + pki.crlFile() + ": " + revoked + " revoked certificate(s), next update "
                + crl.getNextUpdate().toInstant());
        out.println("Copy it to every gateway and controller before then: after that date they refuse"
                + " every certificate (revocation unknown).");
    }

    private char[] caPassword(CliArgs options) throws CliArgs.UsageException, Passwords.PasswordException {
        return Passwords.read(
                options, "--password-file", "--password-env", DEFAULT_PASSWORD_ENV, env, "the CA password");
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

    private static BigInteger parseSerial(String text) throws CliArgs.UsageException {
        String hex = text.strip().replace(":", "");
        if (hex.startsWith("0x") || hex.startsWith("0X")) {
            hex = hex.substring(2);
        }
        try {
            BigInteger serial = new BigInteger(hex, 16);
            if (serial.signum() <= 0) {
                throw new CliArgs.UsageException("--serial must be positive");
            }
            return serial;
        } catch (NumberFormatException e) {
            throw new CliArgs.UsageException(
                    "--serial must be hexadecimal (as `certs list` shows it), not '" + text + "'");
        }
    }

    private static Set<String> with(Set<String> base, String... more) {
        HashSet<String> all = new HashSet<>(base);
        all.addAll(Arrays.asList(more));
        return Set.copyOf(all);
    }

    private static String usage() {
        return """
                certs: the plant PKI (docs/pki.md)

                  certs init   --dir DIR --org NAME
                  certs issue  --dir DIR --kind operator|gateway|controller|opcua --name NAME
                               [--role ROLE] [--days N] [--rsa] [--ip ADDRESS]... [--dns NAME]... [--uri URI]
                  certs list   --dir DIR
                  certs revoke --dir DIR --serial HEX --reason REASON
                  certs crl    --dir DIR [--days N]

                --role is required for operator and gateway certificates; opcua certificates are RSA-2048
                and need --uri (the application URI). Default validity: operators 90 days, others 365.
                REASON: unspecified, keyCompromise, cACompromise, affiliationChanged, superseded,
                cessationOfOperation, privilegeWithdrawn. The CRL is valid 30 days unless --days says.

                Passwords are never command-line arguments:
                  CA password (init, issue, revoke, crl):  --password-file FILE | --password-env VAR
                                                           (default: environment variable PKI_PASSWORD)
                  key store password (issue):              --keystore-password-file FILE | --keystore-password-env VAR
                                                           (default: environment variable KEYSTORE_PASSWORD)
                A password file holds the password on its first line. Passwords need 8 characters or more.

                Exit codes: 0 done, 1 failed, 2 usage error.
                """;
    }
}
