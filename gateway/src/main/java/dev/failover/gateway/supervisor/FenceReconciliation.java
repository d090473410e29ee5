package dev.failover.gateway.supervisor;

import dev.failover.gateway.events.PairDetail;
import dev.failover.gateway.failover.Input;
import dev.failover.gateway.fence.Fence;
import dev.failover.gateway.fence.FenceLedger;
import dev.failover.gateway.link.LinkResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start, what each fence's relay reports, reconciled with the gateway's durable fence record
 * (safety rule 8): the relay's feedback wins; where it cannot be read, a recorded or uncertain cut
 * is presumed to hold. Disagreements and unreadable relays are events; the record is then compacted
 * to the reconciled state.
 */
final class FenceReconciliation {

    private static final Logger log = LoggerFactory.getLogger(FenceReconciliation.class);

    private FenceReconciliation() {}

    /**
     * @param ledger the fence record, or {@code null} without a state directory
     * @return what to tell the state machine, one input per fence
     */
    static List<Input.FenceObserved> run(Map<String, Fence> fences, FenceLedger ledger, EventPublisher publisher) {
        Map<String, FenceLedger.Recorded> recorded = Map.of();
        if (ledger != null) {
            try {
                recorded = ledger.recorded();
            } catch (IOException e) {
                publisher.publish(
                        "",
                        "cannot read the fence record " + ledger.file() + ": " + e.getMessage()
                                + "; relying on the relays' feedback",
                        new PairDetail.FenceRecordUnreadable(ledger.file().toString()));
            }
        }
        List<Input.FenceObserved> observed = new ArrayList<>();
        Map<String, Boolean> state = new HashMap<>();
        for (Map.Entry<String, Fence> e : fences.entrySet()) {
            Input.FenceObserved seen = reconcile(
                    e.getKey(), e.getValue(), recorded.getOrDefault(e.getKey(), FenceLedger.Recorded.NONE), publisher);
            state.put(seen.controllerId(), seen.cut());
            observed.add(seen);
        }
        if (ledger != null) {
            try {
                ledger.compact(state);
            } catch (IOException e) {
                log.warn("could not compact the fence record {}: {}", ledger.file(), e.toString());
            }
        }
        return observed;
    }

    private static Input.FenceObserved reconcile(
            String id, Fence fence, FenceLedger.Recorded was, EventPublisher publisher) {
        String recorded = was.name().toLowerCase(Locale.ROOT);
        LinkResult<Boolean> read = fence.outputsEnabled();
        if (read instanceof LinkResult.Ok<Boolean> ok) {
            boolean cut = !ok.value();
            String detail = "relay of " + id + " reports outputs " + (cut ? "cut" : "enabled");
            boolean agrees = switch (was) {
                case NONE, RESTORED -> !cut;
                case CUT -> cut;
                case UNCERTAIN -> false;
            };
            if (!agrees) {
                publisher.publish(
                        id,
                        "the fence record says " + recorded + ", the " + detail + ": the relay's feedback is taken",
                        new PairDetail.FenceReconciled(was.name(), cut));
            }
            return new Input.FenceObserved(id, cut, detail);
        }
        boolean cut = was == FenceLedger.Recorded.CUT || was == FenceLedger.Recorded.UNCERTAIN;
        String detail = "relay of " + id + " cannot be read (" + ((LinkResult.Failed<Boolean>) read).detail()
                + "); presumed " + (cut ? "cut" : "enabled") + " from the fence record (" + recorded + ")";
        publisher.publish(id, detail, new PairDetail.FenceStateUnknown(was.name(), cut));
        return new Input.FenceObserved(id, cut, detail);
    }
}
