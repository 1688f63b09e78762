/**
 * Pretrained vectors in, trained tables out: readers and writers of word2vec (text and binary), GloVe and fastText
 * {@code .vec} files ({@link org.tensorkit.vectors.VectorReader}, {@link org.tensorkit.vectors.VectorWriter}), the
 * vectors read ({@link org.tensorkit.vectors.WordVectors} with its {@link org.tensorkit.vectors.ReadReport}), tables
 * built from them for a vocabulary with a {@link org.tensorkit.vectors.Coverage} report
 * ({@link org.tensorkit.vectors.PretrainedTable}), the TensorBoard projector's TSV files
 * ({@link org.tensorkit.vectors.ProjectorFiles}) and 2-D projections of a table ({@link org.tensorkit.vectors.Pca}).
 */
package org.tensorkit.vectors;
