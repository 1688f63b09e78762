/**
 * numpy 1.x printing, byte for byte: {@link org.tensorkit.core.format.NumpyFormat} gives {@code str} and
 * {@code repr} of arrays and Python's {@code repr} of a list of arrays; the float digits come from a port of
 * numpy's Dragon4 in each array's own dtype ({@code Dragon4}, {@code BinaryFloat}, {@code Half}), the per-array
 * float format from {@code FloatFormat}, the nesting, summarising and line wrapping from {@code ArrayLayout}.
 * {@code Tensor.toString()} and {@code Tensor.repr()} are the usual entry points.
 */
package org.tensorkit.core.format;
