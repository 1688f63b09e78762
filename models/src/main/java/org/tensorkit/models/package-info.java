/**
 * Models in the manner of Keras: the functional {@link org.tensorkit.models.Model} (a graph of layer calls from
 * {@code Input} tensors to outputs) and {@link org.tensorkit.models.Sequential} (a stack of layers), over their
 * sealed common base {@link org.tensorkit.models.Network}: layers, shared weights, {@code predict} (and a serving
 * loop's {@link org.tensorkit.models.Predictor}, whose results need no close), {@code compile}/{@code fit}/
 * {@code evaluate}/{@code trainOnBatch}, and Keras's summary ({@link org.tensorkit.models.SummaryFormatter}).
 *
 * <p>The rooms beside it: {@code org.tensorkit.models.engine} (the traced graph, its forward and backward walks,
 * input standardisation and the batch loop), {@code org.tensorkit.models.training} (the training loop, its options,
 * history and progress bar), {@code org.tensorkit.models.optimizers} (SGD, Adam) and
 * {@code org.tensorkit.models.losses} (losses and metrics).
 */
package org.tensorkit.models;
