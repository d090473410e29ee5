package dev.failover.gateway.link;

import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.ControllerConfig;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.OpcUaEndpoint;
import dev.failover.gateway.config.PairConfig;
import dev.failover.gateway.link.modbus.ModbusLink;
import dev.failover.gateway.link.opcua.OpcUaCredentials;
import dev.failover.gateway.link.opcua.OpcUaLink;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** Creates the link a controller's configuration asks for: Modbus TCP (with or without TLS) or OPC UA. */
public final class Links {

    private Links() {}

    /**
     * The link to {@code controller}.
     *
     * @param tls the gateway's TLS context for Modbus/TCP Security; {@code null} only when the gateway
     *     runs without security (in-process tests)
     * @param opcUa the gateway's OPC UA credentials; {@code null} when no controller is reached over OPC UA
     * @throws IllegalStateException if the controller needs credentials that are missing
     */
    public static ControllerLink create(
            PairConfig pair,
            ControllerConfig controller,
            Duration maxBackoff,
            Ticker ticker,
            SSLContext tls,
            OpcUaCredentials opcUa) {
        return create(pair, controller, maxBackoff, ticker, tls, opcUa, Clock.systemUTC());
    }

    /**
     * As {@link #create(PairConfig, ControllerConfig, Duration, Ticker, SSLContext, OpcUaCredentials)},
     * with the wall clock that the deadlines of role commands are taken from.
     */
    public static ControllerLink create(
            PairConfig pair,
            ControllerConfig controller,
            Duration maxBackoff,
            Ticker ticker,
            SSLContext tls,
            OpcUaCredentials opcUa,
            Clock wallClock) {
        // Reads without a deadline of their own (control reads, verification) get the adaptive
        // deadline's ceiling; the polls pass their own.
        Duration timeout = pair.failover().responseTimeoutMax();
        return switch (controller.endpoint()) {
            case ModbusEndpoint modbus ->
                new ModbusLink(
                        controller.id(),
                        modbus,
                        pair.registers(),
                        timeout,
                        maxBackoff,
                        ticker,
                        modbus.insecure() ? null : tls,
                        wallClock);
            case OpcUaEndpoint endpoint -> {
                if (opcUa == null || opcUa.user() == null) {
                    throw new IllegalStateException("controller " + controller.id()
                            + " is reached over OPC UA, but the gateway has no OPC UA application and user"
                            + " certificates (security.opcua)");
                }
                yield new OpcUaLink(
                        controller.id(), endpoint, pair.nodes(), timeout, maxBackoff, ticker, opcUa, wallClock);
            }
        };
    }
}
