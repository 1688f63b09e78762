package org.tensorkit.models.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code fit} returns, Keras's {@code History}: per epoch, the training loss and metrics (means over the
 * epoch's samples, as logged) and, with validation, the same on the validation rows prefixed {@code val_}.
 * Keys in Keras's order: {@code loss}, each metric, {@code val_loss}, each {@code val_} metric.
 */
public final class History {
    private final Map<String, List<Double>> values = new LinkedHashMap<>();
    private final List<Integer> epoch = new ArrayList<>();

    History() {
    }

    /**
     * The History of epochs (or rounds) numbered from {@code firstEpoch}, one map of logs each, all with the same
     * keys: what a training loop outside {@code fit} (a distributed one, say) reports in {@code fit}'s shape.
     *
     * @throws IllegalArgumentException if {@code firstEpoch} is negative or the logs' keys differ
     */
    public static History of(int firstEpoch, List<Map<String, Double>> logs) {
        if (firstEpoch < 0) {
            throw new IllegalArgumentException("firstEpoch must be >= 0, got " + firstEpoch);
        }
        History h = new History();
        for (int i = 0; i < logs.size(); i++) {
            h.add(firstEpoch + i, logs.get(i));
        }
        return h;
    }

    /** Appends the logs of epoch {@code number}. */
    void add(int number, Map<String, Double> logs) {
        if (!epoch.isEmpty() && !logs.keySet().equals(values.keySet())) {
            throw new IllegalArgumentException("epoch logs " + logs.keySet() + " differ from " + values.keySet());
        }
        epoch.add(number);
        logs.forEach((k, v) -> values.computeIfAbsent(k, key -> new ArrayList<>()).add(v));
    }

    /** Keras's {@code history.history}: key to one value per epoch, in key order (a read-only copy). */
    public Map<String, List<Double>> history() {
        Map<String, List<Double>> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(copy);
    }

    /** The values of one key, one per epoch. */
    public List<Double> get(String key) {
        List<Double> v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("History has no key \"" + key + "\"; keys: " + values.keySet());
        }
        return List.copyOf(v);
    }

    /** The last epoch's value of a key. */
    public double last(String key) {
        List<Double> v = get(key);
        if (v.isEmpty()) {
            throw new IllegalStateException("no epoch was run");
        }
        return v.get(v.size() - 1);
    }

    /** Keras's {@code history.epoch}: {@code [0, 1, ..., epochs - 1]}. */
    public List<Integer> epoch() {
        return List.copyOf(epoch);
    }

    /** The number of epochs run. */
    public int epochs() {
        return epoch.size();
    }

    /** Equal when every key and every value is equal, to the bit. */
    @Override
    public boolean equals(Object o) {
        return o instanceof History h && h.values.equals(values) && h.epoch.equals(epoch);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "History" + values;
    }
}
