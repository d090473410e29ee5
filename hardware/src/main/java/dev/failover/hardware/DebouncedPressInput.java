package dev.failover.hardware;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ManualSwitchInput} fed with the raw level changes of a key input, debounced in software
 * with an injected nanosecond ticker (no timers, no sleeps).
 *
 * <p>Rule: a change to "pressed" is a press, notified at once, if the input was quiet (no change of any
 * kind) for at least the debounce window before it. Every change restarts the window, so the bounces
 * after a press and the bounces of the release are all swallowed, however many there are. The cost is
 * that two real presses less than one window apart count as one.
 *
 * <p>Thread-safety: {@link #level} may be called from any thread; the debounce state is guarded by
 * this object's monitor, and listeners run outside it on the calling thread.
 */
public final class DebouncedPressInput implements ManualSwitchInput {

    private static final Logger log = LoggerFactory.getLogger(DebouncedPressInput.class);

    private final String name;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    private boolean pressed;
    private boolean changedBefore;
    private long lastChangeNanos;

    /**
     * @param name the input's name in logs
     * @param debounce changes closer together than this are bounces
     * @param nanoTime monotonic ticker in nanoseconds ({@code System::nanoTime} on the box)
     * @param pressedNow the key's level when the input is opened; a key held at start is not a press
     */
    public DebouncedPressInput(String name, Duration debounce, LongSupplier nanoTime, boolean pressedNow) {
        this.name = Objects.requireNonNull(name, "name");
        this.windowNanos = debounce.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.pressed = pressedNow;
    }

    /** Reports the key's level after a change seen on the input. Repeats of the same level are ignored. */
    public void level(boolean pressedNow) {
        if (accept(pressedNow)) {
            log.info("Manual switch {} pressed", name);
            for (Runnable listener : listeners) {
                notify(listener);
            }
        }
    }

    @Override
    public Registration onPress(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        // A wrapper per registration, so registering the same Runnable twice gives two removable entries.
        Runnable entry = listener::run;
        listeners.add(entry);
        return () -> listeners.remove(entry);
    }

    private synchronized boolean accept(boolean pressedNow) {
        if (pressedNow == pressed) {
            return false;
        }
        long now = nanoTime.getAsLong();
        boolean quiet = !changedBefore || now - lastChangeNanos >= windowNanos;
        pressed = pressedNow;
        changedBefore = true;
        lastChangeNanos = now;
        if (pressedNow && !quiet) {
            log.debug("Manual switch {}: press within {} ns of the last change ignored as a bounce", name, windowNanos);
        }
        return pressedNow && quiet;
    }

    private void notify(Runnable listener) {
        try {
            listener.run();
        } catch (RuntimeException e) {
            log.error("Manual switch {}: a press listener failed; other listeners still run", name, e);
        }
    }
}
