package dev.failover.plcsim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Where a key store password comes from: a file or an environment variable, never a command-line
 * argument (other users see arguments in the process list, and shells keep them in their history).
 * Immutable and thread-safe.
 */
sealed interface PasswordSource {

    /**
     * Reads the password.
     *
     * @param environment looks up an environment variable, null when unset ({@code System::getenv})
     * @throws IOException naming the file or variable when it cannot be read, is unset or is empty
     */
    char[] read(UnaryOperator<String> environment) throws IOException;

    /** The first line of {@code file} (UTF-8, without its line end), as the {@code certs} tool reads it. */
    record FromFile(Path file) implements PasswordSource {
        public FromFile {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public char[] read(UnaryOperator<String> environment) throws IOException {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IOException("cannot read the password file " + file + ": " + e.getMessage(), e);
            }
            int end = 0;
            while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            String password = text.substring(0, end);
            if (password.isEmpty()) {
                throw new IOException("the password file " + file + " is empty");
            }
            return password.toCharArray();
        }
    }

    /** The value of the environment variable {@code variable}. */
    record FromEnv(String variable) implements PasswordSource {
        public FromEnv {
            Objects.requireNonNull(variable, "variable");
        }

        @Override
        public char[] read(UnaryOperator<String> environment) throws IOException {
            String value = environment.apply(variable);
            if (value == null || value.isEmpty()) {
                throw new IOException("the environment variable " + variable + " holding the key store password is "
                        + (value == null ? "not set" : "empty"));
            }
            return value.toCharArray();
        }
    }
}
