/**
 * What a tensorkit user holds: {@link org.tensorkit.core.Tensor} (an immutable-shape view of an ND4J
 * {@code INDArray}, with numpy's factories, indexing and printing), {@link org.tensorkit.core.Shape} (a
 * Python-tuple-printing shape with unknown dimensions, and numpy's axis arithmetic) and
 * {@link org.tensorkit.core.DType} (numpy dtype names).
 *
 * <p>Two packages beside it: {@code org.tensorkit.core.format}, numpy's printing rules, and
 * {@code org.tensorkit.core.internal}, the hot-path machinery of tensorkit's own modules (not API).
 */
package org.tensorkit.core;
