package dev.failover.plcsim;

import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.ModbusIOException;
import com.ghgande.j2mod.modbus.ModbusSlaveException;
import com.ghgande.j2mod.modbus.io.AbstractModbusTransport;
import com.ghgande.j2mod.modbus.io.ModbusTCPTransport;
import com.ghgande.j2mod.modbus.msg.ExceptionResponse;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import com.ghgande.j2mod.modbus.msg.ReadInputRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersResponse;
import com.ghgande.j2mod.modbus.msg.ReadWriteMultipleRequest;
import com.ghgande.j2mod.modbus.msg.ReadWriteMultipleResponse;
import com.ghgande.j2mod.modbus.msg.WriteMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.WriteSingleRegisterRequest;
import com.ghgande.j2mod.modbus.net.TCPMasterConnection;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A small Modbus master for tests over one j2mod {@link TCPMasterConnection}, or over one {@link
 * SSLSocket} for Modbus/TCP Security (j2mod has no TLS: its {@code ModbusTCPTransport} runs on the
 * socket we hand it). It sends each request once and reads one response through the transport:
 * unlike j2mod's transactions it never retries, sleeps or reconnects, so a test sees exactly what
 * the server did. Not thread-safe.
 */
final class ModbusTestClient implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Runnable closer;
    private final AbstractModbusTransport transport;
    private final int unitId;
    private int transactionId;

    private ModbusTestClient(Runnable closer, AbstractModbusTransport transport, int unitId, int timeoutMillis) {
        this.closer = closer;
        this.transport = transport;
        this.transport.setTimeout(timeoutMillis);
        this.unitId = unitId;
    }

    static ModbusTestClient connect(int port) throws Exception {
        return connect(port, 1, TIMEOUT);
    }

    static ModbusTestClient connect(int port, int unitId, Duration timeout) throws Exception {
        TCPMasterConnection connection = new TCPMasterConnection(InetAddress.getLoopbackAddress());
        connection.setPort(port);
        connection.setTimeout((int) timeout.toMillis());
        connection.connect();
        return new ModbusTestClient(
                connection::close, connection.getModbusTransport(), unitId, (int) timeout.toMillis());
    }

    /**
     * Connects with Modbus/TCP Security and completes the TLS handshake.
     *
     * @param clientContext the client's key (its certificate and role) and trust (the plant CA)
     * @param protocols TLS versions the client offers; none given: the context's defaults
     * @throws IOException if the handshake fails. Under TLS 1.3 the client finishes its part of the
     *     handshake before the server has checked the client certificate, so a refused client
     *     certificate may only show on the first request
     */
    static ModbusTestClient connectTls(int port, SSLContext clientContext, String... protocols) throws IOException {
        SSLSocket socket = (SSLSocket) clientContext.getSocketFactory().createSocket();
        try {
            if (protocols.length > 0) {
                socket.setEnabledProtocols(protocols);
            }
            int millis = (int) TIMEOUT.toMillis();
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), millis);
            socket.setSoTimeout(millis);
            socket.startHandshake();
            ModbusTCPTransport transport = new ModbusTCPTransport(socket);
            Runnable closer = () -> {
                try {
                    transport.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            return new ModbusTestClient(closer, transport, 1, millis);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    int[] read(int address, int count) throws ModbusException {
        ReadMultipleRegistersResponse response =
                (ReadMultipleRegistersResponse) execute(new ReadMultipleRegistersRequest(address, count));
        return Arrays.stream(response.getRegisters())
                .mapToInt(Register::getValue)
                .toArray();
    }

    int read(int address) throws ModbusException {
        return read(address, 1)[0];
    }

    void readInputRegisters(int address, int count) throws ModbusException {
        execute(new ReadInputRegistersRequest(address, count));
    }

    void write(int address, int value) throws ModbusException {
        execute(new WriteSingleRegisterRequest(address, new SimpleRegister(value)));
    }

    void writeMultiple(int address, int... values) throws ModbusException {
        execute(new WriteMultipleRegistersRequest(
                address, Arrays.stream(values).mapToObj(SimpleRegister::new).toArray(Register[]::new)));
    }

    /** Function 23: writes {@code values} at {@code writeAddress}, then reads {@code readCount} at {@code readAddress}. */
    int[] readWrite(int readAddress, int readCount, int writeAddress, int... values) throws ModbusException {
        ReadWriteMultipleRequest request =
                new ReadWriteMultipleRequest(unitId, readAddress, readCount, writeAddress, values.length);
        request.setRegisters(Arrays.stream(values).mapToObj(SimpleRegister::new).toArray(Register[]::new));
        ReadWriteMultipleResponse response = (ReadWriteMultipleResponse) execute(request);
        int[] read = new int[response.getWordCount()];
        for (int i = 0; i < read.length; i++) {
            read[i] = response.getRegisterValue(i);
        }
        return read;
    }

    private ModbusResponse execute(ModbusRequest request) throws ModbusException {
        transactionId = transactionId % 0xFFFF + 1;
        request.setUnitID(unitId);
        request.setTransactionID(transactionId);
        transport.writeRequest(request);
        ModbusResponse response = transport.readResponse();
        if (response.getTransactionID() != request.getTransactionID()) {
            throw new ModbusIOException("answer to transaction " + response.getTransactionID() + " while waiting for "
                    + request.getTransactionID());
        }
        if (response instanceof ExceptionResponse exception) {
            throw new ModbusSlaveException(exception.getExceptionCode());
        }
        return response;
    }

    /** The exception code the call was answered with; fails if it succeeded or did not get an answer. */
    static int exceptionCode(ModbusCall call) {
        try {
            call.run();
        } catch (ModbusSlaveException e) {
            return e.getType();
        } catch (ModbusException e) {
            throw new AssertionError("expected a Modbus exception response, got " + e, e);
        }
        throw new AssertionError("expected a Modbus exception response, got a normal one");
    }

    @Override
    public void close() {
        closer.run();
    }

    @FunctionalInterface
    interface ModbusCall {
        void run() throws ModbusException;
    }
}
