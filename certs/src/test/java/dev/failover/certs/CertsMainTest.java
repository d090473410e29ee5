package dev.failover.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The {@code certs} command line end to end, in process: init, issue, list, revoke, crl; passwords
 * from the environment or files and never from arguments; exit codes and messages.
 */
class CertsMainTest {

    private static final String CA_PASSWORD = "plant-ca-password";
    private static final String KEYSTORE_PASSWORD = "operator-keystore-pw";
    private static final Map<String, String> ENV =
            Map.of("PKI_PASSWORD", CA_PASSWORD, "KEYSTORE_PASSWORD", KEYSTORE_PASSWORD);

    @TempDir
    Path temp;

    Path pkiDir;
    String out;
    String err;

    @BeforeEach
    void paths() {
        pkiDir = temp.resolve("pki");
    }

    @Test
    void fullWorkflowFromInitToRevokedInTheCrl() throws Exception {
        assertThat(run(ENV, "init", "--dir", pkiDir.toString(), "--org", "Acme Water"))
                .isZero();
        assertThat(out).contains("created the PKI of Acme Water");

        Path caPasswordFile = Files.writeString(temp.resolve("ca.txt"), CA_PASSWORD + "\n");
        Map<String, String> customEnv = Map.of("ALICE_KS", "alice-keystore-pw");
        int issued = run(
                customEnv,
                "issue",
                "--dir",
                pkiDir.toString(),
                "--kind",
                "operator",
                "--name",
                "alice",
                "--role",
                "operator",
                "--days",
                "30",
                "--password-file",
                caPasswordFile.toString(),
                "--keystore-password-env",
                "ALICE_KS");
        assertThat(issued).as(err).isZero();
        String serial = serialIn(out);
        Identity alice = Keystores.loadIdentity(pkiDir.resolve("issued/alice.p12"), "alice-keystore-pw".toCharArray());
        assertThat(RoleExtension.read(alice.certificate())).contains("operator");
        assertThat(alice.certificate().getSerialNumber()).isEqualTo(new BigInteger(serial, 16));

        assertThat(run(
                        ENV,
                        "issue",
                        "--dir",
                        pkiDir.toString(),
                        "--kind",
                        "gateway",
                        "--name",
                        "gw-1",
                        "--role",
                        "gateway",
                        "--ip",
                        "10.0.0.1",
                        "--ip",
                        "10.0.1.1",
                        "--dns",
                        "gw-1.plant"))
                .as(err)
                .isZero();
        assertThat(run(
                        ENV,
                        "issue",
                        "--dir",
                        pkiDir.toString(),
                        "--kind",
                        "opcua",
                        "--name",
                        "scada",
                        "--uri",
                        "urn:acme:scada",
                        "--dns",
                        "scada.plant"))
                .as(err)
                .isZero();
        assertThat(out).contains("RSA_2048");

        assertThat(run(Map.of(), "list", "--dir", pkiDir.toString())).as(err).isZero();
        assertThat(out).contains(serial, "alice", "gw-1", "scada", "VALID", "3 certificate(s)", "valid until");

        assertThat(run(ENV, "revoke", "--dir", pkiDir.toString(), "--serial", serial, "--reason", "keyCompromise"))
                .as(err)
                .isZero();
        assertThat(out).contains("revoked " + serial, "certs crl");
        assertThat(run(ENV, "crl", "--dir", pkiDir.toString(), "--days", "7"))
                .as(err)
                .isZero();
        assertThat(out).contains("1 revoked certificate(s)");

        assertThat(run(Map.of(), "list", "--dir", pkiDir.toString())).isZero();
        assertThat(out).contains("REVOKED (keyCompromise)");
        VerificationResult result = Keystores.verifier(
                        pkiDir.resolve("ca-chain.pem"), List.of(pkiDir.resolve("crl.pem")), Clock.systemUTC())
                .verify(alice.chain());
        assertThat(result)
                .isInstanceOfSatisfying(
                        VerificationResult.Rejected.class,
                        r -> assertThat(r.reason()).isEqualTo(VerificationResult.Reason.REVOKED));
    }

