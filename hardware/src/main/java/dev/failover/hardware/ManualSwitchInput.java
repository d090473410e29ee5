package dev.failover.hardware;

/**
 * The box's manual switchover key (a spring-return key switch or a push button): an operator's request
 * to switch the pair over. Presses are debounced in software; each press notifies every registered
 * listener once.
 *
 * <p>A press is only a request: the gateway decides whether a switchover is safe.
 *
 * <p>Thread-safety: registration and removal are safe from any thread. Listeners run on the thread
 * that reports the input change (the GPIO driver's event thread on the box, the test thread with the
 * mock); they must return quickly and hand real work to the pair's own executor. A listener that
 * throws is logged and does not stop the others.
 */
public interface ManualSwitchInput {

    /**
     * Registers {@code listener} to run once per debounced press.
     *
     * @return a handle that removes the listener
     */
    Registration onPress(Runnable listener);

    /** Removes a listener registered with {@link #onPress}. */
    @FunctionalInterface
    interface Registration {
        /** Removes the listener; further calls do nothing. */
        void remove();
    }
}
