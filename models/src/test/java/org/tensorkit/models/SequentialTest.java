package org.tensorkit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
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
import org.tensorkit.layers.InputLayer;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.testing.NotebookFixture;

class SequentialTest {
    private static final String NOT_BUILT = "This model has not yet been built. Build the model first by calling "
            + "`build()` or calling `fit()` with some data, or specify an `input_shape` argument in the first "
            + "layer(s) for automatic build.";

    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    private static Embedding embedding(String name) {
        return Embedding.builder().inputDim(10).outputDim(4).inputLength(1).name(name)
                .weights(NotebookFixture.MATRIX).build();
    }

    private static List<String> names(Network m) {
        return m.layers().stream().map(Layer::name).toList();
    }

    @Test
    void autoInputFromTheFirstLayer() {
        Embedding e = embedding("My_embedding");
        Sequential m = Sequential.of(e, Flatten.create());
        assertTrue(m.isBuilt());
        assertEquals(List.of("My_embedding", "flatten"), names(m));
        assertEquals(Shape.batchOf(1), m.inputShape());
        assertEquals(Shape.batchOf(4), m.outputShape());
        SymbolicTensor input = m.inputs().get(0);
        assertTrue(input.layer() instanceof InputLayer);
        assertEquals("My_embedding_input", input.layer().name());
        assertEquals(DType.FLOAT32, input.dtype());
        assertEquals(40, m.countParams());
        assertArrayEquals(new float[] {12, 13, 14, 15}, m.predict(Tensor.of(new int[][] {{3}})).toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> m.getLayer("My_embedding_input"));
        assertEquals("input_1", Input.shape(1).layer().name(), "the auto input does not use the input counter");
    }

