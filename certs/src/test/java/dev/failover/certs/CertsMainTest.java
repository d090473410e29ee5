package dev.failover.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
        assertThat(err).contains("unknown option --verbose");
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
        assertThat(run(Map.of(), "help")).isZero();
        assertThat(out).contains("certs init", "certs issue", "certs revoke", "PKI_PASSWORD", "KEYSTORE_PASSWORD");
        assertThat(run(Map.of())).isEqualTo(CertsMain.USAGE);
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
