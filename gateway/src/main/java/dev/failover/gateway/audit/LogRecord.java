package dev.failover.gateway.audit;

/**
 * One record of the audit log as stored: its canonical JSON bytes (no line end) at {@code index}.
 *
 * @param index the record's position in the log, counted across its files from 0
 * @param bytes the record (RFC 8785 canonical JSON, UTF-8)
 */
public record LogRecord(long index, byte[] bytes) {}
