package dev.failover.plcsim.modbus;

import com.ghgande.j2mod.modbus.ModbusIOException;
import com.ghgande.j2mod.modbus.io.ModbusTCPTransport;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One client connection, served request by request on its own thread, with the comms faults applied
 * between reading a request and answering it. Frames are read by {@link MbapReader} and responses
 * written by j2mod's {@code ModbusTCPTransport}.
 *
 * <p>Thread-safe: {@link #close(boolean)} may be called from any thread and wakes a delayed answer.
 */
final class ModbusConnection implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ModbusConnection.class);

    private final String plcName;
    private final Socket socket;
    private final SocketAddress remote;
    private final MbapReader reader;
    private final ModbusTCPTransport transport;
    private final RequestDispatcher dispatcher;
    private final CommsFaults faults;
    private final Consumer<ModbusConnection> onExit;
    private final CountDownLatch closed = new CountDownLatch(1);

    ModbusConnection(
            String plcName,
            Socket socket,
            RequestDispatcher dispatcher,
            CommsFaults faults,
            Consumer<ModbusConnection> onExit)
            throws IOException {
        this.plcName = plcName;
        this.socket = socket;
        this.remote = socket.getRemoteSocketAddress();
        this.transport = new ModbusTCPTransport(socket);
        // The transport's constructor sets a 3 s read timeout on the socket we read from. An idle
        // master keeps its connection, so no timeout: close() unblocks the read instead.
        this.transport.setTimeout(0);
        this.reader = new MbapReader(socket.getInputStream());
        this.dispatcher = dispatcher;
        this.faults = faults;
        this.onExit = onExit;
    }

    @Override
    public void run() {
        MDC.put("plc", plcName);
        log.debug("Modbus connection from {} opened", remote);
        try {
            boolean open = true;
            while (open && closed.getCount() > 0) {
                Optional<MbapReader.Frame> frame = reader.read();
                open = frame.isPresent() && serve(frame.get());
            }
        } catch (IOException | ModbusIOException e) {
            log.debug("Modbus connection from {} ended: {}", remote, e.getMessage());
        } finally {
            close(false);
            onExit.accept(this);
            MDC.remove("plc");
        }
    }

    /** Answers one request, or not, as the faults say. False when the connection must end. */
    private boolean serve(MbapReader.Frame request) throws ModbusIOException {
        if (faults.dropping()) {
            return false;
        }
        if (faults.hanging() || faults.takeLost()) {
            log.debug("Not answering transaction {} from {} (fault injected)", request.transactionId(), remote);
            return true;
        }
        for (Duration left = faults.stallRemaining(); !left.isZero(); left = faults.stallRemaining()) {
            if (!pause(left)) {
                return false;
            }
        }
        if (!pause(faults.slowDelay())) {
            return false;
        }
        transport.writeResponse(dispatcher.answer(request));
        return true;
    }

    /** Waits {@code delay} unless the connection closes first; false if it closed. */
    private boolean pause(Duration delay) {
        if (delay.isZero()) {
            return true;
        }
        try {
            return !closed.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Closes the connection. With {@code reset} the peer gets an RST instead of a FIN, as when a
     * controller dies.
     */
    void close(boolean reset) {
        closed.countDown();
        try {
            if (reset && !socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
            socket.close();
        } catch (IOException e) {
            log.debug("Closing Modbus connection from {} failed: {}", remote, e.getMessage());
        }
    }
}
