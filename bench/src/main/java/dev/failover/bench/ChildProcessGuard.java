package dev.failover.bench;

/**
 * Kills this JVM's child processes (busy loops, controllers, a gateway, perhaps stopped by SIGSTOP)
 * if the JVM exits while a benchmark runs, for example on Ctrl-C: try-with-resources blocks do not
 * run when a signal ends the JVM, shutdown hooks do. Only descendants of this JVM are touched: every
 * one of them was started by the benchmark. Closing it removes the hook.
 */
final class ChildProcessGuard implements AutoCloseable {

    private final Thread hook = new Thread(ChildProcessGuard::killDescendants, "kill-child-processes");

    private ChildProcessGuard() {}

    static ChildProcessGuard install() {
        ChildProcessGuard guard = new ChildProcessGuard();
        Runtime.getRuntime().addShutdownHook(guard.hook);
        return guard;
    }

    /** SIGKILL to every descendant: it also ends a stopped process, which a SIGTERM would not until resumed. */
    private static void killDescendants() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs (or ran) and kills what is left.
        }
    }
}
