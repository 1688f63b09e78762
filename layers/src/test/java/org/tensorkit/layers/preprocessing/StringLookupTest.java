package org.tensorkit.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.Layers;
import org.tensorkit.layers.SymbolicTensor;

/** StringLookup against the examples of Keras 3's docstring ({@code string_lookup.py}), outputs pasted. */
class StringLookupTest {
    private static final List<String> VOCAB = List.of("a", "b", "c", "d");
    private static final Tensor DATA = Tensor.of(new String[][] {{"a", "c", "d"}, {"d", "z", "b"}});

    @Test
    void knownVocabulary() {
        StringLookup layer = StringLookup.builder().vocabulary(VOCAB).build();
        Tensor out = layer.call(DATA);
        assertEquals(DType.INT64, out.dtype());
        assertEquals("[[1 3 4]\n [4 0 2]]", out.toString());
        assertEquals(List.of("[UNK]", "a", "b", "c", "d"), layer.getVocabulary());
        assertEquals(VOCAB, layer.getVocabulary(false));
        assertEquals(5, layer.vocabularySize());
        assertEquals(0, layer.countParams());
    }

    @Test
    void adaptedVocabularyOrdersByCountThenKeyDescending() {
        StringLookup layer = StringLookup.create();
        layer.adapt(DATA);
        assertEquals(List.of("[UNK]", "d", "z", "c", "b", "a"), layer.getVocabulary());
        assertEquals("[[5 3 1]\n [1 2 4]]", layer.call(DATA).toString());
        StringLookup fromStream = StringLookup.create();
        fromStream.adapt(Stream.of("a", "c", "d", "d", "z", "b"));
        assertEquals(layer.getVocabulary(), fromStream.getVocabulary());
    }

    @Test
    void tiesBreakOnUtf8BytesAsNumpySortsThem() {
        // U+FF21 (3 UTF-8 bytes, one UTF-16 unit) sorts before U+1F600 (4 bytes, a surrogate pair) in byte order,
        // after it in UTF-16 order: Keras sorts bytes
        StringLookup layer = StringLookup.create();
        layer.adapt(List.of("\uFF21", "\uD83D\uDE00", "b"));
        assertEquals(List.of("[UNK]", "\uD83D\uDE00", "\uFF21", "b"), layer.getVocabulary());
    }

