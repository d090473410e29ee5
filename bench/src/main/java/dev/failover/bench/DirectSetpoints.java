package dev.failover.bench;

import dev.failover.certs.PkiException;
import dev.failover.certs.TestPki;
import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.StatusRegisters;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.modbus.ModbusLink;
import dev.failover.testkit.SimPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import javax.net.ssl.SSLContext;

/**
 * The level setpoint ({@code LEVEL_SP}, register 20) of both controllers of a {@link SimPair}, read
 * and written directly over Modbus/TCP Security, beside the gateway and not through it: a setpoint
 * changed this way is what the controller's own program or HMI would change. The links carry a
 * certificate of role {@code gateway}, the only role the controllers let write. Thread-safe.
 */
final class DirectSetpoints implements AutoCloseable {

    static final int LEVEL_SP = 20;

    private final Map<String, ModbusLink> links;

    DirectSetpoints(SimPair pair, TestPki pki) throws PkiException {
        SSLContext tls = pki.tlsContext(pki.gateway("rpo-bench-writer", "gateway"));
        this.links = Map.of(SimPair.A, link(pair, SimPair.A, tls), SimPair.B, link(pair, SimPair.B, tls));
    }

    private static ModbusLink link(SimPair pair, String id, SSLContext tls) {
        return new ModbusLink(
                "rpo-bench-" + id,
                new ModbusEndpoint("127.0.0.1", pair.plc(id).modbusPort(), 1),
                StatusRegisters.defaults(),
                Duration.ofMillis(250),
                Duration.ofMillis(100),
                Ticker.system(),
                tls);
    }

    /** Writes {@code raw} (0.01 %) to the controller's setpoint; true once the controller confirmed it. */
    boolean write(String id, int raw) {
        return links.get(id).writeRegisters(LEVEL_SP, new int[] {raw}).isOk();
    }

    /** The controller's setpoint in 0.01 %, or empty when it could not be read. */
    OptionalInt read(String id) {
        return links.get(id).readRegisters(LEVEL_SP, 1) instanceof LinkResult.Ok<int[]> ok
                ? OptionalInt.of(ok.value()[0])
                : OptionalInt.empty();
    }

    @Override
    public void close() {
        List.copyOf(links.values()).forEach(ModbusLink::close);
    }
}
