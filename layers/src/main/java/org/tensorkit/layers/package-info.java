/**
 * Layers and the symbolic graph below models, in the manner of Keras.
 *
 * <p>A {@link org.tensorkit.layers.Layer} owns its {@link org.tensorkit.layers.Weight}s, has a pure output shape
 * function and describes itself as data ({@link org.tensorkit.layers.Layer#config()}, rebuilt by
 * {@link org.tensorkit.layers.Layers#fromConfig}). Calling it on a {@link org.tensorkit.layers.SymbolicTensor}
 * records a {@link org.tensorkit.layers.Node} and returns a new symbolic tensor, so one layer object (and its one
 * set of weights) can sit in any number of models. Calling it on a {@link org.tensorkit.core.Tensor} runs it
 * eagerly. Layers of one input extend {@link org.tensorkit.layers.SingleInputLayer}, merging layers
 * {@link org.tensorkit.layers.Merge}.
 *
 * <p>Concrete layers: {@link org.tensorkit.layers.InputLayer} (made by {@link org.tensorkit.layers.Input}),
 * {@link org.tensorkit.layers.Embedding}, {@link org.tensorkit.layers.Flatten},
 * {@link org.tensorkit.layers.Dense} (with an {@link org.tensorkit.layers.Activation}),
 * {@link org.tensorkit.layers.Dropout}, {@link org.tensorkit.layers.Dot} and
 * {@link org.tensorkit.layers.Concatenate}. Weights start from an {@link org.tensorkit.layers.Initializer} and
 * may carry a {@link org.tensorkit.layers.Regularizer} ({@link org.tensorkit.layers.Regularizers}); training
 * sends weight gradients to a {@link org.tensorkit.layers.GradientSink} within a
 * {@link org.tensorkit.layers.CallContext}. {@link org.tensorkit.layers.Names} gives Keras's default names.
 *
 * <p>This package never depends on {@code org.tensorkit.models}.
 */
package org.tensorkit.layers;