    @Test
    @Timeout(60)
    void cliRunsInItsOwnJvmWithPasswordsFromTheRealEnvironment() throws Exception {
        // A fresh JVM: nothing else has loaded or registered BouncyCastle before the command runs.
        assertThat(run(ENV, "init", "--dir", pkiDir.toString(), "--org", "Acme Water"))
                .isZero();
        // Surefire's class path (its booter jar's manifest lists every dependency when it uses one).
        String classpath = System.getProperty("java.class.path");
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                CertsMain.class.getName(),
                "issue",
                "--dir",
                pkiDir.toString(),
                "--kind",
                "controller",
                "--name",
                "plc-a",
                "--ip",
                "10.0.0.10");
        builder.environment().putAll(ENV);
        builder.redirectErrorStream(true);

        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("issued the controller certificate 'plc-a'");
        assertThat(Keystores.loadIdentity(pkiDir.resolve("issued/plc-a.p12"), KEYSTORE_PASSWORD.toCharArray())
                        .alias())
                .isEqualTo("plc-a");
    }

    @Test
    void passwordArgumentsAreRefusedWithUsage() {
        assertThat(run(ENV, "init", "--dir", pkiDir.toString(), "--org", "Acme", "--password", CA_PASSWORD))
                .isEqualTo(CertsMain.USAGE);
        assertThat(err).contains("never accepted on the command line", "--password-file", "PKI_PASSWORD");
        assertThat(err).doesNotContain(CA_PASSWORD);

        assertThat(run(ENV, "issue", "--dir", pkiDir.toString(), "--keystore-password=" + KEYSTORE_PASSWORD))
                .isEqualTo(CertsMain.USAGE);
        assertThat(err).contains("never accepted", "--keystore-password-file").doesNotContain(KEYSTORE_PASSWORD);
        assertThat(pkiDir).doesNotExist();
    }

    @Test
    void missingPasswordNamesTheDefaultVariable() {
        assertThat(run(Map.of(), "init", "--dir", pkiDir.toString(), "--org", "Acme"))
                .isEqualTo(CertsMain.USAGE);
        assertThat(err).contains("PKI_PASSWORD", "--password-file");
    }

    @Test
    void wrongCaPasswordFailsNamingTheKeyStore() {
        assertThat(run(ENV, "init", "--dir", pkiDir.toString(), "--org", "Acme"))
                .isZero();

        int code = run(
                Map.of("PKI_PASSWORD", "wrong-password", "KEYSTORE_PASSWORD", KEYSTORE_PASSWORD),
                "issue",
                "--dir",
                pkiDir.toString(),
                "--kind",
                "controller",
                "--name",
                "plc-a");

        assertThat(code).isEqualTo(CertsMain.FAILED);
        assertThat(err).contains("wrong password", pkiDir.resolve("root-ca.p12").toString());
    }

    @Test
    void missingPasswordFileFails() {
        Path absent = temp.resolve("absent.txt");

        assertThat(run(ENV, "init", "--dir", pkiDir.toString(), "--org", "Acme", "--password-file", absent.toString()))
                .isEqualTo(CertsMain.FAILED);
        assertThat(err).contains(absent.toString(), "does not exist");
    }

    @Test
    void initTwiceFails() {
        assertThat(run(ENV, "init", "--dir", pkiDir.toString(), "--org", "Acme"))
                .isZero();

        assertThat(run(ENV, "init", "--dir", pkiDir.toString(), "--org", "Acme"))
                .isEqualTo(CertsMain.FAILED);
        assertThat(err).contains("already holds a PKI");
    }

    @Test
    void usageErrorsExitWithTwoAndSayWhatIsWrong() {
        assertThat(run(ENV, "init", "--dir", pkiDir.toString(), "--org", "Acme"))
                .isZero();

        assertThat(run(ENV, "issue", "--dir", pkiDir.toString(), "--kind", "operator", "--name", "bob"))
                .isEqualTo(CertsMain.USAGE);
        assertThat(err).contains("need a role");
        assertThat(run(ENV, "issue", "--dir", pkiDir.toString(), "--kind", "robot", "--name", "r2"))
                .isEqualTo(CertsMain.USAGE);
        assertThat(err).contains("unknown certificate kind 'robot'");
        assertThat(run(ENV, "revoke", "--dir", pkiDir.toString(), "--serial", "xyz", "--reason", "superseded"))
                .isEqualTo(CertsMain.USAGE);
        assertThat(err).contains("hexadecimal");
        assertThat(run(ENV, "crl", "--dir", pkiDir.toString(), "--days", "0")).isEqualTo(CertsMain.USAGE);
        assertThat(run(ENV, "frobnicate")).isEqualTo(CertsMain.USAGE);
        assertThat(run(ENV, "list", "--dir", pkiDir.toString(), "--verbose")).isEqualTo(CertsMain.USAGE);
        assertThat(err).contains("Unknown option: '--verbose'");
    }

    @Test
    void revokingAnUnknownSerialFails() {
        assertThat(run(ENV, "init", "--dir", pkiDir.toString(), "--org", "Acme"))
                .isZero();

        assertThat(run(ENV, "revoke", "--dir", pkiDir.toString(), "--serial", "abcdef", "--reason", "superseded"))
                .isEqualTo(CertsMain.FAILED);
        assertThat(err).contains("no certificate with serial abcdef");
    }

    @Test
    void helpListsCommandsAndPasswordDefaults() {
        for (String help : List.of("help", "--help", "-h")) {
            assertThat(run(Map.of(), help)).isZero();
            assertThat(out)
                    .startsWith("Usage: certs ")
                    .contains("init", "issue", "list", "revoke", "crl", "PKI_PASSWORD", "KEYSTORE_PASSWORD");
            assertThat(out).contains("Exit codes:", "0   done", "1   failed", "2   usage error");
        }
        assertThat(run(Map.of())).isEqualTo(CertsMain.USAGE);
        assertThat(err).startsWith("error: ").contains("Usage: certs ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"init", "issue", "list", "revoke", "crl"})
    void everySubcommandAnswersHelpWithItsUsageAndTheExitCodes(String command) {
        assertThat(run(Map.of(), command, "--help")).isZero();
        assertThat(out).startsWith("Usage: certs " + command).contains("--dir=DIR", "Exit codes:", "2   usage error");
        assertThat(err).isEmpty();
        String usage = out;

        assertThat(run(Map.of(), command, "-h")).isZero();
        assertThat(out).isEqualTo(usage);
        assertThat(run(Map.of(), "help", command)).isZero();
        assertThat(out).isEqualTo(usage);
    }

    @Test
    void versionPrintsOneLine() {
        assertThat(run(Map.of(), "--version")).isZero();
        assertThat(out).matches("certs \\d+\\.\\d+\\.\\d+\\R");
        assertThat(run(Map.of(), "issue", "--version")).isZero();
        assertThat(out).startsWith("certs ");
    }

    @Test
    void helpStatesTheDefaultsTheCodeUses() {
        // The help is generated from the annotations, but these defaults are written in their text.
        assertThat(run(Map.of(), "issue", "--help")).isZero();
        assertThat(out.replaceAll("\\s+", " "))
                .contains(
                        "default: " + CertificateKind.OPERATOR.defaultValidity().toDays() + " for operator")
                .contains(CertificateKind.GATEWAY.defaultValidity().toDays() + " for the others");
        assertThat(EnumSet.complementOf(EnumSet.of(CertificateKind.OPERATOR)))
                .allSatisfy(kind ->
                        assertThat(kind.defaultValidity()).isEqualTo(CertificateKind.GATEWAY.defaultValidity()));
        assertThat(run(Map.of(), "crl", "--help")).isZero();
        assertThat(out).contains("(default: " + Pki.DEFAULT_CRL_VALIDITY.toDays() + ")");
    }

    @Test
    void unknownOptionExitsTwoNamingItThenTheUsage() {
        assertThat(run(ENV, "init", "--dir", pkiDir.toString(), "--org", "Acme", "--colour", "red"))
                .isEqualTo(CertsMain.USAGE);
        assertThat(err).startsWith("error: Unknown option").contains("'--colour'", "Usage: certs init");
        assertThat(out).isEmpty();
        assertThat(pkiDir).doesNotExist();

        assertThat(run(ENV, "init", "--dir", pkiDir.toString(), "--org", "Acme", "--dir", pkiDir.toString()))
                .isEqualTo(CertsMain.USAGE);
        assertThat(err).contains("'--dir'", "only once");
        assertThat(run(ENV, "list", "--dir", pkiDir.toString(), "stray")).isEqualTo(CertsMain.USAGE);
        assertThat(err).contains("'stray'");
        assertThat(pkiDir).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--password", "--password=", "--keystore-password", "--ca-pass", "--PASSWD", "-p", "--pwd"})
    void everyPasswordArgumentIsRefusedWithTheExplanation(String option) {
        String secret = "hunter2-secret";
        String[] passwordArgs = option.endsWith("=") ? new String[] {option + secret} : new String[] {option, secret};
        for (String command : List.of("init", "issue", "list", "revoke", "crl")) {
            String[] args = Stream.concat(Stream.of(command, "--dir", pkiDir.toString()), Arrays.stream(passwordArgs))
                    .toArray(String[]::new);

            assertThat(run(ENV, args)).as(command).isEqualTo(CertsMain.USAGE);
            assertThat(err)
                    .startsWith(
                            "error: passwords are never accepted on the command line (" + option.replace("=", "") + ")")
                    .contains(
                            "--password-file FILE or --password-env VAR",
                            "PKI_PASSWORD",
                            "--keystore-password-file FILE or --keystore-password-env VAR",
                            "KEYSTORE_PASSWORD",
                            "Usage: certs " + command)
                    .doesNotContain(secret);
            assertThat(out).isEmpty();
        }
        assertThat(pkiDir).doesNotExist();
    }

    @Test
    void badDaysOrSerialExitsTwoNamingTheOption() {
        for (String days : List.of("90d", "0", "36501", "-5", "1.5", "")) {
            assertThat(run(ENV, "crl", "--dir", pkiDir.toString(), "--days", days))
                    .as(days)
                    .isEqualTo(CertsMain.USAGE);
            assertThat(err)
                    .startsWith("error: Invalid value for option '--days'")
                    .contains("Usage: certs crl");
            assertThat(run(
                            ENV,
                            "issue",
                            "--dir",
                            pkiDir.toString(),
                            "--kind",
                            "controller",
                            "--name",
                            "c",
                            "--days=" + days))
                    .as(days)
                    .isEqualTo(CertsMain.USAGE);
            assertThat(err).startsWith("error: Invalid value for option '--days'");
        }
        assertThat(err).contains("whole number of days");
        assertThat(run(ENV, "crl", "--dir", pkiDir.toString(), "--days", "36501"))
                .isEqualTo(CertsMain.USAGE);
        assertThat(err).contains("between 1 and 36500");
        assertThat(run(ENV, "revoke", "--dir", pkiDir.toString(), "--serial", "-1f", "--reason", "superseded"))
                .isEqualTo(CertsMain.USAGE);
        assertThat(err).startsWith("error: Invalid value for option '--serial'").contains("positive");
        assertThat(pkiDir).doesNotExist();
    }

    @Test
    void optionValuesFollowASpaceOrAnEqualsSign() throws Exception {
        assertThat(run(ENV, "init", "--dir=" + pkiDir, "--org=Acme Water"))
                .as(err)
                .isZero();
        assertThat(out).contains("created the PKI of Acme Water in " + pkiDir);
        Path keystorePassword = Files.writeString(temp.resolve("ks.txt"), "plc-keystore-pw\n");

        assertThat(run(
                        Map.of("PKI_PASSWORD", CA_PASSWORD),
                        "issue",
                        "--dir=" + pkiDir,
                        "--kind=controller",
                        "--name=plc-a",
                        "--days= 30",
                        "--ip=10.0.0.10",
                        "--ip",
                        "10.0.1.10",
                        "--keystore-password-file=" + keystorePassword))
                .as(err)
                .isZero();
        assertThat(Keystores.loadIdentity(pkiDir.resolve("issued/plc-a.p12"), "plc-keystore-pw".toCharArray())
                        .alias())
                .isEqualTo("plc-a");
    }

    @Test
    void bothSourcesOfOnePasswordAreAUsageError() throws Exception {
        Path file = Files.writeString(temp.resolve("ca.txt"), CA_PASSWORD + "\n");

        assertThat(run(
                        ENV,
                        "init",
                        "--dir",
                        pkiDir.toString(),
                        "--org",
                        "Acme",
                        "--password-file",
                        file.toString(),
                        "--password-env",
                        "PKI_PASSWORD"))
                .isEqualTo(CertsMain.USAGE);
        assertThat(err).contains("--password-file or --password-env, not both", "Usage: certs init");
        assertThat(run(ENV, "init", "--dir", pkiDir.toString(), "--org", "Acme", "--password-env", "UNSET_VAR"))
                .isEqualTo(CertsMain.USAGE);
        assertThat(err).contains("UNSET_VAR (from --password-env) is not set or empty");
        assertThat(pkiDir).doesNotExist();
    }

    @Test
    void theCommandReferenceInPkiMdNamesEveryOptionAndExitCode() throws Exception {
        // Surefire runs in the module directory. The reference summarises the generated help by hand.
        String pkiMd = Files.readString(Path.of("..", "docs", "pki.md"), StandardCharsets.UTF_8);
        int start = pkiMd.indexOf("## Command reference");
        String reference = pkiMd.substring(start, pkiMd.indexOf("\n## ", start + 1));
        CommandLine commandLine = CertsMain.commandLine(Map.of());
        for (CommandLine command : commandLine.getSubcommands().values()) {
            String name = command.getCommandName();
            if (name.equals("help")) {
                continue;
            }
            assertThat(reference).as(name).contains("certs " + name);
            for (CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
                assertThat(reference).as(name).contains(option.longestName());
            }
        }
        assertThat(commandLine.getCommandSpec().usageMessage().exitCodeList())
                .containsOnlyKeys("0", "1", "2")
                .allSatisfy((code, meaning) -> assertThat(reference).contains("| " + code + " | " + meaning + " |"));
    }

    private int run(Map<String, String> env, String... args) {
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        int code;
        try (PrintStream outStream = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
                PrintStream errStream = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
            code = CertsMain.run(args, env, outStream, errStream);
        }
        out = outBytes.toString(StandardCharsets.UTF_8);
        err = errBytes.toString(StandardCharsets.UTF_8);
        return code;
    }

    private static String serialIn(String output) {
        Matcher matcher = Pattern.compile("serial\\s+([0-9a-f]+)").matcher(output);
        assertThat(matcher.find()).as(output).isTrue();
        return matcher.group(1);
    }
}
