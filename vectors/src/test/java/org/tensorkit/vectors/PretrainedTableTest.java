package org.tensorkit.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tensorkit.vectors.VectorReaderTest.fixture;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.RowSet;
import org.tensorkit.layers.preprocessing.StringLookup;

/** Tables for a vocabulary from the gensim fixture, with their coverage reports. */
class PretrainedTableTest {
    private WordVectors vectors;

    @BeforeEach
    void read() throws IOException {
        Names.reset();
        vectors = VectorReader.builder().progress(Progress.NEVER).build().read(fixture("small.w2v.txt"));
    }

    private float[] vectorOf(String word) {
        return vectors.vector(word);
    }

    private static StringLookup adapted() {
        StringLookup lookup = StringLookup.builder().maskToken("").name("words").build();
        lookup.adapt(List.of("the", "the", "the", "the", "King", "King", "king", "PARIS", "Paris", "zebra", "zebra",
                "zebra", "qux"));
        return lookup;   // vocabulary by count: the, zebra, King, qux, king, Paris, PARIS (ties by key, descending)
    }

    @Test
    void aLookupsRowsGetTheirVectorsAndTheSpecialRowsTheirFills() {
        StringLookup lookup = adapted();
        assertEquals(List.of("the", "zebra", "King", qux(), "king", "Paris", "PARIS"), lookup.getVocabulary(false));
        PretrainedTable t = PretrainedTable.builder(vectors).vocabulary(lookup).lowercaseFallback(true).build();
        Tensor table = t.table();
        assertEquals(org.tensorkit.core.Shape.of(9, 5), table.shape());
        assertArrayEquals(new float[5], table.get(0).toFloatArray(), 0f);                  // mask: zeros
        float[] mean = new float[5];
        String[] hits = {"the", "king", "king", "Paris", "paris"};                         // King and PARIS fall back
        for (int k = 0; k < 5; k++) {
            double s = 0;
            for (String h : hits) {
                s += vectorOf(h)[k];
            }
            mean[k] = (float) (s / hits.length);
        }
        assertArrayEquals(mean, table.get(1).toFloatArray(), 0f);                           // OOV: mean of the hits
        assertArrayEquals(vectorOf("the"), table.get(2).toFloatArray(), 0f);
        assertArrayEquals(vectorOf("king"), table.get(4).toFloatArray(), 0f);               // King -> king
        assertArrayEquals(vectorOf("king"), table.get(6).toFloatArray(), 0f);
        assertArrayEquals(vectorOf("Paris"), table.get(7).toFloatArray(), 0f);
        assertArrayEquals(vectorOf("paris"), table.get(8).toFloatArray(), 0f);              // PARIS -> paris
        for (int r : new int[] {3, 5}) {                                                     // zebra, qux: uniform
            for (float v : table.get(r).toFloatArray()) {
                assertTrue(v >= -0.05f && v < 0.05f, "row " + r + ": " + v);
            }
        }
        assertEquals(RowSet.of(2, 4, 6, 7, 8), t.pretrainedRows());
        assertEquals(RowSet.of(3, 5), t.missRows());
        Coverage c = t.coverage();
        assertEquals(3, c.exactHits());
        assertEquals(2, c.fallbackHits());
        assertEquals(2, c.misses());
        assertEquals(13, c.countedTokens());
        assertEquals(9, c.coveredTokens());
        assertEquals(List.of(new Coverage.Miss("zebra", 3, 3), new Coverage.Miss("qux", 5, 1)), c.frequentMisses());
        assertEquals("Coverage of 7 words by " + fixture("small.w2v.txt") + " (word2vec text, 8 vectors of dimension "
                + "5 read)\n"
                + "  exact hits:      3 (42.9%)\n"
                + "  lower-case hits: 2 (28.6%)\n"
                + "  misses:          2 (28.6%), filled with uniform [-0.05, 0.05) seed 0\n"
                + "  type coverage:   71.4% of 7 words\n"
                + "  token coverage:  69.2% of 13 counted tokens\n"
                + "  most frequent misses: 'zebra' (3), 'qux' (1)\n"
                + "  special rows:    mask (row 0) zeros; OOV (row 1) the mean of the hits\n"
                + "  table:           9 rows x 5\n"
                + "  file:            header 8 5; wrong dimension 0, malformed 0, duplicate words 0, undecodable "
                + "words 0", c.toString().replace(System.lineSeparator(), "\n"));
    }

    private static String qux() {
        return "qux";
    }

    @Test
    void fillsAreChosenAndSeeded() {
        List<String> words = List.of("the", "nope", "nada");
        PretrainedTable zeros = PretrainedTable.builder(vectors).vocabulary(words).misses(RowFill.zeros()).build();
        assertArrayEquals(new float[10], java.util.Arrays.copyOfRange(zeros.table().toFloatArray(), 5, 15), 0f);
        PretrainedTable mean = PretrainedTable.builder(vectors).vocabulary(words).misses(RowFill.meanOfHits())
                .build();
        assertArrayEquals(vectorOf("the"), mean.table().get(2).toFloatArray(), 0f);
        Tensor a = PretrainedTable.builder(vectors).vocabulary(words).misses(RowFill.uniform(-1, 1, 5)).build()
                .table();
        Tensor b = PretrainedTable.builder(vectors).vocabulary(List.of("the", "nope", "nada"))
                .misses(RowFill.uniform(-1, 1, 5)).build().table();
        assertEquals(a, b);
        assertEquals("first misses: 'nope', 'nada'", PretrainedTable.builder(vectors).vocabulary(words).build()
                .coverage().toString().lines().filter(l -> l.contains("misses:")).reduce((x, y) -> y).orElseThrow()
                .strip());
    }

    @Test
    void theEmbeddingFreezesTheHitsAndTrainsTheRest() {
        PretrainedTable t = PretrainedTable.builder(vectors).vocabulary(adapted()).build();
        Embedding e = t.embedding(true).name("pretrained").build();
        assertEquals(RowSet.of(2, 6, 7), e.frozenRows());           // the exact hits (no fallback asked)
        assertTrue(e.maskZero());
        assertEquals(t.table(), e.embeddings().read());
        assertEquals(RowSet.empty(), t.embedding(false).build().frozenRows());
        assertEquals(9 * 5 - 3 * 5, e.embeddings().trainableSize());
    }

    @Test
    void refusals() {
        assertEquals("the vectors of " + fixture("small.w2v.txt") + " have dimension 5; the table needs 64",
                assertThrows(IllegalArgumentException.class, () -> PretrainedTable.builder(vectors)
                        .vocabulary(List.of("the")).dimension(64).build()).getMessage());
        assertEquals("a pretrained table needs a vocabulary: a StringLookup or a list of words",
                assertThrows(IllegalStateException.class, () -> PretrainedTable.builder(vectors).build())
                        .getMessage());
        assertEquals("word 'a' is both word 0 and word 2 of the vocabulary", assertThrows(
                IllegalArgumentException.class, () -> PretrainedTable.builder(vectors).vocabulary(List.of("a", "b",
                        "a")).build()).getMessage());
        assertEquals("StringLookup \"empty\" has no vocabulary yet: adapt it or give it one first",
                assertThrows(IllegalStateException.class, () -> PretrainedTable.builder(vectors)
                        .vocabulary(StringLookup.builder().name("empty").build())).getMessage());
        assertEquals("uniform fill needs finite low < high, got [1.0, 1.0)",
                assertThrows(IllegalArgumentException.class, () -> RowFill.uniform(1, 1, 0)).getMessage());
    }
}
