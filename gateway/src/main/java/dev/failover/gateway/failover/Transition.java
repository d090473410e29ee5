package dev.failover.gateway.failover;

/** One change of pair state, with its reason; the failover controller keeps a log of these. */
public record Transition(long atNanos, PairState from, PairState to, String activeId, String reason) {}
