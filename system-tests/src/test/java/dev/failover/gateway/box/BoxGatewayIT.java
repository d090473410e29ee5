package dev.failover.gateway.box;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import dev.failover.gateway.Gateway;
import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.BoxConfig;
import dev.failover.gateway.config.ControllerConfig;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.FenceConfig;
import dev.failover.gateway.config.GatewayConfig;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.PairConfig;
import dev.failover.gateway.config.PreferredRole;
import dev.failover.gateway.config.StatusRegisters;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.failover.SwitchoverKind;
import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.gateway.supervisor.PairSupervisor;
import dev.failover.hardware.HardwareConfig;
import dev.failover.hardware.LedPattern;
import dev.failover.hardware.PairHardware;
import dev.failover.hardware.pi4j.Pi4jHardware;
import dev.failover.plcsim.Plant;
import dev.failover.plcsim.Role;
import dev.failover.plcsim.SimConfig;
import dev.failover.plcsim.SimSnapshot;
import dev.failover.plcsim.SimulatedPlc;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway with a box on Pi4J's mock GPIO and two real plc-sim controllers over loopback Modbus:
 * fencing by the output-enable relay, the LEDs following the pair, and the key switch.
 *
 * <p>The mock relays are wired as healthy relays: a listener on each coil output moves the feedback
 * input at once and, as the relay's NC contact would, sets the simulated controller's output-enable
 * input. So a cut really stops the controller driving, and the test can check the order of break and
 * make in the process, not only in the gateway's report.
 */
