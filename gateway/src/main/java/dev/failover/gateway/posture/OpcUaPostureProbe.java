package dev.failover.gateway.posture;

import dev.failover.gateway.config.ControllerConfig;
import dev.failover.gateway.config.OpcUaEndpoint;
import dev.failover.gateway.config.PostureConfig;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.opcua.OpcUaLink;
import dev.failover.gateway.link.opcua.ServerOffer;
import dev.failover.gateway.link.opcua.UaDiscovery;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Probes the posture of a controller reached over OPC UA: what its server offers anyone who asks
 * (GetEndpoints over an unsecured discovery channel, as an attacker would see it: security policies
 * and modes, user token types, the application certificate), and, over the gateway's own secure
 * session, its BuildInfo and identity nodes. One discovery connection per probe, opened and closed
 * again; the link's session is only read. Thread-safe.
 */
final class OpcUaPostureProbe implements PostureProbe {

    private final PostureConfig baseline;
    private final Clock clock;
    private final Duration timeout;

    OpcUaPostureProbe(PostureConfig baseline, Clock clock, Duration timeout) {
        this.baseline = baseline;
        this.clock = clock;
        this.timeout = timeout;
    }

    @Override
    public ControllerPosture probe(ControllerConfig controller, ControllerLink link) {
        long started = System.nanoTime();
        OpcUaEndpoint endpoint = (OpcUaEndpoint) controller.endpoint();
        List<String> unknown = new ArrayList<>();
        ControllerPosture.OpcUa offered = null;
        ControllerPosture.Certificate certificate = null;
        LinkResult<ServerOffer> offer = UaDiscovery.offer(endpoint.url(), timeout);
        if (offer instanceof LinkResult.Ok<ServerOffer> ok) {
            offered = new ControllerPosture.OpcUa(
                    ok.value().endpoints().stream()
                            .map(e -> new ControllerPosture.OpcUa.Endpoint(
                                    e.securityPolicy(), e.securityMode(), e.userTokens()))
                            .toList(),
                    "");
            if (ok.value().certificate() != null) {
                certificate = ControllerPosture.Certificate.of(ok.value().certificate());
            } else {
                unknown.add("certificate: no endpoint carried one");
            }
        } else if (offer instanceof LinkResult.Failed<ServerOffer> failed) {
            unknown.add("endpoints: " + failed.detail());
        }
        ControllerPosture.Identity identity = null;
        if (link instanceof OpcUaLink ua) {
            LinkResult<ServerOffer.Facts> facts =
                    ua.readServerFacts(baseline.opcUa().identityNodes());
            if (facts instanceof LinkResult.Ok<ServerOffer.Facts> ok) {
                ServerOffer.Facts f = ok.value();
                List<String> v = f.values();
                identity = new ControllerPosture.Identity(v.get(0), v.get(1), v.get(2), v.get(3));
                if (offered != null) {
                    offered = new ControllerPosture.OpcUa(
                            offered.endpoints(),
                            String.join(
                                    " ",
                                    Objects.requireNonNullElse(f.manufacturer(), "?"),
                                    Objects.requireNonNullElse(f.product(), "?"),
                                    Objects.requireNonNullElse(f.softwareVersion(), "?"),
                                    "build " + Objects.requireNonNullElse(f.buildNumber(), "?")));
                }
            } else if (facts instanceof LinkResult.Failed<ServerOffer.Facts> failed) {
                unknown.add("identity: " + failed.detail());
            }
        } else {
            unknown.add("identity: not read over this link");
        }
        return new ControllerPosture(
                controller.id(),
                clock.instant(),
                List.of(),
                List.of(),
                certificate,
                null,
                identity,
                offered,
                unknown,
                (System.nanoTime() - started) / 1_000_000);
    }
}
