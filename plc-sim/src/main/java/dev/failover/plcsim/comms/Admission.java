package dev.failover.plcsim.comms;

import dev.failover.plcsim.comms.AdmissionWarnings.Kind;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedSet;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Which connections a listener takes, before and after they authenticate, so that clients who cannot
 * authenticate cannot lock out those who can (issue 11: 16 silent TCP connections used to fill every
 * slot of a Modbus/TCP Security port for 10 s at a time).
 *
 * <p>A connection is <em>pending</em> from accept until its handshake succeeds (for TLS: the client's
 * certificate was accepted). Pending connections are limited in total and per source address and
 * each has a deadline, the handshake timeout, after which it is closed. Once authenticated it moves
 * to an <em>authenticated</em> slot, counted separately, so unauthenticated clients never take the
 * place of authenticated ones.
 *
 * <p>Admission of a new connection from source S, in order:
 *
 * <ol>
 *   <li>S already holds {@link Limits#maxPendingPerSource()} pending connections: refused;
 *   <li>fewer than {@link Limits#maxPending()} are pending: admitted;
 *   <li>all pending slots are taken: the oldest pending connection of the source holding the most is
 *       closed (evicted) to make room, if that source holds at least two more than S; otherwise
 *       refused. A source with no pending connection therefore gets a slot unless every one belongs to
 *       a different source, so an attacker needs as many addresses as there are slots.
 * </ol>
 *
 * A refused connection is closed by the caller at once, on the accepting thread: nothing waits for
 * its deadline. Each outcome that ends a connection before it authenticated (refused, evicted,
 * handshake failed, handshake timed out) is counted ({@link #counters()}) and logged at WARN at
 * most once a second per kind, as a summary ({@link AdmissionWarnings}). An authenticated connection
 * that finds every authenticated slot taken is refused (and counted) too.
 *
 * <p>One instance per listener and controller; it outlives the listener's restarts, so the counters
 * count since the process started. Thread-safe: state is guarded by the instance's monitor; sockets
 * are closed and lines logged outside it.
 */
public final class Admission {

    private static final Logger log = LoggerFactory.getLogger(Admission.class);

    /**
     * The limits of one listener.
     *
     * @param handshakeTimeout how long a connection may stay pending (from accept), 10 ms to 60 s
     * @param maxPending pending connections in total, at least 1
     * @param maxPendingPerSource pending connections from one source address, 1 to {@code maxPending}
     * @param maxAuthenticated authenticated connections, at least 1
     */
    public record Limits(Duration handshakeTimeout, int maxPending, int maxPendingPerSource, int maxAuthenticated) {

        /** Shortest handshake timeout accepted. */
        public static final Duration MIN_HANDSHAKE_TIMEOUT = Duration.ofMillis(10);

        /** Longest handshake timeout accepted. */
        public static final Duration MAX_HANDSHAKE_TIMEOUT = Duration.ofSeconds(60);

        /** Pending connections in total, by default. */
        public static final int MAX_PENDING = 16;

        /** Pending connections from one source address, by default. */
        public static final int MAX_PENDING_PER_SOURCE = 4;

        public Limits {
            Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
            if (handshakeTimeout.compareTo(MIN_HANDSHAKE_TIMEOUT) < 0
                    || handshakeTimeout.compareTo(MAX_HANDSHAKE_TIMEOUT) > 0) {
                throw new IllegalArgumentException("handshakeTimeout must be 10 ms to 60 s, got " + handshakeTimeout);
            }
            if (maxPending < 1) {
                throw new IllegalArgumentException("maxPending must be at least 1, got " + maxPending);
            }
            if (maxPendingPerSource < 1 || maxPendingPerSource > maxPending) {
                throw new IllegalArgumentException(
                        "maxPendingPerSource must be 1 to maxPending (" + maxPending + "), got " + maxPendingPerSource);
            }
            if (maxAuthenticated < 1) {
                throw new IllegalArgumentException("maxAuthenticated must be at least 1, got " + maxAuthenticated);
            }
        }

        /** {@link #MAX_PENDING} pending, {@link #MAX_PENDING_PER_SOURCE} per source, the given rest. */
        public static Limits of(Duration handshakeTimeout, int maxAuthenticated) {
            return new Limits(handshakeTimeout, MAX_PENDING, MAX_PENDING_PER_SOURCE, maxAuthenticated);
        }
    }

    /**
     * What ended connections before they authenticated, since the process started.
     *
     * @param refused refused at accept (pending limits) or after the handshake (authenticated slots full)
     * @param evicted closed while pending to make room for a source holding fewer pending connections
     * @param handshakeFailed the handshake failed (certificate refused, not the protocol, ...)
     * @param handshakeTimedOut closed at the handshake deadline
     */
    public record Counters(long refused, long evicted, long handshakeFailed, long handshakeTimedOut) {

        public static final Counters NONE = new Counters(0, 0, 0, 0);

        /** The sum of this and {@code other} (two listeners of one controller). */
        public Counters plus(Counters other) {
            return new Counters(
                    refused + other.refused,
                    evicted + other.evicted,
                    handshakeFailed + other.handshakeFailed,
                    handshakeTimedOut + other.handshakeTimedOut);
        }
    }

    private enum State {
        PENDING,
        AUTHENTICATED,
        ENDED
    }

    /**
     * One admitted connection's slot. The connection reports how its handshake ended ({@link
     * #authenticated()} or {@link #failed(String)}) and {@link #release()}s the slot when it ends.
     * Thread-safe: the deadline and an eviction act from other threads.
     */
    public final class Ticket {

        private final InetAddress source;
        private final Runnable close;
        // Guarded by Admission.this.
        private State state = State.PENDING;
        private boolean writer;
        private Runnable cancelDeadline = () -> {};

        private Ticket(InetAddress source, Runnable close) {
            this.source = source;
            this.close = close;
        }

        /** The connection's source address. */
        public InetAddress source() {
            return source;
        }

        /** As {@link #authenticated(boolean)} for a peer that may not write. */
        public boolean authenticated() {
            return authenticated(false);
        }

        /**
         * The peer authenticated: the connection takes an authenticated slot, or keeps the one it has.
         * When every slot is taken, a peer that may write (the gateway) takes the slot of the oldest
         * connection whose peer may not (which is closed, counted as evicted): readers with plant
         * certificates cannot lock the gateway out.
         *
         * @param writer whether the peer's role may write
         * @return false when the connection must be closed instead: it no longer holds a slot (its
         *     deadline passed, it was evicted or released) or every authenticated slot is taken by
         *     peers that may write, or this one may not (then it is counted as refused)
         */
        public boolean authenticated(boolean writer) {
            boolean full;
            Runnable cancel;
            Ticket displaced = null;
            synchronized (Admission.this) {
                if (state == State.AUTHENTICATED) {
                    return true;
                }
                if (state != State.PENDING) {
                    return false;
                }
                cancel = endPending(this);
                full = authenticated >= limits.maxAuthenticated();
                if (full && writer) {
                    displaced = authenticatedTickets.stream()
                            .filter(t -> !t.writer)
                            .findFirst()
                            .orElse(null);
                    if (displaced != null) {
                        authenticatedTickets.remove(displaced);
                        displaced.state = State.ENDED;
                        authenticated--;
                        evicted++;
                        full = false;
                    }
                }
                if (full) {
                    refused++;
                } else {
                    state = State.AUTHENTICATED;
                    this.writer = writer;
                    authenticatedTickets.add(this);
                    authenticated++;
                }
            }
            cancel.run();
            if (displaced != null) {
                displaced.close.run();
                warnings.record(
                        Kind.EVICTED,
                        "an authenticated reader from " + displaced.source.getHostAddress()
                                + ", to admit a writer from "
                                + source.getHostAddress() + " (all " + limits.maxAuthenticated()
                                + " authenticated slots taken)");
            }
            if (full) {
                warnings.record(
                        Kind.REFUSED,
                        "from " + source.getHostAddress() + " after its " + handshake + ": all "
                                + limits.maxAuthenticated() + " authenticated slots taken");
            }
            return !full;
        }

        /**
         * The handshake failed ({@code reason}, for the log). Counted once, and only while pending: a
         * connection closed by its deadline or evicted has been counted as such.
         */
        public void failed(String reason) {
            Runnable cancel;
            synchronized (Admission.this) {
                if (state != State.PENDING) {
                    return;
                }
                cancel = endPending(this);
                handshakeFailed++;
            }
            cancel.run();
            warnings.record(Kind.HANDSHAKE_FAILED, "from " + source.getHostAddress() + ": " + reason);
        }

        /**
         * The handshake timed out on the connection's own thread (a read timeout that came before the
         * deadline's close): counted as the deadline would have, once, and only while pending.
         */
        public void timedOut() {
            endTimedOut();
        }

        /** The connection ended: its slot is free. Idempotent; counts nothing. */
        public void release() {
            Runnable cancel = () -> {};
            synchronized (Admission.this) {
                if (state == State.PENDING) {
                    cancel = endPending(this);
                } else if (state == State.AUTHENTICATED) {
                    state = State.ENDED;
                    authenticatedTickets.remove(this);
                    authenticated--;
                }
            }
            cancel.run();
        }

        private void expire() {
            if (endTimedOut()) {
                close.run();
            }
        }

        /** Ends a pending ticket as timed out; false if it was no longer pending. */
        private boolean endTimedOut() {
            Runnable cancel;
            synchronized (Admission.this) {
                if (state != State.PENDING) {
                    return false;
                }
                cancel = endPending(this);
                handshakeTimedOut++;
            }
            cancel.run();
            warnings.record(Kind.HANDSHAKE_TIMED_OUT, "from " + source.getHostAddress());
            return true;
        }
    }

    private final Limits limits;
    private final String handshake;
    private final Scheduler scheduler;
    private final AdmissionWarnings warnings;

    // Guarded by this.
    private final Map<InetAddress, ArrayDeque<Ticket>> pendingBySource = new HashMap<>();
    /** Authenticated connections, oldest first. */
    private final SequencedSet<Ticket> authenticatedTickets = new LinkedHashSet<>();

    private int pending;
    private int authenticated;
    private long refused;
    private long evicted;
    private long handshakeFailed;
    private long handshakeTimedOut;

    /**
     * @param plcName controller name, for the log's MDC
     * @param protocol the listener, for log lines, e.g. {@code Modbus/TCP Security}
     * @param handshake what a connection must complete to authenticate, for log lines, e.g. {@code
     *     TLS handshake}
     * @param scheduler runs the handshake deadlines and the deferred WARN summaries
     */
    public Admission(String plcName, String protocol, String handshake, Limits limits, Scheduler scheduler) {
        this(protocol, handshake, limits, scheduler, System::nanoTime, line -> {
            MDC.put("plc", plcName);
            try {
                log.warn(line);
            } finally {
                MDC.remove("plc");
            }
        });
    }

    /** With the summary lines' clock and destination given (tests). */
    Admission(
            String protocol,
            String handshake,
            Limits limits,
            Scheduler scheduler,
            LongSupplier nanoTime,
            Consumer<String> warningSink) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.handshake = Objects.requireNonNull(handshake, "handshake");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.warnings = new AdmissionWarnings(protocol, handshake, limits, scheduler, nanoTime, warningSink);
    }

    /** The limits. */
    public Limits limits() {
        return limits;
    }

    /**
     * Admits a connection from {@code source}, or refuses it. An admitted connection is closed with
     * {@code close} if its deadline passes while it is pending or if it is evicted; {@code close} must
     * not block (close the socket).
     *
     * @return the connection's ticket; empty when refused: the caller closes the connection at once
     */
    public Optional<Ticket> admit(InetAddress source, Runnable close) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(close, "close");
        Ticket ticket = new Ticket(source, close);
        Optional<Ticket> victim = Optional.empty();
        Runnable cancelVictim = () -> {};
        String refusal = null;
        synchronized (this) {
            int own = pendingFrom(source);
            if (own >= limits.maxPendingPerSource()) {
                refusal = own + " unauthenticated from that address";
            } else if (pending >= limits.maxPending()) {
                victim = victimFor(own);
                if (victim.isEmpty()) {
                    refusal = "all " + limits.maxPending()
                            + " unauthenticated slots taken, none by an address holding two more";
                }
            }
            if (refusal != null) {
                refused++;
            } else {
                if (victim.isPresent()) {
                    cancelVictim = endPending(victim.get());
                    evicted++;
                }
                pendingBySource.computeIfAbsent(source, s -> new ArrayDeque<>()).addLast(ticket);
                pending++;
            }
        }
        if (refusal != null) {
            warnings.record(Kind.REFUSED, "from " + source.getHostAddress() + ": " + refusal);
            return Optional.empty();
        }
        cancelVictim.run();
        victim.ifPresent(v -> {
            v.close.run();
            warnings.record(
                    Kind.EVICTED,
                    "from " + v.source.getHostAddress() + ", to admit one from " + source.getHostAddress());
        });
        Runnable cancel = scheduler.schedule(ticket::expire, limits.handshakeTimeout());
        boolean stillPending;
        synchronized (this) {
            stillPending = ticket.state == State.PENDING;
            if (stillPending) {
                ticket.cancelDeadline = cancel;
            }
        }
        if (!stillPending) {
            cancel.run();
        }
        return Optional.of(ticket);
    }

    /** Counts since this instance was made. */
    public synchronized Counters counters() {
        return new Counters(refused, evicted, handshakeFailed, handshakeTimedOut);
    }

    /** Connections pending now. */
    public synchronized int pending() {
        return pending;
    }

    /** Connections holding an authenticated slot now. */
    public synchronized int authenticated() {
        return authenticated;
    }

    /** Pending connections from {@code source}; the caller holds the monitor. */
    private int pendingFrom(InetAddress source) {
        ArrayDeque<Ticket> tickets = pendingBySource.get(source);
        return tickets == null ? 0 : tickets.size();
    }

    /**
     * The oldest pending connection of the source holding the most, if it holds at least two more
     * than a source holding {@code own}: evicting it then leaves both sources nearer a fair share.
     * The caller holds the monitor.
     */
    private Optional<Ticket> victimFor(int own) {
        return pendingBySource.values().stream()
                .max(Comparator.comparingInt(ArrayDeque::size))
                .filter(tickets -> tickets.size() >= own + 2)
                .map(ArrayDeque::peekFirst);
    }

    /**
     * Takes a pending ticket out of the pending slots; the caller holds the monitor and runs the
     * returned canceller of the ticket's deadline after releasing it.
     */
    private Runnable endPending(Ticket ticket) {
        ticket.state = State.ENDED;
        pending--;
        pendingBySource.computeIfPresent(ticket.source, (source, tickets) -> {
            tickets.remove(ticket);
            return tickets.isEmpty() ? null : tickets;
        });
        return ticket.cancelDeadline;
    }
}
