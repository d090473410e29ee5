package dev.failover.gateway.config;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * One named value of the pair's tag map.
 *
 * @param name the tag name, unique within the pair
 * @param address the first holding register on a Modbus controller, {@link #NO_ADDRESS} when the pair
 *     has no Modbus controller
 * @param type how the registers encode the value
 * @param scale engineering value = raw value × scale
 * @param unit engineering unit, for display
 * @param min lowest permitted engineering value (writes and mirroring are checked against it)
 * @param max highest permitted engineering value
 * @param mirrored whether the value is copied from the active to the standby
 * @param writableBy the operator roles that may write it; empty for read-only
 * @param node the variable's node id on an OPC UA controller ({@code nsu=<namespace uri>;s=...} or
 *     {@code ns=<index>;...}), {@code null} when the pair has no OPC UA controller
 * @param maxRate for a mirrored tag, the largest change per second (engineering units) a value may
 *     make to be mirrored; {@link #NO_RATE_LIMIT} when the rate is not checked
 * @param changedBy for a mirrored tag, who may change its value: only the gateway (a change the
 *     command journal does not explain is held back from the standby and raised), or also the
 *     controller's own program or local HMI
 */
public record TagConfig(
        String name,
        int address,
        TagType type,
        double scale,
        String unit,
        double min,
        double max,
        boolean mirrored,
        List<String> writableBy,
        String node,
        double maxRate,
        ChangedBy changedBy) {

    /** Who may change a mirrored tag's value on the active controller. */
    public enum ChangedBy {
        /**
         * Only the gateway, through signed commands: any other change is unauthorised. The default for
         * a tag operators write ({@code writableBy} not empty): a setpoint.
         */
        GATEWAY,
        /**
         * Also the controller's own program or a local HMI: changes are mirrored after validation. The
         * default for a tag no operator writes through the gateway: a process value.
         */
        PROGRAM;

        /** The default for a tag with these writers. */
        public static ChangedBy defaultFor(List<String> writableBy) {
            return writableBy.isEmpty() ? PROGRAM : GATEWAY;
        }
    }

    /** The {@code address} of a tag that has no Modbus register. */
    public static final int NO_ADDRESS = -1;

    /** The {@code maxRate} of a tag whose rate of change is not checked. */
    public static final double NO_RATE_LIMIT = Double.POSITIVE_INFINITY;

    /** Register encodings; 32-bit types take two registers, high word first. */
    public enum TagType {
        UINT16(1),
        INT16(1),
        UINT32(2),
        INT32(2),
        FLOAT32(2);

        private final int registers;

        TagType(int registers) {
            this.registers = registers;
        }

        public int registers() {
            return registers;
        }
    }

    public TagConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(changedBy, "changedBy");
        writableBy = List.copyOf(writableBy);
        if (min > max) {
            throw new IllegalArgumentException("min " + min + " is above max " + max);
        }
        if (address == NO_ADDRESS && node == null) {
            throw new IllegalArgumentException("tag " + name + " has neither a register address nor a node id");
        }
        if (!(maxRate > 0)) {
            throw new IllegalArgumentException("maxRate " + maxRate + " of tag " + name + " is not positive");
        }
        if (maxRate != NO_RATE_LIMIT && !mirrored) {
            throw new IllegalArgumentException("tag " + name + " has a maxRate but is not mirrored");
        }
    }

    /** A tag whose value may be changed as {@link ChangedBy#defaultFor} says. */
    public TagConfig(
            String name,
            int address,
            TagType type,
            double scale,
            String unit,
            double min,
            double max,
            boolean mirrored,
            List<String> writableBy,
            String node,
            double maxRate) {
        this(
                name,
                address,
                type,
                scale,
                unit,
                min,
                max,
                mirrored,
                writableBy,
                node,
                maxRate,
                ChangedBy.defaultFor(writableBy));
    }

    /** A tag without a rate limit. */
    public TagConfig(
            String name,
            int address,
            TagType type,
            double scale,
            String unit,
            double min,
            double max,
            boolean mirrored,
            List<String> writableBy,
            String node) {
        this(name, address, type, scale, unit, min, max, mirrored, writableBy, node, NO_RATE_LIMIT);
    }

    /** A tag of a Modbus pair: a register address and no node id. */
    public TagConfig(
            String name,
            int address,
            TagType type,
            double scale,
            String unit,
            double min,
            double max,
            boolean mirrored,
            List<String> writableBy) {
        this(name, address, type, scale, unit, min, max, mirrored, writableBy, null);
    }

    /** This tag, changed by {@code who}. */
    public TagConfig changedBy(ChangedBy who) {
        return new TagConfig(name, address, type, scale, unit, min, max, mirrored, writableBy, node, maxRate, who);
    }

    /** Whether a change of the value on the active that the gateway did not make is unauthorised. */
    public boolean gatewayOnly() {
        return changedBy == ChangedBy.GATEWAY;
    }

    /** Whether mirroring checks the rate of change of the tag's value. */
    public boolean hasMaxRate() {
        return maxRate != NO_RATE_LIMIT;
    }

    /** Whether the tag has a Modbus register address. */
    public boolean hasAddress() {
        return address != NO_ADDRESS;
    }

    /** The raw value (in the tag's type, before scaling) of an engineering value. */
    public double raw(double engineering) {
        double raw = engineering / scale;
        return type == TagType.FLOAT32 ? (float) raw : Math.rint(raw);
    }

    /**
     * The engineering value of a raw value. For integer types it is computed in decimal, so that raw
     * 4941 with scale 0.01 is 49.41 and not 49.410000000000004: the value SCADA shows and writes back.
     */
    public double engineering(double raw) {
        if (type == TagType.FLOAT32 || !Double.isFinite(raw)) {
            return raw * scale;
        }
        return BigDecimal.valueOf(raw).multiply(BigDecimal.valueOf(scale)).doubleValue();
    }
}
