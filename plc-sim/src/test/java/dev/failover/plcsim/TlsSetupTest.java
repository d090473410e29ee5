package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.certs.PasswordSource;
import dev.failover.certs.PkiException;
import dev.failover.certs.TestPki;
import dev.failover.plcsim.modbus.AccessPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Building the TLS configuration from the {@code run} options, and its start-up errors. */
class TlsSetupTest {

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static Path keyStore;

    @BeforeAll
    static void createPki() throws Exception {
        pki = TestPki.create(dir);
        keyStore = pki.controller("plc-a").keyStore();
    }

    private static TlsOptions options(Path trust, Optional<Path> crl, PasswordSource password) {
        return new TlsOptions(keyStore, password, trust, crl, AccessPolicy.defaults(), OptionalInt.empty());
    }

    private static PasswordSource env() {
        return new PasswordSource.FromEnv("KS_PASS");
    }

    private static Map<String, String> environment(char[] password) {
        return Map.of("KS_PASS", new String(password));
    }

    @Test
    void aPkiDirectoryGivesTheCaChainAndItsCrl() throws Exception {
        Path pkiDir = pki.pki().dir();

        SimConfig.Tls tls = TlsSetup.configure(
                options(pkiDir, Optional.empty(), env()), environment(TestPki.KEYSTORE_PASSWORD)::get);

        assertThat(tls.access()).isEqualTo(AccessPolicy.defaults());
        assertThat(TlsSetup.caCertificates(pkiDir)).isEqualTo(pkiDir.resolve("ca-chain.pem"));
        assertThat(TlsSetup.crl(options(pkiDir, Optional.empty(), env()))).isEqualTo(pkiDir.resolve("crl.pem"));
    }

    @Test
    void aTrustFileTakesTheCrlBesideItUnlessNamed() {
        Path root = pki.pki().rootCertificateFile();
        Path other = dir.resolve("elsewhere/crl.pem");

        assertThat(TlsSetup.crl(options(root, Optional.empty(), env())))
                .isEqualTo(root.getParent().resolve("crl.pem"));
        assertThat(TlsSetup.crl(options(root, Optional.of(other), env()))).isEqualTo(other);
    }

    @Test
    void aMissingCrlIsAStartUpErrorBecauseRevocationIsAlwaysChecked() throws Exception {
        Path trustDir = Files.createDirectories(dir.resolve("no-crl"));
        Files.copy(pki.pki().caChainFile(), trustDir.resolve("ca-chain.pem"));

        assertThatThrownBy(() -> TlsSetup.configure(
                        options(trustDir, Optional.empty(), env()), environment(TestPki.KEYSTORE_PASSWORD)::get))
                .hasMessageStartingWith("the CRL " + trustDir.resolve("crl.pem") + " does not exist")
                .hasMessageEndingWith("or name it with --crl FILE");
    }

    @Test
    void aWrongPasswordNamesTheKeyStore() {
        assertThatThrownBy(() -> TlsSetup.configure(
                        options(pki.pki().dir(), Optional.empty(), env()), environment("wrong-one".toCharArray())::get))
                .isInstanceOf(PkiException.class)
                .hasMessageContaining(keyStore.toString());
    }

    @Test
    void aMissingTrustPathIsNamed() {
        Path missing = dir.resolve("missing");

        assertThatThrownBy(() -> TlsSetup.caCertificates(missing))
                .hasMessageStartingWith("--trust " + missing + " does not exist");
    }

    @Test
    void theCommandLineReportsAStartUpFailureWithExitOne() throws Exception {
        CliRunner cli = new CliRunner();

        int exit = cli.run(
                "run",
                "--name",
                "A",
                "--tls-keystore",
                keyStore.toString(),
                "--tls-keystore-password-env",
                "PLC_SIM_TEST_UNSET_VARIABLE",
                "--trust",
                pki.pki().dir().toString());

        assertThat(exit).isEqualTo(PlcSimMain.EXIT_FAILED);
        assertThat(cli.err())
                .isEqualTo("plc-sim: Modbus/TCP Security: the environment variable PLC_SIM_TEST_UNSET_VARIABLE"
                        + " holding the key store password is not set\n");
    }
}
