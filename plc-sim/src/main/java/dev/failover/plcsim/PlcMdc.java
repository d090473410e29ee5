package dev.failover.plcsim;

import org.slf4j.MDC;

/** Puts the controller name into the log MDC (key {@code plc}) around a call, then restores it. */
final class PlcMdc {

    static final String KEY = "plc";

    private PlcMdc() {}

    /** A body that may throw a checked exception. */
    @FunctionalInterface
    interface Body<T, E extends Exception> {
        T call() throws E;
    }

    static <T, E extends Exception> T call(String plcName, Body<T, E> body) throws E {
        String previous = MDC.get(KEY);
        MDC.put(KEY, plcName);
        try {
            return body.call();
        } finally {
            if (previous == null) {
                MDC.remove(KEY);
            } else {
                MDC.put(KEY, previous);
            }
        }
    }

    static void run(String plcName, Runnable body) {
        call(plcName, () -> {
            body.run();
            return null;
        });
    }
}
