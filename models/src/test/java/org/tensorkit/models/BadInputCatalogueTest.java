package org.tensorkit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.testing.NotebookFixture;

/**
 * One test per row of {@code docs/errors.md}: each bad input gets the documented exception type and message, and
 * leaves every model as it was (same layers, same calls recorded, same weights, same summary, same predictions).
 *
 * <p>Fixture: the notebook's embedding (10 ids x 4, row r = 4r..4r+3) shared by a functional {@code model}
 * (Input "Input" (None, 1) -> My_embedding -> Flatten, output (None, 4)) and a {@code sequential}
 * (My_embedding -> Flatten). Both are snapshotted before every bad call.
 */
class BadInputCatalogueTest {
    private static final int[][] PROBE = {{3}, {0}, {9}};

    private Embedding embedding;
    private Model model;
    private Sequential sequential;

    @BeforeEach
    void build() {
        Names.reset();
        embedding = NotebookFixture.embedding();
        SymbolicTensor x = Input.builder().shape(1).name("Input").build();
        model = Model.of(x, Flatten.create().call(embedding.call(x)));
        sequential = Sequential.of(embedding, Flatten.create());
    }

    /**
     * Runs the bad call: asserts the exception type, that the message contains every part, and that neither model
     * changed.
     */
    private <T extends Throwable> T refused(Class<T> type, Executable call, String... parts) {
        List<ModelSnapshot> before = ModelSnapshot.of(model, Tensor.of(PROBE), sequential);
        T ex = assertThrows(type, call);
        for (String part : parts) {
            assertTrue(ex.getMessage() != null && ex.getMessage().contains(part),
                    "message should contain <" + part + ">: " + ex.getMessage());
        }
        ModelSnapshot.assertAllUnchanged(before);
        return ex;
    }

    private static int[][] column(int n) {
        int[][] ids = new int[n][1];
        for (int i = 0; i < n; i++) {
            ids[i][0] = (i * 7) % 10;
        }
        return ids;
    }

    // ---------------------------------------------------------------------------------------------
    // Ids

    @Test
    void idAtOrAboveInputDim() {
        int[][] ids = column(40);
        ids[37][0] = 10; // in the second batch of 32: the position is still the row in the whole input
        IllegalArgumentException ex = refused(IllegalArgumentException.class, () -> model.predict(Tensor.of(ids)),
                "Embedding layer \"My_embedding\"", "indices[37, 0] = 10 is not in [0, 10)",
                "ids must be integers from 0 to input_dim - 1 = 9");
        assertEquals("Embedding layer \"My_embedding\": indices[37, 0] = 10 is not in [0, 10) (ids must be integers "
                + "from 0 to input_dim - 1 = 9)", ex.getMessage());
        refused(IllegalArgumentException.class, () -> sequential.predict(Tensor.of(ids), 8), "indices[37, 0] = 10");
        refused(IllegalArgumentException.class, () -> model.predict(Tensor.of(new long[] {1, 1L << 40})),
                "indices[1, 0] = 1099511627776 is not in [0, 10)");
        refused(IllegalArgumentException.class, () -> embedding.call(Tensor.of(new int[][] {{1}, {2}, {99}})),
                "indices[2, 0] = 99 is not in [0, 10)");
    }

    @Test
    void negativeId() {
        refused(IllegalArgumentException.class, () -> model.predict(Tensor.of(new long[] {2, -1})),
                "Embedding layer \"My_embedding\": indices[1, 0] = -1 is not in [0, 10)");
        refused(IllegalArgumentException.class, () -> sequential.predict(Tensor.of(new int[][] {{-10}})),
                "indices[0, 0] = -10 is not in [0, 10)");
    }

    @Test
    void nanAndInfiniteIds() {
        refused(IllegalArgumentException.class, () -> model.predict(Tensor.of(new float[] {1, Float.NaN})),
                "Embedding layer \"My_embedding\": indices[1, 0] = NaN is not an integer id in [0, 10)");
        refused(IllegalArgumentException.class, () -> model.predict(Tensor.of(new double[] {Double.POSITIVE_INFINITY})),
                "indices[0, 0] = Infinity is not an integer id in [0, 10)");
        refused(IllegalArgumentException.class, () -> sequential.predict(Tensor.of(new double[] {0, 1, Double.NEGATIVE_INFINITY})),
                "indices[2, 0] = -Infinity is not an integer id in [0, 10)");
    }

