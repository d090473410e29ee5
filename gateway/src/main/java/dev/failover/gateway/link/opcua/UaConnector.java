package dev.failover.gateway.link.opcua;

import dev.failover.gateway.Ticker;
import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.opcua.UaFailures.Failure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.structured.WriteValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Keeps one {@link UaConnection} to a controller open, on a thread of its own, so that callers never
 * wait for a connection to be made: they get the open connection or, at once, why there is none.
 *
 * <p>An attempt discovers the endpoint, opens the secure channel and the session, resolves the
 * status nodes, warms the Read and Write paths up with one harmless exchange each, and creates the
 * status subscription (if asked for; a subscription that cannot be made is retried later and does
 * not fail the attempt). Only then is the connection handed out.
 *
 * <p>States: {@link Connecting} (an attempt runs) → {@link Connected} on success, or {@link
 * BackingOff} on failure, which returns to {@link Connecting} after the back-off: the response
 * timeout at first, doubling up to {@code maxBackoff}, reset by a successful connection. A lost
 * connection goes from {@link Connected} straight to {@link Connecting}. {@link Closed} is final.
 * Milo's own reconnection (delays up to 16 s) is not used: a lost connection's client is
 * disconnected and a new one made, which also creates the session, the namespace table and the
 * subscription afresh (a restarted server has none of the old ones).
 *
 * <p>The first call after a failed attempt reports that attempt's error (a refused certificate is
 * {@link LinkError#SECURITY}, a closed port {@link LinkError#UNREACHABLE}); later calls during the
 * back-off report {@link LinkError#BACKING_OFF} with it in the detail. Thread-safe.
 */
final class UaConnector implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UaConnector.class);

    /** How long after a failed attempt to create the status subscription the next may start. */
    static final Duration SUBSCRIPTION_RETRY = Duration.ofSeconds(1);

    /** The state of the connection; see the class comment. */
    sealed interface State permits Connecting, Connected, BackingOff, Closed {}

    /** @param previous why the last connection or attempt failed, {@code null} at start */
    record Connecting(Failure previous) implements State {}

    record Connected(UaConnection connection) implements State {}

    record BackingOff(long untilNanos, Failure cause, AtomicBoolean reported) implements State {}

    record Closed() implements State {}

    private final String name;
    private final String controllerId;
    private final UaClients clients;
    private final List<String> statusNodes;
    private final Ticker ticker;
    private final Duration timeout;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    private final Duration publishing;
    private final Duration warmUpTimeout;
    private final ScheduledExecutorService executor;
    private final AtomicReference<State> state = new AtomicReference<>(new Connecting(null));

    // Touched only on the connector thread.
    private long backoffNanos;
    private int failuresInARow;

    /**
     * @param publishing the status subscription's publishing interval, {@code null} for no subscription
     * @param warmUpTimeout how long the first exchanges on a new connection may take
     */
    UaConnector(
            String controllerId,
            String name,
            UaClients clients,
            List<String> statusNodes,
            Ticker ticker,
            Duration timeout,
            Duration maxBackoff,
            Duration publishing,
            Duration warmUpTimeout) {
        this.controllerId = controllerId;
        this.name = name;
        this.clients = clients;
        this.statusNodes = List.copyOf(statusNodes);
        this.ticker = ticker;
        this.timeout = timeout;
        this.initialBackoffNanos = timeout.toNanos();
        this.maxBackoffNanos = Math.max(initialBackoffNanos, maxBackoff.toNanos());
        this.publishing = publishing;
        this.warmUpTimeout = warmUpTimeout;
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(
                1,
                Thread.ofPlatform().name("opcua-" + controllerId).daemon(true).factory());
        pool.setRemoveOnCancelPolicy(true);
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.executor = pool;
    }

    /** Starts the first connection attempt. */
    void start() {
        run(this::attempt);
    }

    State state() {
        return state.get();
    }

    /** The open connection, or {@code null}. */
    UaConnection connection() {
        return state.get() instanceof Connected c && !c.connection().lost() ? c.connection() : null;
    }

    /** Why there is no open connection now; see the class comment. */
    <T> LinkResult<T> notConnected() {
        return switch (state.get()) {
            case Connecting c
            when c.previous() == null -> LinkResult.failed(LinkError.UNREACHABLE, "connecting to " + name);
            case Connecting c -> c.previous().result(name + " (reconnecting)");
            case Connected c -> {
                Failure loss = c.connection().loss();
                yield loss == null
                        ? LinkResult.failed(LinkError.CONNECTION_LOST, name + ": connection lost")
                        : loss.result(name + " (reconnecting)");
            }
            case BackingOff b
            when b.reported().compareAndSet(false, true) -> b.cause().result(name);
            case BackingOff b ->
                LinkResult.failed(
                        LinkError.BACKING_OFF,
                        "next connection attempt to " + name + " in "
                                + Math.max(0, (b.untilNanos() - ticker.nanos()) / 1_000_000) + " ms; last attempt: "
                                + b.cause().error() + " " + b.cause().detail());
            case Closed c -> LinkResult.failed(LinkError.UNREACHABLE, "link to " + name + " is closed");
        };
    }

    private void attempt() {
        State current = state.get();
        if (!(current instanceof Connecting connecting)) {
            return;
        }
        long start = ticker.nanos();
        OpcUaClient client;
        try {
            client = clients.connect();
        } catch (UaException e) {
            failed(connecting, UaFailures.ofConnect(e));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            failed(connecting, UaFailures.ofConnect(e));
            return;
        }
        UaConnection connection;
        try {
            connection = UaConnection.open(name, client, ticker, statusNodes, this::lost, timeout.multipliedBy(10));
        } catch (UaConnection.UnknownNode e) {
            client.disconnectAsync();
            failed(connecting, new Failure(LinkError.PROTOCOL, e.getMessage()));
            return;
        } catch (ExecutionException | TimeoutException e) {
            client.disconnectAsync();
            failed(connecting, UaFailures.ofConnect(e));
            return;
        } catch (InterruptedException e) {
            client.disconnectAsync();
            Thread.currentThread().interrupt();
            return;
        }
        Failure cold = warmUp(connection);
        if (cold != null) {
            connection.close();
            failed(connecting, cold);
            return;
        }
        if (publishing != null && connection.startSubscribing()) {
            subscribe(connection);
        }
        if (!state.compareAndSet(connecting, new Connected(connection))) {
            connection.close();
            return;
        }
        log.info(
                "{}: connected in {} ms{}",
                name,
                (ticker.nanos() - start) / 1_000_000,
                failuresInARow > 0 ? " after " + failuresInARow + " failed attempts" : "");
        backoffNanos = 0;
        failuresInARow = 0;
        if (connection.lost()) {
            // Lost while it was being installed: the callback found it not yet current.
            lost(connection, connection.loss());
        }
    }

    /**
     * One Read of the status block and one empty Write before the connection is used: the first
     * exchange of each kind loads and compiles code on both sides, and must not be a poll or, worse,
     * the promotion of a failover, which have a response timeout of a few milliseconds. An empty
     * Write changes nothing: the server answers {@code Bad_NothingToDo}.
     *
     * @return why the connection is unusable, or {@code null}
     */
    private Failure warmUp(UaConnection connection) {
        LinkResult<UaConnection.ReadAnswer> read = connection.read(connection.statusNodes(), warmUpTimeout);
        if (read instanceof LinkResult.Failed<UaConnection.ReadAnswer> f && f.error() != LinkError.REJECTED) {
            return new Failure(f.error(), "first read of the status block: " + f.detail());
        }
        LinkResult<UaConnection.WriteAnswer> write = connection.write(new WriteValue[0], warmUpTimeout);
        if (write instanceof LinkResult.Failed<UaConnection.WriteAnswer> f && f.error() != LinkError.REJECTED) {
            return new Failure(f.error(), "first (empty) write: " + f.detail());
        }
        return null;
    }

    private void failed(Connecting attempt, Failure failure) {
        failuresInARow++;
        backoffNanos = backoffNanos == 0 ? initialBackoffNanos : Math.min(maxBackoffNanos, backoffNanos * 2);
        long until = ticker.nanos() + backoffNanos;
        BackingOff backingOff = new BackingOff(until, failure, new AtomicBoolean());
        if (!state.compareAndSet(attempt, backingOff)) {
            return;
        }
        Failure previous = attempt.previous();
        if (failuresInARow == 1 || previous == null || previous.error() != failure.error()) {
            log.warn("{}: cannot connect: {} {}", name, failure.error(), failure.detail());
        } else {
            log.debug(
                    "{}: cannot connect (attempt {}): {} {}", name, failuresInARow, failure.error(), failure.detail());
        }
        schedule(
                () -> {
                    if (state.compareAndSet(backingOff, new Connecting(failure))) {
                        attempt();
                    }
                },
                backoffNanos);
    }

    /** Called once per connection, by the connection, when it is lost. */
    private void lost(UaConnection connection, Failure why) {
        State current = state.get();
        if (current instanceof Connected c
                && c.connection() == connection
                && state.compareAndSet(current, new Connecting(why))) {
            connection.close();
            run(this::attempt);
        }
    }

    /**
     * Makes sure the connection has a working status subscription: re-creates it on the connector
     * thread if it broke, or if none could be made and the last attempt is a second old.
     */
    void ensureSubscription(UaConnection connection) {
        if (publishing == null || connection.lost()) {
            return;
        }
        StatusSubscription s = connection.subscription();
        long attempted = connection.subscriptionAttemptNanos();
        boolean due = s == null
                ? attempted == Long.MIN_VALUE || ticker.nanos() - attempted >= SUBSCRIPTION_RETRY.toNanos()
                : s.broken();
        // One (re-)creation at a time, however many polls ask for it meanwhile.
        if (due && connection.startSubscribing() && !run(() -> subscribe(connection))) {
            connection.doneSubscribing();
        }
    }

    /** (Re-)creates the subscription; the caller has claimed {@link UaConnection#startSubscribing()}. */
    private void subscribe(UaConnection connection) {
        try {
            if (connection.lost() || state.get() instanceof Closed) {
                return;
            }
            StatusSubscription old = connection.subscription();
            if (old != null && !old.broken()) {
                return;
            }
            connection.subscription(null);
            if (old != null) {
                old.delete();
            }
            connection.subscriptionAttempt(ticker.nanos());
            StatusSubscription created = StatusSubscription.create(
                    name,
                    connection.client(),
                    connection.statusNodes(),
                    publishing,
                    ticker,
                    () -> ensureSubscription(connection));
            if (connection.lost()) {
                created.delete();
                return;
            }
            connection.subscription(created);
            log.debug(
                    "{}: subscribed to the status block, publishing every {}",
                    name,
                    UaConnection.millis(created.publishingInterval()));
        } catch (UaException e) {
            log.warn(
                    "{}: status subscription not created ({}); polling by Read meanwhile",
                    name,
                    UaFailures.describe(e));
        } catch (RuntimeException e) {
            log.warn("{}: status subscription not created; polling by Read meanwhile", name, e);
        } finally {
            connection.doneSubscribing();
        }
    }

    /** Runs {@code task} on the connector thread; {@code false} once closed. */
    private boolean run(Runnable task) {
        try {
            executor.execute(() -> withMdc(task));
            return true;
        } catch (RejectedExecutionException e) {
            log.debug("{}: closed, not running {}", name, task);
            return false;
        }
    }

    private void schedule(Runnable task, long delayNanos) {
        try {
            executor.schedule(() -> withMdc(task), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("{}: closed, not scheduling", name);
        }
    }

    private void withMdc(Runnable task) {
        MDC.put("controller", controllerId);
        try {
            task.run();
        } catch (RuntimeException e) {
            // Never let the connector thread die: the link would never reconnect.
            log.error("{}: connector task failed", name, e);
        } finally {
            MDC.remove("controller");
        }
    }

    /** Closes the connection (waiting briefly so the server can end the session) and the thread. */
    @Override
    public void close() {
        State previous = state.getAndSet(new Closed());
        if (previous instanceof Closed) {
            return;
        }
        executor.shutdownNow();
        if (previous instanceof Connected c) {
            c.connection().closeAndWait(Duration.ofSeconds(1));
        }
        try {
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                log.warn("{}: connector thread did not stop within 2 s", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
