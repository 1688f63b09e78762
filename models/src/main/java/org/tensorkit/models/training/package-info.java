/**
 * Keras's training loop: {@link org.tensorkit.models.training.Trainer} (fit, train_on_batch, evaluate),
 * {@link org.tensorkit.models.training.FitOptions}, {@link org.tensorkit.models.training.History},
 * {@link org.tensorkit.models.training.Verbosity} and Keras's progress bar, the compiled state
 * ({@link org.tensorkit.models.training.Compiled}), the gradient accumulator that merges a step's dense and
 * row-sparse gradients ({@link org.tensorkit.models.training.GradientAccumulator}) and the running means of the
 * logs ({@link org.tensorkit.models.training.RunningMean}).
 */
package org.tensorkit.models.training;
