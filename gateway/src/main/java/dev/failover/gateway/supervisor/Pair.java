package dev.failover.gateway.supervisor;

import dev.failover.gateway.config.PairConfig;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.gateway.health.ResponseDeadline;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.link.PartnerView;
import dev.failover.gateway.mirror.StateMirror;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One supervised pair as the northbound parts see it (the command service, the OPC UA server for
 * SCADA, the control endpoint, the box): its status, its links for the commands that run on a
 * controller, its tags and mirror, and switchover requests. How the pair is supervised (poll
 * threads, the decision thread, starting, stopping, the journal and the state directory) is {@link
 * PairSupervisor}'s and stays out of their reach. Thread-safe.
 */
public interface Pair {

    /** The pair's name, unique in the configuration. */
    String pairName();

    /** The pair's configuration. */
    PairConfig config();

    /** The pair's state now: an immutable snapshot. */
    PairStatus status();

    /** The link to {@code controllerId}, for the commands that run on a controller. */
    ControllerLink link(String controllerId);

    /**
     * Requests a planned switchover to the standby; the future completes with the report (completed,
     * failed or refused).
     */
    CompletableFuture<SwitchoverReport> requestSwitchover(String requestedBy, String reason);

    /**
     * A signed waiver of the heightened mode ({@code ACTIVE_LESS_SECURE}): completes with what was
     * waived, in words, or empty text when the pair was not in it (nothing is waived then).
     */
    CompletableFuture<String> waivePosture(String signer, String reason);

    /**
     * A signed re-arm after a switchover storm ({@code STORM_LOCKED}): completes with the lock that
     * ended, in words, or empty text when the pair was not locked (nothing changes then).
     */
    CompletableFuture<String> rearm(String signer, String reason);

    /** The pair's tag values, read from the active controller every poll period. */
    TagScanner tags();

    /** The mirror of the pair's mirrored tags from the active to the standby, and its lag. */
    StateMirror mirror();

    /** Whether detection is armed for both controllers (their timeouts count). */
    boolean detectionArmed();

    /** Whether detection is armed for {@code controllerId}. */
    boolean detectionArmed(String controllerId);

    /** The adaptive response deadline of {@code controllerId}: its round-trip figures and the deadline now. */
    ResponseDeadline.Figures responseDeadline(String controllerId);

    /** What {@code controllerId} last reported of its partner over the partner link. */
    PartnerView partnerView(String controllerId);

    /** Registers a listener for every switchover report, called on the decision thread. */
    void onSwitchover(Consumer<SwitchoverReport> listener);

    /**
     * The lock the commands of this pair take turns on (a tag write, a switchover): one command at a
     * time per pair, whoever submits it. Not the supervisor's own monitor, so starting or closing the
     * pair never waits for a command.
     */
    Object commandLock();
}
