package dev.failover.testkit;

import dev.failover.plcsim.FaultInjector;
import java.time.Duration;
import java.util.function.Consumer;

/** The faults that must cause a failover, as injected into a simulated controller. */
public enum FaultType {
    CRASH("crash", FaultInjector::crash),
    HANG("hang", FaultInjector::hang),
    HEARTBEAT_FREEZE("freeze-heartbeat", FaultInjector::freezeHeartbeat),
    FAULT_STATUS("fault", FaultInjector::fault),
    /** Every answer 40 ms late: beyond the default 15 ms response timeout. */
    SLOW("slow 40", f -> f.slow(Duration.ofMillis(40))),
    DROP("drop", FaultInjector::drop);

    private final String command;
    private final Consumer<FaultInjector> inject;

    FaultType(String command, Consumer<FaultInjector> inject) {
        this.command = command;
        this.inject = inject;
    }

    /** The plc-sim control-port command that injects this fault. */
    public String command() {
        return command;
    }

    public void inject(FaultInjector faults) {
        inject.accept(faults);
    }
}
