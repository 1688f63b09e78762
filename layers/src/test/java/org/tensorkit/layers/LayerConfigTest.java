package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorkit.layers.preprocessing.Discretization;
import org.tensorkit.layers.preprocessing.Hashing;
import org.tensorkit.layers.preprocessing.IntegerLookup;
import org.tensorkit.layers.preprocessing.Normalization;
import org.tensorkit.layers.preprocessing.OutputMode;
import org.tensorkit.layers.preprocessing.StringLookup;
import org.tensorkit.layers.preprocessing.StringSplit;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;

/** Every layer describes itself as Keras's get_config does and is rebuilt from that description. */
class LayerConfigTest {
    @BeforeEach
    void reset() {
        Names.reset();
    }

    /** One layer of every registered class, with settings away from the defaults where it has any. */
    private static List<Layer> everyLayer() {
        List<Layer> layers = new ArrayList<>();
        layers.add(Input.builder().shape(Shape.UNKNOWN, 3).dtype(DType.INT64).name("ids").build().layer());
        layers.add(Embedding.builder().inputDim(7).outputDim(3).inputLength(2).maskZero(true).seed(5)
                .embeddingsRegularizer(Regularizers.l2(1e-4)).name("emb").trainable(false).build());
        layers.add(Embedding.builder().inputDim(4).outputDim(2).build());
        layers.add(Flatten.builder().dataFormat(Flatten.DataFormat.CHANNELS_FIRST).name("flat").build());
        layers.add(Dense.builder().units(3).activation("relu").useBias(false).dtype(DType.FLOAT64).seed(9)
                .kernelRegularizer(Regularizers.l2(0.5)).name("dense").build());
        layers.add(Dense.builder().units(2).biasInitializer(Initializer.constant(0.25))
                .biasRegularizer(Regularizers.l2()).build());
        layers.add(Dropout.builder().rate(0.3).seed(17).name("drop").build());
        layers.add(Dot.builder().axes(1, 2).normalize(true).name("dot").build());
        layers.add(Dot.of(-1));
        layers.add(Concatenate.builder().axis(1).dtype(DType.FLOAT64).name("cat").build());
        layers.add(Add.create());
        layers.add(Subtract.builder().dtype(DType.FLOAT64).name("minus").build());
        layers.add(Multiply.create());
        layers.add(Average.builder().trainable(false).build());
        layers.add(Reshape.of(2, -1));
        layers.add(LeakyReLU.builder().negativeSlope(0.1).name("leaky").build());
        layers.add(GlobalAveragePooling1D.builder().channelsFirst(true).keepDims(true).build());
        layers.add(BatchNormalization.builder().axis(1).momentum(0.9).epsilon(1e-5).center(false).build());
        layers.add(StringLookup.builder().vocabulary(List.of("a", "b")).maskToken("").numOovIndices(2).build());
        layers.add(StringLookup.builder().outputMode(OutputMode.TF_IDF).vocabulary(List.of("a", "b"))
                .idfWeights(0.5f, 0.25f).maxTokens(6).padToMaxTokens(true).build());
        layers.add(IntegerLookup.builder().vocabulary(List.of(7L, 3L)).invert(true).build());
        layers.add(IntegerLookup.builder().maskToken(0L).oovMethod("farmhash").salt(5, 6).build());
        layers.add(Hashing.builder().numBins(9).maskValue("").salt(1).outputMode(OutputMode.MULTI_HOT).build());
        layers.add(Discretization.builder().binBoundaries(-1, 0.5, 2).outputMode(OutputMode.COUNT).build());
        layers.add(Normalization.builder().axis(1).invert(true).build());
        layers.add(StringSplit.builder().separator("|").maxValues(4).padValue("<pad>").truncate(true).build());
        layers.add(EmbedReduce.builder().inputDim(7).outputDim(3).maskZero(true).seed(3)
                .combiner(EmbedReduce.Combiner.SQRTN).build());
        layers.add(Normalization.builder().axis().meanAndVariance(new double[] {3}, new double[] {2}).build());
        return layers;
    }

    @Test
    void everyRegisteredClassIsCovered() {
        Set<String> covered = new TreeSet<>();
        everyLayer().forEach(l -> covered.add(Layers.className(l)));
        assertEquals(new TreeSet<>(Layers.classNames()), covered);
    }

    @Test
    void everyLayerRoundTripsThroughItsConfig() {
        for (Layer layer : everyLayer()) {
            Map<String, Object> config = layer.config();
            Layer copy = Layers.fromConfig(Layers.className(layer), config);
            assertSame(layer.getClass(), copy.getClass());
            assertEquals(config, copy.config(), () -> Layers.className(layer) + " " + config);
            assertEquals(layer.name(), copy.name());
            assertEquals(layer.isTrainable(), copy.isTrainable());
            assertEquals(layer.weights().stream().map(Weight::shape).toList(),
                    copy.weights().stream().map(Weight::shape).toList());
        }
    }