    /** Keras casts 3.5 to 3 and -0.5 to 0 without a word; tensorkit refuses any fractional id. */
    @Test
    void nonIntegralFloatId() {
        refused(IllegalArgumentException.class, () -> model.predict(Tensor.of(new double[] {3.5})),
                "Embedding layer \"My_embedding\": indices[0, 0] = 3.5 is not an integer id in [0, 10)");
        refused(IllegalArgumentException.class, () -> sequential.predict(Tensor.of(new float[][] {{1}, {-0.5f}})),
                "indices[1, 0] = -0.5 is not an integer id in [0, 10)");
        refused(IllegalArgumentException.class, () -> embedding.call(Tensor.of(new float[][] {{9.999f}})),
                "indices[0, 0] = 9.99");
        // an integral float is an id like any other
        assertArrayEquals(new float[] {12, 13, 14, 15}, model.predict(Tensor.of(new double[] {3.0})).toFloatArray());
    }

    // ---------------------------------------------------------------------------------------------
    // Shapes and counts of the data

    @Test
    void wrongRankAgainstTheInput() {
        IllegalArgumentException ex = refused(IllegalArgumentException.class, () -> model.predict(Tensor.zeros(4, 1, 1)));
        assertEquals("Error when checking input: expected Input to have 2 dimensions, but got array with shape "
                + "(4, 1, 1)", ex.getMessage());
        refused(IllegalArgumentException.class, () -> sequential.predict(Tensor.zeros(2, 1, 1, 1)),
                "expected My_embedding_input to have 2 dimensions, but got array with shape (2, 1, 1, 1)");
        refused(IllegalArgumentException.class, () -> model.predict(Tensor.scalar(3, DType.INT32)),
                "predict: input 0 is a 0-d array of shape (); expected a batch, with the examples along axis 0");
    }

    @Test
    void wrongShapeAgainstTheInput() {
        IllegalArgumentException ex = refused(IllegalArgumentException.class,
                () -> model.predict(Tensor.of(new int[][] {{1, 2}})));
        assertEquals("Error when checking input: expected Input to have shape (1,) but got array with shape (2,)",
                ex.getMessage());
        refused(IllegalArgumentException.class, () -> sequential.predict(Tensor.of(new int[][] {{1, 2, 3}, {4, 5, 6}})),
                "expected My_embedding_input to have shape (1,) but got array with shape (3,)");
    }

    @Test
    void wrongNumberOfInputs() {
        IllegalArgumentException ex = refused(IllegalArgumentException.class,
                () -> model.predict(List.of(Tensor.of(new int[] {1}), Tensor.of(new int[] {2}))));
        assertEquals("Layer model expects 1 input(s), but it received 2 input tensors. Inputs received: "
                + "[array(shape=(1,), dtype=int32), array(shape=(1,), dtype=int32)]", ex.getMessage());
        refused(IllegalArgumentException.class, () -> sequential.predict(List.of()),
                "Layer sequential expects 1 input(s), but it received 0 input tensors. Inputs received: []");

        // a two-input model given inputs with different numbers of rows
        SymbolicTensor a = Input.builder().shape(1).name("a").build();
        SymbolicTensor b = Input.builder().shape(1).name("b").build();
        Model pair = Model.builder().inputs(a, b).outputs(embedding.call(a), embedding.call(b)).name("pair").build();
        ModelSnapshot pairBefore = ModelSnapshot.of(pair, null);
        refused(IllegalArgumentException.class, () -> pair.predict(List.of(Tensor.of(new int[] {1, 2}), Tensor.of(new int[] {3}))),
                "All input arrays (x) should have the same number of samples. Got array shapes: [(2, 1), (1, 1)]");
        refused(IllegalArgumentException.class, () -> pair.predict(List.of(Tensor.of(new int[] {1}))),
                "Layer pair expects 2 input(s), but it received 1 input tensors");
        pairBefore.assertUnchanged();
    }

    @Test
    void emptyBatch() {
        for (Tensor empty : List.of(Tensor.of(new int[0]), Tensor.of(new int[0][]), Tensor.zeros(0, 1),
                Tensor.of(new double[0][1]))) {
            IllegalArgumentException ex = refused(IllegalArgumentException.class,
                    () -> model.predict(List.of(empty)));
            assertEquals("Expect x to be a non-empty array or dataset.", ex.getMessage());
        }
        refused(IllegalArgumentException.class, () -> sequential.predict(Tensor.of(new long[0])),
                "Expect x to be a non-empty array or dataset.");
    }

    @Test
    void badPredictArguments() {
        refused(IllegalArgumentException.class, () -> model.predict(Tensor.of(new int[] {1}), 0),
                "predict: batchSize must be positive, got 0");
        refused(IllegalArgumentException.class, () -> model.predict(Tensor.of(new int[][] {{1}, {2, 3}})),
                "ragged values: row 1 has 2 elements, row 0 has 1");
    }

