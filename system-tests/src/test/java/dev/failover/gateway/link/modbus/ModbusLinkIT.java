package dev.failover.gateway.link.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.StatusRegisters;
import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.link.StatusReading;
import dev.failover.plcsim.Plant;
import dev.failover.plcsim.Role;
import dev.failover.plcsim.SimConfig;
import dev.failover.plcsim.SimulatedPlc;
import dev.failover.plcsim.Status;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ModbusLink#writeRole} against a real plc-sim on 127.0.0.1: the role command block with its
 * deadline, and the controller refusing a command the link has stopped waiting for (issue 9: "a role
 * write the gateway gave up on must not be executed late").
 */
@Timeout(30)
class ModbusLinkIT {

    /** The poll timeout; role writes get the 250 ms command timeout, which is also their deadline. */
    private static final Duration TIMEOUT = Duration.ofMillis(200);

    private static final int ROLE_CHANGES = 6;

    private final Plant plant = Plant.inMemory();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
        plant.close();
    }

    private SimulatedPlc standby(String name, Clock controllerClock) throws IOException {
        SimulatedPlc plc = SimulatedPlc.start(SimConfig.of(name, Role.STANDBY), plant, controllerClock);
        closeAfter.add(plc);
        await().atMost(Duration.ofSeconds(5)).until(() -> plc.snapshot().status() == Status.RUN);
        return plc;
    }

    private ModbusLink link(SimulatedPlc plc, StatusRegisters registers) {
        ModbusLink link = new ModbusLink(
                "plc-" + plc.snapshot().name(),
                new ModbusEndpoint("127.0.0.1", plc.modbusPort(), 1),
                registers,
                TIMEOUT,
                Duration.ofMillis(100),
                Ticker.system(),
                null,
                Clock.systemUTC());
        closeAfter.add(link);
        return link;
    }

    private static <T> T ok(LinkResult<T> result) {
        assertThat(result).isInstanceOf(LinkResult.Ok.class);
        return ((LinkResult.Ok<T>) result).value();
    }

    @Test
    void aRoleCommandIsAppliedAndTheStatusReadBack() throws Exception {
        SimulatedPlc plc = standby("A", Clock.systemUTC());
        ModbusLink link = link(plc, StatusRegisters.defaults());

        StatusReading promoted = ok(link.writeRole(RuntimeRole.ACTIVE));

        assertThat(promoted.role()).isEqualTo(RuntimeRole.ACTIVE);
        assertThat(plc.snapshot().role()).isEqualTo(Role.ACTIVE);
        await().atMost(Duration.ofSeconds(2))
                .until(() -> link.readStatusForControl() instanceof LinkResult.Ok<StatusReading> r
                        && r.value().driving());
    }

    @Test
    void aControllerWhoseClockIsPastTheDeadlineRefusesTheCommandAndNothingChanges() throws Exception {
        SimulatedPlc ahead = standby("B", Clock.offset(Clock.systemUTC(), Duration.ofHours(1)));
        ModbusLink link = link(ahead, StatusRegisters.defaults());

        LinkResult<StatusReading> result = link.writeRole(RuntimeRole.ACTIVE);

        assertThat(result).isInstanceOfSatisfying(LinkResult.Failed.class, f -> {
            assertThat(f.error()).isEqualTo(LinkError.REJECTED);
            assertThat(f.detail())
                    .startsWith("writing role ACTIVE: controller refused the role command as stale or invalid"
                            + " (exception 03)");
        });
        assertThat(ahead.snapshot().role()).isEqualTo(Role.STANDBY);
        assertThat(ok(link.readRegisters(ROLE_CHANGES, 1))).containsExactly(0);
    }

    @Test
    void aRoleWriteTheLinkGaveUpOnIsRefusedWhenTheControllerGetsToIt() throws Exception {
        SimulatedPlc plc = standby("C", Clock.systemUTC());
        ModbusLink link = link(plc, StatusRegisters.defaults());
        ok(link.readStatusForControl());

        // The controller executes nothing for 600 ms, then what queued: the write, then the read.
        plc.faults().stall(Duration.ofMillis(600));
        LinkResult<StatusReading> written = link.writeRole(RuntimeRole.ACTIVE);

        assertThat(written)
                .isInstanceOfSatisfying(
                        LinkResult.Failed.class, f -> assertThat(f.error()).isEqualTo(LinkError.TIMEOUT));
        // Same connection, served in order: once a read is answered, the late write was executed.
        await().atMost(Duration.ofSeconds(5))
                .until(() -> link.readStatusForControl().isOk());
        assertThat(ok(link.readStatusForControl()).role()).isEqualTo(RuntimeRole.STANDBY);
        assertThat(ok(link.readRegisters(ROLE_CHANGES, 1))).containsExactly(0);
        assertThat(plc.snapshot().role()).isEqualTo(Role.STANDBY);
    }

    @Test
    void withRoleCommandNoneTheRoleRegisterIsWrittenWithoutADeadline() throws Exception {
        SimulatedPlc ahead = standby("D", Clock.offset(Clock.systemUTC(), Duration.ofHours(1)));
        ModbusLink link = link(ahead, StatusRegisters.defaults().withRoleCommand(StatusRegisters.NO_ROLE_COMMAND));

        StatusReading promoted = ok(link.writeRole(RuntimeRole.ACTIVE));

        assertThat(promoted.role())
                .as("no deadline, so the controller's clock does not matter")
                .isEqualTo(RuntimeRole.ACTIVE);
    }

    @Test
    void aRoleCommandBlockWhereTheControllerHasNoneIsRefusedWithTheFix() throws Exception {
        SimulatedPlc plc = standby("E", Clock.systemUTC());
        ModbusLink link = link(plc, StatusRegisters.defaults().withRoleCommand(40));

        LinkResult<StatusReading> result = link.writeRole(RuntimeRole.ACTIVE);

        assertThat(result)
                .isInstanceOfSatisfying(
                        LinkResult.Failed.class,
                        f -> assertThat(f.detail()).contains("no role command block at 40 (exception 02)"));
        assertThat(plc.snapshot().role()).isEqualTo(Role.STANDBY);
    }
}
