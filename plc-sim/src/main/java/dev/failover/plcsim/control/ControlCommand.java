package dev.failover.plcsim.control;

import dev.failover.plcsim.modbus.TlsPosture;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * One command of the control port's line protocol, parsed from its text form (case-insensitive,
 * words separated by blanks). Immutable and thread-safe.
 */
public sealed interface ControlCommand
        permits ControlCommand.Action,
                ControlCommand.Slow,
                ControlCommand.Lose,
                ControlCommand.Stall,
                ControlCommand.OutputEnable,
                ControlCommand.PartnerLink,
                ControlCommand.Tls,
                ControlCommand.OpcUa,
                ControlCommand.Suites,
                ControlCommand.Plain,
                ControlCommand.Identity,
                ControlCommand.Heartbeat {

    /** Longest accepted delay for {@code slow} and {@code stall}: ten minutes. */
    long MAX_DELAY_MS = 600_000;

    /** Largest accepted count for {@code lose}. */
    int MAX_LOSE = 1_000_000;

    /** Commands without an argument. */
    enum Action implements ControlCommand {
        CRASH("crash"),
        HANG("hang"),
        FREEZE_HEARTBEAT("freeze-heartbeat"),
        FAULT("fault"),
        DROP("drop"),
        DROP_ONCE("drop once"),
        CORRUPT("corrupt"),
        CORRUPT_SETPOINTS("corrupt-setpoints"),
        CLEAR("clear"),
        STATUS("status");

        private final String text;

        Action(String text) {
            this.text = text;
        }

        /** The command as written on the wire. */
        public String text() {
            return text;
        }
    }

    /** {@code slow <ms>}: every response delayed. */
    record Slow(Duration delay) implements ControlCommand {}

    /** {@code lose <n>}: the next n requests go unanswered. */
    record Lose(int count) implements ControlCommand {}

    /** {@code stall <ms>}: nothing answered for a while, then the queue. */
    record Stall(Duration duration) implements ControlCommand {}

    /** {@code output-enable on|off}. */
    record OutputEnable(boolean on) implements ControlCommand {}

    /** {@code partner-link cut|restore}: {@code cut} is true for {@code cut}. */
    record PartnerLink(boolean cut) implements ControlCommand {}

    /** {@code tls 1.3|1.2|1.2-only}: the TLS versions new connections may use (security posture). */
    record Tls(TlsPosture.Versions versions) implements ControlCommand {}

    /** {@code suites strong|cbc}: the cipher suites new connections may use (security posture). */
    record Suites(TlsPosture.Suites suites) implements ControlCommand {}

    /** {@code plain on <port>|off}: a plain Modbus TCP port beside the TLS one (0: any free port). */
    record Plain(OptionalInt port) implements ControlCommand {}

    /** {@code opcua none|anonymous on|off}: an OPC UA None endpoint, or anonymous users (security posture). */
    record OpcUa(boolean anonymous, boolean on) implements ControlCommand {}

    /** {@code identity program|firmware <text>}: what the identity block reports (lower case). */
    record Identity(boolean firmware, String version) implements ControlCommand {}

    /** {@code heartbeat <n>}: HEARTBEAT set to n once, counting on from there (a spoof, for drills). */
    record Heartbeat(int value) implements ControlCommand {}

    /** Result of {@link #parse(String)}. */
    sealed interface Parsed {
        /** A valid command. */
        record Valid(ControlCommand command) implements Parsed {}

        /** Not a valid command; {@code reason} tells the user what to send instead. */
        record Invalid(String reason) implements Parsed {}
    }

    /** Every command form, for help texts. */
    String SYNTAX = "crash, hang, freeze-heartbeat, fault, slow <ms>, drop, drop once, lose <n>, stall <ms>, corrupt,"
            + " corrupt-setpoints, clear, output-enable on|off, partner-link cut|restore, heartbeat <n>, status;"
            + " posture: tls 1.3|1.2|1.2-only, suites strong|cbc, plain on <port>|off,"
            + " opcua none|anonymous on|off, identity program|firmware <text>";

    /** Parses one line of the protocol. */
    static Parsed parse(String line) {
        return ControlParser.parse(line);
    }
}
