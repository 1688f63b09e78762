/**
 * <b>Internal: not API.</b> The machinery tensorkit's own modules share: the validated row gather behind
 * {@code Embedding} and {@code Tensor.take} ({@link org.tensorkit.core.internal.RowGather}, split over threads by
 * {@code ParallelRows}, copying by address with {@code NativeMemory}), the pool of reusable output buffers
 * ({@link org.tensorkit.core.internal.OutputBuffers}), cached array headers and dense-array predicates
 * ({@link org.tensorkit.core.internal.NdArrays}), bulk moves between ND4J and Java arrays
 * ({@link org.tensorkit.core.internal.BulkData}), row-set merges, gathers and scatters for row-sparse training
 * ({@link org.tensorkit.core.internal.RowSparse}), segments of scattered table rows by address
 * ({@link org.tensorkit.core.internal.TableRows}), huge pages under trained tables
 * ({@link org.tensorkit.core.internal.HugePages}), ND4J's thread setting
 * ({@link org.tensorkit.core.internal.Nd4jThreads}), string arrays in ND4J's UTF8 layout
 * ({@link org.tensorkit.core.internal.StringArrays}), seed mixing ({@link org.tensorkit.core.internal.Seeds})
 * and the door through which those modules make tensors that own their memory
 * ({@link org.tensorkit.core.internal.Tensors}).
 *
 * <p>Everything here may change in any release. It is public only because Java has no other way to share code
 * between tensorkit's modules short of JPMS, which ND4J 1.0.0-M2.1 does not support (see the README's
 * "Modules" section).
 */
package org.tensorkit.core.internal;
