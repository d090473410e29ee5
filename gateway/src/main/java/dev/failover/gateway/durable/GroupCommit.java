package dev.failover.gateway.durable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for the gateway's append-only files: many writers, one round of {@code fsync}s for
 * all the appends made while the previous round ran (issue 14; docs/journal.md "Group commit").
 *
 * <p>Each file {@linkplain #join joins} the group as a {@link Member}. A writer appends under its own
 * lock, takes a {@linkplain Member#ticket() ticket} there, releases the lock and then {@linkplain
 * Durable#await waits} until a round that began after its append has completed. The first waiter to
 * find no round running becomes the leader and runs one for everyone waiting: it syncs every member
 * appended to since the last round, one after another; those that arrive meanwhile wait for it to
 * end, and the first of them runs the next. No thread of its own and no timer: a writer alone pays
 * one sync, as before; concurrent writers share them. The command journal, the replay store and the
 * audit log share one group, so the acceptance of one command, the acknowledgement of another and
 * the audit records of both are made durable by the same round.
 *
 * <p>Why this is safe: {@code fsync(2)} makes durable every write to the file that returned before it
 * began, whoever made it. A ticket is taken after the append returned, and a round syncs every
 * member that took a ticket before it began.
 *
 * <p>A sync that fails fails the waiters of its member that the round was to cover (the other
 * members' are not affected). After a failed {@code fsync} a file may hold a write that is not
 * durable followed by later ones: its owner decides what that means (the journal and the replay store
 * refuse every append until the gateway restarts; the audit log reports it and goes on). Thread-safe.
 */
public final class GroupCommit {

    /** What makes a member's appends so far durable: typically {@code FileChannel.force(false)}. */
    @FunctionalInterface
    public interface Sync {
        void sync() throws IOException;
    }

    /** An append written but perhaps not yet on disk. */
    @FunctionalInterface
    public interface Durable {

        /** Returns once the append is on disk; throws when it cannot be made so. */
        void await() throws IOException;

        /** An append that is durable already (or needs no sync). */
        Durable DONE = () -> {};
    }

    /**
     * How many rounds ran and how many syncs and appends they covered, so far.
     *
     * @param rounds the rounds run
     * @param syncs the syncs of members run in them (failed ones included)
     * @param appends the tickets taken: appends that waited, or could wait, for a round
     */
    public record Figures(long rounds, long syncs, long appends) {}

    /** One file of the group. */
    public final class Member {

        private final String name;
        private final Sync sync;

        // Guarded by the group's lock.
        private boolean dirty;
        private long failedFrom = Long.MAX_VALUE;
        private long failedThrough;
        private IOException failure;

        private Member(String name, Sync sync) {
            this.name = name;
            this.sync = sync;
        }

        /**
         * Call after an append returned, under the writer's own lock (so that tickets follow the
         * file's order): the handle that waits until the append is on disk.
         */
        public Durable ticket() {
            long ticket;
            lock.lock();
            try {
                dirty = true;
                ticket = ++written;
            } finally {
                lock.unlock();
            }
            return () -> await(this, ticket);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final String name;

    /**
     * A lock that parks its waiters rather than spinning: on a two-core box a monitor contended by a
     * dozen command threads spent a sixth of their CPU spinning (measured with Flight Recorder).
     */
    private final ReentrantLock lock = new ReentrantLock();

    private final Condition ended = lock.newCondition();

    // Guarded by lock.
    private final List<Member> members = new ArrayList<>();
    private long written;
    private long synced;
    private boolean syncing;
    private long rounds;
    private long syncs;

    /** @param name the group, for error messages and logs */
    public GroupCommit(String name) {
        this.name = name;
    }

    /** A group of one file: {@code sync} is its sync. */
    public static Member of(String file, Sync sync) {
        return new GroupCommit(file).join(file, sync);
    }

    /**
     * Adds a file to the group.
     *
     * @param file the file, for error messages
     * @param sync makes every append to it that returned before it began durable; may run on any
     *     writer's thread (with a pending interrupt cleared), while other threads append
     */
    public Member join(String file, Sync sync) {
        Member m = new Member(file, sync);
        lock.lock();
        try {
            members.add(m);
        } finally {
            lock.unlock();
        }
        return m;
    }

    private void await(Member member, long ticket) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                List<Member> due = new ArrayList<>();
                long from;
                long upTo;
                lock.lock();
                try {
                    while (true) {
                        if (synced >= ticket) {
                            if (ticket >= member.failedFrom && ticket <= member.failedThrough) {
                                throw new IOException(
                                        "cannot make the appends to " + member.name + " durable", member.failure);
                            }
                            return;
                        }
                        if (!syncing) {
                            break;
                        }
                        // A durable record must not be abandoned halfway: an interrupt is kept for after.
                        ended.awaitUninterruptibly();
                    }
                    syncing = true;
                    from = synced + 1;
                } finally {
                    lock.unlock();
                }
                // Let the threads that are about to append do so first: they join this round.
                Thread.yield();
                lock.lock();
                try {
                    upTo = written;
                    for (Member m : members) {
                        if (m.dirty) {
                            m.dirty = false;
                            due.add(m);
                        }
                    }
                } finally {
                    lock.unlock();
                }
                // A pending interrupt would close a FileChannel in force(): the file would be lost to
                // every writer. It is kept for afterwards.
                interrupted |= Thread.interrupted();
                List<IOException> failures = new ArrayList<>(due.size());
                for (Member m : due) {
                    failures.add(syncOne(m));
                }
                lock.lock();
                try {
                    for (int i = 0; i < due.size(); i++) {
                        IOException failed = failures.get(i);
                        if (failed != null) {
                            Member m = due.get(i);
                            m.failure = failed;
                            m.failedFrom = from;
                            m.failedThrough = upTo;
                        }
                    }
                    syncing = false;
                    rounds++;
                    syncs += due.size();
                    synced = Math.max(synced, upTo);
                    ended.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static IOException syncOne(Member m) {
        try {
            m.sync.sync();
            return null;
        } catch (IOException e) {
            return e;
        } catch (RuntimeException e) {
            return new IOException(e);
        }
    }

    public Figures figures() {
        lock.lock();
        try {
            return new Figures(rounds, syncs, written);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return name + " " + figures();
    }
}
