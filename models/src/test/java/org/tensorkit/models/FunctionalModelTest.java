package org.tensorkit.models;

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
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.SymbolicTensor;

class FunctionalModelTest {
    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    private static Embedding embedding(String name, int inputDim, int outputDim) {
        return Embedding.builder().inputDim(inputDim).outputDim(outputDim).inputLength(1).name(name).seed(1).build();
    }

    /** keras functional_test.py::test_default_model_name, plus explicit names not advancing the counter. */
    @Test
    void defaultModelNames() {
        SymbolicTensor x = Input.shape(1);
        Embedding e = embedding("e", 5, 2);
        SymbolicTensor y = e.call(x);
        assertEquals("model", Model.of(x, y).name());
        assertEquals("model_1", Model.of(x, y).name());
        assertEquals("custom", Model.builder().inputs(x).outputs(y).name("custom").build().name());
        assertEquals("model_2", Model.of(x, y).name());
        assertEquals("sequential", Sequential.of(Flatten.create()).name());
        assertEquals("sequential_1", Sequential.builder().build().name());
        Names.reset();
        assertEquals("model", Model.of(x, y).name());
    }

    /** keras functional_test.py::test_get_layer (spec 6.1 messages). */
    @Test
    void getLayerErrors() {
        SymbolicTensor x = Input.builder().shape(1).name("x").build();
        Model m = Model.of(x, Flatten.create().call(embedding("e", 5, 2).call(x)));
        assertEquals(3, m.layers().size());
        assertEquals("e", m.getLayer(1).name());
        assertEquals("x", m.getLayer(-3).name());
        IllegalArgumentException tooFar = assertThrows(IllegalArgumentException.class, () -> m.getLayer(3));
        assertEquals("Was asked to retrieve layer at index 3 but model only has 3 layers.", tooFar.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.getLayer(-4));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> m.getLayer("dense_c"));
        assertTrue(unknown.getMessage().startsWith("No such layer: dense_c."), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("\"model\""), unknown.getMessage());
        IllegalArgumentException neither = assertThrows(IllegalArgumentException.class,
                () -> m.getLayer((String) null));
        assertEquals("Provide either a layer name or layer index.", neither.getMessage());
    }

    @Test
    void disconnectedGraphIsRefused() {
        SymbolicTensor a = Input.builder().shape(1).name("a").build();
        SymbolicTensor b = Input.builder().shape(1).name("b").build();
        SymbolicTensor y = embedding("e", 5, 2).call(b);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Model.of(a, y));
        assertTrue(ex.getMessage().startsWith("Graph disconnected: cannot obtain value for tensor "), ex.getMessage());
        assertTrue(ex.getMessage().contains("at layer \"b\". The following previous layers were accessed without "
                + "issue: []"), ex.getMessage());

        // a two-input graph given only one input: the message lists the layers computed before (deeper ones)
        SymbolicTensor c = Input.builder().shape(1).name("c").build();
        SymbolicTensor d = Input.builder().shape(1).name("d").build();
        Embedding shared = embedding("shared", 5, 2);
        SymbolicTensor yc = Flatten.create().call(shared.call(c));
        SymbolicTensor yd = shared.call(d);
        IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
                () -> Model.builder().inputs(c).outputs(yc, yd).build());
        assertTrue(two.getMessage().contains("at layer \"d\". The following previous layers were accessed "
                + "without issue: ['c']"), two.getMessage());
    }

    @Test
    void duplicateLayerNamesAreRefused() {
        SymbolicTensor x = Input.builder().shape(1).name("x").build();
        Layer f1 = Flatten.builder().name("flat").build();
        Layer f2 = Flatten.builder().name("flat").build();
        SymbolicTensor y = f2.call(f1.call(embedding("e", 5, 2).call(x)));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Model.of(x, y));
        assertEquals("The name \"flat\" is used 2 times in the model. All layer names should be unique.",
                ex.getMessage());
        // the same layer in two models is not a duplicate
        SymbolicTensor x2 = Input.builder().shape(1).name("x").build();
        Model.of(x2, f1.call(embedding("e2", 5, 2).call(x2)));
    }

    @Test
    void inputsMustComeFromInputAndAppearOnce() {
        SymbolicTensor x = Input.shape(1);
        SymbolicTensor h = embedding("e", 5, 2).call(x);
        SymbolicTensor y = Flatten.create().call(h);
        IllegalArgumentException notInput = assertThrows(IllegalArgumentException.class, () -> Model.of(h, y));
        assertTrue(notInput.getMessage().contains("must come from `Input()`"), notInput.getMessage());
        assertTrue(notInput.getMessage().contains("\"e\""), notInput.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> Model.builder().inputs(x, x).outputs(y).build());
        assertTrue(twice.getMessage().contains("redundant"), twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Model.builder().outputs(y).build());
        assertThrows(IllegalArgumentException.class, () -> Model.builder().inputs(x).build());
        assertThrows(NullPointerException.class, () -> Model.of(null, y));
        assertThrows(NullPointerException.class, () -> Model.of(x, null));
        assertThrows(NullPointerException.class, () -> Model.builder().inputs((List<SymbolicTensor>) null));
        assertThrows(NullPointerException.class, () -> Model.builder().name(null));
        assertThrows(IllegalArgumentException.class, () -> Model.builder().name(" "));
    }

    /**
     * Layer order (spec 1.8): decreasing depth, ties in the order first reached from the outputs. The word branch
     * is one layer deeper, so Keras lists {@code words} before {@code ids}.
     */
    @Test
    void twoInputsTwoOutputs() {
        SymbolicTensor ids = Input.builder().shape(1).name("ids").build();
        SymbolicTensor words = Input.builder().shape(2).name("words").build();
        Embedding idEmb = embedding("id_embedding", 10, 4);
        Embedding wordEmb = Embedding.builder().inputDim(20).outputDim(3).inputLength(2).name("word_embedding")
                .seed(2).build();
        Model m = Model.builder().inputs(ids, words).outputs(idEmb.call(ids), Flatten.create().call(wordEmb.call(words)))
                .name("towers").build();
        assertEquals(List.of("words", "ids", "word_embedding", "id_embedding", "flatten"),
                m.layers().stream().map(Layer::name).toList());
        assertEquals(List.of(Shape.batchOf(1), Shape.batchOf(2)), m.inputShapes());
        assertEquals(List.of(Shape.batchOf(1, 4), Shape.batchOf(6)), m.outputShapes());
        IllegalStateException single = assertThrows(IllegalStateException.class, m::outputShape);
        assertTrue(single.getMessage().contains("outputShapes()"), single.getMessage());
        assertThrows(IllegalStateException.class, m::inputShape);
        assertEquals(40 + 60, m.countParams());
        assertEquals(List.of(wordEmb.embeddings(), idEmb.embeddings()), m.weights());

        List<Tensor> out = m.predict(List.of(Tensor.of(new int[] {3, 9}), Tensor.of(new long[][] {{1, 2}, {19, 0}})));
        assertEquals(2, out.size());
        assertEquals(Shape.of(2, 1, 4), out.get(0).shape());
        assertEquals(Shape.of(2, 6), out.get(1).shape());
        Tensor idTable = idEmb.getWeights().get(0);
        Tensor wordTable = wordEmb.getWeights().get(0);
        assertEquals(idTable.take(Tensor.of(new int[][] {{3}, {9}})), out.get(0));
        assertEquals(wordTable.take(Tensor.of(new int[][] {{1, 2}, {19, 0}})).reshape(2, 6), out.get(1));

        IllegalStateException oneTensor = assertThrows(IllegalStateException.class,
                () -> m.predict(Tensor.of(new int[] {1})));
        assertTrue(oneTensor.getMessage().contains("predict(List)"), oneTensor.getMessage());
    }

    /** keras functional_test.py::test_functional_model (weights counted per variable, shared ones once). */
    @Test
    void layerSharedAtDifferentDepthsKeepsOneWeight() {
        SymbolicTensor x = Input.builder().shape(1, 4).name("x").build();
        Flatten f = Flatten.create();
        SymbolicTensor twice = f.call(f.call(x));
        Model m = Model.of(x, twice);
        assertEquals(List.of("x", "flatten"), m.layers().stream().map(Layer::name).toList());
        Tensor data = Tensor.arange(8, DType.FLOAT32).reshape(2, 1, 4);
        assertEquals(data.reshape(2, 4), m.predict(data));

        SymbolicTensor a = Input.builder().shape(1).name("a").build();
        SymbolicTensor b = Input.builder().shape(1).name("b").build();
        Embedding e = embedding("e", 5, 2);
        Model shared = Model.builder().inputs(a, b).outputs(e.call(a), e.call(b)).build();
        assertEquals(1, shared.weights().size());
        assertEquals(10, shared.countParams());
        List<Tensor> out = shared.predict(List.of(Tensor.of(new int[] {1}), Tensor.of(new int[] {4})));
        assertArrayEquals(e.getWeights().get(0).get(1).toFloatArray(), out.get(0).toFloatArray());
        assertArrayEquals(e.getWeights().get(0).get(4).toFloatArray(), out.get(1).toFloatArray());
    }

    @Test
    void anInputNoOutputNeedsIsStillAnInput() {
        SymbolicTensor a = Input.builder().shape(1).name("a").build();
        SymbolicTensor unused = Input.builder().shape(3).name("unused").build();
        Model m = Model.builder().inputs(a, unused).outputs(embedding("e", 5, 2).call(a)).build();
        assertEquals(List.of("a", "unused", "e"), m.layers().stream().map(Layer::name).toList());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> m.predict(List.of(Tensor.of(new int[] {1}))));
        assertTrue(count.getMessage().startsWith("Layer model expects 2 input(s), but it received 1 input tensors."
                + " Inputs received: ["), count.getMessage());
        List<Tensor> out = m.predict(List.of(Tensor.of(new int[] {1}), Tensor.of(new float[][] {{0, 0, 0}})));
        assertEquals(Shape.of(1, 1, 2), out.get(0).shape());
    }
}
