package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;

/**
 * A null argument is a {@link NullPointerException} whose message names the argument (the JDK's
 * {@code Objects.requireNonNull} convention), also for a null element of a list, and it changes nothing.
 */
class NullArgumentsTest {
    private Embedding embedding;

    @BeforeEach
    void build() {
        Names.reset();
        embedding = Embedding.builder().inputDim(3).outputDim(2).inputLength(1).name("e")
                .weights(Tensor.arange(6, DType.FLOAT32).reshape(3, 2)).build();
    }

    private void refusedWith(String message, Executable call) {
        List<Tensor> weights = embedding.getWeights();
        int nodes = embedding.inboundNodes().size();
        assertEquals(message, assertThrows(NullPointerException.class, call).getMessage());
        assertEquals(weights, embedding.getWeights());
        assertEquals(nodes, embedding.inboundNodes().size());
    }

    @Test
    void layerCalls() {
        refusedWith("input", () -> embedding.call((Tensor) null));
        refusedWith("input", () -> embedding.call((SymbolicTensor) null));
        refusedWith("inputs", () -> embedding.call((SymbolicTensor[]) null));
        refusedWith("inputs", () -> embedding.call((List<SymbolicTensor>) null));
        refusedWith("input 0 of layer \"e\" is null", () -> embedding.call(Arrays.asList((SymbolicTensor) null)));
    }

    @Test
    void setWeights() {
        refusedWith("weights", () -> embedding.setWeights(null));
        refusedWith("set_weights on \"e\": weight 0 (e/embeddings:0) is null; expected an array of shape (3, 2)",
                () -> embedding.setWeights(Arrays.asList((Tensor) null)));
        refusedWith("set_weights on \"e\": weight 0 (e/embeddings:0) is null; expected an array of shape (3, 2)",
                () -> embedding.embeddings().set(null));
    }

    @Test
    void builders() {
        refusedWith("name", () -> Embedding.builder().name(null));
        refusedWith("weights", () -> Embedding.builder().weights(null));
        refusedWith("initializer", () -> Embedding.builder().initializer(null));
        refusedWith("inputLength", () -> Embedding.builder().inputLength((long[]) null));
        refusedWith("dataFormat", () -> Flatten.builder().dataFormat(null));
        refusedWith("shape", () -> Input.builder().shape((long[]) null));
        refusedWith("dtype", () -> Input.builder().dtype(null));
    }
}
