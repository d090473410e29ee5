package dev.failover.gateway.link;

import dev.failover.gateway.config.TagConfig;
import java.time.Duration;
import java.util.List;

/**
 * The gateway's connection to one controller over one protocol. Links expose controller status and
 * tags, never protocol types; the failover logic sees only this interface.
 *
 * <p>Every method blocks for at most the link's response timeout (plus connection set-up) and
 * never throws for a network failure: it returns {@link LinkResult.Failed}. Implementations are
 * thread-safe; calls may be serialised internally.
 */
public interface ControllerLink extends AutoCloseable {

    /** The controller's id from the configuration. */
    String controllerId();

    /** A description of the endpoint for status output, for example {@code modbus-tls://127.0.0.1:802/1}. */
    String endpoint();

    /**
     * The response timeout of reads that are not given their own deadline (control reads, tag reads):
     * the ceiling of the pair's adaptive response deadline until {@link #adapt} sets it.
     */
    Duration responseTimeout();

    /**
     * Sets the response timeout of reads without a deadline of their own to the controller's current
     * adaptive response deadline, so that a tag read or a control read on a hung controller does not
     * hold the control connection (which corroborating probes use) for longer than a poll would wait.
     * Connection set-up keeps its own, longer timeouts.
     */
    void adapt(Duration deadline);

    /** Reads the status block (heartbeat, status, role, flags) in one exchange, within the response timeout. */
    default LinkResult<StatusReading> readStatus() {
        return readStatus(responseTimeout());
    }

    /**
     * The health poll: reads the status block over the poll connection, waiting at most {@code
     * deadline} for the answer (the controller's adaptive response deadline).
     */
    LinkResult<StatusReading> readStatus(Duration deadline);

    /**
     * Writes the runtime role register, then reads the status block back.
     *
     * @return the status the controller reports after the write
     */
    LinkResult<StatusReading> writeRole(RuntimeRole role);

    /** Reads the status block over the control connection (not the poll connection), within the response timeout. */
    default LinkResult<StatusReading> readStatusForControl() {
        return readStatusForControl(responseTimeout());
    }

    /** Reads the status block over the control connection, waiting at most {@code deadline}. */
    LinkResult<StatusReading> readStatusForControl(Duration deadline);

    /**
     * Writes tags, then reads them back, in as few exchanges as the protocol allows (a Modbus link
     * writes each block of consecutive registers in one request; an OPC UA link writes all nodes in
     * one Write call). Values are raw: in the tag's type, before scaling ({@link TagConfig#raw}).
     *
     * @param tags the tags, each once
     * @param raw their values, in the order of {@code tags}
     * @return the raw values the controller holds afterwards, in the order of {@code tags}
     */
    LinkResult<double[]> writeTags(List<TagConfig> tags, double[] raw);

    /**
     * Reads tags over the control connection, in as few exchanges as the protocol allows.
     *
     * @return their raw values, in the order of {@code tags}
     */
    LinkResult<double[]> readTags(List<TagConfig> tags);

    /** The tag write requests sent so far, by outcome; {@link WriteTally#NONE} if the link does not count them. */
    default WriteTally writeTally() {
        return WriteTally.NONE;
    }

    /** Whether the link is authenticated and encrypted (Modbus/TCP Security, OPC UA SignAndEncrypt). */
    boolean secure();

    /** Releases the connections. Idempotent. */
    @Override
    void close();
}
