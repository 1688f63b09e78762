package org.tensorkit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Dense;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Initializer;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.SymbolicTensor;

/**
 * Integer ids reach an Embedding uncast even through a float32 Input (Keras's default dtype): float32 holds
 * integers exactly only up to 2^24 = 16,777,216, so 16,777,217 would become 16,777,216, another row. Each layer
 * casts what it receives, as in Keras 3: a Dense reading the same input computes in float32.
 */
class IntegerIdsTest {
    private static final int ABOVE = 16_777_217; // 2^24 + 1, not representable in float32

    @BeforeEach
    void reset() {
        Names.reset();
    }

    @Test
    void anIdAbove2To24IsReportedExactly() {
        SymbolicTensor in = Input.builder().shape(1).build(); // float32
        Model model = Model.of(in, Embedding.builder().inputDim(10).outputDim(2).name("emb").build().call(in));
        java.util.List<org.junit.jupiter.api.function.Executable> calls = java.util.List.of(
                () -> model.predict(Tensor.of(new int[][] {{ABOVE}})),
                () -> model.predict(Tensor.of(new long[][] {{ABOVE}})),
                () -> model.predict(Tensor.of(new int[] {ABOVE})),
                () -> model.predict(Tensor.of(new int[][] {{ABOVE}})));
        for (org.junit.jupiter.api.function.Executable call : calls) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
            assertTrue(e.getMessage().contains("indices[0, 0] = 16777217 is not in [0, 10)"), e.getMessage());
        }
    }

    @Test
    void theExactRowAbove2To24IsLookedUp() {
        Embedding emb = Embedding.builder().inputDim(ABOVE + 3).outputDim(1).initializer(Initializer.zeros()).build();
        SymbolicTensor in = Input.builder().shape(1).build(); // float32
        Model model = Model.of(in, Flatten.create().call(emb.call(in)));
        emb.embeddings().value().putScalar(ABOVE - 1, 0, 216f);
        emb.embeddings().value().putScalar(ABOVE, 0, 217f);
        emb.embeddings().value().putScalar(ABOVE + 1, 0, 218f);
        try (Tensor out = model.predict(Tensor.of(new int[][] {{ABOVE}, {ABOVE - 1}, {ABOVE + 1}}))) {
            assertArrayEquals(new float[] {217f, 216f, 218f}, out.toFloatArray());
        }
        try (Tensor out = model.predict(Tensor.of(new long[][] {{ABOVE}}))) {
            assertArrayEquals(new float[] {217f}, out.toFloatArray());
        }
    }

    @Test
    void floatDataAndOtherLayersKeepKerasCast() {
        SymbolicTensor in = Input.builder().shape(2).build(); // float32
        Dense dense = Dense.builder().units(1).useBias(false).kernelInitializer(Initializer.constant(1)).build();
        Model model = Model.of(in, dense.call(in));
        // int data to a Dense is cast to float32 as in Keras (so 2^24 + 1 becomes 2^24)
        Tensor out = model.predict(Tensor.of(new int[][] {{ABOVE, 0}}));
        assertEquals(DType.FLOAT32, out.dtype());
        assertEquals(16_777_216f, out.toFloatArray()[0]);
        // an input read by an Embedding and by a Dense: each layer casts what it receives (Keras 3), so the
        // Embedding still sees the exact id while the Dense computes in float32
        Names.reset();
        SymbolicTensor both = Input.builder().shape(1).build();
        Embedding emb = Embedding.builder().inputDim(10).outputDim(1).build();
        Dense d2 = Dense.builder().units(1).build();
        Model mixed = Model.builder().inputs(both).outputs(Flatten.create().call(emb.call(both)), d2.call(both))
                .build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mixed.predict(java.util.List.of(Tensor.of(new int[][] {{ABOVE}}))));
        assertTrue(e.getMessage().contains("= 16777217 is not in [0, 10)"), e.getMessage());
        Names.reset();
        SymbolicTensor shared = Input.builder().shape(1).build();
        Embedding big = Embedding.builder().inputDim(ABOVE + 1).outputDim(1).initializer(Initializer.zeros()).build();
        big.embeddings().value().putScalar(ABOVE, 0, 5f);
        Dense ones = Dense.builder().units(1).useBias(false).kernelInitializer(Initializer.constant(1)).build();
        Model pair = Model.builder().inputs(shared).outputs(Flatten.create().call(big.call(shared)), ones.call(shared))
                .build();
        java.util.List<Tensor> outs = pair.predict(java.util.List.of(Tensor.of(new int[][] {{ABOVE}})));
        assertEquals(5f, outs.get(0).toFloatArray()[0], "the Embedding looked up row 2^24 + 1 exactly");
        assertEquals(16_777_216f, outs.get(1).toFloatArray()[0], "the Dense computed in float32");
    }
}
