package org.tensorkit.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.SymbolicTensor;

/** get_weights / set_weights on models (spec 6.2-6.3; keras base_layer_test.py::test_set_weights_and_get_weights). */
class WeightsTest {
    private Embedding first;
    private Embedding second;
    private Model model;

    @BeforeEach
    void build() {
        Names.reset();
        first = Embedding.builder().inputDim(3).outputDim(2).inputLength(1).name("first").seed(1).build();
        second = Embedding.builder().inputDim(4).outputDim(5).inputLength(1).name("second").seed(2).build();
        SymbolicTensor a = Input.builder().shape(1).name("a").build();
        SymbolicTensor b = Input.builder().shape(1).name("b").build();
        model = Model.builder().inputs(a, b).outputs(first.call(a), Flatten.create().call(second.call(b)))
                .name("pair").build();
    }

    /** The second branch is one layer deeper, so Keras lists its layers, and their weights, first. */
    @Test
    void weightsFollowLayerOrderAndAreDeduplicated() {
        assertEquals(List.of("b", "a", "second", "first", "flatten"),
                model.layers().stream().map(l -> l.name()).toList());
        assertEquals(List.of(second.embeddings(), first.embeddings()), model.weights());
        assertEquals(6 + 20, model.countParams());
        List<Tensor> values = model.getWeights();
        assertEquals(List.of(second.getWeights().get(0), first.getWeights().get(0)), values);

        // a layer reached twice (also through another model) is listed once
        SymbolicTensor c = Input.builder().shape(1).name("c").build();
        Model twice = Model.builder().inputs(c).outputs(first.call(c), first.call(c)).build();
        assertEquals(List.of(first.embeddings()), twice.weights());
        assertEquals(6, twice.countParams());
    }

    @Test
    void countMismatchIsRefusedWithKerasText() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> model.setWeights(List.of(Tensor.ones(3, 2))));
        assertTrue(ex.getMessage().startsWith("You called `set_weights(weights)` on layer \"pair\" with a weight "
                + "list of length 1, but the layer was expecting 2 weights. Provided weights: "), ex.getMessage());
        assertThrows(NullPointerException.class, () -> model.setWeights(null));
    }

    @Test
    void shapeMismatchChangesNothing() {
        List<Tensor> before = model.getWeights();
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> model.setWeights(List.of(Tensor.ones(4, 5), Tensor.ones(2, 3))));
        assertTrue(ex.getMessage().startsWith("Layer weight shape (3, 2) not compatible with provided weight shape "
                + "(2, 3)"), ex.getMessage());
        assertEquals(before, model.getWeights(), "the first weight, valid, was not assigned either");
    }

    @Test
    void valuesAreCastAndSeenByPredict() {
        Tensor firstValues = Tensor.of(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        Tensor secondValues = Tensor.arange(20, DType.INT64).reshape(4, 5);
        model.setWeights(List.of(secondValues, firstValues));
        assertEquals(List.of(secondValues.cast(DType.FLOAT32), firstValues.cast(DType.FLOAT32)), model.getWeights());
        List<Tensor> out = model.predict(List.of(Tensor.of(new int[] {2}), Tensor.of(new int[] {3})));
        assertEquals(Tensor.of(new float[][][] {{{5, 6}}}), out.get(0));
        assertEquals(Tensor.of(new float[][] {{15, 16, 17, 18, 19}}), out.get(1));
        assertSame(first.embeddings(), model.weights().get(1));
    }
}
