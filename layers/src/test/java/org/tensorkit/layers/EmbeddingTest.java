package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;

class EmbeddingTest {
    private final Tensor matrix = Tensor.arange(40, DType.FLOAT32).reshape(10, 4);

    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    private Embedding notebookEmbedding() {
        return Embedding.builder().outputDim(4).inputDim(10).weights(matrix).inputLength(1).name("My_embedding")
                .build();
    }

    @Test
    void symbolicCallRecordsANodeWithTheKerasShape() {
        Embedding e = notebookEmbedding();
        SymbolicTensor x = Input.builder().shape(1).name("Input").build();
        SymbolicTensor y = e.call(x);
        assertEquals(Shape.batchOf(1, 4), y.shape());
        assertEquals(DType.FLOAT32, y.dtype());
        assertEquals(e, y.layer());
        assertEquals(0, y.node().index());
        assertEquals(List.of(x), y.node().inputs());
        SymbolicTensor y2 = e.call(Input.shape(1));
        assertEquals(1, y2.node().index());
        assertEquals(2, e.inboundNodes().size());
        assertEquals(Shape.batchOf(1, 4), e.outputShape());
    }

    @Test
    void eagerLookupOfAnyRank() {
        Embedding e = notebookEmbedding();
        Tensor out = e.call(Tensor.of(new int[][] {{3}, {3}, {0}, {9}}));
        assertEquals(Shape.of(4, 1, 4), out.shape());
        assertEquals(DType.FLOAT32, out.dtype());
        assertArrayEquals(new float[] {12, 13, 14, 15, 12, 13, 14, 15, 0, 1, 2, 3, 36, 37, 38, 39},
                out.toFloatArray());
    }

    @Test
    void weightsAreCopiedCastAndNamedLikeKeras() {
        Embedding e = notebookEmbedding();
        assertEquals("My_embedding/embeddings:0", e.embeddings().name());
        assertEquals(40, e.countParams());
        assertEquals(List.of(matrix), e.getWeights());
        e.setWeights(List.of(Tensor.ones(10, 4)));
        assertEquals(List.of(Tensor.ones(DType.FLOAT32, 10, 4)), e.getWeights());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> e.setWeights(List.of(matrix, matrix)));
        assertTrue(count.getMessage().startsWith("You called `set_weights(weights)` on layer \"My_embedding\" with a "
                + "weight list of length 2, but the layer was expecting 1 weights."), count.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> e.setWeights(List.of(Tensor.ones(10, 5))));
        assertTrue(shape.getMessage().startsWith("Layer weight shape (10, 4) not compatible with provided weight "
                + "shape (10, 5)"), shape.getMessage());
        assertEquals(List.of(Tensor.ones(DType.FLOAT32, 10, 4)), e.getWeights());
    }

    @Test
    void badIdsAreNamedWithPositionAndRange() {
        Embedding e = notebookEmbedding();
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                () -> e.call(Tensor.of(new int[][] {{3}, {12}})));
        assertEquals("Embedding layer \"My_embedding\": indices[1, 0] = 12 is not in [0, 10) (ids must be integers "
                + "from 0 to input_dim - 1 = 9)", tooBig.getMessage());
        IllegalArgumentException fractional = assertThrows(IllegalArgumentException.class,
                () -> e.call(Tensor.of(new float[][] {{3.5f}})));
        assertTrue(fractional.getMessage().contains("indices[0, 0] = 3.5 is not an integer id in [0, 10)"),
                fractional.getMessage());
        assertThrows(IllegalArgumentException.class, () -> e.call(Tensor.of(new float[][] {{Float.NaN}})));
        assertThrows(IllegalArgumentException.class, () -> e.call(Tensor.of(new long[][] {{-1}})));
    }

    @Test
    void kerasShapeRulesAndInputLength() {
        Embedding e = Embedding.builder().inputDim(10).outputDim(4).inputLength(2).build();
        assertEquals("embedding", e.name());
        assertEquals(Shape.of(3, 2, 4), e.computeOutputShape(Shape.of(3, 2)));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> e.computeOutputShape(Shape.batchOf(3, 5)));
        assertTrue(ex.getMessage().startsWith("\"input_length\" is 2, but received input has shape (None, 3, 5)"),
                ex.getMessage());
        Embedding seq = Embedding.builder().inputDim(10).outputDim(4).inputLength(Shape.UNKNOWN, 2).build();
        assertEquals("embedding_1", seq.name());
        assertEquals(Shape.of(3, 4, 2, 4), seq.computeOutputShape(Shape.of(3, 4, 2)));
        assertEquals(Shape.of(3, 4, 2, 4),
                Embedding.builder().inputDim(10).outputDim(4).build().call(Tensor.zeros(DType.INT32, 3, 4, 2)).shape());
    }

    @Test
    void positiveDimsAreRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Embedding.builder().inputDim(0).outputDim(4).build());
        assertTrue(e.getMessage().startsWith("Both `input_dim` and `output_dim` should be positive, found input_dim 0 "
                + "and output_dim 4"), e.getMessage());
    }

    @Test
    void seededInitializerIsReproducibleAndInRange() {
        Tensor a = Embedding.builder().inputDim(100).outputDim(8).seed(7).build().getWeights().get(0);
        Tensor b = Embedding.builder().inputDim(100).outputDim(8).seed(7).build().getWeights().get(0);
        assertEquals(a, b);
        for (float v : a.toFloatArray()) {
            assertTrue(v >= -0.05f && v <= 0.05f, "value " + v);
        }
    }

    @Test
    void maskZeroMarksPadding() {
        Embedding e = Embedding.builder().inputDim(10).outputDim(4).maskZero(true).build();
        Tensor mask = e.computeMask(Tensor.of(new int[][] {{0, 3}})).orElseThrow();
        assertEquals(Tensor.of(new boolean[] {false, true}).reshape(1, 2), mask);
    }
}
