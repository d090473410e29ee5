package dev.failover.plcsim.opcua;

import java.util.List;

/**
 * One OPC UA variable over one register (or a block of registers) of docs/plc-sim.md's register
 * map. The node layout is fixed, so both controllers of a pair expose the same node ids.
 *
 * @param folder the block it belongs to: {@code Status}, {@code Process}, {@code Setpoints} or {@code Identity}
 * @param name browse name, also the string node id {@code <folder>/<name>}
 * @param address first holding register
 * @param count registers it spans
 * @param type how the registers are presented
 * @param writable whether a write is forwarded to the register bank (gateway role only)
 */
record Tag(String folder, String name, int address, int count, Type type, boolean writable) {

    /** How registers map to an OPC UA value. */
    enum Type {
        /** One register as UInt16. */
        UINT16,
        /** ASCII, two characters a register, high byte first, trailing NULs removed: String. */
        ASCII,
        /** Raw bytes, high byte first: ByteString. */
        BYTES,
        /**
         * The registers as a UInt16 array of {@code count} elements, written as a whole with one bank
         * write (the role command block).
         */
        UINT16_ARRAY
    }

    static final String STATUS = "Status";
    static final String PROCESS = "Process";
    static final String SETPOINTS = "Setpoints";
    static final String IDENTITY = "Identity";

    static final List<String> FOLDERS = List.of(STATUS, PROCESS, SETPOINTS, IDENTITY);

    /**
     * The register map of docs/plc-sim.md, by folder (the role command block 30-34 is {@code
     * Status/RoleCommand}).
     */
    static final List<Tag> ALL = List.of(
            uint16(STATUS, "HEARTBEAT", 0, false),
            uint16(STATUS, "STATUS", 1, false),
            uint16(STATUS, "ROLE", 2, true),
            uint16(STATUS, "FLAGS", 3, false),
            uint16(STATUS, "FAULT_CODE", 4, false),
            uint16(STATUS, "SCAN_TIME_US", 5, false),
            uint16(STATUS, "ROLE_CHANGES", 6, false),
            uint16(STATUS, "PARTNER_AGE_MS", 7, false),
            new Tag(STATUS, "RoleCommand", 30, 5, Type.UINT16_ARRAY, true),
            uint16(PROCESS, "LEVEL", 10, false),
            uint16(PROCESS, "PUMP", 11, false),
            uint16(PROCESS, "VALVE", 12, false),
            uint16(PROCESS, "INFLOW", 13, false),
            uint16(SETPOINTS, "LEVEL_SP", 20, true),
            uint16(SETPOINTS, "VALVE_SP", 21, true),
            uint16(SETPOINTS, "KP", 22, true),
            uint16(SETPOINTS, "TI", 23, true),
            new Tag(IDENTITY, "NAME", 100, 16, Type.ASCII, false),
            new Tag(IDENTITY, "PROGRAM_VERSION", 116, 8, Type.ASCII, false),
            new Tag(IDENTITY, "FIRMWARE_VERSION", 124, 8, Type.ASCII, false),
            new Tag(IDENTITY, "CONFIG_HASH", 132, 16, Type.BYTES, false));

    private static Tag uint16(String folder, String name, int address, boolean writable) {
        return new Tag(folder, name, address, 1, Type.UINT16, writable);
    }

    /** The string identifier of its node in the plc-sim namespace. */
    String nodeIdentifier() {
        return folder + "/" + name;
    }
}
