package dev.failover.gateway.link.modbus;

import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersResponse;
import com.ghgande.j2mod.modbus.msg.ReadWriteMultipleRequest;
import com.ghgande.j2mod.modbus.msg.ReadWriteMultipleResponse;
import com.ghgande.j2mod.modbus.msg.WriteMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.WriteSingleRegisterRequest;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.StatusRegisters;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.link.StatusReading;
import dev.failover.gateway.link.WriteTally;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ControllerLink} over Modbus TCP. The only part of the gateway that knows Modbus.
 *
 * <p>Two connections per controller: one for the periodic status poll and one for control
 * (role writes, tag reads), so a role change never waits behind a poll and a slow tag read never
 * delays the poll. Each exchange is bounded by the response timeout; failures are values.
 *
 * <p>Register encodings follow the plc-sim map (docs/plc-sim.md): role 1 ACTIVE, 2 STANDBY; status
 * 0 INIT, 1 RUN, 2 STOP, 3 FAULT; flags bit 0 output-enable, bit 1 driving.
 *
 * <p><b>Role commands carry a deadline.</b> {@link #writeRole} writes the role command block
 * ({@link StatusRegisters#roleCommand()}, five registers in one function 16 request): the deadline,
 * the wall clock now plus the command timeout, as unsigned 64-bit epoch milliseconds high word first,
 * then the role. The controller refuses (exception 03) a command whose deadline has passed, so a
 * role write the link stopped waiting for (a paused, slow or partitioned controller) is never
 * executed late. This needs the two wall clocks to agree to well within the command timeout. With
 * {@link StatusRegisters#NO_ROLE_COMMAND} the link writes the {@code role} register instead, without
 * a deadline, and says so once at start.
 */
public final class ModbusLink implements ControllerLink {

    private static final Logger log = LoggerFactory.getLogger(ModbusLink.class);

    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(250);

    /** Function 3 returns at most 125 registers. */
    static final int MAX_READ_REGISTERS = 125;

    /** Function 23 writes at most 121 registers (function 16: 123). */
    static final int MAX_WRITE_REGISTERS = 121;

    private final String controllerId;
    private final ModbusEndpoint endpoint;
    private final StatusRegisters registers;
    private final ModbusChannel poll;
    private final ModbusChannel control;
    private final boolean secure;
    private volatile boolean readWriteSupported = true;
    private final AtomicLong writesAttempted = new AtomicLong();
    private final AtomicLong writesSucceeded = new AtomicLong();
    private final AtomicLong writesRefused = new AtomicLong();
    private final int commandTimeoutMillis;
    private volatile Duration responseTimeout;
    private final Clock clock;
    private final Function<ModbusResponse, StatusReading> statusDecoder = this::decodeStatus;

    /** A plain Modbus TCP link (no TLS): for controllers explicitly configured as insecure, and tests. */
    public ModbusLink(
            String controllerId,
            ModbusEndpoint endpoint,
            StatusRegisters registers,
            Duration responseTimeout,
            Duration maxBackoff,
            Ticker ticker) {
        this(controllerId, endpoint, registers, responseTimeout, maxBackoff, ticker, null);
    }

    /**
     * A link; with {@code tls} non-null it speaks Modbus/TCP Security with the gateway's certificate.
     * The TLS handshake may take up to three response timeouts. Role command deadlines use the system
     * clock.
     */
    public ModbusLink(
            String controllerId,
            ModbusEndpoint endpoint,
            StatusRegisters registers,
            Duration responseTimeout,
            Duration maxBackoff,
            Ticker ticker,
            SSLContext tls) {
        this(controllerId, endpoint, registers, responseTimeout, maxBackoff, ticker, tls, Clock.systemUTC());
    }

    /**
     * A link whose role commands take their deadline from {@code clock}: the wall clock, which the
     * controller's must match to well within the command timeout.
     *
     * @param tls the gateway's TLS context for Modbus/TCP Security, {@code null} for plain Modbus TCP
     */
    public ModbusLink(
            String controllerId,
            ModbusEndpoint endpoint,
            StatusRegisters registers,
            Duration responseTimeout,
            Duration maxBackoff,
            Ticker ticker,
            SSLContext tls,
            Clock clock) {
        this.controllerId = controllerId;
        this.responseTimeout = responseTimeout;
        this.clock = clock;
        this.endpoint = endpoint;
        this.registers = registers;
        this.secure = tls != null;
        // A tag write for a command is not fault detection: it gets more time than a poll, since a
        // write that times out is ambiguous (it may have been applied) and is reported as failed.
        this.commandTimeoutMillis = (int) Math.max(COMMAND_TIMEOUT.toMillis(), responseTimeout.toMillis());
        Duration handshake = responseTimeout.multipliedBy(3);
        this.poll = new ModbusChannel(
                controllerId + "/poll", endpoint, responseTimeout, maxBackoff, ticker, tls, handshake);
        this.control = new ModbusChannel(
                controllerId + "/control", endpoint, responseTimeout, maxBackoff, ticker, tls, handshake);
        if (!registers.hasRoleCommand()) {
            log.warn(
                    "role commands to {} carry no deadline (registers.roleCommand: none): a role write the gateway"
                            + " gave up on may still be executed late",
                    controllerId);
        }
    }

    @Override
    public boolean secure() {
        return secure;
    }

    @Override
    public String controllerId() {
        return controllerId;
    }

    @Override
    public String endpoint() {
        return (secure ? "modbus-tls://" : "modbus-tcp://") + endpoint.host() + ":" + endpoint.port() + "/"
                + endpoint.unitId();
    }

    @Override
    public Duration responseTimeout() {
        return responseTimeout;
    }

    @Override
    public void adapt(Duration deadline) {
        responseTimeout = deadline;
        poll.readTimeout(millis(deadline));
        control.readTimeout(millis(deadline));
    }

    @Override
    public LinkResult<StatusReading> readStatus(Duration deadline) {
        return readStatus(poll, millis(deadline));
    }

    @Override
    public LinkResult<StatusReading> readStatusForControl(Duration deadline) {
        return readStatus(control, millis(deadline));
    }

    /** Socket timeouts are whole milliseconds: a deadline is rounded up, never down. */
    private static int millis(Duration deadline) {
        return (int) Math.max(1, (deadline.toNanos() + 999_999) / 1_000_000);
    }

    /** The status block, waiting at most {@code timeoutMillis}. */
    private LinkResult<StatusReading> readStatus(ModbusChannel channel, int timeoutMillis) {
        ReadMultipleRegistersRequest request = new ReadMultipleRegistersRequest(registers.first(), registers.count());
        return channel.exchange(request, statusDecoder, timeoutMillis);
    }

    private StatusReading decodeStatus(ModbusResponse response) {
        ReadMultipleRegistersResponse r = (ReadMultipleRegistersResponse) response;
        int first = registers.first();
        return StatusReading.decode(
                r.getRegisterValue(registers.heartbeat() - first),
                r.getRegisterValue(registers.status() - first),
                r.getRegisterValue(registers.role() - first),
                r.getRegisterValue(registers.flags() - first),
                r.getRegisterValue(registers.faultCode() - first));
    }

    /**
     * A role write is a step of a switchover, not fault detection: like a tag write it gets the command
     * timeout, so a cold connection or a busy moment does not fail a promotion that would succeed. The
     * same timeout is the role command's deadline: what the link stops waiting for, the controller
     * refuses.
     */
    @Override
    public LinkResult<StatusReading> writeRole(RuntimeRole role) {
        if (role == RuntimeRole.UNKNOWN) {
            throw new IllegalArgumentException("cannot write role UNKNOWN");
        }
        LinkResult<Integer> written = registers.hasRoleCommand() ? writeRoleCommand(role) : writeRoleRegister(role);
        if (written instanceof LinkResult.Failed<Integer> failed) {
            return LinkResult.failed(failed.error(), "writing role " + role + ": " + failed.detail());
        }
        return readStatus(control, commandTimeoutMillis);
    }

    /** The role command block in one function 16 request: deadline (u64 epoch ms, high word first), role. */
    private LinkResult<Integer> writeRoleCommand(RuntimeRole role) {
        long deadline = clock.millis() + commandTimeoutMillis;
        Register[] block = new Register[StatusRegisters.ROLE_COMMAND_REGISTERS];
        for (int i = 0; i < 4; i++) {
            block[i] = new SimpleRegister((int) (deadline >>> (48 - 16 * i)) & 0xFFFF);
        }
        block[4] = new SimpleRegister(role.code());
        LinkResult<Integer> written = control.exchange(
                new WriteMultipleRegistersRequest(registers.roleCommand(), block),
                response -> block.length,
                commandTimeoutMillis);
        if (written instanceof LinkResult.Failed<Integer> f && f.error() == LinkError.REJECTED) {
            if (f.detail().startsWith("exception code 3 ")) {
                return LinkResult.failed(
                        LinkError.REJECTED,
                        "controller refused the role command as stale or invalid (exception 03): its deadline "
                                + deadline + " had passed by the controller's clock, or the clocks differ by more"
                                + " than the " + commandTimeoutMillis + " ms command timeout");
            }
            if (f.detail().startsWith("exception code 2 ")) {
                return LinkResult.failed(
                        LinkError.REJECTED,
                        "controller has no role command block at " + registers.roleCommand()
                                + " (exception 02); set registers.roleCommand to its address, or to none to write the"
                                + " role register without a deadline");
            }
        }
        return written;
    }

    /** The role register alone (function 6), without a deadline. */
    private LinkResult<Integer> writeRoleRegister(RuntimeRole role) {
        int value = role.code();
        return control.exchange(
                new WriteSingleRegisterRequest(registers.role(), new SimpleRegister(value)),
                response -> value,
                commandTimeoutMillis);
    }

    /**
     * One request where the controller supports it: function 23 writes, then reads the same
     * registers back. A controller that answers exception 01 (illegal function) is remembered and
     * gets a write (function 16) and a read (function 3) instead.
     */
    public LinkResult<int[]> writeRegisters(int address, int[] values) {
        Register[] registers = new Register[values.length];
        for (int i = 0; i < values.length; i++) {
            registers[i] = new SimpleRegister(values[i]);
        }
        if (readWriteSupported) {
            ReadWriteMultipleRequest both =
                    new ReadWriteMultipleRequest(endpoint.unitId(), address, values.length, address, values.length);
            both.setRegisters(registers);
            writesAttempted.incrementAndGet();
            LinkResult<int[]> result = control.exchange(
                    both,
                    response -> {
                        ReadWriteMultipleResponse r = (ReadWriteMultipleResponse) response;
                        int[] read = new int[values.length];
                        for (int i = 0; i < read.length; i++) {
                            read[i] = r.getRegisterValue(i);
                        }
                        return read;
                    },
                    commandTimeoutMillis);
            tally(result);
            if (!(result instanceof LinkResult.Failed<int[]> f
                    && f.error() == LinkError.REJECTED
                    && f.detail().startsWith("exception code 1 "))) {
                return result instanceof LinkResult.Failed<int[]> failed
                        ? LinkResult.failed(
                                failed.error(), "writing registers from " + address + ": " + failed.detail())
                        : result;
            }
            readWriteSupported = false;
        }
        writesAttempted.incrementAndGet();
        LinkResult<Integer> written = control.exchange(
                new WriteMultipleRegistersRequest(address, registers), response -> values.length, commandTimeoutMillis);
        tally(written);
        if (written instanceof LinkResult.Failed<Integer> failed) {
            return LinkResult.failed(failed.error(), "writing registers from " + address + ": " + failed.detail());
        }
        return control.exchange(
                new ReadMultipleRegistersRequest(address, values.length),
                response -> values(response, values.length),
                commandTimeoutMillis);
    }

    /** Counts what became of a write request: done, refused (not executed), or unknown (neither). */
    private void tally(LinkResult<?> result) {
        if (result.isOk()) {
            writesSucceeded.incrementAndGet();
        } else if (result instanceof LinkResult.Failed<?> f && f.error() == LinkError.REJECTED) {
            writesRefused.incrementAndGet();
        }
    }

    /** The register write requests sent so far (function 23 or 16), by outcome. */
    @Override
    public WriteTally writeTally() {
        // Refused and succeeded first: a request counted as attempted is never missing from the tally.
        long refused = writesRefused.get();
        long succeeded = writesSucceeded.get();
        return new WriteTally(writesAttempted.get(), succeeded, refused);
    }

    /** Reads {@code count} consecutive registers over the control connection. */
    public LinkResult<int[]> readRegisters(int address, int count) {
        return control.exchange(new ReadMultipleRegistersRequest(address, count), response -> values(response, count));
    }

    /** Each block of consecutive registers in one request (function 23, or 16 then 3). */
    @Override
    public LinkResult<double[]> writeTags(List<TagConfig> tags, double[] raw) {
        if (raw.length != tags.size()) {
            throw new IllegalArgumentException(tags.size() + " tags but " + raw.length + " values");
        }
        double[] held = new double[tags.size()];
        long latency = 0;
        for (RegisterBlocks.Block block : RegisterBlocks.of(tags, MAX_WRITE_REGISTERS)) {
            int[] registers = new int[block.count()];
            for (int i : block.tagIndexes()) {
                RegisterBlocks.encode(
                        tags.get(i), raw[i], registers, tags.get(i).address() - block.address());
            }
            LinkResult<int[]> written = writeRegisters(block.address(), registers);
            if (written instanceof LinkResult.Failed<int[]> failed) {
                return LinkResult.failed(failed.error(), names(tags, block) + ": " + failed.detail());
            }
            LinkResult.Ok<int[]> ok = (LinkResult.Ok<int[]>) written;
            latency += ok.latencyNanos();
            decodeInto(tags, block, ok.value(), held);
        }
        return LinkResult.ok(held, latency);
    }

    /** Each block of consecutive registers in one read (function 3). */
    @Override
    public LinkResult<double[]> readTags(List<TagConfig> tags) {
        double[] values = new double[tags.size()];
        long latency = 0;
        for (RegisterBlocks.Block block : RegisterBlocks.of(tags, MAX_READ_REGISTERS)) {
            LinkResult<int[]> read = readRegisters(block.address(), block.count());
            if (read instanceof LinkResult.Failed<int[]> failed) {
                return LinkResult.failed(failed.error(), "reading " + names(tags, block) + ": " + failed.detail());
            }
            LinkResult.Ok<int[]> ok = (LinkResult.Ok<int[]>) read;
            latency += ok.latencyNanos();
            decodeInto(tags, block, ok.value(), values);
        }
        return LinkResult.ok(values, latency);
    }

    private static void decodeInto(List<TagConfig> tags, RegisterBlocks.Block block, int[] registers, double[] into) {
        for (int i : block.tagIndexes()) {
            into[i] = RegisterBlocks.decode(tags.get(i), registers, tags.get(i).address() - block.address());
        }
    }

    private static String names(List<TagConfig> tags, RegisterBlocks.Block block) {
        return block.tagIndexes().stream().map(i -> tags.get(i).name()).collect(Collectors.joining(", "));
    }

    /** The registers of a read answer; an answer with another count is a protocol error. */
    private static int[] values(ModbusResponse response, int count) {
        ReadMultipleRegistersResponse r = (ReadMultipleRegistersResponse) response;
        if (r.getWordCount() != count) {
            throw new IllegalStateException("answer holds " + r.getWordCount() + " registers, " + count + " asked");
        }
        int[] values = new int[count];
        for (int i = 0; i < values.length; i++) {
            values[i] = r.getRegisterValue(i);
        }
        return values;
    }

    @Override
    public void close() {
        poll.close();
        control.close();
    }
}