    // ---------------------------------------------------------------------------------------------
    // null

    /** Null is a NullPointerException (Objects.requireNonNull) whose message names the argument. */
    @Test
    void nullArguments() {
        refused(NullPointerException.class, () -> model.predict((Tensor) null),
                "predict: input 0 is null; expected a Tensor");
        refused(NullPointerException.class, () -> sequential.predict((Tensor) null), "predict: input 0 is null");
        refused(NullPointerException.class, () -> model.predict((List<Tensor>) null), "inputs");
        refused(NullPointerException.class, () -> model.predict(Arrays.asList(Tensor.of(new int[] {1}), null)),
                "predict: input 1 is null");
        refused(NullPointerException.class, () -> model.setWeights(null), "weights");
        refused(NullPointerException.class, () -> embedding.setWeights(null), "weights");
        refused(NullPointerException.class, () -> model.setWeights(Arrays.asList((Tensor) null)),
                "set_weights on \"model\": weight 0 (My_embedding/embeddings:0) is null; expected an array of shape "
                        + "(10, 4)");
        refused(NullPointerException.class, () -> sequential.add(null), "layer");
        refused(NullPointerException.class, () -> embedding.call((Tensor) null), "input");
        refused(NullPointerException.class, () -> embedding.call((SymbolicTensor) null), "input");
        refused(NullPointerException.class, () -> embedding.call(Arrays.asList((SymbolicTensor) null)),
                "input 0 of layer \"My_embedding\" is null");
        refused(NullPointerException.class, () -> Model.of(null, model.outputs().get(0)), "Model inputs[0] is null");
        refused(NullPointerException.class, () -> Sequential.of(embedding, null), "Sequential layer 1 is null");
        refused(NullPointerException.class, () -> Embedding.builder().weights(null), "weights");
        refused(NullPointerException.class, () -> model.summaryLines(null), "formatter");
        // Keras's get_layer() with neither a name nor an index: its own ValueError text, kept
        refused(IllegalArgumentException.class, () -> model.getLayer((String) null),
                "Provide either a layer name or layer index.");
    }

    // ---------------------------------------------------------------------------------------------
    // setWeights

    @Test
    void setWeightsWithTheWrongCount() {
        IllegalArgumentException ex = refused(IllegalArgumentException.class,
                () -> model.setWeights(List.of(Tensor.ones(10, 4), Tensor.ones(10, 4))),
                "You called `set_weights(weights)` on layer \"model\" with a weight list of length 2, but the layer "
                        + "was expecting 1 weights. Provided weights: ");
        assertTrue(ex.getMessage().endsWith("..."), ex.getMessage());
        refused(IllegalArgumentException.class, () -> sequential.setWeights(List.of()),
                "on layer \"sequential\" with a weight list of length 0, but the layer was expecting 1 weights");
        refused(IllegalArgumentException.class, () -> embedding.setWeights(List.of()),
                "on layer \"My_embedding\" with a weight list of length 0");
    }

    @Test
    void setWeightsWithTheWrongShape() {
        IllegalArgumentException ex = refused(IllegalArgumentException.class,
                () -> model.setWeights(List.of(Tensor.ones(4, 10))));
        assertEquals("Layer weight shape (10, 4) not compatible with provided weight shape (4, 10) (weight 0, "
                + "My_embedding/embeddings:0, in set_weights on \"model\")", ex.getMessage());
        refused(IllegalArgumentException.class, () -> sequential.setWeights(List.of(Tensor.ones(10, 4, 1))),
                "Layer weight shape (10, 4) not compatible with provided weight shape (10, 4, 1)");
        refused(IllegalArgumentException.class, () -> embedding.setWeights(List.of(Tensor.ones(40))),
                "not compatible with provided weight shape (40,)");
    }

    @Test
    void setWeightsWithANonNumericDtype() {
        boolean[] flags = new boolean[40];
        Tensor bools = Tensor.of(flags).reshape(10, 4);
        refused(IllegalArgumentException.class, () -> model.setWeights(List.of(bools)),
                "set_weights on \"model\": weight 0 (My_embedding/embeddings:0) has dtype bool; expected a numeric "
                        + "array to convert to float32");
    }

    // ---------------------------------------------------------------------------------------------
    // Layer settings

