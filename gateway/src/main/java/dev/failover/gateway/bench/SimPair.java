package dev.failover.gateway.bench;

import dev.failover.gateway.Gateway;
import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.ControllerConfig;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.FenceConfig;
import dev.failover.gateway.config.GatewayConfig;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.PairConfig;
import dev.failover.gateway.config.PreferredRole;
import dev.failover.gateway.config.StatusRegisters;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.events.EventSink;
import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.supervisor.PairSupervisor;
import dev.failover.plcsim.Plant;
import dev.failover.plcsim.Role;
import dev.failover.plcsim.SimConfig;
import dev.failover.plcsim.SimulatedPlc;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Two simulated controllers sharing one tank, in this JVM, supervised by a gateway: the pair the
 * benchmark and the integration tests drive. Everything binds 127.0.0.1 on free ports.
 */
public final class SimPair implements AutoCloseable {

    public static final String PAIR = "tank-1";
    public static final String A = "plc-a";
    public static final String B = "plc-b";

    private final Plant plant;
    private final Map<String, SimulatedPlc> plcs;
    private final Gateway gateway;

    private SimPair(Plant plant, Map<String, SimulatedPlc> plcs, Gateway gateway) {
        this.plant = plant;
        this.plcs = plcs;
        this.gateway = gateway;
    }

    /** Starts plc-a active and plc-b standby, and a gateway with {@code policy} supervising them. */
    public static SimPair start(FailoverPolicy policy, boolean withFences, EventSink events) throws IOException {
        Plant plant = Plant.inMemory();
        SimulatedPlc a = SimulatedPlc.start(SimConfig.of(A, Role.ACTIVE), plant);
        SimulatedPlc b = null;
        try {
            b = SimulatedPlc.start(SimConfig.of(B, Role.STANDBY), plant);
            GatewayConfig config = config(policy, withFences, a, b);
            return new SimPair(
                    plant, Map.of(A, a, B, b), Gateway.start(config, Ticker.system(), Clock.systemUTC(), events));
        } catch (IOException | RuntimeException e) {
            a.close();
            if (b != null) {
                b.close();
            }
            throw e;
        }
    }

    /** The configuration of a gateway supervising {@code a} (preferred primary) and {@code b}. */
    public static GatewayConfig config(FailoverPolicy policy, boolean withFences, SimulatedPlc a, SimulatedPlc b) {
        return new GatewayConfig(
                null,
                "bench-gateway",
                "127.0.0.1",
                0,
                null,
                List.of(new PairConfig(
                        PAIR,
                        List.of(
                                controller(A, PreferredRole.PRIMARY, a, withFences),
                                controller(B, PreferredRole.STANDBY, b, withFences)),
                        StatusRegisters.defaults(),
                        List.of(new TagConfig(
                                "level", 10, TagConfig.TagType.UINT16, 0.01, "%", 0, 100, false, List.of())),
                        policy,
                        null)));
    }

    private static ControllerConfig controller(String id, PreferredRole role, SimulatedPlc plc, boolean fence) {
        return new ControllerConfig(
                id,
                role,
                new ModbusEndpoint("127.0.0.1", plc.modbusPort(), 1),
                fence ? new FenceConfig.Sim("127.0.0.1", plc.controlPort()) : null);
    }

    public SimulatedPlc plc(String id) {
        return plcs.get(id);
    }

    public Gateway gateway() {
        return gateway;
    }

    public PairSupervisor supervisor() {
        return gateway.pair(PAIR);
    }

    public PairStatus status() {
        return supervisor().status();
    }

    public static String other(String id) {
        return A.equals(id) ? B : A;
    }

    /**
     * True when the pair is PROTECTED with {@code active} active and the other controller a healthy,
     * unfenced standby whose outputs are enabled again.
     */
    public boolean protectedWith(String active) {
        PairStatus s = status();
        Health standby = s.health().get(other(active));
        return s.state() == PairState.PROTECTED
                && active.equals(s.activeId())
                && standby.condition() == Condition.HEALTHY
                && standby.role() == RuntimeRole.STANDBY
                && s.fenced().isEmpty()
                && plc(other(active)).snapshot().outputEnable();
    }

    /** Waits until {@code condition} holds, checking every millisecond, or throws after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition)
            throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("timed out after " + timeout + " waiting until " + what);
            }
            Thread.sleep(1);
        }
    }

    @Override
    public void close() {
        gateway.close();
        plcs.values().forEach(SimulatedPlc::close);
        try {
            plant.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the plant failed", e);
        }
    }
}
