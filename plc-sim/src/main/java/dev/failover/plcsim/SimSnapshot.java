package dev.failover.plcsim;

import dev.failover.plcsim.comms.Admission;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A consistent view of one controller, taken under its lock.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name controller name
 * @param role current role
 * @param status current status ({@link Status#STOP} while crashed or after close)
 * @param heartbeat value of the {@code HEARTBEAT} register
 * @param driving whether the last scan drove the pump
 * @param outputEnable state of the output-enable input
 * @param levelPercent tank level seen by the last scan, 0 to 100
 * @param pumpPercent pump output this controller drives, 0 when not driving
 * @param inflowPercent total pump command the plant receives from all controllers (may exceed 100)
 * @param faults active faults in a fixed order, e.g. {@code hang}, {@code slow:30}, {@code lose:2}
 * @param tls whether the Modbus port serves Modbus/TCP Security rather than plain Modbus TCP
 * @param roleChanges role changes since the process started (wraps at 65536)
 * @param partner the partner as this controller judged it at its last scan ({@link
 *     PartnerStatus#NONE} without a partner link)
 * @param partnerAgeMillis milliseconds since the partner's heartbeat last changed, as of the last
 *     scan ({@code PARTNER_AGE_MS}): 65535 when saturated, without a partner link, or when its
 *     heartbeat was never seen changing
 * @param modbusAdmission what ended Modbus connections before they authenticated, since the process
 *     started (the Modbus port and a plain port beside it, summed)
 * @param opcUaAdmission the same for the OPC UA port ({@link Admission.Counters#NONE} without one)
 */
public record SimSnapshot(
        String name,
        Role role,
        Status status,
        int heartbeat,
        boolean driving,
        boolean outputEnable,
        double levelPercent,
        double pumpPercent,
        double inflowPercent,
        Set<String> faults,
        boolean tls,
        int roleChanges,
        PartnerStatus partner,
        int partnerAgeMillis,
        Admission.Counters modbusAdmission,
        Admission.Counters opcUaAdmission) {

    public SimSnapshot {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(partner, "partner");
        Objects.requireNonNull(modbusAdmission, "modbusAdmission");
        Objects.requireNonNull(opcUaAdmission, "opcUaAdmission");
        faults = Collections.unmodifiableSet(new LinkedHashSet<>(faults));
    }
}
