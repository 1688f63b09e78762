package org.tensorkit.models.training;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.tensorkit.models.losses.Loss;
import org.tensorkit.models.losses.Metric;
import org.tensorkit.models.optimizers.Optimizer;

/**
 * What {@code compile} fixed: the optimizer (with its state), the loss and the metrics, whose names (and
 * {@code loss}) must be unique since they key the {@link History}.
 */
public record Compiled(Optimizer optimizer, Loss loss, List<Metric> metrics) {
    /** Checks that every part is given and that the metric names are unique. */
    public Compiled {
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
