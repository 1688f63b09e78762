package org.tensorkit.examples.movielens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovieLensTest {
    @TempDir
    Path dir;

    @Test
    void joinsRatingsWithItemsInItemOrder() throws IOException {
        Files.writeString(dir.resolve("u.data"), "1\t20\t4\t881250949\n2\t10\t3\t891717742\n3\t20\t1\t878887116\n"
                + "4\t99\t5\t880606923\n");
        Files.writeString(dir.resolve("u.item"), "10|Toy Story (1995)|01-Jan-1995||http://x|0\n"
                + "20|Caf\u00e9 Society (1995)|01-Jan-1995||http://x|0\n", StandardCharsets.ISO_8859_1);

        MovieLens data = MovieLens.load(dir);

        // item 99 has no u.item row: an inner join drops it, as pandas' merge does
        assertArrayEquals(new int[] {10, 20, 20}, data.all().itemIds());
        assertArrayEquals(new int[] {2, 1, 3}, data.all().userIds());
        assertArrayEquals(new float[] {3, 4, 1}, data.all().ratings());
        assertEquals("Caf\u00e9 Society (1995)", data.titles().get(20));
        assertEquals(3, data.maxUserId());
        assertEquals(20, data.maxItemId());
    }

    @Test
    void readsHalfStarRatingsAsLaterMovieLensReleasesGiveThem() throws IOException {
        Files.writeString(dir.resolve("u.data"), "1\t10\t3.5\t1260759144\n2\t10\t0.5\t1260759179\n");
        Files.writeString(dir.resolve("u.item"), "10|Dumbo (1941)|01-Jan-1941||http://x|0\n");
        assertArrayEquals(new float[] {3.5f, 0.5f}, MovieLens.load(dir).all().ratings());
        for (String bad : List.of("1\t10\tNaN\t1", "1\t10\tfour\t1", "1.5\t10\t4\t1")) {
            Files.writeString(dir.resolve("u.data"), bad + "\n");
            IOException e = assertThrows(IOException.class, () -> MovieLens.load(dir));
            assertEquals("u.data: expected integer user and item ids and a finite rating, got: " + bad,
                    e.getMessage());
        }
    }

    @Test
    void splitIsSeededDisjointAndComplete() throws IOException {
        SyntheticRatings.write(dir, 50, 40, 500, 3, 0.3, 7);
        MovieLens data = MovieLens.load(dir);
        MovieLens.Split a = data.split(0.2, 42);
        MovieLens.Split b = data.split(0.2, 42);
        assertEquals(a, b);
        assertNotEquals(a, data.split(0.2, 43));
        assertEquals(100, a.test().size());
        assertEquals(400, a.train().size());
        Set<Long> pairs = new HashSet<>();
        for (Ratings r : new Ratings[] {a.train(), a.test()}) {
            for (int k = 0; k < r.size(); k++) {
                assertTrue(pairs.add((long) r.userIds()[k] * 1000 + r.itemIds()[k]), "a row appears twice");
            }
        }
        assertEquals(500, pairs.size());
    }

    @Test
    void syntheticRatingsAreSeededAndInRange() throws IOException {
        SyntheticRatings.write(dir.resolve("a"), 30, 20, 200, 2, 0.3, 1);
        SyntheticRatings.write(dir.resolve("b"), 30, 20, 200, 2, 0.3, 1);
        assertEquals(Files.readString(dir.resolve("a/u.data")), Files.readString(dir.resolve("b/u.data")));
        Ratings all = MovieLens.load(dir.resolve("a")).all();
        assertEquals(200, all.size());
        for (float r : all.ratings()) {
            assertTrue(r >= 1 && r <= 5 && r == Math.rint(r), "rating " + r);
        }
    }

    @Test
    void missingFilesAreNamed() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> MovieLens.load(dir));
        assertTrue(e.getMessage().contains("u.data"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SyntheticRatings.write(dir, 2, 2, 3, 1, 0, 1));
    }
}
