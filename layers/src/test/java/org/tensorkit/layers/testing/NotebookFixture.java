package org.tensorkit.layers.testing;

import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Embedding;

/** The categorical-embeddings notebook's table and layer, shared by the tests that start from it. */
public final class NotebookFixture {
    /** {@code np.arange(40, dtype=float32).reshape(10, 4)}: the notebook's embedding matrix. */
    public static final Tensor MATRIX = Tensor.arange(40, DType.FLOAT32).reshape(10, 4);

    private NotebookFixture() {
    }

    /** The notebook's {@code embedding_layer}: 10 ids, size 4, loaded with {@link #MATRIX}, named My_embedding. */
    public static Embedding embedding() {
        return Embedding.builder().outputDim(4).inputDim(10).weights(MATRIX).inputLength(1).name("My_embedding")
                .build();
    }
}
