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
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Where a password comes from: a file or an environment variable, never a command-line argument
 * (other users see arguments in the process list, and shells keep them in their history). The one
 * password source of the three command lines ({@code gateway}, {@code certs}, {@code plc-sim}): each
 * names its own pair of options ({@code --X-password-file FILE}, {@code --X-password-env VAR}) and
 * turns them into a source with {@link #of}. Immutable and thread-safe.
 */
public sealed interface PasswordSource {

    /**
     * The source the two options of one password give.
     *
     * @param file the value of the file option, or null
     * @param env the value of the environment option, or null
     * @param defaultEnv the variable read when neither option is given
     * @param fileOption the file option's name, for the message, e.g. {@code --identity-password-file}
     * @param envOption the environment option's name, for the message
     * @throws IllegalArgumentException naming both options when both are given
     */
    static PasswordSource of(String file, String env, String defaultEnv, String fileOption, String envOption) {
        if (file != null && env != null) {
            throw new IllegalArgumentException("give " + fileOption + " or " + envOption + ", not both");
        }
        return file != null ? new FromFile(Path.of(file)) : new FromEnv(env != null ? env : defaultEnv);
    }

    /**
     * Whether {@code arg} is an option whose name looks like a password's ({@code --password},
     * {@code --pass=...}, {@code --db-pwd}, {@code -p}): the rule the three command lines share to refuse
     * passwords given as arguments. The caller excludes its own password source options.
     */
    static boolean looksLikePasswordOption(String arg) {
        if (!arg.startsWith("-")) {
            return false;
        }
        int equals = arg.indexOf('=');
        String name = (equals < 0 ? arg : arg.substring(0, equals)).toLowerCase(java.util.Locale.ROOT);
        return name.contains("pass") || name.contains("pwd") || name.equals("-p");
    }

    /**
     * Why an option that looks like a password ({@code name}) is refused: passwords are never
     * arguments. For the command lines' usage errors.
     */
    static String refusal(String name, String fileOption, String envOption) {
        return "passwords are never accepted on the command line (" + name + "): they would show in the process"
                + " list and the shell history; use " + fileOption + " FILE or " + envOption + " VAR";
    }

    /**
     * Reads the password.
     *
     * @param environment looks up an environment variable, null when unset ({@code System::getenv})
     * @throws IOException naming the file or variable when it cannot be read, is unset or is empty
     */
    char[] read(UnaryOperator<String> environment) throws IOException;

    /**
     * The first line of {@code file} (UTF-8, without its line end), as the {@code certs} tool reads it.
     * The bytes and characters read are overwritten once the password is copied out.
     */
    record FromFile(Path file) implements PasswordSource {
        public FromFile {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public char[] read(UnaryOperator<String> environment) throws IOException {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new IOException("cannot read the password file " + file + ": it does not exist", e);
            } catch (IOException e) {
                throw new IOException("cannot read the password file " + file + ": " + e.getMessage(), e);
            }
            CharBuffer chars = null;
            try {
                chars = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes));
                int end = 0;
                while (end < chars.limit() && chars.get(end) != '\n' && chars.get(end) != '\r') {
                    end++;
                }
                if (end == 0) {
                    throw new IOException("the password file " + file + " is empty");
                }
                char[] password = new char[end];
                chars.get(0, password, 0, end);
                return password;
            } catch (CharacterCodingException e) {
                throw new IOException("the password file " + file + " is not UTF-8 text", e);
            } finally {
                Arrays.fill(bytes, (byte) 0);
                if (chars != null && chars.hasArray()) {
                    Arrays.fill(chars.array(), '\0');
                }
            }
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
