package dev.failover.gateway.cli;

/** The gateway's documented exit codes (docs/operations.md). */
final class ExitCode {
    /** Success. */
    static final int OK = 0;
    /** The operation ran but failed or was refused (a switchover refused, a bench check failed). */
    static final int FAILED = 1;
    /** Usage error or invalid configuration: nothing was started. */
    static final int USAGE = 2;
    /** A runtime failure: a port could not be bound, the gateway could not be reached. */
    static final int RUNTIME = 3;

    private ExitCode() {}
}
