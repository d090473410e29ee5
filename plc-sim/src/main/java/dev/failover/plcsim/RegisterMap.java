package dev.failover.plcsim;

import static dev.failover.plcsim.modbus.RegisterBank.PLAIN_WRITER;

import dev.failover.plcsim.modbus.BankResult;
import dev.failover.plcsim.modbus.ExceptionCode;
import dev.failover.plcsim.modbus.RegisterBank;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The holding register map of docs/plc-sim.md over one {@link Controller}. Reads take one {@link
 * ControllerView}, so a block is consistent; writes are validated completely (addresses, then
 * values) before the controller applies them, so a rejected multi-register write changes nothing.
 *
 * <p>The role command block ({@value #ROLE_COMMAND}-34) is written as a whole or not at all: one
 * function 16 or 23 covering exactly the five registers is a role command; any other write touching
 * it answers exception 02. It reads as zeros.
 *
 * <p>Thread-safe.
 */
final class RegisterMap implements RegisterBank {

    static final int HEARTBEAT = 0;
    static final int STATUS = 1;
    static final int ROLE = 2;
    static final int FLAGS = 3;
    static final int FAULT_CODE = 4;
    static final int SCAN_TIME_US = 5;
    static final int ROLE_CHANGES = 6;
    /** Milliseconds since the partner's heartbeat last changed, 65535 when unknown or saturated. */
    static final int PARTNER_AGE_MS = 7;
    /** Accepted writes to the setpoint registers (20-23) since start, from any client; wraps. */
    static final int WRITE_COUNT = 8;

    static final int LEVEL = 10;
    static final int PUMP = 11;
    static final int VALVE = 12;
    static final int INFLOW = 13;
    static final int LEVEL_SP = 20;
    static final int VALVE_SP = 21;
    static final int KP = 22;
    static final int TI = 23;
    /** Role command with a deadline: 30-33 deadline (u64 epoch ms, high word first), 34 role. */
    static final int ROLE_COMMAND = 30;

    static final int ROLE_COMMAND_SIZE = 5;
    static final int NAME = 100;
    static final int PROGRAM_VERSION = 116;
    static final int FIRMWARE_VERSION = 124;
    static final int CONFIG_HASH = 132;
    /** The last writer of a setpoint: SHA-256 of its certificate; all 0xFFFF plain Modbus; 0 unknown. */
    static final int LAST_WRITER = 148;

    static final int END = 164;

    static final String FIRMWARE = "plc-sim " + dev.failover.plcsim.opcua.PlcOpcUaServer.SOFTWARE_VERSION;

    static final int FLAG_OUTPUT_ENABLE = 1;
    static final int FLAG_DRIVING = 1 << 1;
    static final int FLAG_PLANT_SHARED = 1 << 2;
    static final int FLAG_PARTNER_ALIVE = 1 << 3;
    static final int FLAG_PARTNER_LINK = 1 << 4;

    /** Corrupt process and setpoint values read above this, so they are never a plausible 0-100 % reading. */
    static final int GARBAGE_MIN = 0xA000;

    private final Controller controller;
    // The last write to a setpoint and who made it, replaced together under this.
    private volatile int writeCount;
    private volatile int[] lastWriter = new int[END - LAST_WRITER];

    /** Replaced whole when a version is set, never changed in place: readers see one or the other. */
    private volatile int[] identity = new int[CONFIG_HASH - NAME];

    RegisterMap(String name, Controller controller) {
        this.controller = controller;
        int[] block = new int[CONFIG_HASH - NAME];
        ascii(name, block, 0, PROGRAM_VERSION - NAME);
        ascii(Settings.PROGRAM_VERSION, block, PROGRAM_VERSION - NAME, FIRMWARE_VERSION - PROGRAM_VERSION);
        ascii(FIRMWARE, block, FIRMWARE_VERSION - NAME, CONFIG_HASH - FIRMWARE_VERSION);
        identity = block;
    }

    /** Sets the program version the identity block reports (16 ASCII bytes, cut). */
    synchronized void programVersion(String version) {
        int[] block = identity.clone();
        ascii(version, block, PROGRAM_VERSION - NAME, FIRMWARE_VERSION - PROGRAM_VERSION);
        identity = block;
    }

    /** Sets the firmware version the identity block reports (16 ASCII bytes, cut). */
    synchronized void firmwareVersion(String version) {
        int[] block = identity.clone();
        ascii(version, block, FIRMWARE_VERSION - NAME, CONFIG_HASH - FIRMWARE_VERSION);
        identity = block;
    }

    @Override
    public BankResult read(int address, int count) {
        for (int a = address; a < address + count; a++) {
            if (!readable(a)) {
                return new BankResult.Rejected(ExceptionCode.ILLEGAL_DATA_ADDRESS);
            }
        }
        ControllerView view = controller.view();
        int[] values = new int[count];
        for (int i = 0; i < count; i++) {
            values[i] = value(view, address + i);
        }
        return new BankResult.Values(values);
    }

    @Override
    public BankResult write(int address, int[] values, String writer) {
        BankResult result = writeRegisters(address, values);
        if (result instanceof BankResult.Written && address <= TI && address + values.length > LEVEL_SP) {
            wroteSetpoints(writer);
        }
        return result;
    }

    private synchronized void wroteSetpoints(String writer) {
        int[] who = new int[END - LAST_WRITER];
        if (writer.equals(PLAIN_WRITER)) {
            Arrays.fill(who, 0xFFFF);
        } else if (writer.length() == who.length * 4) {
            byte[] bytes = java.util.HexFormat.of().parseHex(writer);
            for (int i = 0; i < who.length; i++) {
                who[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
            }
        }
        lastWriter = who;
        writeCount = (writeCount + 1) & 0xFFFF;
    }

    private BankResult writeRegisters(int address, int[] values) {
        if (address < ROLE_COMMAND + ROLE_COMMAND_SIZE && address + values.length > ROLE_COMMAND) {
            return address == ROLE_COMMAND && values.length == ROLE_COMMAND_SIZE
                    ? roleCommand(values)
                    : new BankResult.Rejected(ExceptionCode.ILLEGAL_DATA_ADDRESS);
        }
        for (int i = 0; i < values.length; i++) {
            if (!writable(address + i)) {
                return new BankResult.Rejected(ExceptionCode.ILLEGAL_DATA_ADDRESS);
            }
        }
        for (int i = 0; i < values.length; i++) {
            if (!inRange(address + i, values[i])) {
                return new BankResult.Rejected(ExceptionCode.ILLEGAL_DATA_VALUE);
            }
        }
        return controller.modify(settings -> {
            Settings next = settings;
            for (int i = 0; i < values.length; i++) {
                next = apply(next, address + i, values[i]);
            }
            return next;
        });
    }

    /** Registers 30-33: the deadline, high word first; 34: the role. */
    private BankResult roleCommand(int[] values) {
        Optional<Role> role = Role.fromCode(values[4]);
        if (role.isEmpty()) {
            return new BankResult.Rejected(ExceptionCode.ILLEGAL_DATA_VALUE);
        }
        long deadline = 0;
        for (int i = 0; i < 4; i++) {
            deadline = (deadline << 16) | (values[i] & 0xFFFF);
        }
        return controller.roleCommand(role.get(), deadline);
    }

    static boolean readable(int address) {
        return (address >= HEARTBEAT && address <= WRITE_COUNT)
                || (address >= LEVEL && address <= INFLOW)
                || (address >= LEVEL_SP && address <= TI)
                || (address >= ROLE_COMMAND && address < ROLE_COMMAND + ROLE_COMMAND_SIZE)
                || (address >= NAME && address < END);
    }

    static boolean writable(int address) {
        return address == ROLE || (address >= LEVEL_SP && address <= TI);
    }

    private static boolean inRange(int address, int value) {
        return switch (address) {
            case ROLE -> Role.fromCode(value).isPresent();
            case TI -> value >= 1 && value <= 10000;
            default -> value >= 0 && value <= 10000;
        };
    }

    private static Settings apply(Settings settings, int address, int value) {
        return switch (address) {
            case ROLE -> settings.withRole(Role.fromCode(value).orElseThrow());
            case LEVEL_SP -> settings.withLevelSp(value);
            case VALVE_SP -> settings.withValveSp(value);
            case KP -> settings.withKp(value);
            case TI -> settings.withTi(value);
            default -> throw new IllegalArgumentException("register " + address + " is not writable");
        };
    }

    private int value(ControllerView view, int address) {
        boolean corrupt = view.faults().contains(ControllerFault.CORRUPT);
        if (corrupt && address >= LEVEL && address <= INFLOW) {
            return ThreadLocalRandom.current().nextInt(GARBAGE_MIN, 0x10000);
        }
        if (view.faults().contains(ControllerFault.CORRUPT_SETPOINTS) && address >= LEVEL_SP && address <= TI) {
            return ThreadLocalRandom.current().nextInt(GARBAGE_MIN, 0x10000);
        }
        Settings settings = view.settings();
        return switch (address) {
            case HEARTBEAT -> view.heartbeat();
            case STATUS -> view.status().code();
            case ROLE -> settings.role().code();
            case FLAGS -> flags(view);
            case FAULT_CODE -> view.faults().contains(ControllerFault.FAULT) ? 1 : 0;
            case SCAN_TIME_US -> view.scanTimeMicros();
            case ROLE_CHANGES -> view.roleChanges();
            case PARTNER_AGE_MS -> view.partnerAgeMillis();
            case WRITE_COUNT -> writeCount;
            case LEVEL -> percent(view.plant().levelPercent());
            case PUMP -> percent(view.pumpPercent());
            case VALVE -> percent(view.plant().valvePercent());
            case INFLOW -> percent(view.plant().inflowPercent());
            case LEVEL_SP -> settings.levelSp();
            case VALVE_SP -> settings.valveSp();
            case KP -> settings.kp();
            case TI -> settings.ti();
            case ROLE_COMMAND, ROLE_COMMAND + 1, ROLE_COMMAND + 2, ROLE_COMMAND + 3, ROLE_COMMAND + 4 -> 0;
            default ->
                address >= LAST_WRITER
                        ? lastWriter[address - LAST_WRITER]
                        : address >= CONFIG_HASH
                                ? hashRegister(view.configHash(), address - CONFIG_HASH)
                                : identityRegister(address);
        };
    }

    private int identityRegister(int address) {
        return address >= NAME && address < CONFIG_HASH ? identity[address - NAME] : 0;
    }

    private static int flags(ControllerView view) {
        return (view.outputEnable() ? FLAG_OUTPUT_ENABLE : 0)
                | (view.driving() ? FLAG_DRIVING : 0)
                | (view.plantShared() ? FLAG_PLANT_SHARED : 0)
                | (view.partner() == PartnerStatus.ALIVE ? FLAG_PARTNER_ALIVE : 0)
                | (view.partnerLinked() ? FLAG_PARTNER_LINK : 0);
    }

    private static int hashRegister(byte[] hash, int index) {
        return ((hash[2 * index] & 0xFF) << 8) | (hash[2 * index + 1] & 0xFF);
    }

    /** A percentage in 0.01 % units, saturating at 65535. */
    static int percent(double value) {
        return (int) Math.max(0, Math.min(0xFFFF, Math.round(value * 100.0)));
    }

    /** ASCII, two characters a register, high byte first, NUL padded. */
    private static void ascii(String text, int[] target, int offset, int registers) {
        byte[] bytes = Arrays.copyOf(text.getBytes(StandardCharsets.US_ASCII), registers * 2);
        for (int i = 0; i < registers; i++) {
            target[offset + i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
        }
    }
}
