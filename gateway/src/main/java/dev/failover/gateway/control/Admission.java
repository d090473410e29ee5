package dev.failover.gateway.control;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Who may hold a connection to the control endpoint, before and after authentication.
 *
 * <p>A connection is <em>pending</em> from accept until its peer is authenticated (TLS handshake
 * done, client certificate accepted); pending connections are limited in total and per source
 * address. When a limit is reached, the new connection is admitted and the oldest pending one of
 * that source is evicted (for the total: of the sources holding at least two more than the
 * newcomer's, if there are such, else of all): the oldest that has not sent a byte yet if there is
 * one, else the oldest. A flood from many addresses therefore evicts its own connections before a
 * single one from another address. A peer that opens connections and says nothing can therefore never hold
 * the door; one that keeps opening handshakes and stalling them (more than the limit per handshake
 * of an operator) can still delay others, since before its certificate a client looks like any other.
 * An <em>authenticated</em> connection has a slot of its own, counted apart: unauthenticated peers
 * never take those.
 *
 * <p>Thread-safe: every method is synchronized and quick; closing an evicted connection is left to
 * the caller, outside the lock ({@link Ticket#evict}).
 */
final class Admission {

    /**
     * The limits.
     *
     * @param pending pending connections at once, all sources together
     * @param pendingPerSource pending connections at once from one source address
     * @param authenticated authenticated connections at once
     */
    record Limits(int pending, int pendingPerSource, int authenticated) {
        /** 32 pending, 16 per source, 16 authenticated (docs/security.md). */
        static final Limits DEFAULT = new Limits(32, 16, 16);

        Limits {
            if (pending < 1 || pendingPerSource < 1 || pendingPerSource > pending || authenticated < 1) {
                throw new IllegalArgumentException(
                        "invalid admission limits " + pending + "/" + pendingPerSource + "/" + authenticated);
            }
        }
    }

    /** Where a connection stands. */
    enum State {
        PENDING,
        AUTHENTICATED,
        /** Closed to admit a newer connection (a limit was reached). */
        EVICTED,
        /** A handshake timeout passed before it was authenticated. */
        TIMED_OUT,
        RELEASED
    }

    /** One admitted connection. */
    static final class Ticket {
        private final InetAddress source;
        private final Runnable close;
        private final BooleanSupplier bytesWaiting;
        private State state = State.PENDING;
        private boolean spoke;

        private Ticket(InetAddress source, Runnable close, BooleanSupplier bytesWaiting) {
            this.source = source;
            this.close = close;
            this.bytesWaiting = bytesWaiting;
        }

        /**
         * Whether the peer has sent anything: its first byte was read, or bytes wait to be read (under
         * a flood the connection's thread may not have run yet, and it must not count as silent).
         */
        private boolean spoke() {
            return spoke || bytesWaiting.getAsBoolean();
        }

        /** Closes the evicted connection (call outside the admission's lock). */
        void evict() {
            close.run();
        }
    }

    /** A new connection's ticket, and the pending ones evicted to make room for it. */
    record Admitted(Ticket ticket, List<Ticket> evicted) {}

    private final Limits limits;
    private final SequencedSet<Ticket> pending = new LinkedHashSet<>();
    private int authenticated;
    private long evictions;

    Admission(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Admits a connection from {@code source} as pending, evicting as the limits require.
     *
     * @param close closes the connection, should it be evicted
     * @param bytesWaiting whether bytes from the peer wait to be read (quick: asked under the lock)
     */
    synchronized Admitted admit(InetAddress source, Runnable close, BooleanSupplier bytesWaiting) {
        List<Ticket> evicted = new ArrayList<>(1);
        List<Ticket> sameSource =
                pending.stream().filter(t -> t.source.equals(source)).toList();
        if (sameSource.size() >= limits.pendingPerSource()) {
            evicted.add(evict(sameSource));
        } else if (pending.size() >= limits.pending()) {
            evicted.add(evict(crowdedBeyond(sameSource.size())));
        }
        Ticket ticket = new Ticket(source, close, bytesWaiting);
        pending.add(ticket);
        return new Admitted(ticket, evicted);
    }

    /**
     * The pending connections, oldest first, of the sources holding at least two more than {@code
     * newcomers} (the newcomer's source's count before it); all of them if no source does.
     */
    private List<Ticket> crowdedBeyond(int newcomers) {
        Map<InetAddress, Long> counts =
                pending.stream().collect(Collectors.groupingBy(t -> t.source, Collectors.counting()));
        List<Ticket> crowded = pending.stream()
                .filter(t -> counts.get(t.source) >= newcomers + 2)
                .toList();
        return crowded.isEmpty() ? List.copyOf(pending) : crowded;
    }

    private Ticket evict(List<Ticket> oldestFirst) {
        Ticket victim = oldestFirst.stream().filter(t -> !t.spoke()).findFirst().orElse(oldestFirst.getFirst());
        pending.remove(victim);
        victim.state = State.EVICTED;
        evictions++;
        return victim;
    }

    /** The peer sent its first byte: it is handshaking, no longer silent. */
    synchronized void spoke(Ticket ticket) {
        ticket.spoke = true;
    }

    /**
     * Moves a pending connection whose peer was just authenticated to an authenticated slot.
     *
     * @return {@link State#AUTHENTICATED}, or why not: {@link State#EVICTED} or {@link
     *     State#TIMED_OUT} (it lost its pending place meanwhile), {@link State#RELEASED} when every
     *     authenticated slot is taken (the ticket is released)
     */
    synchronized State authenticate(Ticket ticket) {
        if (ticket.state != State.PENDING) {
            return ticket.state;
        }
        pending.remove(ticket);
        if (authenticated >= limits.authenticated()) {
            ticket.state = State.RELEASED;
            return State.RELEASED;
        }
        authenticated++;
        ticket.state = State.AUTHENTICATED;
        return State.AUTHENTICATED;
    }

    /**
     * A handshake timeout of {@code ticket} passed: whether it was still pending (then it is
     * {@link State#TIMED_OUT} and the caller closes it).
     */
    synchronized boolean expire(Ticket ticket) {
        if (ticket.state != State.PENDING) {
            return false;
        }
        pending.remove(ticket);
        ticket.state = State.TIMED_OUT;
        return true;
    }

    /** The connection is closed: its place, pending or authenticated, is free. Idempotent. */
    synchronized void release(Ticket ticket) {
        if (ticket.state == State.PENDING) {
            pending.remove(ticket);
        } else if (ticket.state == State.AUTHENTICATED) {
            authenticated--;
        }
        if (ticket.state == State.PENDING || ticket.state == State.AUTHENTICATED) {
            ticket.state = State.RELEASED;
        }
    }

    /** Where {@code ticket} stands. */
    synchronized State state(Ticket ticket) {
        return ticket.state;
    }

    synchronized int pending() {
        return pending.size();
    }

    synchronized int authenticated() {
        return authenticated;
    }

    /** Pending connections evicted since start. */
    synchronized long evictions() {
        return evictions;
    }

    Limits limits() {
        return limits;
    }
}
