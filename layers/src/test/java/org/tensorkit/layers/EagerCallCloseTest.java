package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tensorkit.core.Tensor;

/** {@code layer.call(tensor)} results own what the layer computed, and only that. */
class EagerCallCloseTest {
    @Test
    void closingAnEmbeddingResultLetsTheNextCallReuseItsBuffer() {
        Embedding emb = Embedding.builder().inputDim(10).outputDim(64)
                .weights(Tensor.arange(640, org.tensorkit.core.DType.FLOAT32).reshape(10, 64)).build();
        Tensor ids = Tensor.of(new int[][] {{1}, {2}, {3}});
        Tensor first = emb.call(ids);
        long address = first.unwrap().data().address();
        first.close();
        try (Tensor second = emb.call(Tensor.of(new int[][] {{9}, {0}, {4}}))) {
            assertEquals(address, second.unwrap().data().address());
            assertEquals(9 * 64f, second.toFloatArray()[0]);
            assertEquals(4 * 64f + 63, second.toFloatArray()[3 * 64 - 1]);
        }
        assertArrayEquals(new int[] {1, 2, 3}, ids.toIntArray());
    }

    @Test
    void closingAFlattenResultThatViewsTheInputLeavesTheInputIntact() {
        Tensor input = Tensor.of(new float[][] {{1, 2}, {3, 4}});
        Tensor flat = Flatten.create().call(input);
        flat.close();
        assertArrayEquals(new float[] {1, 2, 3, 4}, input.toFloatArray());
    }
}
