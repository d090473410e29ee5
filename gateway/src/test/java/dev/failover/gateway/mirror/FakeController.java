package dev.failover.gateway.mirror;

import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.link.StatusReading;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * A controller link over an in-memory table of raw tag values, for the mirror's unit tests: every
 * {@code readTags} and {@code writeTags} call is recorded, and failures are scripted. Only the tag
 * methods are implemented; the mirror uses nothing else. Thread-safe.
 */
final class FakeController implements ControllerLink {

    private final String id;
    private final Map<String, Double> raw = new HashMap<>();
    private final List<List<String>> reads = new ArrayList<>();
    private final List<Map<String, Double>> writes = new ArrayList<>();
    private LinkResult<double[]> readFailure;
    private LinkResult<double[]> writeFailure;
    private DoubleUnaryOperator keeps = v -> v;
    private Runnable afterRead = () -> {};
    private Runnable duringWrite = () -> {};

    FakeController(String id) {
        this.id = id;
    }

    synchronized FakeController set(String tag, double value) {
        raw.put(tag, value);
        return this;
    }

    synchronized double get(String tag) {
        return raw.get(tag);
    }

    /** Every readTags call, as the tag names asked for. */
    synchronized List<List<String>> reads() {
        return List.copyOf(reads);
    }

    /** Every writeTags call, as the raw values by tag name. */
    synchronized List<Map<String, Double>> writes() {
        return List.copyOf(writes);
    }

    synchronized void failReads(LinkResult<double[]> failure) {
        this.readFailure = failure;
    }

    synchronized void failWrites(LinkResult<double[]> failure) {
        this.writeFailure = failure;
    }

    /** What the controller keeps of a written raw value (the identity unless a test clamps). */
    synchronized void keeps(DoubleUnaryOperator keeps) {
        this.keeps = keeps;
    }

    /** Runs {@code action} at each read, after the values are taken. */
    synchronized void onRead(Runnable action) {
        this.afterRead = action;
    }

    /** Runs {@code action} inside each write, before the values are stored (outside this object's lock). */
    void duringWrite(Runnable action) {
        this.duringWrite = action;
    }

    @Override
    public String controllerId() {
        return id;
    }

    @Override
    public String endpoint() {
        return "fake://" + id;
    }

    @Override
    public LinkResult<StatusReading> readStatus(java.time.Duration deadline) {
        throw new UnsupportedOperationException("the mirror does not poll");
    }

    @Override
    public LinkResult<StatusReading> writeRole(RuntimeRole role) {
        throw new UnsupportedOperationException("the mirror never writes a role");
    }

    @Override
    public java.time.Duration responseTimeout() {
        return java.time.Duration.ofMillis(15);
    }

    @Override
    public void adapt(java.time.Duration deadline) {}

    @Override
    public LinkResult<StatusReading> readStatusForControl(java.time.Duration deadline) {
        throw new UnsupportedOperationException("the mirror does not poll");
    }

    @Override
    public LinkResult<double[]> writeTags(List<TagConfig> tags, double[] values) {
        duringWrite.run();
        synchronized (this) {
            Map<String, Double> written = new LinkedHashMap<>();
            for (int i = 0; i < tags.size(); i++) {
                written.put(tags.get(i).name(), values[i]);
            }
            writes.add(written);
            if (writeFailure != null) {
                return writeFailure;
            }
            double[] held = new double[tags.size()];
            for (int i = 0; i < tags.size(); i++) {
                raw.put(tags.get(i).name(), keeps.applyAsDouble(values[i]));
                held[i] = raw.get(tags.get(i).name());
            }
            return LinkResult.ok(held, 1_000);
        }
    }

    @Override
    public LinkResult<double[]> readTags(List<TagConfig> tags) {
        Runnable after;
        LinkResult<double[]> result;
        synchronized (this) {
            reads.add(tags.stream().map(TagConfig::name).toList());
            after = afterRead;
            if (readFailure != null) {
                result = readFailure;
            } else {
                double[] values = new double[tags.size()];
                for (int i = 0; i < tags.size(); i++) {
                    values[i] = raw.getOrDefault(tags.get(i).name(), 0.0);
                }
                result = LinkResult.ok(values, 1_000);
            }
        }
        after.run();
        return result;
    }

    @Override
    public boolean secure() {
        return true;
    }

    @Override
    public void close() {}
}
