/**
 * Optimizers over a skeletal {@link org.tensorkit.models.optimizers.Optimizer} that owns the step counter, the
 * learning rate, the per-weight state and the lazy row-sparse step: {@link org.tensorkit.models.optimizers.Sgd}
 * (momentum, Nesterov) and {@link org.tensorkit.models.optimizers.Adam}, with Keras's defaults and update rules.
 * They consume one step's merged {@link org.tensorkit.models.optimizers.WeightGradient}s.
 */
package org.tensorkit.models.optimizers;
