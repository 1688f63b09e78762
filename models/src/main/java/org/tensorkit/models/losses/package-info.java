/**
 * Keras's losses ({@link org.tensorkit.models.losses.Losses}: mse, mae, binary and sparse categorical
 * crossentropy, each a {@link org.tensorkit.models.losses.Loss} with its gradient) and metrics
 * ({@link org.tensorkit.models.losses.Metrics}: mse, mae, accuracy, each a
 * {@link org.tensorkit.models.losses.Metric}).
 */
package org.tensorkit.models.losses;
