package org.tensorkit.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.testing.NotebookFixture;

/** Golden tf.keras 2.1-2.3 summaries (spec section 1); every row is padded to the line length. */
class SummaryTest {
    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    @Test
    void twoInputModelUsesTheConnectedToLayout() {
        SymbolicTensor ids = Input.builder().shape(1).name("ids").build();
        SymbolicTensor words = Input.builder().shape(2).name("words").build();
        Embedding idEmb = Embedding.builder().inputDim(10).outputDim(4).inputLength(1).name("id_embedding").build();
        Embedding wordEmb = Embedding.builder().inputDim(500_000).outputDim(3).inputLength(2)
                .name("word_embedding").build();
        Model m = Model.builder().inputs(ids, words).outputs(idEmb.call(ids), wordEmb.call(words)).name("two_towers")
                .build();
        assertEquals(Golden.lines("summaries/two-inputs.txt"), m.summaryLines());
    }

    /** spec 1.10: a layer shared inside one model prints its second connection on a continuation row. */
    @Test
    void layerCalledOnTwoInputsGetsAContinuationRow() {
        SymbolicTensor a = Input.builder().shape(1).name("a").build();
        SymbolicTensor b = Input.builder().shape(1).name("b").build();
        Embedding e = NotebookFixture.embedding();
        Model m = Model.builder().inputs(a, b).outputs(e.call(a), e.call(b)).build();
        List<String> lines = m.summaryLines();
        assertEquals(Golden.lines("summaries/layer-called-on-two-inputs.txt"), lines);
        assertEquals(65, lines.get(9).indexOf("b[0][0]"));
    }

    @Test
    void layerCalledTwiceInOneChainIsNotSequentialLike() {
        SymbolicTensor x = Input.builder().shape(1, 4).name("x").build();
        Flatten f = Flatten.create();
        Model m = Model.of(x, f.call(f.call(x)));
        assertFalse(SummaryFormatter.isSequentialLike(m.graphOrNull()));
        assertEquals(Golden.lines("summaries/layer-called-twice-in-a-chain.txt"), m.summaryLines());
    }

    @Test
    void frozenLayerCountsAsNonTrainable() {
        Embedding e = NotebookFixture.embedding();
        e.setTrainable(false);
        SymbolicTensor x = Input.builder().shape(1).name("Input").build();
        Model.of(x, e.call(x));  // "model": the embedding's first call is for another model
        SymbolicTensor x2 = Input.builder().shape(1).name("Input").build();
        Model model2 = Model.of(x2, Flatten.create().call(e.call(x2)));
        assertTrue(SummaryFormatter.isSequentialLike(model2.graphOrNull()),
                "calls made for another model do not count");
        assertEquals(Golden.lines("summaries/frozen-layer.txt"), model2.summaryLines());
        assertEquals(List.of(), model2.trainableWeights());
        assertEquals(List.of(e.embeddings()), model2.nonTrainableWeights());
        e.setTrainable(true);
        assertEquals("Trainable params: 40", model2.summaryLines().get(11));
    }

    @Test
    void differentShapesAcrossCallsPrintMultiple() {
        Flatten f = Flatten.create();
        SymbolicTensor x = Input.builder().shape(1, 4).name("x").build();
        Model m = Model.of(x, f.call(x));
        assertTrue(m.summaryLines().get(6).startsWith("flatten (Flatten)            (None, 4)    "));
        SymbolicTensor y = Input.builder().shape(2, 3).name("y").build();
        Model.of(y, f.call(y)); // another model, other shape
        assertEquals("flatten (Flatten)            multiple                  0         ", m.summaryLines().get(6));
    }

    @Test
    void longNamesAreCutToTheirColumn() {
        Embedding e = Embedding.builder().inputDim(1000).outputDim(1000).inputLength(1, 2, 3, 4, 5, 6)
                .name("a_very_long_layer_name_here").build();
        Sequential m = Sequential.of(e);
        List<String> lines = m.summaryLines();
        assertEquals("a_very_long_layer_name_here  (None, 1, 2, 3, 4, 5, 6,  1000000   ", lines.get(4));
        assertEquals("Total params: 1,000,000", lines.get(6));
        assertEquals(65, lines.get(4).length());
    }

    @Test
    void rowAlgorithmMatchesKerasPrintRow() {
        int[] ends = {29, 55, 65};
        assertEquals("Layer (type)                 Output Shape              Param #   ",
                SummaryFormatter.row(List.of("Layer (type)", "Output Shape", "Param #"), ends));
        assertEquals("abcdefghijklmnopqrstuvwxyz12 x                         1         ",
                SummaryFormatter.row(List.of("abcdefghijklmnopqrstuvwxyz123456", "x", "1"), ends));
    }

    @Test
    void customLineLengthAndPositions() {
        Sequential m = Sequential.of(NotebookFixture.embedding(), Flatten.create());
        List<String> wide = m.summaryLines(SummaryFormatter.defaults().lineLength(80));
        assertEquals("_".repeat(80), wide.get(1));
        assertEquals("Layer (type)                        Output Shape                    Param #     ", wide.get(2));
        List<String> absolute = m.summaryLines(SummaryFormatter.defaults().positions(30, 45, 55));
        assertEquals("My_embedding (Embedding)      (None, 1, 4)   40        ", absolute.get(4));
        assertThrows(IllegalArgumentException.class,
                () -> m.summaryLines(SummaryFormatter.defaults().positions(.3, .6, .8, 1)));
        assertThrows(IllegalArgumentException.class, () -> SummaryFormatter.defaults().lineLength(0));
        assertThrows(IllegalArgumentException.class, () -> SummaryFormatter.defaults().positions(.5, .2, 1));
    }
}
