package dev.failover.gateway.link;

/**
 * The outcome of one exchange with a controller: a value, or the reason it failed. Failures are
 * expected outcomes on a plant network, so they are values rather than exceptions.
 */
public sealed interface LinkResult<T> {

    /** A successful exchange and its round-trip time. */
    record Ok<T>(T value, long latencyNanos) implements LinkResult<T> {}

    /** A failed exchange: the reason code and a human-readable detail. */
    record Failed<T>(LinkError error, String detail) implements LinkResult<T> {}

    static <T> LinkResult<T> ok(T value, long latencyNanos) {
        return new Ok<>(value, latencyNanos);
    }

    static <T> LinkResult<T> failed(LinkError error, String detail) {
        return new Failed<>(error, detail);
    }

    default boolean isOk() {
        return this instanceof Ok;
    }
}
