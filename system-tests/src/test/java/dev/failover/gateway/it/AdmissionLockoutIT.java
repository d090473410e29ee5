package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import dev.failover.plcsim.ControlClient;
import dev.failover.plcsim.comms.Admission;
import dev.failover.testkit.FieldObserver;
import dev.failover.testkit.GatewayProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 11, item 1: connection slots used to be counted before TLS authentication, so anyone who
 * could reach a controller's Modbus/TLS port locked every new authenticated connection out with a
 * few silent TCP connections; with a gateway restart on top, the pair went unsupervised for 40 s and
 * then a forced switchover fenced the healthy active, without any credential used.
 *
 * <p>Here an attacker on other hosts (other loopback addresses: 127.0.0.2 and up) holds more silent
 * connections to both controllers' Modbus/TLS ports than they admit unauthenticated, reopening each
 * one a controller closes; the gateway, a child process on a {@link GatewayKillRig}, is killed and
 * restarted under that load. It must connect and report the pair PROTECTED within 15 s, and nothing
 * may switch: no {@code SWITCHOVER_*} event, and the controllers' own role-change counters (read
 * from their control ports by an independent {@link FieldObserver}) unchanged. A failed run keeps
 * its folder (configuration, gateway logs, event log).
 */
@Timeout(120)
class AdmissionLockoutIT {

    private static final Logger log = LoggerFactory.getLogger(AdmissionLockoutIT.class);

    private static final String A = "plc-a";
    private static final String B = "plc-b";
    private static final Duration PROTECTED_WITHIN = Duration.ofSeconds(15);

    /** Heartbeats of each controller the gateway must read after the restart, with nothing following. */
    private static final int SUPERVISED_HEARTBEATS = 200;

    /** Enough addresses to fill every unauthenticated slot, and one more. */
    private static final int ATTACKER_ADDRESSES =
            Admission.Limits.MAX_PENDING / Admission.Limits.MAX_PENDING_PER_SOURCE + 1;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private GatewayKillRig rig;
    private FieldObserver observer;
    private SilentAttacker attacker;

    @BeforeEach
    void start() throws Exception {
        ((ch.qos.logback.classic.Logger) log).setLevel(Level.INFO);
        rig = new GatewayKillRig(dir);
        observer = rig.observer();
        rig.startGateway();
        rig.awaitProtected();
    }

    @AfterEach
    void stop() throws Exception {
        if (attacker != null) {
            attacker.close();
        }
        if (observer != null) {
            observer.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aGatewayRestartedUnderAConnectionFloodConnectsAndProtectsThePairWithoutASwitchover() throws Exception {
        String active = rig.activeId();
        await().atMost(GatewayKillRig.WAIT).until(() -> observer.roleChanges(A) >= 0 && observer.roleChanges(B) >= 0);
        long roleChangesA = observer.roleChanges(A);
        long roleChangesB = observer.roleChanges(B);

        List<InetAddress> sources = new ArrayList<>();
        for (int n = 0; n < ATTACKER_ADDRESSES; n++) {
            sources.add(otherHost(2 + n));
        }
        attacker = SilentAttacker.start(
                List.of(rig.plc(A).modbusPort(), rig.plc(B).modbusPort()),
                sources,
                Admission.Limits.MAX_PENDING_PER_SOURCE + 1);
        // The attack bites: every unauthenticated slot is taken (evictions) and every address is over
        // its share (refusals), on both controllers.
        await("the attacker holds every unauthenticated slot")
                .atMost(GatewayKillRig.WAIT)
                .until(() -> admission(A).get("evicted") > 0
                        && admission(A).get("refused") > 0
                        && admission(B).get("evicted") > 0
                        && admission(B).get("refused") > 0);
        Map<String, Long> beforeA = admission(A);
        Map<String, Long> beforeB = admission(B);

        long pid = rig.gateway().pid();
        assertThat(rig.gateway().kill())
                .as("gateway process %d ended by SIGKILL", pid)
                .isEqualTo(GatewayProcess.KILLED);
        int eventsBefore = rig.events().size();
        long restarted = System.nanoTime();
        log.info("gateway restarted under attack, named its endpoint after {} ms", rig.startGateway());
        await("PROTECTED after the restart")
                .atMost(PROTECTED_WITHIN)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> GatewayProcess.isProtected(rig.pairStatus()));
        log.info(
                "PROTECTED {} ms after the restart began; attacker opened {} connections so far",
                (System.nanoTime() - restarted) / 1_000_000,
                attacker.opened());

        // Detection armed, then a while of supervision with the flood still on: the heartbeats the
        // gateway read from both controllers advance by 200 (two seconds of their scans), and nothing
        // may follow.
        rig.awaitArmed();
        Map<String, Integer> seen = heartbeats(rig.pairStatus());
        await("200 heartbeats of each controller read by the gateway under the flood")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> advancedBy(seen, heartbeats(rig.pairStatus()), SUPERVISED_HEARTBEATS));

        JsonNode pair = rig.pairStatus();
        assertThat(GatewayProcess.isProtected(pair))
                .as("still PROTECTED: %s", pair)
                .isTrue();
        assertThat(pair.path("active").asText())
                .as("the active after the restart")
                .isEqualTo(active);
        assertThat(pair.path("switchovers").asInt())
                .as("switchovers the gateway counts")
                .isZero();
        List<JsonNode> events = rig.events();
        List<JsonNode> restart = events.subList(eventsBefore, events.size());
        assertThat(restart)
                .as("events of the restarted gateway")
                .noneMatch(e -> e.path("type").asText().startsWith("SWITCHOVER_"));
        assertThat(observer.roleChanges(A))
                .as("plc-a's role changes, from its control port")
                .isEqualTo(roleChangesA);
        assertThat(observer.roleChanges(B))
                .as("plc-b's role changes, from its control port")
                .isEqualTo(roleChangesB);
        assertThat(observer.twoActive()).as("instants with two ACTIVE").isZero();
        assertThat(observer.role(active)).isEqualTo("ACTIVE");
        // The flood went on throughout: the controllers kept refusing and evicting its connections.
        assertThat(admission(A).get("refused")).isGreaterThan(beforeA.get("refused"));
        assertThat(admission(B).get("refused")).isGreaterThan(beforeB.get("refused"));
        log.info("admission counters at the end: plc-a {}, plc-b {}", admission(A), admission(B));
    }