    @Test
    void embeddingWithNonPositiveDims() {
        refused(IllegalArgumentException.class, () -> Embedding.builder().inputDim(0).outputDim(4).build(),
                "Both `input_dim` and `output_dim` should be positive, found input_dim 0 and output_dim 4");
        refused(IllegalArgumentException.class, () -> Embedding.builder().inputDim(10).outputDim(-3).build(),
                "found input_dim 10 and output_dim -3");
        refused(IllegalArgumentException.class, () -> Embedding.builder().inputDim(10).build(),
                "found input_dim 10 and output_dim -1 (-1 = not set)");
        refused(IllegalArgumentException.class, () -> Embedding.builder().inputLength(0),
                "inputLength values must be positive or Shape.UNKNOWN, got [0]");
        refused(IllegalArgumentException.class,
                () -> Embedding.builder().inputDim(10).outputDim(4).weights(Tensor.ones(4, 10)).build(),
                "Layer weight shape (10, 4) not compatible with provided weight shape (4, 10)");
        // a refused layer uses up no name
        assertEquals("embedding", Embedding.builder().inputDim(1).outputDim(1).build().name());
    }

    @Test
    void inputLengthContradictingTheInput() {
        SymbolicTensor wide = Input.builder().shape(3).name("wide").build();
        refused(IllegalArgumentException.class, () -> embedding.call(wide),
                "\"input_length\" is 1, but received input has shape (None, 3) (Embedding layer \"My_embedding\")");
        refused(IllegalArgumentException.class, () -> embedding.call(Tensor.zeros(DType.INT32, 2, 3)),
                "\"input_length\" is 1, but received input has shape (2, 3)");
        Embedding pair = Embedding.builder().inputDim(5).outputDim(2).inputLength(2, 3).name("pair").build();
        refused(IllegalArgumentException.class, () -> pair.call(Input.shape(2)),
                "\"input_length\" is (2, 3), but received input has shape (None, 2)");
        assertEquals(0, pair.inboundNodes().size());
    }

    @Test
    void flattenOfA0dInput() {
        Flatten flatten = Flatten.builder().name("flat").build();
        refused(IllegalArgumentException.class, () -> flatten.call(Tensor.scalar(1, DType.FLOAT32)),
                "Input 0 of layer \"flat\" is incompatible with the layer: expected min_ndim=1, found ndim=0. Full "
                        + "shape received: ()");
    }

    // ---------------------------------------------------------------------------------------------
    // Model construction

    @Test
    void duplicateLayerNamesInAFunctionalModel() {
        SymbolicTensor x = Input.builder().shape(1).name("x").build();
        SymbolicTensor y = Flatten.builder().name("My_embedding").build().call(embedding.call(x));
        // the calls above are the user's graph; only the Model construction is under test
        refused(IllegalArgumentException.class, () -> Model.of(x, y),
                "The name \"My_embedding\" is used 2 times in the model. All layer names should be unique.");
    }

    @Test
    void duplicateLayerNamesInASequential() {
        IllegalArgumentException ex = refused(IllegalArgumentException.class,
                () -> sequential.add(Flatten.builder().name("My_embedding").build()));
        assertEquals("All layers added to a Sequential model should have unique names. Name \"My_embedding\" is "
                + "already the name of a layer in this model. Update the `name` argument to pass a unique name.",
                ex.getMessage());
        // the name of the input the model made for its first layer is taken too
        Flatten clash = Flatten.builder().name("My_embedding_input").build();
        refused(IllegalArgumentException.class, () -> sequential.add(clash),
                "Name \"My_embedding_input\" is already the name of a layer in this model");
        assertEquals(0, clash.inboundNodes().size(), "the refused layer was not called");
        Embedding e = Embedding.builder().inputDim(3).outputDim(2).name("e").build();
        Flatten clash2 = Flatten.builder().name("e_input").build();
        refused(IllegalArgumentException.class, () -> Sequential.of(e, clash2),
                "Name \"e_input\" is already the name of a layer in this model");
        assertEquals(0, e.inboundNodes().size());
        assertEquals(0, clash2.inboundNodes().size());
    }

    @Test
    void disconnectedGraph() {
        SymbolicTensor a = Input.builder().shape(1).name("a").build();
        SymbolicTensor b = Input.builder().shape(1).name("b").build();
        SymbolicTensor y = Flatten.create().call(embedding.call(b));
        IllegalArgumentException ex = refused(IllegalArgumentException.class, () -> Model.of(a, y),
                "Graph disconnected: cannot obtain value for tensor SymbolicTensor(shape=(None, 1), dtype=float32",
                "at layer \"b\". The following previous layers were accessed without issue: []");
        assertFalse(ex.getMessage().isBlank());
    }

