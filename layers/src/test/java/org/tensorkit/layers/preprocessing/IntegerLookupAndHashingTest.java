package org.tensorkit.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Layers;

/** IntegerLookup and Hashing against the examples of Keras 3's docstrings, outputs pasted. */
class IntegerLookupAndHashingTest {
    private static final List<Long> VOCAB = List.of(12L, 36L, 1138L, 42L);
    private static final Tensor DATA = Tensor.of(new long[][] {{12, 1138, 42}, {42, 1000, 36}});

    @Test
    void integerLookupKnownAndAdaptedVocabularies() {
        IntegerLookup layer = IntegerLookup.builder().vocabulary(VOCAB).build();
        assertEquals("[[1 3 4]\n [4 0 2]]", layer.call(DATA).toString());
        assertEquals(List.of(-1L, 12L, 36L, 1138L, 42L), layer.getVocabulary());
        IntegerLookup adapted = IntegerLookup.create();
        adapted.adapt(Tensor.of(new long[][] {{12, 1138, 42}, {42, 1000, 36}}));
        assertEquals(List.of(-1L, 42L, 1138L, 1000L, 36L, 12L), adapted.getVocabulary());
        assertEquals("[[5 2 1]\n [1 3 4]]", adapted.call(DATA).toString());
    }

    @Test
    void integerLookupOovBucketsByFloormod() {
        IntegerLookup layer = IntegerLookup.builder().vocabulary(VOCAB).numOovIndices(2).build();
        assertEquals("[[2 4 5]\n [5 0 3]]", layer.call(DATA).toString());
        assertEquals("[[1 0]]", layer.call(Tensor.of(new long[][] {{-7, 1000}})).toString());
    }

    @Test
    void integerLookupMaskInvertAndFloatIds() {
        IntegerLookup layer = IntegerLookup.builder().vocabulary(VOCAB).maskToken(0L).build();
        assertEquals("[[2 4 5]\n [5 1 3]]", layer.call(DATA).toString());
        assertEquals("[[0 2]]", layer.call(Tensor.of(new long[][] {{0, 12}})).toString());
        IntegerLookup inverse = IntegerLookup.builder().vocabulary(VOCAB).invert(true).build();
        assertEquals("[[  12 1138   42]\n [  42   -1   36]]",
                inverse.call(Tensor.of(new int[][] {{1, 3, 4}, {4, 0, 2}})).toString());
        assertEquals("[[1 3]]", IntegerLookup.builder().vocabulary(VOCAB).build()
                .call(Tensor.of(new float[][] {{12, 1138}})).toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IntegerLookup.builder()
                .name("ids").vocabulary(VOCAB).build().call(Tensor.of(new float[][] {{12, 3.5f}})));
        assertEquals("IntegerLookup \"ids\": 3.5 at position [0, 1] is not an integer; keys and indices must be "
                + "integers", e.getMessage());
    }

    @Test
    void integerLookupRefusesUnknownKeysWithoutOovAndStrings() {
        IntegerLookup layer = IntegerLookup.builder().name("ids").vocabulary(VOCAB).numOovIndices(0).build();
        assertEquals("IntegerLookup \"ids\": key 1000 at position [1, 1] is not in the vocabulary. When "
                + "`num_oov_indices=0` all inputs should be in vocabulary, consider setting `num_oov_indices=1`.",
                assertThrows(IllegalArgumentException.class, () -> layer.call(DATA)).getMessage());
        assertEquals("IntegerLookup \"ids\" expects integer keys, got string input",
                assertThrows(IllegalArgumentException.class, () -> layer.call(Tensor.of("12"))).getMessage());
        assertEquals("IntegerLookup: `salt` can only be used when `oov_method='farmhash'`. Received: "
                + "oov_method=floormod", assertThrows(IllegalArgumentException.class,
                () -> IntegerLookup.builder().salt(3).build()).getMessage());
    }

    @Test
    void integerLookupConfigRoundTrip() {
        IntegerLookup layer = IntegerLookup.builder().name("movie").vocabulary(VOCAB).numOovIndices(3)
                .oovMethod("farmhash").build();
        IntegerLookup copy = (IntegerLookup) Layers.fromConfig("IntegerLookup", layer.config());
        assertEquals(layer.config(), copy.config());
        assertEquals(layer.call(DATA), copy.call(DATA));
    }

    @Test
    void hashingAsKerasDocuments() {
        Tensor in = Tensor.of(new String[][] {{"A"}, {"B"}, {"C"}, {"D"}, {"E"}});
        Tensor out = Hashing.builder().numBins(3).build().call(in);
        assertEquals(DType.INT64, out.dtype());
        assertEquals("[[1]\n [0]\n [1]\n [1]\n [2]]", out.toString());
        Tensor masked = Tensor.of(new String[][] {{"A"}, {"B"}, {""}, {"C"}, {"D"}});
        assertEquals("[[1]\n [1]\n [0]\n [2]\n [2]]", Hashing.builder().numBins(3).maskValue("").build()
                .call(masked).toString());
        assertEquals("[[1]\n [2]\n [1]\n [0]\n [2]]", Hashing.builder().numBins(3).salt(133, 137).build()
                .call(in).toString());
        assertEquals("[[0]\n [0]\n [2]\n [1]\n [0]]", Hashing.builder().numBins(3).salt(133).build()
                .call(in).toString());
    }

    @Test
    void hashingIntegersHashesTheirDecimalText() {
        Hashing hashing = Hashing.builder().numBins(7).build();
        assertEquals(hashing.call(Tensor.of(new String[][] {{"12"}, {"-5"}})),
                hashing.call(Tensor.of(new long[][] {{12}, {-5}})));
        Hashing multi = Hashing.builder().numBins(4).outputMode(OutputMode.COUNT).build();
        assertEquals(org.tensorkit.core.Shape.of(2, 4), multi.call(Tensor.of(new long[][] {{1, 2}, {3, 3}})).shape());
        Hashing copy = (Hashing) Layers.fromConfig("Hashing", multi.config());
        assertEquals(multi.config(), copy.config());
        assertEquals("Hashing: The `num_bins` for `Hashing` cannot be `None` or non-positive values. Received: "
                + "num_bins=0.", assertThrows(IllegalArgumentException.class, () -> Hashing.builder().numBins(0)
                .build()).getMessage());
    }
}
