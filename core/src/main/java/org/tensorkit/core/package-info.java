/**
 * A small numpy for the JVM over ND4J: {@link org.tensorkit.core.Tensor} (an immutable-shape view of an
 * {@code INDArray}), {@link org.tensorkit.core.Shape} (a Python-tuple-printing shape value with unknown
 * dimensions), {@link org.tensorkit.core.DType} (numpy dtype names) and numpy-exact printing
 * ({@link org.tensorkit.core.NumpyFormat}).
 */
package org.tensorkit.core;