    @Test
    void sequentialGivenALayerThatCannotFollow() {
        Embedding second = Embedding.builder().inputDim(5).outputDim(2).inputLength(3).name("second").build();
        refused(IllegalArgumentException.class, () -> sequential.add(second),
                "\"input_length\" is 3, but received input has shape (None, 4) (Embedding layer \"second\")");
        assertEquals(0, second.inboundNodes().size(), "the refused layer was not called");
        refused(IllegalArgumentException.class, () -> sequential.add(Input.builder().shape(4).name("late").build()
                .layer()), "an InputLayer (\"late\") can only be its first layer");
    }

    @Test
    void unbuiltSequential() {
        Sequential deferred = Sequential.of(Flatten.builder().name("flat").build());
        ModelSnapshot before = ModelSnapshot.of(deferred, null);
        String notBuilt = "This model has not yet been built. Build the model first by calling `build()` or calling "
                + "`fit()` with some data, or specify an `input_shape` argument in the first layer(s) for automatic "
                + "build.";
        assertEquals(notBuilt, assertThrows(IllegalStateException.class, deferred::summaryLines).getMessage());
        assertEquals(notBuilt, assertThrows(IllegalStateException.class, deferred::summary).getMessage());
        assertEquals("You tried to call `count_params` on " + deferred.name() + ", but the layer isn't built. You "
                + "can build it manually via: `" + deferred.name() + ".build(batch_input_shape)`.",
                assertThrows(IllegalStateException.class, deferred::countParams).getMessage());
        String noWeights = "Weights for model " + deferred.name() + " have not yet been created. Weights are "
                + "created when the Model is first called on inputs or `build()` is called with an `input_shape`.";
        assertEquals(noWeights, assertThrows(IllegalStateException.class, deferred::getWeights).getMessage());
        assertEquals(noWeights, assertThrows(IllegalStateException.class, deferred::weights).getMessage());
        assertEquals(noWeights, assertThrows(IllegalStateException.class,
                () -> deferred.setWeights(List.of())).getMessage());
        assertTrue(assertThrows(IllegalStateException.class, deferred::outputShape).getMessage()
                .startsWith("The model \"" + deferred.name() + "\" has never been called and thus has no defined "
                        + "output shape."));
        before.assertUnchanged();
        // and it still builds from its first data
        assertEquals(Tensor.of(new float[][] {{1, 2, 3, 4}}), deferred.predict(Tensor.of(new float[][][] {{{1, 2}, {3, 4}}})));
    }

    /**
     * The one documented exception to "a refused call changes nothing" (docs/errors.md, known limits): a deferred
     * Sequential builds from its first data before the ids are looked up. A shape error is found before the build.
     */
    @Test
    void firstPredictOfADeferredSequentialBuildsItEvenIfItFails() {
        Embedding ids = Embedding.builder().inputDim(10).outputDim(2).name("ids").build();
        Sequential deferred = Sequential.of(Flatten.builder().name("flat").build(), ids);
        ModelSnapshot before = ModelSnapshot.of(deferred, null);
        assertThrows(IllegalArgumentException.class, () -> deferred.predict(Tensor.zeros(0, 2)));
        before.assertUnchanged();

        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> deferred.predict(Tensor.of(new float[][][] {{{1, 2}, {3, 12}}})));
        assertTrue(ex.getMessage().contains("indices[0, 3] = 12 is not in [0, 10)"), ex.getMessage());
        assertTrue(deferred.isBuilt(), "built from the failed call's data");
        assertEquals(Shape.batchOf(2, 2), deferred.inputShape());
    }

    @Test
    void getLayerWithAnUnknownNameOrIndex() {
        IllegalArgumentException name = refused(IllegalArgumentException.class, () -> model.getLayer("dense_c"));
        assertEquals("No such layer: dense_c. (model \"model\" has layers [Input, My_embedding, flatten])",
                name.getMessage());
        refused(IllegalArgumentException.class, () -> model.getLayer(3),
                "Was asked to retrieve layer at index 3 but model only has 3 layers.");
        refused(IllegalArgumentException.class, () -> model.getLayer(-4),
                "Was asked to retrieve layer at index -4 but model only has 3 layers.");
        refused(IllegalArgumentException.class, () -> sequential.getLayer("My_embedding_input"),
                "No such layer: My_embedding_input.");
        refused(IllegalArgumentException.class, () -> sequential.getLayer(2),
                "Was asked to retrieve layer at index 2 but model only has 2 layers.");
        Layer first = sequential.getLayer(0);
        assertEquals(embedding, first);
    }

    @Test
    void buildASequentialForAnotherShape() {
        refused(IllegalArgumentException.class, () -> sequential.build(Shape.batchOf(3)),
                "Sequential model \"sequential\" is built for inputs of shape (None, 1), cannot build it for "
                        + "(None, 3)");
    }
}
