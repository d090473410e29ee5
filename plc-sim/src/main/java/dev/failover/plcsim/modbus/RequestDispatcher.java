package dev.failover.plcsim.modbus;

import com.ghgande.j2mod.modbus.Modbus;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersResponse;
import com.ghgande.j2mod.modbus.msg.ReadWriteMultipleRequest;
import com.ghgande.j2mod.modbus.msg.ReadWriteMultipleResponse;
import com.ghgande.j2mod.modbus.msg.WriteMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.WriteMultipleRegistersResponse;
import com.ghgande.j2mod.modbus.msg.WriteSingleRegisterRequest;
import com.ghgande.j2mod.modbus.msg.WriteSingleRegisterResponse;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Set;

/**
 * Turns one request frame into its response: function 3, 6 and 16 decoded by j2mod and served from
 * the {@link RegisterBank}, exception 01 for any other function, exception 0B for another unit id,
 * exception 03 for a PDU that does not decode. Quantity
 * checks follow the Modbus application protocol (function 3: 1-125 registers, function 16: 1-123).
 *
 * <p>Thread-safe if the bank is.
 */
final class RequestDispatcher {

    private static final Set<Integer> SUPPORTED = Set.of(
            Modbus.READ_MULTIPLE_REGISTERS,
            Modbus.WRITE_SINGLE_REGISTER,
            Modbus.WRITE_MULTIPLE_REGISTERS,
            Modbus.READ_WRITE_MULTIPLE);
    private static final int MAX_READ = 125;
    private static final int MAX_WRITE = 123;
    /** Function 23 writes at most 121 registers (§6.17). */
    private static final int MAX_READ_WRITE = 121;

    private static final int ADDRESS_SPACE = 0x10000;

    private final int unitId;
    private final RegisterBank bank;

    RequestDispatcher(int unitId, RegisterBank bank) {
        this.unitId = unitId;
        this.bank = bank;
    }

    /** The response to one frame, written (if it writes) as {@code writer}; never null. */
    ModbusResponse answer(MbapReader.Frame frame, String writer) {
        if (frame.unitId() != unitId) {
            return exception(shell(frame), ExceptionCode.GATEWAY_TARGET_FAILED_TO_RESPOND);
        }
        if (!SUPPORTED.contains(frame.functionCode())) {
            return exception(shell(frame), ExceptionCode.ILLEGAL_FUNCTION);
        }
        ModbusRequest request = ModbusRequest.createModbusRequest(frame.functionCode());
        try {
            request.readFrom(new DataInputStream(new ByteArrayInputStream(frame.adu())));
        } catch (IOException | RuntimeException e) {
            // A PDU too short or with a byte count that disagrees with its quantity.
            return exception(shell(frame), ExceptionCode.ILLEGAL_DATA_VALUE);
        }
        return dispatch(request, writer);
    }

    /**
     * The exception response {@code code} to {@code frame}, without executing it: for a request the
     * connection's authorization refused.
     */
    ModbusResponse refuse(MbapReader.Frame frame, ExceptionCode code) {
        return exception(shell(frame), code);
    }

    /** An undecoded request carrying only the header, to build exception responses from. */
    private static ModbusRequest shell(MbapReader.Frame frame) {
        ModbusRequest request = ModbusRequest.createModbusRequest(frame.functionCode());
        request.setTransactionID(frame.transactionId());
        request.setProtocolID(frame.protocolId());
        request.setUnitID(frame.unitId());
        return request;
    }

    private ModbusResponse dispatch(ModbusRequest request, String writer) {
        return switch (request) {
            case ReadMultipleRegistersRequest read -> read(read);
            case WriteSingleRegisterRequest write -> writeSingle(write, writer);
            case WriteMultipleRegistersRequest write -> writeMultiple(write, writer);
            case ReadWriteMultipleRequest both -> readWrite(both, writer);
            default -> exception(request, ExceptionCode.ILLEGAL_FUNCTION);
        };
    }

