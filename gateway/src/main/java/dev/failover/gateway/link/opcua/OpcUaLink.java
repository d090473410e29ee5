package dev.failover.gateway.link.opcua;

import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.OpcUaEndpoint;
import dev.failover.gateway.config.StatusNodes;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.link.StatusReading;
import java.time.Duration;
import java.util.List;

/** PLACEHOLDER while the Milo client link is written (issue 4): every exchange fails. */
public final class OpcUaLink implements ControllerLink {

    private final String controllerId;
    private final OpcUaEndpoint endpoint;

    public OpcUaLink(
            String controllerId,
            OpcUaEndpoint endpoint,
            StatusNodes nodes,
            Duration responseTimeout,
            Duration maxBackoff,
            Ticker ticker,
            OpcUaCredentials credentials) {
        this.controllerId = controllerId;
        this.endpoint = endpoint;
    }

    @Override
    public String controllerId() {
        return controllerId;
    }

    @Override
    public String endpoint() {
        return endpoint.url();
    }

    private static <T> LinkResult<T> notYet() {
        return LinkResult.failed(LinkError.UNREACHABLE, "the OPC UA link is not built yet");
    }

    @Override
    public LinkResult<StatusReading> readStatus() {
        return notYet();
    }

    @Override
    public LinkResult<StatusReading> writeRole(RuntimeRole role) {
        return notYet();
    }

    @Override
    public LinkResult<StatusReading> readStatusForControl() {
        return notYet();
    }

    @Override
    public LinkResult<double[]> writeTags(List<TagConfig> tags, double[] raw) {
        return notYet();
    }

    @Override
    public LinkResult<double[]> readTags(List<TagConfig> tags) {
        return notYet();
    }

    @Override
    public boolean secure() {
        return true;
    }

    @Override
    public void close() {}
}
