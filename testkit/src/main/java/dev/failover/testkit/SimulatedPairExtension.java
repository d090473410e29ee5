package dev.failover.testkit;

import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.events.EventDetail;
import dev.failover.gateway.events.GatewayEvent;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives a test the simulated pair as a parameter: plc-a active and plc-b
 * standby in process on 127.0.0.1, their output-enable relays, and a gateway with the default policy
 * supervising them, PROTECTED with plc-a active before the test starts, closed after it. A parameter
 * of type {@link Events} gets what that gateway published. {@link Fences} on the test or its class
 * says whether the relays are the gateway's fences (default: they are).
 *
 * <pre>{@code
 * @ExtendWith(SimulatedPairExtension.class)
 * class SomeIT {
 *     @Test
 *     void something(SimPair pair, SimulatedPairExtension.Events events) { ... }
 * }
 * }</pre>
 */
public final class SimulatedPairExtension implements ParameterResolver {

    /** How long the pair may take to become PROTECTED on a loaded machine. */
    private static final Duration PROTECTED_WITHIN = Duration.ofSeconds(20);

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SimulatedPairExtension.class);

    /** Whether the relay box's outputs are the gateway's fences. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.METHOD, ElementType.TYPE})
    public @interface Fences {
        boolean value() default true;
    }

    /** The events the pair's gateway published, in order; thread-safe. */
    public static final class Events {
        private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();

        /** Every event so far. */
        public List<GatewayEvent> all() {
            return List.copyOf(events);
        }

        /** The details of the events of kind {@code kind} so far, in order. */
        public <T extends EventDetail> List<T> of(Class<T> kind) {
            return events.stream()
                    .map(GatewayEvent::detail)
                    .filter(kind::isInstance)
                    .map(kind::cast)
                    .toList();
        }
    }

    /** The pair and its events, closed by JUnit when the test's context ends. */
    private record Started(SimPair pair, Events events) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            pair.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == SimPair.class || type == Events.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Started started =
                context.getStore(NAMESPACE).getOrComputeIfAbsent(Started.class, k -> start(context), Started.class);
        return parameter.getParameter().getType() == SimPair.class ? started.pair() : started.events();
    }

    private static Started start(ExtensionContext context) {
        boolean fences = context.getTestMethod()
                .map(m -> m.getAnnotation(Fences.class))
                .or(() -> context.getTestClass().map(c -> c.getAnnotation(Fences.class)))
                .map(Fences::value)
                .orElse(true);
        Events events = new Events();
        SimPair pair;
        try {
            pair = SimPair.start(FailoverPolicy.defaults(), fences, events.events::add);
        } catch (java.io.IOException e) {
            throw new ParameterResolutionException("the simulated pair could not start: " + e.getMessage(), e);
        }
        try {
            SimPair.await(
                    "the simulated pair PROTECTED with plc-a active",
                    PROTECTED_WITHIN,
                    () -> pair.protectedWith(SimPair.A));
        } catch (java.util.concurrent.TimeoutException | InterruptedException e) {
            pair.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new ParameterResolutionException(e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            pair.close();
            throw e;
        }
        return new Started(pair, events);
    }
}