    private ModbusResponse read(ReadMultipleRegistersRequest request) {
        int address = request.getReference();
        int count = request.getWordCount();
        if (count < 1 || count > MAX_READ) {
            return exception(request, ExceptionCode.ILLEGAL_DATA_VALUE);
        }
        if (address + count > ADDRESS_SPACE) {
            return exception(request, ExceptionCode.ILLEGAL_DATA_ADDRESS);
        }
        return switch (bank.read(address, count)) {
            case BankResult.Values values ->
                withHeader(request, new ReadMultipleRegistersResponse(toRegisters(values)));
            case BankResult.Rejected rejected -> exception(request, rejected.code());
            case BankResult.Written written -> throw new IllegalStateException("a read returned " + written);
        };
    }

    private ModbusResponse writeSingle(WriteSingleRegisterRequest request, String writer) {
        int address = request.getReference();
        int value = request.getRegister().getValue();
        return written(
                request,
                bank.write(address, new int[] {value}, writer),
                new WriteSingleRegisterResponse(address, value));
    }

    private ModbusResponse writeMultiple(WriteMultipleRegistersRequest request, String writer) {
        int address = request.getReference();
        int count = request.getWordCount();
        if (count < 1 || count > MAX_WRITE) {
            return exception(request, ExceptionCode.ILLEGAL_DATA_VALUE);
        }
        if (address + count > ADDRESS_SPACE) {
            return exception(request, ExceptionCode.ILLEGAL_DATA_ADDRESS);
        }
        int[] values = new int[count];
        for (int i = 0; i < count; i++) {
            values[i] = request.getRegisterValue(i);
        }
        return written(
                request, bank.write(address, values, writer), new WriteMultipleRegistersResponse(address, count));
    }

    /**
     * Function 23: the write is performed before the read (Modbus Application Protocol v1.1b3,
     * §6.17), all or nothing; a rejected write reads nothing.
     */
    private ModbusResponse readWrite(ReadWriteMultipleRequest request, String writer) {
        int readAddress = request.getReadReference();
        int readCount = request.getReadWordCount();
        int writeAddress = request.getWriteReference();
        int writeCount = request.getWriteWordCount();
        if (readCount < 1 || readCount > MAX_READ || writeCount < 1 || writeCount > MAX_READ_WRITE) {
            return exception(request, ExceptionCode.ILLEGAL_DATA_VALUE);
        }
        if (readAddress + readCount > ADDRESS_SPACE || writeAddress + writeCount > ADDRESS_SPACE) {
            return exception(request, ExceptionCode.ILLEGAL_DATA_ADDRESS);
        }
        int[] values = new int[writeCount];
        for (int i = 0; i < writeCount; i++) {
            values[i] = request.getRegister(i).getValue();
        }
        if (bank.write(writeAddress, values, writer) instanceof BankResult.Rejected rejected) {
            return exception(request, rejected.code());
        }
        return switch (bank.read(readAddress, readCount)) {
            case BankResult.Values read -> withHeader(request, new ReadWriteMultipleResponse(toRegisters(read)));
            case BankResult.Rejected rejected -> exception(request, rejected.code());
            case BankResult.Written written -> throw new IllegalStateException("a read returned " + written);
        };
    }

    private static ModbusResponse written(ModbusRequest request, BankResult result, ModbusResponse success) {
        return switch (result) {
            case BankResult.Written written -> withHeader(request, success);
            case BankResult.Rejected rejected -> exception(request, rejected.code());
            case BankResult.Values values -> throw new IllegalStateException("a write returned values");
        };
    }

    private static Register[] toRegisters(BankResult.Values values) {
        int[] raw = values.registers();
        Register[] registers = new Register[raw.length];
        for (int i = 0; i < raw.length; i++) {
            registers[i] = new SimpleRegister(raw[i]);
        }
        return registers;
    }

    /** Copies transaction id, protocol id and unit id from the request, as MBAP requires. */
    private static ModbusResponse withHeader(ModbusRequest request, ModbusResponse response) {
        response.setTransactionID(request.getTransactionID());
        response.setProtocolID(request.getProtocolID());
        response.setUnitID(request.getUnitID());
        return response;
    }

    private static ModbusResponse exception(ModbusRequest request, ExceptionCode code) {
        return request.createExceptionResponse(code.code());
    }
}