    @Test
    void aSeededLayerRebuiltFromItsConfigStartsFromTheSameWeights() {
        Embedding e = Embedding.builder().inputDim(6).outputDim(3).seed(11).name("e").build();
        Embedding copy = (Embedding) Layers.fromConfig("Embedding", e.config());
        assertEquals(e.getWeights(), copy.getWeights());
    }

    @Test
    void configsUseKerasKeysInKerasOrder() {
        Dense d = Dense.builder().units(4).seed(3).name("d").build();
        assertEquals(List.of("name", "trainable", "dtype", "units", "activation", "use_bias", "kernel_initializer",
                "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer",
                "kernel_constraint", "bias_constraint"), new ArrayList<>(d.config().keySet()));
        assertEquals(Map.of("class_name", "GlorotUniform", "config", Map.of("seed", 3L)),
                d.config().get("kernel_initializer"));
        Map<String, Object> input = Input.builder().shape(Shape.UNKNOWN).name("x").build().layer().config();
        assertEquals(java.util.Arrays.asList(null, null), input.get("batch_shape"));
        assertEquals("float32", input.get("dtype"));
    }

    @Test
    void configsAreImmutable() {
        Map<String, Object> config = Dot.of(1).config();
        assertThrows(UnsupportedOperationException.class, () -> config.put("axes", 2));
        @SuppressWarnings("unchecked")
        Map<String, Object> nested = (Map<String, Object>) Embedding.builder().inputDim(2).outputDim(2).build()
                .config().get("embeddings_initializer");
        assertThrows(UnsupportedOperationException.class, () -> nested.put("class_name", "Zeros"));
    }

    @Test
    void tfKeras2InputConfigsAreRead() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("batch_input_shape", java.util.Arrays.asList(null, 1));
        config.put("dtype", "int32");
        config.put("sparse", false);
        config.put("name", "Input");
        InputLayer in = (InputLayer) Layers.fromConfig("InputLayer", config);
        assertEquals(Shape.of(Shape.UNKNOWN, 1), in.batchShape());
        assertEquals(DType.INT32, in.dtype());
    }

    @Test
    void unknownClassesKeysAndValuesAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Layers.fromConfig("Conv2D", Map.of("name", "c")));
        assertTrue(e.getMessage().startsWith("unknown layer class \"Conv2D\"; tensorkit has [Add, Average, BatchNormalization, Concatenate, Dense,"),
                e.getMessage());

        Map<String, Object> extra = new HashMap<>(Dot.of(1).config());
        extra.put("mystery", 1);
        e = assertThrows(IllegalArgumentException.class, () -> Layers.fromConfig("Dot", extra));
        assertTrue(e.getMessage().startsWith("Dot config has unsupported key(s) [mystery]"), e.getMessage());

        Map<String, Object> badUnits = new HashMap<>(Dense.of(2).config());
        badUnits.put("units", "two");
        e = assertThrows(IllegalArgumentException.class, () -> Layers.fromConfig("Dense", badUnits));
        assertEquals("Dense config: \"units\" is \"two\"; expected an integer", e.getMessage());

        Map<String, Object> constrained = new HashMap<>(Embedding.builder().inputDim(3).outputDim(2).build().config());
        constrained.put("embeddings_constraint", Map.of("class_name", "NonNeg", "config", Map.of()));
        e = assertThrows(IllegalArgumentException.class, () -> Layers.fromConfig("Embedding", constrained));
        assertTrue(e.getMessage().startsWith("Embedding config: \"embeddings_constraint\" is {"), e.getMessage());
        assertTrue(e.getMessage().endsWith("expected null (tensorkit's Embedding has no embeddings_constraint)"),
                e.getMessage());

        Map<String, Object> noRate = new HashMap<>(Dropout.of(0.5).config());
        noRate.remove("rate");
        e = assertThrows(IllegalArgumentException.class, () -> Layers.fromConfig("Dropout", noRate));
        assertEquals("Dropout config has no \"rate\"", e.getMessage());

        Map<String, Object> badInit = new HashMap<>(Dense.of(2).config());
        badInit.put("kernel_initializer", Map.of("class_name", "Orthogonal", "config", Map.of()));
        e = assertThrows(IllegalArgumentException.class, () -> Layers.fromConfig("Dense", badInit));
        assertTrue(e.getMessage().startsWith("unknown initializer class \"Orthogonal\""), e.getMessage());
    }

    @Test
    void aCustomInitializerHasNoConfig() {
        Embedding e = Embedding.builder().inputDim(2).outputDim(2).initializer((shape, dtype) ->
                Initializer.zeros().initialize(shape, dtype)).name("custom").build();
        IllegalStateException x = assertThrows(IllegalStateException.class, e::config);
        assertTrue(x.getMessage().endsWith("only tensorkit's built-in initializers (uniform, glorotUniform, zeros, "
                + "constant) describe themselves"), x.getMessage());
    }
}
