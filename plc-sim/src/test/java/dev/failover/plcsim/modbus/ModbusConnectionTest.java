package dev.failover.plcsim.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.plcsim.comms.Admission;
import dev.failover.plcsim.comms.CommsFaults;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModbusConnectionTest {

    @Test
    void anIdleConnectionNeverTimesOut() throws Exception {
        // j2mod's transport sets a 3 s read timeout on the socket; an idle master must keep its link.
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            RequestDispatcher dispatcher = new RequestDispatcher(1, new NoRegisters());
            Admission admission = new Admission(
                    "A",
                    "Modbus TCP",
                    "first request",
                    Admission.Limits.of(Duration.ofSeconds(1), 1),
                    (task, delay) -> () -> {});
            Admission.Ticket ticket =
                    admission.admit(accepted.getInetAddress(), () -> {}).orElseThrow();
            ModbusConnection connection = new ModbusConnection(
                    "A",
                    accepted,
                    accepted,
                    dispatcher,
                    new CommsFaults(),
                    c -> {},
                    Optional.empty(),
                    ticket,
                    Duration.ofSeconds(1));

            assertThat(accepted.getSoTimeout()).isZero();
            connection.close(false);
            assertThat(client.getInputStream().read()).as("peer sees the close").isEqualTo(-1);
        }
    }

    private static final class NoRegisters implements RegisterBank {
        @Override
        public BankResult read(int address, int count) {
            return new BankResult.Rejected(ExceptionCode.ILLEGAL_DATA_ADDRESS);
        }

        @Override
        public BankResult write(int address, int[] values, String writer) {
            return new BankResult.Rejected(ExceptionCode.ILLEGAL_DATA_ADDRESS);
        }
    }
}
