package dev.failover.gateway.box;

import dev.failover.gateway.config.PairConfig;
import dev.failover.gateway.events.EventDetail;
import dev.failover.gateway.events.EventSink;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.PairDetail;
import dev.failover.gateway.fence.Fence;
import dev.failover.gateway.fence.RelayFence;
import dev.failover.gateway.supervisor.Pair;
import dev.failover.hardware.HardwareConfig;
import dev.failover.hardware.HardwareException;
import dev.failover.hardware.LedPattern;
import dev.failover.hardware.ManualSwitchInput;
import dev.failover.hardware.PairHardware;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The gateway box's I/O of one pair, wired into the gateway (docs/hardware.md): the output-enable
 * relays as the controllers' {@linkplain #fence fences}, the status LEDs following the pair's state
 * ({@link LedMapping}), and the key switch as an operator's switchover request.
 *
 * <p>Lifecycle: {@link #open} claims the pair's GPIO (relays released, LEDs dark); the gateway builds
 * the pair's supervisor with the fences, {@linkplain #attach attaches} it and adds this object to its
 * event bus; {@link #close}, after the supervisor is closed, releases the GPIO, which releases the
 * relays (fail as is: both controllers' outputs enabled).
 *
 * <p>Threads: the LEDs are updated from the failover controller's {@code PAIR_STATE} and alarm
 * events. It publishes them on the pair's decision thread while it holds its own lock, so the
 * updates come in order and each shows the status as it just became. A key press arrives on the GPIO
 * event thread and only queues a switchover request on the decision thread. Physical access to the
 * key is its authentication: the request is logged at WARN and published by the supervisor as any
 * {@code SWITCHOVER_REQUESTED}.
 */
public final class BoxController implements EventSink, AutoCloseable {

    static final String KEY_REQUESTER = "key switch on the gateway box";
    static final String KEY_REASON = "manual switchover by key switch";

    private static final Logger log = LoggerFactory.getLogger(BoxController.class);

    private final String pairName;
    private final PairHardware hardware;
    private final Map<String, Fence> fences = new LinkedHashMap<>();
    private volatile Pair supervisor;
    private ManualSwitchInput.Registration key;
    private LedPattern showing = LedPattern.OFF;

    private BoxController(String pairName, HardwareConfig config, PairHardware hardware) {
        this.pairName = pairName;
        this.hardware = hardware;
        config.relays()
                .forEach((id, pins) -> fences.put(
                        id,
                        new RelayFence(
                                id,
                                hardware.outputEnableRelays(),
                                pins.feedback().isPresent())));
    }

    /**
     * Claims the pair's box I/O through {@code hardware} ({@code Pi4jGpio::open} on the box).
     *
     * @throws IllegalArgumentException if the pair has no box
     * @throws HardwareException if a GPIO line cannot be claimed
     */
    public static BoxController open(PairConfig pair, Function<HardwareConfig, PairHardware> hardware) {
        HardwareConfig config =
                pair.hardware().orElseThrow(() -> new IllegalArgumentException("pair " + pair.name() + " has no box"));
        PairHardware opened = hardware.apply(config);
        try {
            return new BoxController(pair.name(), config, opened);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /**
     * The fence of one controller: its output-enable relay.
     *
     * @throws IllegalArgumentException if the box has no relay for {@code controllerId}
     */
    public Fence fence(String controllerId) {
        Fence fence = fences.get(controllerId);
        if (fence == null) {
            throw new IllegalArgumentException(
                    "the box of pair " + pairName + " has no relay for " + controllerId + ", only " + fences.keySet());
        }
        return fence;
    }

    /** Starts following {@code pairSupervisor}: LEDs from its status, key presses to its switchover requests. */
    public synchronized void attach(Pair pairSupervisor) {
        if (supervisor != null) {
            throw new IllegalStateException("the box of pair " + pairName + " is already attached");
        }
        supervisor = pairSupervisor;
        key = hardware.manualSwitch().onPress(this::keyPressed);
        show(LedMapping.of(pairSupervisor.status()));
    }

    @Override
    public void publish(GatewayEvent event) {
        Pair attached = supervisor;
        if (attached != null && pairName.equals(event.pair()) && changesLeds(event.detail())) {
            show(LedMapping.of(attached.status()));
        }
    }

    /** Whether the LEDs may change with this event: they show the pair state and its alarms. */
    private static boolean changesLeds(EventDetail detail) {
        return switch (detail) {
            case PairDetail.PairState state -> true;
            case PairDetail.AlarmRaised raised -> true;
            case PairDetail.AlarmCleared cleared -> true;
            default -> false;
        };
    }

    /** The pattern the LEDs were last set to. */
    public synchronized LedPattern showing() {
        return showing;
    }

    private synchronized void show(LedPattern pattern) {
        if (pattern == showing) {
            return;
        }
        try {
            hardware.statusLeds().show(pattern);
            log.debug("pair {}: LEDs {} -> {}", pairName, showing, pattern);
            showing = pattern;
        } catch (HardwareException e) {
            // The LEDs only report; failing to light them must never disturb the failover.
            log.warn("pair {}: cannot show {} on the LEDs", pairName, pattern, e);
        }
    }

    private void keyPressed() {
        Pair attached = supervisor;
        if (attached == null) {
            return;
        }
        MDC.put("pair", pairName);
        try {
            log.warn("pair {}: switchover requested by the key switch on the gateway box", pairName);
        } finally {
            MDC.remove("pair");
        }
        attached.requestSwitchover(KEY_REQUESTER, KEY_REASON).whenComplete((report, error) -> {
            if (error != null) {
                log.warn("pair {}: key switch switchover not decided: {}", pairName, error.getMessage());
            } else if (report.ok()) {
                log.info("pair {}: key switch switchover to {} completed", pairName, report.to());
            } else {
                log.warn(
                        "pair {}: key switch switchover {}: {}",
                        pairName,
                        report.outcome().name().toLowerCase(Locale.ROOT),
                        report.failure());
            }
        });
    }

    /** Stops reacting to the key and releases the pair's GPIO; call after its supervisor is closed. */
    @Override
    public synchronized void close() {
        if (key != null) {
            key.remove();
            key = null;
        }
        supervisor = null;
        hardware.close();
        showing = LedPattern.OFF;
    }
}
