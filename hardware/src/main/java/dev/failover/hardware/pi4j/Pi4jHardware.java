package dev.failover.hardware.pi4j;

import com.pi4j.context.Context;
import dev.failover.hardware.HardwareConfig;
import dev.failover.hardware.InterlockedOutputEnableRelays;
import dev.failover.hardware.ManualSwitchInput;
import dev.failover.hardware.OutputEnableRelays;
import dev.failover.hardware.PairHardware;
import dev.failover.hardware.RelayPins;
import dev.failover.hardware.StatusLeds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds one pair's box I/O on a Pi4J context. The caller owns the context (one per process, shared
 * by all pairs; on the box it carries the gpiod provider) and shuts it down after closing the pairs.
 *
 * <p>Pi4J ids are {@code <pairId>.relay.<controllerId>.coil}, {@code .feedback}, {@code
 * <pairId>.led.green}/{@code amber}/{@code red} and {@code <pairId>.switch}.
 *
 * <p>Thread-safety: the parts are thread-safe; {@link #close} is idempotent.
 */
public final class Pi4jHardware implements PairHardware {

    private static final Logger log = LoggerFactory.getLogger(Pi4jHardware.class);

    private final String pairId;
    private final Map<String, Pi4jRelay> relays;
    private final OutputEnableRelays outputEnableRelays;
    private final Pi4jStatusLeds leds;
    private final Pi4jManualSwitch manualSwitch;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Pi4jHardware(
            String pairId,
            Map<String, Pi4jRelay> relays,
            OutputEnableRelays outputEnableRelays,
            Pi4jStatusLeds leds,
            Pi4jManualSwitch manualSwitch) {
        this.pairId = pairId;
        this.relays = relays;
        this.outputEnableRelays = outputEnableRelays;
        this.leds = leds;
        this.manualSwitch = manualSwitch;
    }

    /** Opens the pair's I/O with {@link System#nanoTime} as the debounce ticker. */
    public static PairHardware open(Context pi4j, HardwareConfig config) {
        return open(pi4j, config, System::nanoTime);
    }

    /**
     * Claims the pair's GPIO lines: relays de-energised (both controllers' outputs enabled), LEDs dark.
     * If a line cannot be claimed, the lines already claimed are released again.
     *
     * @param nanoTime monotonic ticker in nanoseconds for the key's debounce
     * @throws dev.failover.hardware.HardwareException if a line cannot be claimed
     */
    public static PairHardware open(Context pi4j, HardwareConfig config, LongSupplier nanoTime) {
        String pair = config.pairId();
        List<Runnable> opened = new ArrayList<>();
        try {
            Map<String, Pi4jRelay> relays = new LinkedHashMap<>();
            for (Map.Entry<String, RelayPins> entry : config.relays().entrySet()) {
                Pi4jRelay relay = new Pi4jRelay(pi4j, Pi4jIo.id(pair, "relay." + entry.getKey()), entry.getValue());
                opened.add(relay::close);
                relays.put(entry.getKey(), relay);
            }
            Pi4jStatusLeds leds = new Pi4jStatusLeds(pi4j, Pi4jIo.id(pair, "led"), config.leds());
            opened.add(leds::close);
            Pi4jManualSwitch key = new Pi4jManualSwitch(
                    pi4j, Pi4jIo.id(pair, "switch"), config.manualSwitch(), config.switchDebounce(), nanoTime);
            opened.add(key::close);
            OutputEnableRelays interlock = new InterlockedOutputEnableRelays(relays, config.feedbackSettle());
            log.info(
                    "Pair {}: box I/O open (relays {}, LEDs {}, key {})",
                    pair,
                    config.relays(),
                    config.leds(),
                    config.manualSwitch());
            return new Pi4jHardware(pair, relays, interlock, leds, key);
        } catch (RuntimeException e) {
            closeAll(pair, opened);
            throw e;
        }
    }

    @Override
    public OutputEnableRelays outputEnableRelays() {
        return outputEnableRelays;
    }

    @Override
    public StatusLeds statusLeds() {
        return leds;
    }

    @Override
    public ManualSwitchInput manualSwitch() {
        return manualSwitch;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        relays.forEach((controller, relay) -> {
            if (relay.energized()) {
                // Fail-as-is: a stopped gateway leaves both controllers' outputs enabled (docs/hardware.md).
                log.warn(
                        "Pair {}: releasing the output-enable relay of {}: its outputs are enabled again",
                        pairId,
                        controller);
            }
        });
        List<Runnable> parts = new ArrayList<>();
        relays.values().forEach(relay -> parts.add(relay::close));
        parts.add(leds::close);
        parts.add(manualSwitch::close);
        closeAll(pairId, parts);
        log.info("Pair {}: box I/O closed", pairId);
    }

    private static void closeAll(String pairId, List<Runnable> closers) {
        for (Runnable closer : closers) {
            try {
                closer.run();
            } catch (RuntimeException e) {
                log.error("Pair {}: releasing a GPIO line failed; continuing with the other lines", pairId, e);
            }
        }
    }
}
