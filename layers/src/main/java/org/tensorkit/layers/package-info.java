/**
 * Layers and the symbolic graph below models, in the manner of Keras.
 *
 * <p>A {@link org.tensorkit.layers.Layer} owns its {@link org.tensorkit.layers.Weight}s and has a pure output
 * shape function. Calling it on a {@link org.tensorkit.layers.SymbolicTensor} records a
 * {@link org.tensorkit.layers.Node} and returns a new symbolic tensor, so one layer object (and its one set of
 * weights) can sit in any number of models. Calling it on a {@link org.tensorkit.core.Tensor} runs it eagerly.
 * Concrete layers: {@link org.tensorkit.layers.InputLayer} (made by {@link org.tensorkit.layers.Input}),
 * {@link org.tensorkit.layers.Embedding} and {@link org.tensorkit.layers.Flatten}.
 *
 * <p>This package never depends on {@code org.tensorkit.models}.
 */
package org.tensorkit.layers;
