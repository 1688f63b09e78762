package org.tensorkit.models;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.tensorkit.models.training.Loss;
import org.tensorkit.models.training.Metric;
import org.tensorkit.models.training.Optimizer;

/** What {@code compile} fixed: the optimizer (with its state), the loss and the metrics. */
record Compiled(Optimizer optimizer, Loss loss, List<Metric> metrics) {
    Compiled {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(loss, "loss");
        metrics = List.copyOf(metrics);
        Set<String> names = new HashSet<>(Set.of("loss"));
        for (Metric m : metrics) {
            if (!names.add(m.name())) {
                throw new IllegalArgumentException("metric name \"" + m.name() + "\" is given twice (or is "
                        + "\"loss\"): History keys must be unique");
            }
        }
    }
}
