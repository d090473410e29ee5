package dev.failover.plcsim;

import dev.failover.plcsim.control.LineServer;
import dev.failover.plcsim.control.RelayCommand;
import dev.failover.plcsim.control.RelayCommand.Parsed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output-enable relays of a {@link Plant}, switched over TCP: the bench's stand-in for the relay
 * box in the cabinet, a process of its own so that a controller's relay can be cut however that
 * controller's process fares (killed, paused, hung).
 *
 * <p>Line protocol (docs/plc-sim.md, "Relay box"), one command a line, one answer line each:
 *
 * <ul>
 *   <li>{@code output-enable <name> on|off [deadline=<epochMillis>]} answers {@code OK name=<name>
 *       outputEnable=<true|false>}, the relay as read back from the plant after setting it (the
 *       feedback contact). With a deadline that this box's wall clock has passed it answers {@code ERR
 *       stale: deadline passed <n> ms ago; not executed} and changes nothing, so a command whose
 *       sender stopped waiting is never executed late.
 *   <li>{@code status <name>} answers {@code OK name=<name> outputEnable=<bool>} (a name without a
 *       slot reads {@code true}); {@code status} answers {@code OK <name>=<bool> ...} for every slot.
 *   <li>anything else answers {@code ERR <reason>}.
 * </ul>
 *
 * <p>Thread-safe; the plant belongs to the caller, who closes it after this box.
 */
public final class RelayBox implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayBox.class);

    private static final String LOG_NAME = "relay";

    private final Plant plant;
    private final Clock clock;
    private final InetAddress bindAddress;
    private final LineServer server;

    private RelayBox(Plant plant, Clock clock, InetAddress bindAddress, int port) throws IOException {
        this.plant = plant;
        this.clock = clock;
        this.bindAddress = bindAddress;
        this.server = LineServer.start(LOG_NAME, bindAddress, port, this::handle);
    }

    /**
     * Serves the relays of {@code plant} on {@code bindAddress:port} (0 = any free port), comparing
     * deadlines with the system clock.
     *
     * @throws IOException if the address is unknown or the port cannot be bound
     */
    public static RelayBox start(Plant plant, String bindAddress, int port) throws IOException {
        return start(plant, bindAddress, port, Clock.systemUTC());
    }

    /** As {@link #start(Plant, String, int)}, with the wall clock that deadlines are compared with. */
    public static RelayBox start(Plant plant, String bindAddress, int port, Clock clock) throws IOException {
        Objects.requireNonNull(plant, "plant");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(clock, "clock");
        RelayBox box = new RelayBox(plant, clock, InetAddress.getByName(bindAddress), port);
        log.info("Relay box listening on {}:{}", box.bindAddress.getHostAddress(), box.port());
        return box;
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    /** The address the box is bound to. */
    public InetAddress bindAddress() {
        return bindAddress;
    }

    /** The answer line to one command line. */
    String handle(String line) {
        return switch (RelayCommand.parse(line)) {
            case Parsed.Invalid invalid -> "ERR " + invalid.reason();
            case Parsed.Valid valid -> execute(valid.command());
        };
    }

    private String execute(RelayCommand command) {
        try {
            return switch (command) {
                case RelayCommand.Set set -> set(set);
                case RelayCommand.Status status -> answer(status.name());
                case RelayCommand.StatusAll all -> statusAll();
            };
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            log.warn("Relay command '{}' failed: {}", command, e.getMessage());
            return "ERR " + e.getMessage();
        }
    }

    private String set(RelayCommand.Set set) {
        if (set.deadlineEpochMillis().isPresent()) {
            long late = clock.millis() - set.deadlineEpochMillis().getAsLong();
            if (late > 0) {
                log.warn(
                        "Relay of {} not switched {}: stale command, deadline passed {} ms ago",
                        set.name(),
                        set.on() ? "on" : "off",
                        late);
                return "ERR stale: deadline passed " + late + " ms ago; not executed";
            }
        }
        boolean before = plant.outputEnabled(set.name());
        plant.outputEnable(set.name(), set.on());
        if (before != set.on()) {
            log.info("Relay of {} {}", set.name(), set.on() ? "closed: outputs enabled" : "cut: outputs disabled");
        }
        return answer(set.name());
    }

    private String answer(String name) {
        return "OK name=" + name + " outputEnable=" + plant.outputEnabled(name);
    }

    private String statusAll() {
        Map<String, Boolean> relays = plant.outputEnables();
        return relays.isEmpty()
                ? "OK"
                : "OK "
                        + relays.entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .collect(Collectors.joining(" "));
    }

    /** Stops serving and closes every connection; the plant and its relays stay as they are. Idempotent. */
    @Override
    public void close() {
        server.close();
    }
}