    /** The admission counters of controller {@code id}'s Modbus port, from its control port's status line. */
    private Map<String, Long> admission(String id) throws IOException {
        Map<String, String> status =
                ControlClient.status("127.0.0.1", rig.plc(id).controlPort(), Duration.ofSeconds(5));
        return Map.of(
                "refused", Long.parseLong(status.get("refused")),
                "evicted", Long.parseLong(status.get("evicted")),
                "handshakeFailed", Long.parseLong(status.get("handshakeFailed")),
                "handshakeTimedOut", Long.parseLong(status.get("handshakeTimedOut")));
    }

    /** {@code 127.0.0.n} as a host of the plant network other than the gateway's; skips where unusable. */
    private static InetAddress otherHost(int n) throws UnknownHostException {
        InetAddress address = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) n});
        try (SocketChannel probe = SocketChannel.open()) {
            probe.bind(new InetSocketAddress(address, 0));
        } catch (IOException e) {
            Assumptions.abort("cannot bind " + address + " as a source address: " + e.getMessage());
        }
        return address;
    }

    /**
     * Holds {@code perSource} silent TCP connections from each source address to each port, and
     * every {@value #TICK_MILLIS} ms reopens those the controllers closed (refused, evicted or timed
     * out). It never sends a byte. Thread-safe: its own timer thread does everything.
     */
    private static final class SilentAttacker implements AutoCloseable {

        private static final long TICK_MILLIS = 50;

        private final List<InetSocketAddress[]> slots = new ArrayList<>();
        /** Each slot's connection, if it has one open; only the timer thread touches them. */
        private final List<Optional<SocketChannel>> channels = new ArrayList<>();

        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "silent-attacker");
            thread.setDaemon(true);
            return thread;
        });
        private final AtomicLong opened = new AtomicLong();

        private SilentAttacker(List<Integer> ports, List<InetAddress> sources, int perSource) {
            for (int port : ports) {
                InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
                for (InetAddress source : sources) {
                    for (int i = 0; i < perSource; i++) {
                        slots.add(new InetSocketAddress[] {new InetSocketAddress(source, 0), target});
                    }
                }
            }
            slots.forEach(slot -> channels.add(Optional.empty()));
        }

        static SilentAttacker start(List<Integer> ports, List<InetAddress> sources, int perSource) {
            SilentAttacker attacker = new SilentAttacker(ports, sources, perSource);
            attacker.timer.scheduleWithFixedDelay(attacker::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
            return attacker;
        }

        long opened() {
            return opened.get();
        }

        private void tick() {
            for (int i = 0; i < channels.size(); i++) {
                Optional<SocketChannel> channel = channels.get(i);
                if (channel.isEmpty() || closedByPeer(channel.get())) {
                    channel.ifPresent(SilentAttacker::closeQuietly);
                    channels.set(i, open(slots.get(i)[0], slots.get(i)[1]));
                }
            }
        }

        /** A connection from {@code from} to {@code to}; empty if the connect failed (tried again next tick). */
        private Optional<SocketChannel> open(InetSocketAddress from, InetSocketAddress to) {
            SocketChannel channel;
            try {
                channel = SocketChannel.open();
            } catch (IOException e) {
                log.debug("attacker cannot open a socket: {}", e.getMessage());
                return Optional.empty();
            }
            try {
                channel.bind(from);
                channel.connect(to);
                channel.configureBlocking(false);
                opened.incrementAndGet();
                return Optional.of(channel);
            } catch (IOException e) {
                log.debug("attacker connect from {} failed: {}", from, e.getMessage());
                closeQuietly(channel);
                return Optional.empty();
            }
        }

        private static boolean closedByPeer(SocketChannel channel) {
            try {
                return channel.read(ByteBuffer.allocate(16)) < 0;
            } catch (IOException e) {
                return true;
            }
        }

        private static void closeQuietly(SocketChannel channel) {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("closing an attacker connection: {}", e.getMessage());
            }
        }

        @Override
        public void close() throws InterruptedException {
            timer.shutdownNow();
            timer.awaitTermination(5, TimeUnit.SECONDS);
            channels.forEach(channel -> channel.ifPresent(SilentAttacker::closeQuietly));
        }
    }

    /** The heartbeat of each controller as the gateway last read it. */
    private static Map<String, Integer> heartbeats(JsonNode pair) {
        Map<String, Integer> beats = new HashMap<>();
        pair.path("controllers")
                .forEach(c ->
                        beats.put(c.path("id").asText(), c.path("heartbeat").asInt()));
        return beats;
    }

    /** Whether every controller's heartbeat (16 bits, wrapping) advanced by at least {@code beats}. */
    private static boolean advancedBy(Map<String, Integer> before, Map<String, Integer> now, int beats) {
        return before.keySet().stream()
                .allMatch(id -> now.containsKey(id) && ((now.get(id) - before.get(id)) & 0xFFFF) >= beats);
    }
}
