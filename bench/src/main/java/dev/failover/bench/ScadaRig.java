package dev.failover.bench;

import dev.failover.certs.CertificateKind;
import dev.failover.certs.CertificateRequest;
import dev.failover.certs.Keystores;
import dev.failover.certs.PkiException;
import dev.failover.certs.TestPki;
import dev.failover.gateway.Gateway;
import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.GatewayConfig;
import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.plcsim.Plant;
import dev.failover.plcsim.Role;
import dev.failover.plcsim.SimConfig;
import dev.failover.plcsim.SimulatedPlc;
import dev.failover.testkit.SimPair;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The pair of {@link SimPair#startWithScada} (Modbus/TCP Security, the gateway's OPC UA server for
 * SCADA), except that each controller also serves OPC UA itself, so that a client can read the
 * controller the gateway reads, directly. Everything on 127.0.0.1, free ports, certificates from
 * {@code pki}.
 */
final class ScadaRig implements AutoCloseable {

    /** The application URI of the controllers' OPC UA certificates, {@code <prefix><name>}. */
    static final String PLC_UA_URI_PREFIX = "urn:test:plc-sim:";

    private final Plant plant;
    private final Map<String, SimulatedPlc> plcs;
    private final Gateway gateway;

    private ScadaRig(Plant plant, Map<String, SimulatedPlc> plcs, Gateway gateway) {
        this.plant = plant;
        this.plcs = plcs;
        this.gateway = gateway;
    }

    /** Starts plc-a active, plc-b standby and a gateway supervising them with {@code policy}, no fences. */
    static ScadaRig start(FailoverPolicy policy, TestPki pki, Path stateDir) throws IOException {
        Plant plant = Plant.inMemory();
        Map<String, SimulatedPlc> plcs = new LinkedHashMap<>();
        try {
            plcs.put(SimPair.A, SimulatedPlc.start(simConfig(SimPair.A, Role.ACTIVE, pki), plant));
            plcs.put(SimPair.B, SimulatedPlc.start(simConfig(SimPair.B, Role.STANDBY, pki), plant));
            GatewayConfig config = SimPair.config(policy, null, plcs.get(SimPair.A), plcs.get(SimPair.B));
            config = SimPair.withScada(SimPair.secured(config, pki, stateDir), pki, stateDir);
            Gateway gateway = Gateway.start(config, Ticker.system(), Clock.systemUTC(), e -> {});
            return new ScadaRig(plant, plcs, gateway);
        } catch (IOException | RuntimeException | PkiException e) {
            plcs.values().forEach(SimulatedPlc::close);
            closePlant(plant);
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    private static SimConfig simConfig(String name, Role role, TestPki pki) throws PkiException {
        var application = pki.identity(pki.pki()
                .issue(
                        CertificateRequest.builder(CertificateKind.OPCUA_APPLICATION, name + "-ua")
                                .uri(PLC_UA_URI_PREFIX + name)
                                .ipAddress("127.0.0.1")
                                .build(),
                        TestPki.KEYSTORE_PASSWORD));
        return SimConfig.of(name, role)
                .withTls(pki.tlsContext(pki.controller(name)), Set.of("gateway"))
                .withOpcUa(new SimConfig.OpcUa(0, application, pki.verifier(), Keystores.readCrls(pki.crlFile())));
    }

    SimulatedPlc plc(String id) {
        return plcs.get(id);
    }

    Gateway gateway() {
        return gateway;
    }

    PairStatus status() {
        return gateway.pair(SimPair.PAIR).status();
    }

    /** The pair is PROTECTED; the active controller may take commands. */
    boolean protectedPair() {
        PairStatus s = status();
        return s.state() == PairState.PROTECTED && s.activeId() != null;
    }

    @Override
    public void close() {
        gateway.close();
        plcs.values().forEach(SimulatedPlc::close);
        closePlant(plant);
    }

    private static void closePlant(Plant plant) {
        try {
            plant.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the plant failed", e);
        }
    }
}
