package dev.failover.gateway.fence;

import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.plcsim.ControlClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The output-enable relay of a simulated controller, set through plc-sim's control port. It stands
 * in, on the bench, for the physical relay wired to a real controller's output-enable input.
 */
public final class SimFence implements Fence {

    private final String controllerId;
    private final String host;
    private final int port;
    private final Duration timeout;

    public SimFence(String controllerId, String host, int port, Duration timeout) {
        this.controllerId = controllerId;
        this.host = host;
        this.port = port;
        this.timeout = timeout;
    }

    @Override
    public String controllerId() {
        return controllerId;
    }

    @Override
    public LinkResult<Boolean> cut() {
        return set(false);
    }

    @Override
    public LinkResult<Boolean> restore() {
        return set(true);
    }

    private LinkResult<Boolean> set(boolean enabled) {
        try {
            String answer = ControlClient.send(host, port, "output-enable " + (enabled ? "on" : "off"), timeout);
            if (!answer.startsWith("OK")) {
                return LinkResult.failed(LinkError.REJECTED, "simulated relay refused: " + answer);
            }
            // The controller applies its output-enable input at its next scan: a cut is confirmed only
            // once it reports that it no longer drives its outputs.
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Map<String, String> status = ControlClient.status(host, port, timeout);
                if (!status.containsKey("outputEnable") || !status.containsKey("driving")) {
                    return LinkResult.failed(LinkError.PROTOCOL, "unexpected status answer: " + status);
                }
                // Outputs count as enabled while the input is on or the controller still drives them.
                boolean outputsEnabled =
                        Boolean.parseBoolean(status.get("outputEnable")) || Boolean.parseBoolean(status.get("driving"));
                if (outputsEnabled == enabled || System.nanoTime() > deadline) {
                    return LinkResult.ok(outputsEnabled, 0);
                }
                LockSupport.parkNanos(500_000);
            }
        } catch (IOException e) {
            return LinkResult.failed(
                    LinkError.UNREACHABLE,
                    "simulated relay of " + controllerId + " at " + host + ":" + port + ": " + e.getMessage());
        }
    }
}
