package dev.failover.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.failover.gateway.config.ConfigException.ConfigProblem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits of the configuration reader (docs/configuration.md, "Limits") and its refusal of every
 * written YAML tag: each error names the file, the line where one is known, and the limit or rule.
 */
class ConfigLimitsTest {

    @TempDir
    Path dir;

    private static ConfigException parseError(String yaml) {
        return catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, Path.of("test.yaml")));
    }

    private ConfigException loadError(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        return catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
    }

    @Test
    void aFileLargerThanTheLimitIsRefusedUnparsed() throws IOException {
        byte[] big = new byte[YamlSource.MAX_BYTES + 1];
        Arrays.fill(big, (byte) '#');

        assertThat(loadError("big.yaml", big))
                .hasMessage("big.yaml: the file has more than 3145728 bytes (3 MiB), the limit for a configuration"
                        + " file. Check that this is the gateway's configuration: one of 50 pairs has well under"
                        + " 1 MiB.");
    }

    @Test
    void aTextLongerThanTheLimitIsRefusedUnparsed() {
        assertThat(parseError("#".repeat(YamlSource.MAX_BYTES + 1)))
                .hasMessage("test.yaml: the text has 3145729 characters, more than the limit of 3145728 for a"
                        + " configuration. Check that this is the gateway's configuration.");
    }

    @Test
    void bytesThatAreNotUtf8NameTheirLineAndSayHowToFixIt() throws IOException {
        byte[] content = "gateway:\n  name: gw\n  x: \u00e9\u00ff\n".getBytes(StandardCharsets.ISO_8859_1);

        ConfigException e = loadError("latin1.yaml", content);

        // Not "check the path and permissions": the file was read, its content is the problem.
        assertThat(e)
                .hasMessage("latin1.yaml:3: the file is not UTF-8 text: byte 0xE9 (byte 6 of this line) is not valid"
                        + " UTF-8. Save the file as UTF-8; if it is binary, it is not a configuration file.");
    }

    @Test
    void aNulCharacterMarksTheFileAsBinary() throws IOException {
        byte[] content = "gateway:\n  name: g\0w\n\0\0".getBytes(StandardCharsets.UTF_8);

        assertThat(loadError("binary.yaml", content))
                .hasMessage("binary.yaml:2: the file holds a NUL character (column 10, and 2 more in the file): it is"
                        + " binary or damaged, or saved as UTF-16. Check that this is the configuration file, and"
                        + " save it as UTF-8 text.");
    }

    @Test
    void otherControlCharactersAreNamed() {
        assertThat(parseError("gateway:\n  name: \u001b[1mgw\n"))
                .hasMessage("test.yaml:2: the character U+001B (column 9) is not allowed in YAML, which takes printable"
                        + " characters, tabs and line breaks only. Remove it.");
    }

    @Test
    void nestingDeeperThanTheLimitNamesTheLineWhereItIsExceeded() {
        StringBuilder yaml = new StringBuilder();
        for (int level = 0; level < 30; level++) {
            yaml.append(" ".repeat(level)).append("k").append(level).append(":\n");
        }

        // The mapping at depth d starts with the key on line d: the 21st is the first too deep.
        assertThat(parseError(yaml.toString()))
                .hasMessage("test.yaml:21: mappings and lists are nested more than 20 deep here, the limit: reading"
                        + " stops here. Check the indentation: the configuration itself needs 6 levels.");
        assertThat(parseError("pairs: " + "[".repeat(5000) + "]".repeat(5000) + "\n"))
                .hasMessageStartingWith("test.yaml:1: mappings and lists are nested more than 20 deep here");
    }

    @Test
    void nestingWithinTheLimitIsLeftToTheSchema() {
        ConfigException e = parseError("pairs: " + "[".repeat(19) + "]".repeat(19) + "\n");

        assertThat(e).hasMessageNotContaining("nested");
        assertThat(e.problems()).extracting(ConfigProblem::key).contains("pairs[0]");
    }

    @Test
    void moreAliasesThanTheLimitStopReadingAtTheFirstOneTooMany() {
        String yaml = "gateway: {name: &x gw}\nlist:\n" + "  - *x\n".repeat(60);

        assertThat(parseError(yaml))
                .hasMessage("test.yaml:53: more than 50 aliases (*x): reading stops here. Anchors and aliases are not"
                        + " supported: write the values out in full.");
    }

    @Test
    void aBillionLaughsFileIsRefusedWithTheLineOfTheFirstAliasTooMany() {
        StringBuilder yaml = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (char c = 'b'; c <= 'i'; c++) {
            String previous = "*" + (char) (c - 1);
            yaml.append(c)
                    .append(": &")
                    .append(c)
                    .append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, previous)))
                    .append("]\n");
        }

        // Lines 2-6 hold 45 aliases; the 51st is the sixth on line 7.
        assertThat(parseError(yaml.toString())).hasMessageStartingWith("test.yaml:7: more than 50 aliases (*f)");
    }

    @Test
    void everyWrittenTagIsRefusedWithItsKeyEvenOneThatChangesNothing() {
        ConfigException e = parseError("""
                gateway:
                  name: !!str gw
                  control: {port: !!null 7411, host: ! 127.0.0.1}
                """);

        assertThat(e.getMessage())
                .contains(
                        "test.yaml:2: gateway.name: the YAML tag !!str is not supported. Remove the tag and write a"
                                + " plain value.",
                        "test.yaml:3: gateway.control.port: the YAML tag !!null is not supported.",
                        "test.yaml:3: gateway.control.host: the YAML tag ! is not supported.");
    }

    @Test
    void aTaggedValueNeverCountsAsAbsent() {
        // With !!null the value used to read as absent: the default port, silently.
        assertThatThrownBy(() -> ConfigLoader.parse(
                        "gateway: {name: gw, control: {port: !!null 7411}}\n" + ConfigLoaderTest.SECURITY
                                + ConfigLoaderTest.MINIMAL_PAIRS,
                        Path.of("test.yaml")))
                .hasMessage("test.yaml:1: gateway.control.port: the YAML tag !!null is not supported. Remove the tag"
                        + " and write a plain value.");
    }

    @Test
    void globalAndLocalTagsAreRefusedLikeTheOthers() {
        ConfigException e = parseError("""
                gateway:
                  name: !!java.io.File /etc/passwd
                  eventLog: !<tag:example.com,2000:log> events.jsonl
                  !!str control: {}
                """);

        assertThat(e.getMessage())
                .contains(
                        "test.yaml:2: gateway.name: the YAML tag !!java.io.File is not supported.",
                        "test.yaml:3: gateway.eventLog: the YAML tag tag:example.com,2000:log is not supported.",
                        "test.yaml:4: gateway: a key here is not a plain word. Write keys as 'name: value'.");
    }
}