    /** keras embeddings_test.py::test_embedding_correctness: Sequential([Embedding]) is built at once. */
    @Test
    void embeddingCorrectness() {
        Embedding layer = Embedding.builder().outputDim(2).inputDim(2).build();
        Sequential m = Sequential.of(layer);
        assertTrue(m.isBuilt());
        assertEquals(Shape.batchOf(Shape.UNKNOWN), m.inputShape());
        layer.setWeights(List.of(Tensor.of(new int[][] {{1, 1}, {2, 2}})));
        Tensor out = m.predict(Tensor.of(new int[][] {{0, 1, 0}}));
        assertEquals(Shape.of(1, 3, 2), out.shape());
        assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1}, out.toFloatArray());
    }

    @Test
    void deferredBuildWaitsForData() {
        Sequential m = Sequential.builder().add(Flatten.create()).build();
        assertFalse(m.isBuilt());
        assertEquals(List.of("flatten"), names(m));
        assertEquals(NOT_BUILT, assertThrows(IllegalStateException.class, m::summaryLines).getMessage());
        assertEquals(NOT_BUILT, assertThrows(IllegalStateException.class, m::summary).getMessage());
        // keras base_layer_test.py::test_count_params and functional_test.py::test_sequential_model_without_input_shape
        assertEquals("You tried to call `count_params` on sequential, but the layer isn't built. You can build it "
                + "manually via: `sequential.build(batch_input_shape)`.",
                assertThrows(IllegalStateException.class, m::countParams).getMessage());
        String weights = "Weights for model sequential have not yet been created. Weights are created when the "
                + "Model is first called on inputs or `build()` is called with an `input_shape`.";
        assertEquals(weights, assertThrows(IllegalStateException.class, m::weights).getMessage());
        assertEquals(weights, assertThrows(IllegalStateException.class, m::getWeights).getMessage());
        assertEquals(weights, assertThrows(IllegalStateException.class,
                () -> m.setWeights(List.of())).getMessage());
        assertThrows(IllegalStateException.class, m::outputShape);

        Tensor data = Tensor.arange(24, DType.FLOAT32).reshape(2, 3, 4);
        assertEquals(data.reshape(2, 12), m.predict(data));
        assertTrue(m.isBuilt());
        assertEquals(Shape.batchOf(3, 4), m.inputShape());
        assertEquals(Shape.batchOf(12), m.outputShape());
        assertEquals("flatten_input", m.inputs().get(0).layer().name());
        assertEquals(0, m.countParams());
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> m.predict(Tensor.zeros(2, 5)));
        assertEquals("Error when checking input: expected flatten_input to have 3 dimensions, but got array with "
                + "shape (2, 5)", other.getMessage());
    }

    @Test
    void explicitBuildAndInputShape() {
        Sequential m = Sequential.of(Flatten.create());
        m.build(Shape.batchOf(2, 2));
        assertEquals(Shape.batchOf(4), m.outputShape());
        m.build(Shape.batchOf(2, 2)); // already built for it: nothing changes
        assertThrows(IllegalArgumentException.class, () -> m.build(Shape.batchOf(3)));
        assertThrows(IllegalStateException.class, () -> Sequential.builder().build().build(Shape.batchOf(1)));

        Sequential given = Sequential.builder().inputShape(1, 4).add(Flatten.builder().name("flat").build()).build();
        assertTrue(given.isBuilt());
        assertEquals("flat_input", given.inputs().get(0).layer().name());
        assertEquals(Shape.batchOf(4), given.outputShape());
    }

    /** keras sequential_test.py::test_input_defined_first_layer: an InputLayer first is the input, not a layer. */
    @Test
    void inputLayerFirstIsNotListed() {
        SymbolicTensor x = Input.builder().shape(1).name("ids").build();
        Sequential m = Sequential.of(x.layer(), embedding("e"), Flatten.create());
        assertEquals(List.of("e", "flatten"), names(m));
        assertSame(x, m.inputs().get(0));
        assertEquals(Shape.batchOf(4), m.outputShape());
        assertEquals(1, m.weights().size());
        assertEquals("e", m.getLayer("e").name());
        IllegalArgumentException late = assertThrows(IllegalArgumentException.class,
                () -> m.add(Input.shape(4).layer()));
        assertTrue(late.getMessage().contains("can only be its first layer"), late.getMessage());

        Sequential justInput = Sequential.of(Input.shape(2).layer());
        assertTrue(justInput.isBuilt());
        assertEquals(List.of(), justInput.layers());
        justInput.add(Flatten.create());
        assertEquals(Shape.batchOf(2), justInput.outputShape());
        justInput.pop();
        assertTrue(justInput.isBuilt(), "an explicit input stays");
    }

    /** keras sequential_test.py::test_sequential_pop and pop on an empty model. */
    @Test
    void pop() {
        Embedding e = embedding("e");
        Flatten f = Flatten.create();
        Sequential m = Sequential.of(e, f);
        assertSame(f, m.pop());
        assertEquals(List.of("e"), names(m));
        assertEquals(Shape.batchOf(1, 4), m.outputShape());
        assertArrayEquals(new float[] {12, 13, 14, 15}, m.predict(Tensor.of(new int[] {3})).toFloatArray());
        assertEquals(Shape.of(1, 1, 4), m.predict(Tensor.of(new int[] {3})).shape());
        assertSame(e, m.pop());
        assertFalse(m.isBuilt());
        assertEquals(List.of(), m.layers());
        IllegalStateException empty = assertThrows(IllegalStateException.class, m::pop);
        assertEquals("There are no layers in the model.", empty.getMessage());
        m.add(f); // the old input went with its layer: the model waits for data again
        assertFalse(m.isBuilt());
        assertSame(f, m.pop());
    }

    /** keras sequential_test.py::test_name_unicity. */
    @Test
    void duplicateNamesAreRefusedAndChangeNothing() {
        Sequential m = Sequential.of(embedding("specific_name"));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> m.add(Flatten.builder().name("specific_name").build()));
        assertEquals("All layers added to a Sequential model should have unique names. Name \"specific_name\" is "
                + "already the name of a layer in this model. Update the `name` argument to pass a unique name.",
                ex.getMessage());
        assertEquals(List.of("specific_name"), names(m));
        assertThrows(IllegalArgumentException.class, () -> Sequential.of(Flatten.builder().name("x").build(),
                Flatten.builder().name("x").build()));
        Flatten f = Flatten.create();
        m.add(f);
        assertThrows(IllegalArgumentException.class, () -> m.add(f));
        assertEquals(1, f.inboundNodes().size());
    }

    /** The input the model makes for its first layer has a name too; a layer may not take it. */
    @Test
    void aLayerNamedLikeTheInputIsRefusedBeforeItIsCalled() {
        Embedding e = embedding("e");
        Sequential m = Sequential.of(e);
        Flatten clash = Flatten.builder().name("e_input").build();
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> m.add(clash));
        assertTrue(ex.getMessage().contains("Name \"e_input\" is already the name of a layer in this model (its "
                + "input layer)"), ex.getMessage());
        assertEquals(0, clash.inboundNodes().size(), "the refused layer was not called");
        assertEquals(List.of("e"), names(m));

        Embedding f = embedding("f");
        Flatten clash2 = Flatten.builder().name("f_input").build();
        assertThrows(IllegalArgumentException.class, () -> Sequential.of(f, clash2));
        assertEquals(0, f.inboundNodes().size(), "no layer of the refused stack was called");
        assertEquals(0, clash2.inboundNodes().size());

        SymbolicTensor x = Input.builder().shape(1).name("ids").build();
        Flatten clash3 = Flatten.builder().name("ids").build();
        assertThrows(IllegalArgumentException.class, () -> Sequential.of(x.layer(), embedding("g"), clash3));
        assertEquals(0, clash3.inboundNodes().size());
    }

    @Test
    void aLayerThatCannotFollowIsRefusedBeforeItIsCalled() {
        Embedding e = embedding("e");
        Sequential m = Sequential.of(e, Flatten.create());
        Embedding second = Embedding.builder().inputDim(5).outputDim(2).inputLength(3).name("second").build();
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> m.add(second));
        assertTrue(ex.getMessage().contains("second"), ex.getMessage());
        assertEquals(0, second.inboundNodes().size(), "the refused layer was not called");
        assertEquals(List.of("e", "flatten"), names(m));
        assertEquals(Shape.batchOf(4), m.outputShape());

        // in the builder the whole stack is checked before any layer is called
        Flatten first = Flatten.create();
        Embedding third = Embedding.builder().inputDim(5).outputDim(2).inputLength(3).name("third").build();
        assertThrows(IllegalArgumentException.class,
                () -> Sequential.builder().inputShape(1, 4).add(first, third).build());
        assertEquals(0, first.inboundNodes().size());
    }

    /** keras sequential_test.py::test_basic_methods (with our layers): layers, weights, get_layer. */
    @Test
    void basicMethods() {
        Sequential m = Sequential.builder().name("stack").add(embedding("emb")).add(Flatten.builder().name("dp")
                .build()).build();
        assertEquals("stack", m.name());
        assertEquals(2, m.layers().size());
        assertEquals(1, m.weights().size());
        assertEquals("dp", m.getLayer("dp").name());
        assertEquals(m.getLayer(1), m.getLayer("dp"));
        assertThrows(NullPointerException.class, () -> m.add(null));
        assertThrows(NullPointerException.class, () -> Sequential.of((Layer) null));
        assertTrue(m.toString().contains("stack"), m.toString());
    }
}
