package dev.failover.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordSourceTest {

    @Test
    void aFileGivesItsContentWithoutTheFinalLineBreak(@TempDir Path dir) throws Exception {
        Path unix = Files.writeString(dir.resolve("unix"), "pa ss\n");
        Path windows = Files.writeString(dir.resolve("windows"), "pa ss\r\n");
        Path bare = Files.writeString(dir.resolve("bare"), "pa ss");

        for (Path file : new Path[] {unix, windows, bare}) {
            assertThat(new PasswordSource.FromFile(file).read(name -> null)).containsExactly("pa ss".toCharArray());
        }
    }

    @Test
    void aMissingOrEmptyFileNamesTheFile(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");

        assertThatThrownBy(() -> new PasswordSource.FromFile(empty).read(name -> null))
                .hasMessage("the password file " + empty + " is empty");
        assertThatThrownBy(() -> new PasswordSource.FromFile(dir.resolve("none")).read(name -> null))
                .hasMessageStartingWith("cannot read the password file " + dir.resolve("none"));
    }

    @Test
    void aFileThatIsMissingOrNotUtf8SaysSo(@TempDir Path dir) throws Exception {
        Path latin1 = Files.write(dir.resolve("latin1"), new byte[] {'p', (byte) 0xE4, 's', 's', '\n'});

        assertThatThrownBy(() -> new PasswordSource.FromFile(dir.resolve("none")).read(name -> null))
                .hasMessage("cannot read the password file " + dir.resolve("none") + ": it does not exist");
        assertThatThrownBy(() -> new PasswordSource.FromFile(latin1).read(name -> null))
                .hasMessage("the password file " + latin1 + " is not UTF-8 text");
    }

    @Test
    void anEnvironmentVariableMustBeSetAndNotEmpty() throws Exception {
        Map<String, String> env = Map.of("A_PASS", "secret", "EMPTY", "");

        assertThat(new PasswordSource.FromEnv("A_PASS").read(env::get)).containsExactly("secret".toCharArray());
        assertThatThrownBy(() -> new PasswordSource.FromEnv("NONE").read(env::get))
                .hasMessage("the environment variable NONE holding the key store password is not set");
        assertThatThrownBy(() -> new PasswordSource.FromEnv("EMPTY").read(env::get))
                .hasMessage("the environment variable EMPTY holding the key store password is empty");
    }

    @Test
    void theTwoOptionsGiveOneSourceTheDefaultVariableWhenNeitherIsGiven() {
        assertThat(PasswordSource.of("/run/a.pass", null, "DEFAULT_PASS", "--x-password-file", "--x-password-env"))
                .isEqualTo(new PasswordSource.FromFile(Path.of("/run/a.pass")));
        assertThat(PasswordSource.of(null, "MY_PASS", "DEFAULT_PASS", "--x-password-file", "--x-password-env"))
                .isEqualTo(new PasswordSource.FromEnv("MY_PASS"));
        assertThat(PasswordSource.of(null, null, "DEFAULT_PASS", "--x-password-file", "--x-password-env"))
                .isEqualTo(new PasswordSource.FromEnv("DEFAULT_PASS"));
        assertThatThrownBy(() -> PasswordSource.of("f", "V", "D", "--x-password-file", "--x-password-env"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("give --x-password-file or --x-password-env, not both");
    }

    @Test
    void optionsThatLookLikeAPasswordAreRecognisedByName() {
        assertThat(PasswordSource.looksLikePasswordOption("--password")).isTrue();
        assertThat(PasswordSource.looksLikePasswordOption("--keystore-pass=secret"))
                .isTrue();
        assertThat(PasswordSource.looksLikePasswordOption("--DB-PWD")).isTrue();
        assertThat(PasswordSource.looksLikePasswordOption("-p")).isTrue();
        assertThat(PasswordSource.looksLikePasswordOption("password"))
                .as("a value, not an option")
                .isFalse();
        assertThat(PasswordSource.looksLikePasswordOption("--port")).isFalse();
        assertThat(PasswordSource.looksLikePasswordOption("-pki")).isFalse();
    }
}
