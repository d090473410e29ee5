package dev.failover.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** A sample of durations in milliseconds and its order statistics. */
final class Stats {

    private final List<Double> values = new ArrayList<>();

    void add(double millis) {
        values.add(millis);
    }

    int count() {
        return values.size();
    }

    /** The q-quantile by the nearest-rank method; NaN when empty. */
    double quantile(double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    double min() {
        return quantile(0);
    }

    double max() {
        return quantile(1);
    }

    /** "min / median / p99 / max" with one decimal. */
    String summary() {
        return String.format(Locale.ROOT, "%6.1f / %6.1f / %6.1f / %6.1f", min(), quantile(0.5), quantile(0.99), max());
    }
}
