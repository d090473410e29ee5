package dev.failover.gateway.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.gateway.durable.GroupCommit.Durable;
import dev.failover.gateway.durable.GroupCommit.Member;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The group commit's one promise: an append whose wait returned was covered by a sync that began
 * after it; and its one purpose: concurrent appends share syncs. The "file" here is a counter of
 * appends and the "sync" records how many it had when it began, which is what {@code fsync(2)}
 * makes durable.
 */
@Timeout(60)
class GroupCommitTest {

    /** A file stand-in: appends counted, and what each sync made durable. */
    private static final class CountingFile {
        final AtomicLong appended = new AtomicLong();
        final AtomicLong durable = new AtomicLong();
        final AtomicInteger syncs = new AtomicInteger();

        void sync() {
            long covered = appended.get();
            syncs.incrementAndGet();
            // Give other threads time to append while this "sync" runs, as a disk would.
            Thread.onSpinWait();
            Thread.yield();
            durable.accumulateAndGet(covered, Math::max);
        }
    }

    @Test
    void everyAppendIsDurableWhenItsWaitReturnsAndConcurrentAppendsShareSyncs() throws Exception {
        GroupCommit group = new GroupCommit("test");
        CountingFile a = new CountingFile();
        CountingFile b = new CountingFile();
        Member ma = group.join("a", a::sync);
        Member mb = group.join("b", b::sync);
        int threads = 8;
        int appends = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                CountingFile file = t % 2 == 0 ? a : b;
                Member member = t % 2 == 0 ? ma : mb;
                Object lock = file;
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < appends; i++) {
                        long mine;
                        Durable d;
                        synchronized (lock) {
                            mine = file.appended.incrementAndGet();
                            d = member.ticket();
                        }
                        d.await();
                        assertThat(file.durable.get())
                                .as("the append is covered by a sync that began after it")
                                .isGreaterThanOrEqualTo(mine);
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        GroupCommit.Figures figures = group.figures();
        assertThat(figures.appends()).isEqualTo((long) threads * appends);
        assertThat(figures.syncs()).isEqualTo(a.syncs.get() + b.syncs.get());
        // Eight writers: far fewer syncs than appends (each round covers what came while the last ran).
        assertThat(figures.syncs()).isLessThan(figures.appends());
        assertThat(figures.rounds()).isLessThanOrEqualTo(figures.syncs());
    }

    @Test
    void oneRoundSyncsEveryMemberAppendedToAndOnlyThose() throws Exception {
        GroupCommit group = new GroupCommit("test");
        CountingFile a = new CountingFile();
        CountingFile b = new CountingFile();
        CountingFile idle = new CountingFile();
        Member ma = group.join("a", a::sync);
        Member mb = group.join("b", b::sync);
        group.join("idle", idle::sync);
        a.appended.incrementAndGet();
        Durable da = ma.ticket();
        b.appended.incrementAndGet();
        Durable db = mb.ticket();

        db.await();
        da.await();

        assertThat(a.syncs.get()).as("a synced once").isEqualTo(1);
        assertThat(b.syncs.get()).as("b synced once").isEqualTo(1);
        assertThat(idle.syncs.get())
                .as("a member nobody appended to is not synced")
                .isZero();
        assertThat(group.figures().rounds()).as("both in one round").isEqualTo(1);
    }

    @Test
    void anAppendMadeWhileASyncRunsWaitsForTheNextOne() throws Exception {
        GroupCommit group = new GroupCommit("test");
        CountDownLatch syncing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger syncs = new AtomicInteger();
        AtomicBoolean first = new AtomicBoolean(true);
        Member m = group.join("f", () -> {
            syncs.incrementAndGet();
            if (first.getAndSet(false)) {
                syncing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
        });
        Durable early = m.ticket();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> leader = pool.submit(() -> {
                early.await();
                return null;
            });
            assertThat(syncing.await(10, TimeUnit.SECONDS)).isTrue();
            Durable late = m.ticket();
            release.countDown();
            late.await();
            leader.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(syncs.get()).as("the late append needed a sync of its own").isEqualTo(2);
    }

    @Test
    void aFailedSyncFailsItsMembersWaitersOnly() throws Exception {
        GroupCommit group = new GroupCommit("test");
        AtomicBoolean failing = new AtomicBoolean(true);
        Member bad = group.join("bad-file", () -> {
            if (failing.get()) {
                throw new IOException("No space left on device");
            }
        });
        Member good = group.join("good-file", () -> {});
        Durable b = bad.ticket();
        Durable g = good.ticket();

        assertThatThrownBy(b::await)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("bad-file")
                .hasRootCauseMessage("No space left on device");
        g.await();
        // The member's owner decides whether it goes on: an append after the failure has its own sync.
        failing.set(false);
        bad.ticket().await();
    }

    @Test
    void anInterruptNeitherAbandonsTheWaitNorIsLost() throws Exception {
        GroupCommit group = new GroupCommit("test");
        AtomicBoolean interruptedInSync = new AtomicBoolean();
        Member m = group.join(
                "f", () -> interruptedInSync.set(Thread.currentThread().isInterrupted()));
        Durable d = m.ticket();
        Thread.currentThread().interrupt();
        try {
            d.await();
            assertThat(interruptedInSync)
                    .as("the sync runs without the interrupt (a FileChannel would close)")
                    .isFalse();
            assertThat(Thread.currentThread().isInterrupted())
                    .as("the interrupt is kept")
                    .isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(group.figures().syncs()).isEqualTo(1);
    }
}
