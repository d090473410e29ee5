package dev.failover.gateway.cli;

import java.util.Optional;

/**
 * Why a command stopped before it was done, with its exit code. {@link GatewayMain} prints it: a
 * usage error as {@code error: MESSAGE} and the command's usage (exit 2), any other failure as
 * {@code error: MESSAGE}, or nothing when the command has printed the reason itself.
 */
final class CommandFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final int exitCode;
    private final boolean usage;

    private CommandFailure(int exitCode, boolean usage, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
        this.usage = usage;
    }

    /** A usage error found after parsing (a bad tag value, a password that cannot be found): exit 2. */
    static CommandFailure usage(String message) {
        return new CommandFailure(ExitCode.USAGE, true, message);
    }

    /** A failure with its exit code and the reason to print. */
    static CommandFailure of(int exitCode, String message) {
        return new CommandFailure(exitCode, false, message);
    }

    /** A failure whose reason the command has printed already. */
    static CommandFailure reported(int exitCode) {
        return new CommandFailure(exitCode, false, null);
    }

    int exitCode() {
        return exitCode;
    }

    boolean isUsage() {
        return usage;
    }

    /** The reason still to print; empty when it was printed. */
    Optional<String> reason() {
        return Optional.ofNullable(getMessage());
    }
}
