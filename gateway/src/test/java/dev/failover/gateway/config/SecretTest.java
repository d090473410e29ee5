package dev.failover.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reading the key store password from where the configuration says. The messages name the file or
 * variable, never the value: they end up in logs.
 */
class SecretTest {

    /** A name no environment sets: the test must not depend on the machine's variables. */
    private static final String UNSET = "FAILOVER_GATEWAY_SECRET_TEST_UNSET_4F2A9C";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"s3cret pass", "s3cret pass\n", "s3cret pass\r\n"})
    void aFileHoldsTheSecretWithoutItsLineEnd(String content) throws IOException {
        Path file = write(content);

        assertThat(Secret.fromFile(file).read()).containsExactly("s3cret pass".toCharArray());
    }

    @Test
    void aFileIsReadAsUtf8() throws IOException {
        Path file = write("pässwört\n");

        assertThat(Secret.fromFile(file).read()).containsExactly("pässwört".toCharArray());
    }

    @Test
    void onlyOneLineEndIsRemoved() throws IOException {
        // The certs tool reads the first line only: a file the two would read differently is refused.
        Path file = write("s3cret\n\n");

        assertThatThrownBy(() -> Secret.fromFile(file).read())
                .isInstanceOf(IOException.class)
                .hasMessage("the secret file " + file + " has more than one line: write the secret alone on one line");
    }

    @Test
    void anEmptyFileIsRefused() throws IOException {
        Path file = write("\n");

        assertThatThrownBy(() -> Secret.fromFile(file).read())
                .isInstanceOf(IOException.class)
                .hasMessage("the secret file " + file + " is empty");
    }

    @Test
    void aMissingFileIsNamedAndTheCauseKept() {
        Path file = dir.resolve("keystore.pw");

        assertThatThrownBy(() -> Secret.fromFile(file).read())
                .isInstanceOf(IOException.class)
                .hasMessage("cannot read the secret file " + file + " (no such file)")
                .hasCauseInstanceOf(NoSuchFileException.class);
    }

    @Test
    void anUnsetVariableIsNamed() {
        assertThat(System.getenv(UNSET)).as("the test needs %s unset", UNSET).isNull();

        assertThatThrownBy(() -> Secret.fromEnvironment(UNSET).read())
                .isInstanceOf(IOException.class)
                .hasMessage("the environment variable " + UNSET + " that should hold the secret is not set");
    }

    @Test
    void aVariableIsReadAsItIs() throws IOException {
        Map<String, String> env = Map.of("GATEWAY_KEYSTORE_PASSWORD", " s3cret\n", "EMPTY", "");

        assertThat(Secret.fromEnvironment("GATEWAY_KEYSTORE_PASSWORD").read(env::get))
                .containsExactly(" s3cret\n".toCharArray());
        assertThatThrownBy(() -> Secret.fromEnvironment("EMPTY").read(env::get))
                .isInstanceOf(IOException.class)
                .hasMessage("the environment variable EMPTY that should hold the secret is empty");
    }

    @Test
    void exactlyOneSourceIsGiven() {
        assertThatThrownBy(() -> new Secret(null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a secret comes from a file or an environment variable: give exactly one of the two,"
                        + " got neither");
        assertThatThrownBy(() -> new Secret(Path.of("pw"), "PW"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a secret comes from a file or an environment variable: give exactly one of the two,"
                        + " got both");
        assertThatThrownBy(() -> Secret.fromEnvironment(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringShowsOnlyWhereTheSecretComesFrom() {
        assertThat(Secret.fromFile(Path.of("secrets/keystore.pw")))
                .hasToString("Secret[from file " + Path.of("secrets/keystore.pw") + "]");
        assertThat(Secret.fromEnvironment("GATEWAY_KEYSTORE_PASSWORD"))
                .hasToString("Secret[from environment variable GATEWAY_KEYSTORE_PASSWORD]");
    }

    private Path write(String content) throws IOException {
        return Files.writeString(dir.resolve("keystore.pw"), content, StandardCharsets.UTF_8);
    }
}
