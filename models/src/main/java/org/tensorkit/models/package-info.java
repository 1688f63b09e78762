/**
 * Models over layer graphs, in the manner of Keras: the functional {@link org.tensorkit.models.Model} (built from
 * {@link org.tensorkit.layers.Input} tensors and layer calls) and {@link org.tensorkit.models.Sequential} (a stack
 * of layers). Both are {@link org.tensorkit.models.Network}s: they list their layers, share weights with every
 * other model that uses the same layer objects, get and set weights, {@code predict} in batches, and print
 * tf.keras 2's {@code model.summary()} text (formatted by {@link org.tensorkit.models.SummaryFormatter}).
 *
 * <p>Inside the package, {@code Graph} is the traced graph (topological order, depths, layer order) and
 * {@code Execution} runs it on one batch, keeping every node's output and call context for a backward pass.
 */
package org.tensorkit.models;
