package dev.failover.gateway.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Where a secret (a key store password) is read from: a file or an environment variable, exactly one
 * of the two. The configuration file only names the place, never the secret, and this record never
 * holds the value: {@link #read()} fetches it when it is needed, and {@link #toString()} shows only
 * where it comes from, so logging a configuration cannot leak it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param file the file holding the secret, or {@code null} when it comes from the environment
 * @param environmentVariable the variable holding the secret, or {@code null} when it comes from a file
 */
public record Secret(Path file, String environmentVariable) {

    public Secret {
        if ((file == null) == (environmentVariable == null)) {
            throw new IllegalArgumentException("a secret comes from a file or an environment variable: give exactly"
                    + " one of the two, got " + (file == null ? "neither" : "both"));
        }
        if (environmentVariable != null && environmentVariable.isBlank()) {
            throw new IllegalArgumentException("the environment variable's name must not be empty");
        }
    }

    public static Secret fromFile(Path file) {
        return new Secret(file, null);
    }

    public static Secret fromEnvironment(String variable) {
        return new Secret(null, variable);
    }

    /**
     * Reads the secret. The caller owns the array and should clear it ({@code Arrays.fill(pw, '\0')})
     * once used.
     *
     * <p>A file holds the secret as UTF-8 text; one line end at its end ({@code \n} or {@code \r\n}, as
     * editors and {@code echo} write) is not part of it. A file with more lines is refused rather than
     * read in part: the {@code certs} tool reads only the first line of a password file, and the two
     * must never disagree on what the password is.
     *
     * @throws IOException naming the file or variable: the file cannot be read, is not UTF-8, is empty or
     *     has more than one line; the variable is unset or empty
     */
    public char[] read() throws IOException {
        return read(System::getenv);
    }

    /**
     * {@link #read()} with the environment looked up through {@code environment} (null when unset), so
     * tests need not set real variables.
     */
    char[] read(UnaryOperator<String> environment) throws IOException {
        if (file == null) {
            String value = environment.apply(environmentVariable);
            if (value == null || value.isEmpty()) {
                throw new IOException("the environment variable " + environmentVariable + " that should hold the"
                        + " secret is " + (value == null ? "not set" : "empty"));
            }
            return value.toCharArray();
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("cannot read the secret file " + file + " (" + ConfigLoader.reason(e) + ")", e);
        }
        CharBuffer chars = null;
        try {
            chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return firstLine(chars);
        } catch (CharacterCodingException e) {
            throw new IOException("the secret file " + file + " is not UTF-8 text", e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
            if (chars != null && chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
        }
    }

    /** The text without one line end at its end; refused when empty or when more lines follow. */
    private char[] firstLine(CharBuffer chars) throws IOException {
        int end = chars.limit();
        if (end > 0 && chars.get(end - 1) == '\n') {
            end--;
            if (end > 0 && chars.get(end - 1) == '\r') {
                end--;
            }
        }
        if (end == 0) {
            throw new IOException("the secret file " + file + " is empty");
        }
        for (int i = 0; i < end; i++) {
            if (chars.get(i) == '\n' || chars.get(i) == '\r') {
                throw new IOException(
                        "the secret file " + file + " has more than one line: write the secret alone" + " on one line");
            }
        }
        char[] secret = new char[end];
        chars.get(0, secret, 0, end);
        return secret;
    }

    @Override
    public String toString() {
        return file != null
                ? "Secret[from file " + file + "]"
                : "Secret[from environment variable " + environmentVariable + "]";
    }
}
