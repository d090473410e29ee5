package dev.failover.gateway.cli;

/**
 * The gateway's documented exit codes (docs/operations.md), declared to picocli in {@link
 * GatewayMain}'s exit code list, which every command's help shows.
 */
final class ExitCode {
    /** Success. */
    static final int OK = 0;
    /** The operation ran but failed or was refused (a switchover refused, the gateway refused the call). */
    static final int FAILED = 1;
    /** Usage error or invalid configuration: nothing was started. */
    static final int USAGE = 2;
    /** A runtime failure: the gateway could not start, could not be reached, or the identity could not be loaded. */
    static final int RUNTIME = 3;

    private ExitCode() {}
}
