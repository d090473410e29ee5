package dev.failover.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.config.ConfigException;
import dev.failover.gateway.config.ConfigException.ConfigProblem;
import dev.failover.gateway.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the configuration loader with mutations of the test fixtures, written as a file: every input
 * either loads or is refused with a {@link ConfigException} whose problems name the file, a line
 * within it (or none) and what is wrong, in a sentence; nothing else is thrown and nothing is written.
 */
class ConfigFuzzTest {

    private static final List<byte[]> YAML_TOKENS = Mutator.utf8(
            "&a ",
            "*a",
            "!!str ",
            "!!null ",
            "! ",
            "!<tag:x,1:y> ",
            "<<: ",
            "---\n",
            "...\n",
            ": ",
            "- ",
            "? ",
            "\t",
            "#",
            "'",
            "\"",
            "{",
            "}",
            "[",
            "]",
            ",",
            "|\n",
            ">-\n",
            "%YAML 1.1\n",
            "\\u0000",
            "\u00e9",
            "\ufeff",
            "\u2028",
            "\r",
            "~",
            "null",
            "true",
            "yes",
            "20ms",
            "0s",
            "pairs:\n",
            "  - name: x\n");

    @TempDir
    Path dir;

    @Test
    void everyInputLoadsOrIsRefusedWithProblemsThatNameTheirLine() throws Exception {
        Path fixtures = fixtures();
        // The fixtures' placeholder PKI files, so that inputs get past the security section's paths.
        try (Stream<Path> pki = Files.list(fixtures.resolve("pki"))) {
            Files.createDirectories(dir.resolve("pki"));
            for (Path p : pki.toList()) {
                Files.copy(p, dir.resolve("pki").resolve(p.getFileName()));
            }
        }
        Path file = dir.resolve("gateway.yaml");
        Files.write(file, new byte[0]);
        Set<Path> before = tree(dir);
        FuzzRun run = FuzzRun.of("config", 20261211L, 6_000);

        run.run(
                new Mutator(run.seed(), corpus(fixtures), YAML_TOKENS, Mutator.utf8("[", "{a: ", "- ", "a:\n ")),
                input -> {
                    Files.write(file, input);
                    String outcome;
                    try {
                        ConfigLoader.load(file);
                        outcome = "valid";
                    } catch (ConfigException e) {
                        outcome = check(e, file, input);
                    }
                    assertThat(tree(dir)).as("files after loading").isEqualTo(before);
                    return outcome;
                });
    }

    /** The problems are about this file, on one of its lines or none, each with what is wrong. */
    private static String check(ConfigException e, Path file, byte[] input) {
        assertThat(e.problems()).isNotEmpty();
        // An upper bound: every byte that is or may be part of a YAML line break (CR, LF, NEL, LS, PS).
        long lines = 1
                + new String(input, StandardCharsets.ISO_8859_1)
                        .chars()
                        .filter(c -> c == '\n' || c == '\r' || c == 0x85 || c == 0xA8 || c == 0xA9)
                        .count();
        for (ConfigProblem p : e.problems()) {
            assertThat(p.file()).isEqualTo(file);
            assertThat(p.line()).as("line of %s", p).isBetween(0, (int) lines + 1);
            assertThat(p.message()).as("message of %s", p).isNotBlank().matches("(?s).*[.?]");
            assertThat(p.toString()).startsWith("gateway.yaml");
        }
        return kind(e.problems().getFirst().message());
    }

    /** A label for the tally: which gate refused the input. */
    private static String kind(String message) {
        if (message.startsWith("not valid YAML")) {
            return "syntax";
        }
        if (message.contains("not UTF-8")
                || message.contains("NUL character")
                || message.contains("not allowed in YAML")) {
            return "characters";
        }
        if (message.contains("nested more than") || message.contains("aliases (*")) {
            return "limit";
        }
        return message.contains("not supported") ? "plain-yaml" : "schema";
    }

    private static Path fixtures() throws URISyntaxException {
        return Path.of(ConfigFuzzTest.class.getResource("/config/minimal.yaml").toURI())
                .getParent();
    }

    private static List<byte[]> corpus(Path fixtures) throws IOException {
        try (Stream<Path> files = Files.list(fixtures)) {
            return files.filter(p -> p.toString().endsWith(".yaml"))
                    .sorted()
                    .map(p -> {
                        try {
                            return Files.readAllBytes(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .toList();
        }
    }

    private static Set<Path> tree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.collect(Collectors.toSet());
        }
    }
}