    @Test
    void theTieOrderIsTheUtf8ByteOrderForAnyText() {
        java.util.Random rng = new java.util.Random(5);
        int[] pool = {'a', 'z', 0xE9, 0x4E2D, 0xD7FF, 0xE000, 0xFF21, 0xFFFF, 0x1F600, 0x10FFFF};
        for (int t = 0; t < 20_000; t++) {
            String a = random(rng, pool);
            String b = random(rng, pool);
            int bytes = java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
                    b.getBytes(StandardCharsets.UTF_8));
            assertEquals(Integer.signum(bytes), Integer.signum(StringLookup.compareCodePoints(a, b)), a + " vs " + b);
        }
    }

    private static String random(java.util.Random rng, int[] pool) {
        StringBuilder b = new StringBuilder();
        for (int n = rng.nextInt(4); n > 0; n--) {
            b.appendCodePoint(pool[rng.nextInt(pool.length)]);
        }
        return b.toString();
    }

    @Test
    void maxTokensCountsTheSpecialIndices() {
        StringLookup layer = StringLookup.builder().maxTokens(3).build();
        layer.adapt(DATA);
        assertEquals(List.of("[UNK]", "d", "z"), layer.getVocabulary());
    }

    @Test
    void severalOovIndicesHashLikeTensorFlow() {
        StringLookup layer = StringLookup.builder().vocabulary(VOCAB).numOovIndices(2).build();
        Tensor out = layer.call(Tensor.of(new String[][] {{"a", "c", "d"}, {"m", "z", "b"}}));
        assertEquals("[[2 4 5]\n [0 1 3]]", out.toString());
        assertEquals(List.of("[UNK]", "[UNK]", "a", "b", "c", "d"), layer.getVocabulary());
    }

    @Test
    void outputModes() {
        Tensor flat = Tensor.of("a", "b", "c", "d", "z");
        Tensor oneHot = StringLookup.builder().vocabulary(VOCAB).outputMode(OutputMode.ONE_HOT).build().call(flat);
        assertEquals(DType.FLOAT32, oneHot.dtype());
        assertEquals("""
                [[0. 1. 0. 0. 0.]
                 [0. 0. 1. 0. 0.]
                 [0. 0. 0. 1. 0.]
                 [0. 0. 0. 0. 1.]
                 [1. 0. 0. 0. 0.]]""", oneHot.toString());
        Tensor docs = Tensor.of(new String[][] {{"a", "c", "d", "d"}, {"d", "z", "b", "z"}});
        assertEquals("[[0. 1. 0. 1. 1.]\n [1. 0. 1. 0. 1.]]", StringLookup.builder().vocabulary(VOCAB)
                .outputMode(OutputMode.MULTI_HOT).build().call(docs).toString());
        assertEquals("[[0. 1. 0. 1. 2.]\n [2. 0. 1. 0. 1.]]", StringLookup.builder().vocabulary(VOCAB)
                .outputMode(OutputMode.COUNT).build().call(docs).toString());
        StringLookup tfidf = StringLookup.builder().outputMode(OutputMode.TF_IDF).build();
        tfidf.setVocabulary(VOCAB, new float[] {0.25f, 0.75f, 0.6f, 0.4f});
        assertArrayEquals(new float[] {0, 0.25f, 0, 0.6f, 0.8f, 1.0f, 0, 0.75f, 0, 0.4f}, tfidf.call(docs)
                .toFloatArray(), 1e-6f);
        tfidf.setVocabulary(List.of("[UNK]", "a", "b", "c", "d"), new float[] {0.9f, 0.25f, 0.75f, 0.6f, 0.4f});
        assertArrayEquals(new float[] {0, 0.25f, 0, 0.6f, 0.8f, 1.8f, 0, 0.75f, 0, 0.4f}, tfidf.call(docs)
                .toFloatArray(), 1e-6f);
    }

    @Test
    void oneHotOfAColumnReplacesItsAxisAndPaddingFixesTheDepth() {
        StringLookup layer = StringLookup.builder().vocabulary(VOCAB).outputMode(OutputMode.ONE_HOT)
                .maxTokens(8).padToMaxTokens(true).build();
        assertEquals(Shape.of(Shape.UNKNOWN, 8), layer.computeOutputShape(Shape.of(Shape.UNKNOWN, 1)));
        assertEquals(Shape.of(Shape.UNKNOWN, 3, 8), layer.computeOutputShape(Shape.of(Shape.UNKNOWN, 3)));
        assertEquals(Shape.of(2, 8), layer.call(Tensor.of(new String[][] {{"a"}, {"q"}})).shape());
    }

    @Test
    void adaptedTfIdfWeighsByInverseDocumentFrequency() {
        StringLookup layer = StringLookup.builder().outputMode(OutputMode.TF_IDF).build();
        layer.adapt(Tensor.of(new String[][] {{"a", "a", "b"}, {"b", "c", "c"}, {"a", "d", "d"}}));
        assertEquals(List.of("[UNK]", "a", "d", "c", "b"), layer.getVocabulary()); // a 3 times, then 2 each
        // log(1 + 3 / (1 + df)): d and c in one document, a and b in two; [UNK] gets their mean
        float one = (float) Math.log(1 + 3.0 / 2);
        float two = (float) Math.log(1 + 3.0 / 3);
        float mean = (float) ((2.0 * one + 2.0 * two) / 4);
        assertArrayEquals(new float[] {mean, two, one, one, two}, layer.idfWeights());
        assertArrayEquals(new float[] {0, 2 * two, 0, 0, two}, layer.call(Tensor.of(new String[][] {{"a", "b", "a"}}))
                .toFloatArray(), 1e-6f);
    }

    @Test
    void maskTokenTakesIndexZeroInIntModeAndCountsNowhereElse() {
        StringLookup layer = StringLookup.builder().vocabulary(VOCAB).maskToken("").build();
        assertEquals("[[0 2 1]]", layer.call(Tensor.of(new String[][] {{"", "a", "q"}})).toString());
        assertEquals(List.of("", "[UNK]", "a", "b", "c", "d"), layer.getVocabulary());
        StringLookup multi = StringLookup.builder().vocabulary(VOCAB).maskToken("").outputMode(OutputMode.MULTI_HOT)
                .build();
        assertEquals("[[1. 1. 0. 0. 0.]]", multi.call(Tensor.of(new String[][] {{"", "a", "q"}})).toString());
    }

    @Test
    void invertMapsIndicesBackAndUnknownIndicesToTheOovToken() {
        StringLookup layer = StringLookup.builder().vocabulary(VOCAB).invert(true).build();
        Tensor out = layer.call(Tensor.of(new long[][] {{1, 3, 4}, {4, 0, 2}}));
        assertEquals(DType.STRING, out.dtype());
        assertArrayEquals(new String[] {"a", "c", "d", "d", "[UNK]", "b"}, out.toStringArray());
        assertArrayEquals(new String[] {"[UNK]", "[UNK]"}, layer.call(Tensor.of(99L, -1L)).toStringArray());
        StringLookup forward = StringLookup.builder().vocabulary(VOCAB).build();
        assertEquals(List.of("a", "c", "d", "d", "[UNK]", "b"), List.of(layer.call(forward.call(DATA))
                .toStringArray()));
    }

    @Test
    void zeroOovIndicesRefusesAnUnknownKeyByNameAndPosition() {
        StringLookup layer = StringLookup.builder().vocabulary(VOCAB).numOovIndices(0).name("genres").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layer.call(DATA));
        assertEquals("StringLookup \"genres\": key 'z' at position [1, 1] is not in the vocabulary. When "
                + "`num_oov_indices=0` all inputs should be in vocabulary, consider setting `num_oov_indices=1`.",
                e.getMessage());
        assertEquals("[[0 2 3]]", layer.call(Tensor.of(new String[][] {{"a", "c", "d"}})).toString());
    }

    @Test
    void refusesVocabulariesAsKerasDoes() {
        StringLookup layer = StringLookup.builder().name("lk").vocabulary(VOCAB).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layer.setVocabulary(List.of("a", "b", "a")));
        assertEquals("StringLookup \"lk\": The passed vocabulary has at least one repeated term. Please uniquify "
                + "your dataset. The repeated terms are: ['a']", e.getMessage());
        assertEquals(VOCAB, layer.getVocabulary(false)); // unchanged
        e = assertThrows(IllegalArgumentException.class, () -> layer.setVocabulary(List.of()));
        assertEquals("StringLookup \"lk\": Cannot set an empty vocabulary. Received: vocabulary=[]", e.getMessage());
        StringLookup masked = StringLookup.builder().name("m").maskToken("").build();
        e = assertThrows(IllegalArgumentException.class, () -> masked.setVocabulary(List.of("a", "")));
        assertTrue(e.getMessage().contains("Found reserved mask token at unexpected location in `vocabulary`")
                && e.getMessage().endsWith("precisely this order: ['', '[UNK]']. Received: mask_token='' at "
                + "vocabulary index 1"), e.getMessage());
        StringLookup small = StringLookup.builder().name("s").maxTokens(3).build();
        e = assertThrows(IllegalArgumentException.class, () -> small.setVocabulary(VOCAB));
        assertEquals("StringLookup \"s\": Attempted to set a vocabulary larger than the maximum vocab size. "
                + "Received vocabulary size is 5; `max_tokens` is 3.", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> layer.setVocabulary(java.util.Arrays.asList("a", null)));
        assertEquals("StringLookup \"lk\": vocabulary[1] is null", e.getMessage());
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> layer.adapt(DATA));
        assertEquals("Cannot adapt layer 'lk' after setting a static vocabulary via `vocabulary` argument or "
                + "`set_vocabulary()` method.", s.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StringLookup.create().adapt(List.of()));
        assertTrue(e.getMessage().endsWith("adapt found no keys in 0 document(s); a vocabulary needs at least one "
                + "key"), e.getMessage());
    }

    @Test
    void refusesSettingsAsKerasDoes() {
        assertEquals("StringLookup: If set, `max_tokens` must be greater than 1. Received: max_tokens=1",
                assertThrows(IllegalArgumentException.class, () -> StringLookup.builder().maxTokens(1).build())
                        .getMessage());
        assertEquals("StringLookup: `output_mode` must be `'int'` when `invert` is true. Received: "
                + "output_mode=multi_hot", assertThrows(IllegalArgumentException.class, () -> StringLookup.builder()
                .invert(true).outputMode(OutputMode.MULTI_HOT).build()).getMessage());
        assertEquals("StringLookup: `num_oov_indices` must be greater than or equal to 0. Received: "
                + "num_oov_indices=-1", assertThrows(IllegalArgumentException.class, () -> StringLookup.builder()
                .numOovIndices(-1).build()).getMessage());
        assertEquals("StringLookup: If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens=None",
                assertThrows(IllegalArgumentException.class, () -> StringLookup.builder().padToMaxTokens(true)
                        .build()).getMessage());
        assertThrows(IllegalArgumentException.class, () -> StringLookup.builder().vocabulary(VOCAB)
                .outputMode(OutputMode.TF_IDF).build());
    }

    @Test
    void refusesWrongInputTypesAndCallsBeforeAVocabulary() {
        StringLookup layer = StringLookup.builder().name("ids").vocabulary(VOCAB).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layer.call(Tensor.of(1, 2)));
        assertEquals("StringLookup \"ids\" expects strings (Input dtype string), got int32 input", e.getMessage());
        SymbolicTensor numeric = Input.builder().shape(1).build();
        assertThrows(IllegalArgumentException.class, () -> layer.call(numeric));
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> StringLookup.builder().name("e")
                .build().call(DATA));
        assertTrue(s.getMessage().startsWith("StringLookup \"e\" has no vocabulary"), s.getMessage());
        StringLookup multi = StringLookup.builder().outputMode(OutputMode.MULTI_HOT).build();
        SymbolicTensor strings = Input.builder().shape(2).dtype(DType.STRING).build();
        assertThrows(IllegalStateException.class, () -> multi.call(strings));
    }

    @Test
    void symbolicCallGivesInt64OfTheInputShape() {
        SymbolicTensor in = Input.builder().shape(1).dtype(DType.STRING).build();
        SymbolicTensor out = StringLookup.builder().vocabulary(VOCAB).build().call(in);
        assertEquals(DType.INT64, out.dtype());
        assertEquals(Shape.of(Shape.UNKNOWN, 1), out.shape());
    }

    @Test
    void configRebuildsAnEqualLayer() {
        StringLookup layer = StringLookup.builder().name("genre").vocabulary(VOCAB).numOovIndices(2).maskToken("")
                .build();
        var config = layer.config();
        assertEquals(List.of("name", "trainable", "invert", "max_tokens", "num_oov_indices", "oov_token",
                "mask_token", "output_mode", "sparse", "pad_to_max_tokens", "idf_weights", "vocabulary",
                "vocabulary_size", "encoding"), List.copyOf(config.keySet()));
        assertEquals(VOCAB, config.get("vocabulary"));
        assertEquals(7, config.get("vocabulary_size"));
        StringLookup copy = (StringLookup) Layers.fromConfig("StringLookup", config);
        assertEquals(layer.getVocabulary(), copy.getVocabulary());
        assertEquals(config, copy.config());
        StringLookup adapted = StringLookup.create();
        adapted.adapt(DATA);
        assertNull(adapted.config().get("vocabulary"));
        assertEquals(6, adapted.config().get("vocabulary_size"));
    }

    @Test
    void readsVocabularyFiles(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("vocab.txt");
        Files.writeString(file, "a\nbé\n\n", StandardCharsets.UTF_8);
        assertEquals(List.of("a", "bé"), StringLookup.readVocabulary(file));
        Files.write(file, new byte[] {'a', '\n', (byte) 0xff});
        IOException e = assertThrows(IOException.class, () -> StringLookup.readVocabulary(file));
        assertTrue(e.getMessage().startsWith("vocabulary file " + file + " is not valid UTF-8"), e.getMessage());
    }

    @Test
    void theVocabularySizeOfACalledEncodingLookupIsFrozen() {
        StringLookup layer = StringLookup.builder().name("g").vocabulary(VOCAB).outputMode(OutputMode.MULTI_HOT)
                .build();
        layer.call(Input.builder().shape(3).dtype(DType.STRING).build());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> layer.setVocabulary(List.of("x")));
        assertEquals("When using `output_mode=multi_hot` and `pad_to_max_tokens=False`, the vocabulary size cannot be "
                + "changed after the layer is called. Old vocab size is 5, new vocab size is 2 (layer \"g\")",
                e.getMessage());
        assertEquals(VOCAB, layer.getVocabulary(false));
        layer.setVocabulary(List.of("e", "f", "g", "h"));
        assertEquals(List.of("e", "f", "g", "h"), layer.getVocabulary(false));
    }

    @Test
    void savesALearntVocabularyAsKerasAssetsAndRefusesWhatCannotReadBack() {
        StringLookup layer = StringLookup.builder().name("w").maskToken("").build();
        layer.adapt(List.of("b", "a", "b"));
        assertEquals("\n[UNK]\nb\na", new String(layer.saveAssets().get(IndexLookup.VOCABULARY_ASSET),
                StandardCharsets.UTF_8));
        StringLookup copy = (StringLookup) Layers.fromConfig("StringLookup", layer.config());
        copy.loadAssets(layer.saveAssets());
        assertEquals(layer.getVocabulary(), copy.getVocabulary());
        assertEquals(java.util.Map.of(), StringLookup.builder().vocabulary(VOCAB).build().saveAssets());

        StringLookup broken = StringLookup.builder().name("nl").build();
        broken.adapt(List.of("a\nb"));
        IllegalStateException e = assertThrows(IllegalStateException.class, broken::saveAssets);
        assertEquals("StringLookup \"nl\": vocabulary key 1 'a\nb' holds a line break, which vocabulary.txt cannot "
                + "keep", e.getMessage());
        StringLookup tfidf = StringLookup.builder().name("t").outputMode(OutputMode.TF_IDF).build();
        tfidf.adapt(DATA);
        StringLookup tfidfCopy = (StringLookup) Layers.fromConfig("StringLookup", tfidf.config());
        IllegalArgumentException noIdf = assertThrows(IllegalArgumentException.class,
                () -> tfidfCopy.loadAssets(tfidf.saveAssets()));
        assertTrue(noIdf.getMessage().endsWith("needs its idf_weights variable, which the weights file does not have"),
                noIdf.getMessage());
        tfidfCopy.loadVariables(tfidf.saveVariables());
        tfidfCopy.loadAssets(tfidf.saveAssets());
        assertArrayEquals(tfidf.idfWeights(), tfidfCopy.idfWeights());
        assertEquals(tfidf.call(DATA), tfidfCopy.call(DATA));
        IllegalArgumentException wrongLength = assertThrows(IllegalArgumentException.class,
                () -> tfidfCopy.prepareVariables(java.util.Map.of("idf_weights", Tensor.of(1f, 2f))));
        assertTrue(wrongLength.getMessage().endsWith("idf_weights holds 2 values; the vocabulary needs 6"),
                wrongLength.getMessage());
        assertArrayEquals(tfidf.idfWeights(), tfidfCopy.idfWeights()); // unchanged
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> copy.loadAssets(
                java.util.Map.of(IndexLookup.VOCABULARY_ASSET, new byte[] {(byte) 0xc3})));
        assertTrue(bad.getMessage().contains("vocabulary.txt is not valid UTF-8"), bad.getMessage());
    }

    @Test
    void refusesConfigsItCannotHonour() {
        var config = new java.util.LinkedHashMap<>(StringLookup.builder().name("c").vocabulary(VOCAB).build()
                .config());
        config.put("sparse", true);
        assertEquals("StringLookup config: \"sparse\" is true; expected false (tensorkit's outputs are dense)",
                assertThrows(IllegalArgumentException.class, () -> StringLookup.fromConfig(config)).getMessage());
        config.put("sparse", false);
        config.put("encoding", "latin-1");
        assertEquals("StringLookup config: \"encoding\" is \"latin-1\"; expected \"utf-8\" (tensorkit's strings "
                + "are UTF-8)", assertThrows(IllegalArgumentException.class, () -> StringLookup.fromConfig(config))
                .getMessage());
        config.put("encoding", "utf-8");
        config.put("output_mode", "bag");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StringLookup.fromConfig(config)).getMessage()
                .startsWith("Invalid value for argument `output_mode`"));
    }
}
