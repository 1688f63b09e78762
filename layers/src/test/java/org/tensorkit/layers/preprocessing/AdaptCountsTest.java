package org.tensorkit.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Counts made elsewhere (a Spark job) give the vocabulary adapt gives on the same keys. */
class AdaptCountsTest {
    @Test
    void countsGiveAdaptsVocabularyOrderAndMaxTokens() {
        Random rng = new Random(8);
        List<String> keys = new java.util.ArrayList<>();
        Map<String, Long> counts = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            String k = "k" + rng.nextInt(300) % (1 + rng.nextInt(300));
            keys.add(k);
            counts.merge(k, 1L, Long::sum);
        }
        for (Integer maxTokens : new Integer[] {null, 50}) {
            StringLookup a = maxTokens == null ? StringLookup.builder().maskToken("").build()
                    : StringLookup.builder().maskToken("").maxTokens(maxTokens).build();
            StringLookup b = maxTokens == null ? StringLookup.builder().maskToken("").build()
                    : StringLookup.builder().maskToken("").maxTokens(maxTokens).build();
            a.adapt(keys);
            b.adaptCounts(counts);
            assertEquals(a.getVocabulary(), b.getVocabulary());
            assertArrayEquals(a.vocabularyCounts(), b.vocabularyCounts());
        }
    }

    @Test
    void refusesBadCountsAndTfIdf() {
        StringLookup s = StringLookup.builder().name("s").build();
        assertEquals("StringLookup \"s\": adaptCounts: key 'a' has count 0; counts are at least 1",
                assertThrows(IllegalArgumentException.class, () -> s.adaptCounts(Map.of("a", 0L))).getMessage());
        StringLookup t = StringLookup.builder().outputMode(OutputMode.TF_IDF).name("t").build();
        assertEquals("StringLookup \"t\": adaptCounts cannot learn tf_idf weights, which need each key's document "
                + "count; adapt the documents instead", assertThrows(IllegalArgumentException.class,
                        () -> t.adaptCounts(Map.of("a", 1L))).getMessage());
        assertThrows(IllegalStateException.class, () -> StringLookup.builder().vocabulary(List.of("x")).build()
                .adaptCounts(Map.of("a", 1L)));
    }
}
