package dev.failover.plcsim;

import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.ModbusIOException;
import com.ghgande.j2mod.modbus.ModbusSlaveException;
import com.ghgande.j2mod.modbus.io.AbstractModbusTransport;
import com.ghgande.j2mod.modbus.msg.ExceptionResponse;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import com.ghgande.j2mod.modbus.msg.ReadInputRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersResponse;
import com.ghgande.j2mod.modbus.msg.WriteMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.WriteSingleRegisterRequest;
import com.ghgande.j2mod.modbus.net.TCPMasterConnection;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;

/**
 * A small Modbus master for tests over one j2mod {@link TCPMasterConnection}. It sends each request
 * once and reads one response through the connection's transport: unlike j2mod's transactions it
 * never retries, sleeps or reconnects, so a test sees exactly what the server did. Not thread-safe.
 */
final class ModbusTestClient implements AutoCloseable {

    private final TCPMasterConnection connection;
    private final AbstractModbusTransport transport;
    private final int unitId;
    private int transactionId;

    private ModbusTestClient(TCPMasterConnection connection, int unitId, int timeoutMillis) {
        this.connection = connection;
        this.transport = connection.getModbusTransport();
        this.transport.setTimeout(timeoutMillis);
        this.unitId = unitId;
    }

    static ModbusTestClient connect(int port) throws Exception {
        return connect(port, 1, Duration.ofSeconds(2));
    }

    static ModbusTestClient connect(int port, int unitId, Duration timeout) throws Exception {
        TCPMasterConnection connection = new TCPMasterConnection(InetAddress.getLoopbackAddress());
        connection.setPort(port);
        connection.setTimeout((int) timeout.toMillis());
        connection.connect();
        return new ModbusTestClient(connection, unitId, (int) timeout.toMillis());
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
        connection.close();
    }

    @FunctionalInterface
    interface ModbusCall {
        void run() throws ModbusException;
    }
}
