package dev.failover.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventBusTest {

    private static GatewayEvent event(int n) {
        return new GatewayEvent(Instant.EPOCH, "p", "", "event " + n, new PairDetail.DetectionArmed());
    }

    private static List<String> messages(List<GatewayEvent> events) {
        return events.stream().map(GatewayEvent::message).toList();
    }

    @Test
    void aDirectSinkHasTheEventBeforePublishReturnsAWriterInOrderAfterFlush() {
        EventBus bus = new EventBus();
        List<GatewayEvent> direct = new CopyOnWriteArrayList<>();
        List<GatewayEvent> written = new CopyOnWriteArrayList<>();
        bus.add(direct::add).addWriter(written::add);

        for (int i = 0; i < 500; i++) {
            bus.publish(event(i));
            assertThat(direct).hasSize(i + 1);
        }

        assertThat(bus.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(messages(written)).isEqualTo(messages(direct));
        bus.close(Duration.ofSeconds(1));
    }

    @Test
    void aSlowWriterDoesNotHoldUpThePublisher() throws InterruptedException {
        EventBus bus = new EventBus();
        CountDownLatch release = new CountDownLatch(1);
        List<GatewayEvent> written = new CopyOnWriteArrayList<>();
        bus.addWriter(e -> {
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            written.add(e);
        });

        // The writer is blocked (a stalled disk): publishing still returns, and flush says it is not done.
        bus.publish(event(1));
        bus.publish(event(2));
        assertThat(bus.flush(Duration.ofMillis(50))).isFalse();
        assertThat(written).isEmpty();

        release.countDown();
        assertThat(bus.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(messages(written)).containsExactly("event 1", "event 2");
        bus.close(Duration.ofSeconds(1));
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() throws InterruptedException {
        EventBus bus = new EventBus();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstTaken = new CountDownLatch(1);
        List<GatewayEvent> written = new CopyOnWriteArrayList<>();
        bus.addWriter(e -> {
            firstTaken.countDown();
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            written.add(e);
        });
        bus.publish(event(0));
        assertThat(firstTaken.await(10, TimeUnit.SECONDS)).isTrue();

        // One is with the writer; the queue then takes QUEUE_LIMIT more, and the rest are dropped.
        for (int i = 1; i <= EventBus.QUEUE_LIMIT + 25; i++) {
            bus.publish(event(i));
        }
        assertThat(bus.dropped()).isEqualTo(25);

        release.countDown();
        assertThat(bus.flush(Duration.ofSeconds(30))).isTrue();
        assertThat(written).hasSize(EventBus.QUEUE_LIMIT + 1);
        assertThat(written.getLast().message()).isEqualTo("event " + EventBus.QUEUE_LIMIT);
        bus.close(Duration.ofSeconds(1));
    }

    @Test
    void closeWritesWhatIsQueuedAndLaterEventsAreWrittenOnThePublishingThread() {
        EventBus bus = new EventBus();
        List<String> written = new CopyOnWriteArrayList<>();
        bus.addWriter(
                e -> written.add(e.message() + " on " + Thread.currentThread().getName()));
        for (int i = 0; i < 100; i++) {
            bus.publish(event(i));
        }

        bus.close(Duration.ofSeconds(10));

        assertThat(written).hasSize(100).allMatch(w -> w.endsWith("on event-writer"));
        bus.publish(event(100));
        assertThat(written).hasSize(101);
        assertThat(written.getLast())
                .isEqualTo("event 100 on " + Thread.currentThread().getName());
    }

    @Test
    void aFailingSinkDoesNotKeepTheEventFromTheOthers() {
        EventBus bus = new EventBus();
        List<GatewayEvent> direct = new CopyOnWriteArrayList<>();
        List<GatewayEvent> written = new CopyOnWriteArrayList<>();
        bus.add(e -> {
                    throw new IllegalStateException("broken sink");
                })
                .add(direct::add)
                .addWriter(e -> {
                    throw new IllegalStateException("broken writer");
                })
                .addWriter(written::add);

        bus.publish(event(1));

        assertThat(bus.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(direct).hasSize(1);
        assertThat(written).hasSize(1);
        bus.close(Duration.ofSeconds(1));
    }
}
