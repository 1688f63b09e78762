package org.tensorkit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
import org.tensorkit.layers.Names;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.Weight;
import org.tensorkit.layers.testing.NotebookFixture;

/** The categorical-embeddings notebook, cell by cell: three models sharing one Embedding (spec sections 1.10, 9). */
class NotebookTest {
    private static final Tensor MATRIX = NotebookFixture.MATRIX;

    private Embedding embeddingLayer;
    private Model model;
    private Model model2;

    @BeforeEach
    void notebook() {
        Names.reset();
        embeddingLayer = NotebookFixture.embedding();
        SymbolicTensor x = Input.builder().shape(1).name("Input").build();
        model = Model.of(x, embeddingLayer.call(x));
        SymbolicTensor x2 = Input.builder().shape(1).name("Input").build();
        model2 = Model.builder().inputs(x2).outputs(Flatten.create().call(embeddingLayer.call(x2))).build();
    }

    private static float[] row(int id) {
        return MATRIX.get(id).toFloatArray();
    }

    @Test
    void functionalModelShapesNamesAndLayers() {
        assertEquals("model", model.name());
        assertEquals("model_1", model2.name());
        assertEquals(Shape.batchOf(1, 4), model.outputShape());
        assertEquals(Shape.batchOf(1), model.inputShape());
        assertEquals(Shape.batchOf(4), model2.outputShape());
        assertEquals("(None, 1, 4)", model.outputShape().toString());
        assertEquals(List.of("Input", "My_embedding"), model.layers().stream().map(l -> l.name()).toList());
        assertTrue(model.layers().get(0) instanceof InputLayer);
        assertSame(embeddingLayer, model.getLayer("My_embedding"));
        assertSame(embeddingLayer, model2.getLayer(1));
        assertEquals("flatten", model2.getLayer(-1).name());
        assertEquals(40, model.countParams());
        assertEquals(40, model2.countParams());
    }

    @Test
    void getWeightsIsTheEmbeddingMatrix() {
        List<Tensor> w = model.getWeights();
        assertEquals(1, w.size());
        assertEquals(MATRIX, w.get(0));
        assertEquals(DType.FLOAT32, w.get(0).dtype());
        assertEquals(Shape.of(10, 4), w.get(0).shape());
    }

    @Test
    void modelSummaryMatchesTheNotebook() {
        assertEquals(Golden.lines("summaries/notebook-model.txt"), model.summaryLines());
    }

    @Test
    void model2SummaryMatchesTheNotebook() {
        assertEquals(Golden.lines("summaries/notebook-model2.txt"), model2.summaryLines());
    }

    @Test
    void model3SummaryOmitsTheAutoInput() {
        Sequential model3 = Sequential.of(embeddingLayer, Flatten.create());
        assertEquals(Golden.lines("summaries/notebook-model3-sequential.txt"), model3.summaryLines());
    }

    @Test
    void summaryPrintsTheLinesToStandardOutput() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            model.summary();
        } finally {
            System.setOut(original);
        }
        String expected = String.join("\n", model.summaryLines()) + "\n";
        assertEquals(expected, captured.toString(StandardCharsets.UTF_8));
        assertEquals(expected, model.summaryString());
    }

    @Test
    void predictOneIdAndABatch() {
        Tensor one = model.predict(Tensor.of(new int[][] {{3}}));
        assertEquals(Shape.of(1, 1, 4), one.shape());
        assertEquals(DType.FLOAT32, one.dtype());
        assertArrayEquals(row(3), one.toFloatArray());

        Tensor batch = model.predict(Tensor.of(new int[][] {{3}, {3}, {0}, {9}}));
        assertEquals(Shape.of(4, 1, 4), batch.shape());
        assertArrayEquals(new float[] {12, 13, 14, 15, 12, 13, 14, 15, 0, 1, 2, 3, 36, 37, 38, 39},
                batch.toFloatArray());

        Tensor flat = model2.predict(Tensor.of(new int[] {3}));
        assertEquals(Shape.of(1, 4), flat.shape());
        assertArrayEquals(row(3), flat.toFloatArray());
    }

    @Test
    void threeModelsShareOneWeight() {
        Sequential model3 = Sequential.of(embeddingLayer, Flatten.create());
        Weight w = embeddingLayer.embeddings();
        assertSame(w, model.weights().get(0));
        assertSame(w, model2.weights().get(0));
        assertSame(w, model3.weights().get(0));
        assertEquals(3, embeddingLayer.inboundNodes().size(), "model, model2 and model3 each called it once");

        model2.setWeights(List.of(Tensor.ones(10, 4))); // float64 ones, cast to float32
        float[] ones = {1, 1, 1, 1};
        Tensor ids = Tensor.of(new int[][] {{3}});
        assertArrayEquals(ones, model2.predict(ids).toFloatArray());
        assertEquals(Shape.of(1, 1, 4), model.predict(ids).shape());
        assertArrayEquals(ones, model.predict(ids).toFloatArray());
        assertArrayEquals(ones, model3.predict(ids).toFloatArray());
        assertEquals(Tensor.ones(DType.FLOAT32, 10, 4), model.getWeights().get(0));
        assertEquals(DType.FLOAT32, DType.of(w.value().dataType()));

        model3.setWeights(List.of(MATRIX));
        assertArrayEquals(row(9), model2.predict(Tensor.of(new int[] {9})).toFloatArray());
        assertEquals(MATRIX, model.getWeights().get(0));
    }

    @Test
    void getWeightsReturnsCopiesAndSetWeightsCopiesItsInput() {
        Tensor values = Tensor.ones(DType.FLOAT32, 10, 4);
        model.setWeights(List.of(values));
        values.unwrap().assign(7); // later changes to the caller's array have no effect
        assertEquals(Tensor.ones(DType.FLOAT32, 10, 4), model.getWeights().get(0));
        Tensor got = model.getWeights().get(0);
        got.unwrap().assign(5);
        assertEquals(Tensor.ones(DType.FLOAT32, 10, 4), model2.getWeights().get(0));
        assertNotSame(got.unwrap(), embeddingLayer.embeddings().value());
    }
}
