package dev.failover.certs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a password from a file or an environment variable, never from the command line. A file holds
 * the password on its first line (UTF-8; the line end is not part of it).
 */
final class Passwords {

    /** A password source that is named but unusable: exit code 1. */
    static final class PasswordException extends Exception {
        PasswordException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Passwords() {}

    /**
     * The password from {@code fileOption} or {@code envOption}, else from the environment variable
     * {@code defaultEnv}.
     *
     * @param what what the password is for, e.g. "the CA password"
     */
    static char[] read(
            CliArgs args, String fileOption, String envOption, String defaultEnv, Map<String, String> env, String what)
            throws CliArgs.UsageException, PasswordException {
        Optional<String> file = args.value(fileOption);
        Optional<String> variable = args.value(envOption);
        if (file.isPresent() && variable.isPresent()) {
            throw new CliArgs.UsageException(
                    "give " + what + " with " + fileOption + " or " + envOption + ", not both");
        }
        if (file.isPresent()) {
            return fromFile(Path.of(file.get()), what);
        }
        String name = variable.orElse(defaultEnv);
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            throw new CliArgs.UsageException(
                    variable.isPresent()
                            ? "environment variable " + name + " (from " + envOption + ") is not set or empty"
                            : "no " + what.replaceFirst("^the ", "") + ": set the environment variable " + defaultEnv
                                    + ", or use " + fileOption + " FILE or " + envOption + " VAR");
        }
        return value.toCharArray();
    }

    private static char[] fromFile(Path file, String what) throws PasswordException {
        byte[] bytes = null;
        try {
            bytes = Files.readAllBytes(file);
            CharBuffer chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            int end = 0;
            while (end < chars.limit() && chars.get(end) != '\n' && chars.get(end) != '\r') {
                end++;
            }
            char[] password = new char[end];
            chars.get(0, password, 0, end);
            Arrays.fill(chars.array(), '\0');
            if (password.length == 0) {
                throw new PasswordException(what + " file " + file + " is empty", null);
            }
            return password;
        } catch (NoSuchFileException e) {
            throw new PasswordException("cannot read " + what + " file " + file + ": it does not exist", e);
        } catch (CharacterCodingException e) {
            throw new PasswordException(what + " file " + file + " is not UTF-8 text", e);
        } catch (IOException e) {
            throw new PasswordException("cannot read " + what + " file " + file + ": " + e.getMessage(), e);
        } finally {
            if (bytes != null) {
                Arrays.fill(bytes, (byte) 0);
            }
        }
    }
}