@Timeout(60)
class BoxGatewayIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PAIR = "tank-1";
    private static final String A = "plc-a";
    private static final String B = "plc-b";

    private final Context gpio = Pi4J.newContextBuilder()
            .add(new MockPlatform())
            .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
            .disableShutdownHook()
            .build();
    /** The key's debounce clock: advanced by the test, so no real time has to pass between edges. */
    private final AtomicLong keyNanos = new AtomicLong();

    private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();
    private final List<String> relayMoves = new CopyOnWriteArrayList<>();
    private final List<LedPattern> ledHistory = new CopyOnWriteArrayList<>();
    private final List<SimSnapshot> oldActiveAtPromotion = new CopyOnWriteArrayList<>();

    private Plant plant;
    private SimulatedPlc a;
    private SimulatedPlc b;
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        plant = Plant.inMemory();
        a = SimulatedPlc.start(SimConfig.of(A, Role.ACTIVE), plant);
        b = SimulatedPlc.start(SimConfig.of(B, Role.STANDBY), plant);
        gateway = Gateway.start(config(), Ticker.system(), Clock.systemUTC(), events::add, this::openBox);
        supervisor().onSwitchover(r -> {
            if (r.ok() && r.from() != null) {
                oldActiveAtPromotion.add(plc(r.from()).snapshot());
            }
        });
        await().atMost(WAIT).until(() -> protectedWith(A));
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (plant != null) {
            plant.close();
        }
        gpio.shutdown();
    }

    private GatewayConfig config() {
        return new GatewayConfig(
                null,
                "box-gateway",
                "127.0.0.1",
                0,
                null,
                List.of(new PairConfig(
                        PAIR,
                        List.of(
                                controller(A, PreferredRole.PRIMARY, a, new FenceConfig.Relay(5, 6)),
                                controller(B, PreferredRole.STANDBY, b, new FenceConfig.Relay(13, 19))),
                        StatusRegisters.defaults(),
                        List.of(),
                        FailoverPolicy.defaults(),
                        new BoxConfig(16, 20, 21, 26, Duration.ofMillis(5), Duration.ofMillis(100)))));
    }

    private static ControllerConfig controller(String id, PreferredRole role, SimulatedPlc plc, FenceConfig fence) {
        return new ControllerConfig(id, role, new ModbusEndpoint("127.0.0.1", plc.modbusPort(), 1), fence);
    }

    /** The gateway's hardware factory: the pair's I/O on the mock context, wired as on the bench. */
    private PairHardware openBox(HardwareConfig config) {
        PairHardware box = Pi4jHardware.open(gpio, config, keyNanos::get);
        wireHealthyRelay(A);
        wireHealthyRelay(B);
        for (String colour : List.of("green", "amber", "red")) {
            output(PAIR + ".led." + colour).addListener(event -> recordLeds());
        }
        return box;
    }

    private void wireHealthyRelay(String controller) {
        String relay = PAIR + ".relay." + controller;
        output(relay + ".coil").addListener(event -> {
            boolean energised = event.state() == DigitalState.HIGH;
            relayMoves.add(controller + (energised ? " cut" : " restored") + ", other controller "
                    + plc(other(controller)).snapshot().role());
            plc(controller).faults().outputEnable(!energised);
            input(relay + ".feedback").mockState(energised ? DigitalState.HIGH : DigitalState.LOW);
        });
    }

    @Test
    void aHungActiveIsCutByItsRelayBeforeTheStandbyIsPromotedAndRestoredWhenItReturns() {
        awaitSteadyHealthy();
        int mark = ledHistory.size();

        a.faults().hang();

        await().atMost(WAIT)
                .until(() -> B.equals(status().activeId()) && b.snapshot().role() == Role.ACTIVE);
        // Break before make: plc-a's relay was energised, and confirmed by its feedback contact, while
        // plc-b was still standby; at plc-b's promotion plc-a no longer drove the process.
        assertThat(relayMoves).containsExactly("plc-a cut, other controller STANDBY");
        assertThat(coil(A)).isEqualTo(DigitalState.HIGH);
        assertThat(feedback(A)).isEqualTo(DigitalState.HIGH);
        assertThat(coil(B)).isEqualTo(DigitalState.LOW);
        assertThat(oldActiveAtPromotion).singleElement().satisfies(old -> {
            assertThat(old.outputEnable()).isFalse();
            assertThat(old.driving()).isFalse();
        });
        SwitchoverReport report = status().lastSwitchover();
        assertThat(report.kind()).isEqualTo(SwitchoverKind.FAILOVER);
        assertThat(report.fenced()).isTrue();
        assertThat(status().fenced()).containsExactly(A);
        assertThat(events)
                .anyMatch(e -> e.type().equals("STEP_DONE")
                        && e.controller().equals(A)
                        && "Fence".equals(e.fields().get("step")));
        await().atMost(WAIT).until(() -> leds() == LedPattern.DEGRADED);
        assertThat(ledsSince(mark)).startsWith(LedPattern.SWITCHING, LedPattern.DEGRADED);

        a.faults().clear();

        // plc-a returns in its retained role ACTIVE: demoted first, then its relay released.
        await().atMost(WAIT).until(() -> protectedWith(B));
        assertThat(relayMoves)
                .containsExactly("plc-a cut, other controller STANDBY", "plc-a restored, other controller ACTIVE");
        assertThat(coil(A)).isEqualTo(DigitalState.LOW);
        assertThat(feedback(A)).isEqualTo(DigitalState.LOW);
        assertThat(a.snapshot().outputEnable()).isTrue();
        assertThat(a.snapshot().role()).isEqualTo(Role.STANDBY);
        await().atMost(WAIT).until(() -> leds() == LedPattern.HEALTHY);
    }

    @Test
    void aKeyPressSwitchesOverWithoutTouchingTheRelays() {
        awaitSteadyHealthy();
        int mark = ledHistory.size();
        // The key is active low and the mock input starts LOW: held at start, which is no press.
        key(DigitalState.HIGH);
        keyNanos.addAndGet(Duration.ofSeconds(1).toNanos());

        // A press with contact bounce: the bounces within the 5 ms window are swallowed.
        key(DigitalState.LOW);
        keyNanos.addAndGet(Duration.ofMillis(1).toNanos());
        key(DigitalState.HIGH);
        keyNanos.addAndGet(Duration.ofMillis(1).toNanos());
        key(DigitalState.LOW);

        await().atMost(WAIT).until(() -> protectedWith(B));
        SwitchoverReport report = status().lastSwitchover();
        assertThat(report.kind()).isEqualTo(SwitchoverKind.MANUAL);
        assertThat(report.ok()).isTrue();
        assertThat(report.fenced()).isFalse();
        assertThat(a.snapshot().role()).isEqualTo(Role.STANDBY);
        assertThat(events.stream().filter(e -> e.type().equals("SWITCHOVER_REQUESTED")))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.message())
                            .isEqualTo("switchover requested by key switch on the gateway box: manual switchover by"
                                    + " key switch");
                    assertThat(e.fields()).containsEntry("requestedBy", "key switch on the gateway box");
                });
        assertThat(relayMoves).isEmpty();
        assertThat(ledsSince(mark)).startsWith(LedPattern.SWITCHING);
        await().atMost(WAIT).until(() -> leds() == LedPattern.HEALTHY);
    }

    @Test
    void closingTheGatewayReleasesTheBoxLines() {
        gateway.close();
        gateway = null;

        assertThat(List.of(PAIR + ".relay.plc-a.coil", PAIR + ".led.green", PAIR + ".switch"))
                .noneSatisfy(id -> assertThat(gpio.registry().exists(id)).isTrue());
    }

    private PairSupervisor supervisor() {
        return gateway.pair(PAIR);
    }

    private PairStatus status() {
        return supervisor().status();
    }

    private boolean protectedWith(String active) {
        PairStatus s = status();
        return s.state() == PairState.PROTECTED
                && active.equals(s.activeId())
                && s.fenced().isEmpty();
    }

    private SimulatedPlc plc(String id) {
        return A.equals(id) ? a : b;
    }

    private static String other(String id) {
        return A.equals(id) ? B : A;
    }

    private MockDigitalOutput output(String id) {
        return gpio.io(id, MockDigitalOutput.class);
    }

    private MockDigitalInput input(String id) {
        return gpio.io(id, MockDigitalInput.class);
    }

    private DigitalState coil(String controller) {
        return output(PAIR + ".relay." + controller + ".coil").state();
    }

    private DigitalState feedback(String controller) {
        return input(PAIR + ".relay." + controller + ".feedback").state();
    }

    private void key(DigitalState level) {
        input(PAIR + ".switch").mockState(level);
    }

    /**
     * What the three LED outputs show now (all active high), or {@code null} for a mix that is no
     * pattern, seen while a pattern is being written one LED at a time.
     */
    private LedPattern leds() {
        boolean green = output(PAIR + ".led.green").state() == DigitalState.HIGH;
        boolean amber = output(PAIR + ".led.amber").state() == DigitalState.HIGH;
        boolean red = output(PAIR + ".led.red").state() == DigitalState.HIGH;
        for (LedPattern p : LedPattern.values()) {
            if (p.green() == green && p.amber() == amber && p.red() == red) {
                return p;
            }
        }
        return null;
    }

    /**
     * Records the LEDs after each output change, on the thread that wrote it. A change between two
     * patterns can pass through a third (DEGRADED to HEALTHY lights green before amber goes out, which
     * looks like SWITCHING for an instant), so the tests only check what follows a steady HEALTHY:
     * from green alone, only amber changes on the way to SWITCHING.
     */
    private void recordLeds() {
        LedPattern now = leds();
        if (now != null && (ledHistory.isEmpty() || ledHistory.getLast() != now)) {
            ledHistory.add(now);
        }
    }

    /**
     * Waits until the LEDs show HEALTHY steadily, with the pair protected and detection armed: a
     * pattern written one LED at a time passes through others, and a start-up transition can show
     * HEALTHY for an instant before the pair is settled.
     */
    private void awaitSteadyHealthy() {
        await().atMost(WAIT)
                .during(Duration.ofMillis(200))
                .until(() -> leds() == LedPattern.HEALTHY
                        && status().state() == dev.failover.gateway.failover.PairState.PROTECTED
                        && gateway.pair(PAIR).detectionArmed());
    }

    /** The LED patterns shown since {@code mark} entries of the history. */
    private List<LedPattern> ledsSince(int mark) {
        return ledHistory.subList(mark, ledHistory.size());
    }
}
