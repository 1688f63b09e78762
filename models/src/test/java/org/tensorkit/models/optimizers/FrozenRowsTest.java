package org.tensorkit.models.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.RowSet;
import org.tensorkit.models.Model;
import org.tensorkit.models.Models;
import org.tensorkit.models.Network;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.saving.Zips;
import org.tensorkit.models.training.FitOptions;
import org.tensorkit.models.training.Verbosity;

/** Row-level freezing: every optimizer leaves frozen rows and their state alone; summary and files know them. */
class FrozenRowsTest {
    @TempDir
    Path dir;

    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    private static final RowSet FROZEN = RowSet.ofRanges(0, 10, 25, 30);

    private static Model model() {
        return org.tensorkit.models.saving.KerasFilesTest.dotModel();
    }

    private static Embedding users(Network m) {
        return (Embedding) m.getLayer("user_embedding");
    }

    private static float[] row(Tensor table, int r) {
        return table.get(r).toFloatArray();
    }

    @Test
    void everyOptimizerLeavesFrozenRowsAndTheirStateBitIdenticalAndTrainsTheOthers() {
        List<Supplier<Optimizer>> optimizers = List.of(() -> Adam.builder().learningRate(0.05).build(),
                () -> Sgd.builder().learningRate(0.1).build(), () -> Sgd.builder().learningRate(0.1).momentum(0.9)
                        .build(), () -> Sgd.builder().learningRate(0.1).momentum(0.9).nesterov(true).build());
        for (Supplier<Optimizer> make : optimizers) {
            Names.reset();
            Model m = model();
            users(m).freezeRows(FROZEN);
            Tensor before = users(m).embeddings().read();
            Optimizer opt = make.get();
            m.compile(opt, Losses.mse());
            m.fit(org.tensorkit.models.saving.KerasFilesTest.ids(256, 3),
                    org.tensorkit.models.saving.KerasFilesTest.ratings(256, 4),
                    FitOptions.builder().batchSize(32).epochs(3).seed(1).verbose(Verbosity.SILENT).build());
            Tensor after = users(m).embeddings().read();
            int changed = 0;
            for (int r = 0; r < 30; r++) {
                if (FROZEN.contains(r)) {
                    assertArrayEquals(row(before, r), row(after, r), 0f, "frozen row " + r + " with " + opt);
                } else if (!java.util.Arrays.equals(row(before, r), row(after, r))) {
                    changed++;
                }
            }
            assertEquals(15, changed, "every trainable row was looked up and moved, with " + opt);
            List<Tensor> state = opt.state(List.of(users(m).embeddings()));
            for (Tensor slot : state) {
                for (int r = 0; r < 30; r++) {
                    if (FROZEN.contains(r)) {
                        assertArrayEquals(new float[4], row(slot, r), 0f, "state of frozen row " + r);
                    }
                }
            }
        }
    }

    @Test
    void aDenseGradientOfATableLeavesItsFrozenRowsAlone() {
        Model m = model();
        Embedding e = users(m);
        e.freezeRows(RowSet.range(0, 29));
        Tensor before = e.embeddings().read();
        Adam adam = Adam.create();
        adam.apply(List.of(WeightGradient.dense(e.embeddings(), Nd4j.ones(30, 4))));
        Tensor after = e.embeddings().read();
        for (int r = 0; r < 29; r++) {
            assertArrayEquals(row(before, r), row(after, r), 0f);
        }
        assertFalse(java.util.Arrays.equals(row(before, 29), row(after, 29)));
    }

    @Test
    void theSummaryCountsFrozenRowsAsNonTrainable() {
        Model m = model();
        users(m).freezeRows(FROZEN);
        String summary = m.summaryString();
        assertTrue(summary.contains("Total params: 280\nTrainable params: 220\nNon-trainable params: 60"), summary);
        users(m).freezeRows(RowSet.empty());
        assertTrue(m.summaryString().contains("Trainable params: 280\nNon-trainable params: 0"));
    }

    @Test
    void frozenRowsAreSavedAsAnAssetKerasIgnoresAndLoadBack() throws IOException {
        Model m = model();
        users(m).freezeRows(FROZEN);
        Path file = dir.resolve("frozen.keras");
        m.save(file);
        Map<String, byte[]> entries = Zips.entries(file);
        assertTrue(entries.containsKey("assets/layers/embedding/frozen_rows.npy"), entries.keySet().toString());
        assertEquals(1, entries.keySet().stream().filter(k -> k.endsWith("frozen_rows.npy")).count());
        Network loaded = Models.load(file);
        assertEquals(FROZEN, users(loaded).frozenRows());
        assertEquals(RowSet.empty(), ((Embedding) loaded.getLayer("item_embedding")).frozenRows());
        assertEquals(m.summaryString(), loaded.summaryString());
    }

    @Test
    void aFileWhoseFrozenRowsDoNotFitTheTableDoesNotLoad() throws IOException {
        Model m = model();
        users(m).freezeRows(FROZEN);
        Path file = dir.resolve("frozen.keras");
        m.save(file);
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>(Zips.entries(file));
        String asset = "assets/layers/embedding/frozen_rows.npy";
        for (long[] bad : new long[][] {{3, 4, 5}, {0, 31}}) {
            Path npy = dir.resolve("bad.npy");
            Tensor t = Tensor.of(bad);
            (bad.length == 2 ? t.reshape(1, 2) : t).save(npy);
            entries.put(asset, java.nio.file.Files.readAllBytes(npy));
            Path broken = dir.resolve("broken.keras");
            java.nio.file.Files.write(broken, Zips.zip(entries, java.util.zip.ZipEntry.STORED));
            IOException e = assertThrows(IOException.class, () -> Models.load(broken));
            assertTrue(e.getMessage().startsWith(broken + " assets/layers/embedding: Embedding layer "
                    + "\"user_embedding\": "), e.getMessage());
            assertTrue(e.getMessage().endsWith(bad.length == 3
                    ? "frozen_rows.npy must hold (k, 2) integer ranges, got int64 (3,)"
                    : "frozen_rows.npy: cannot freeze rows of user_embedding/embeddings:0 up to 30: the table has rows "
                    + "[0, 30)"), e.getMessage());
        }
    }

    @Test
    void freezingRowsBeyondTheTableIsRefusedAndChangesNothing() {
        Model m = model();
        users(m).freezeRows(RowSet.of(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> users(m).freezeRows(RowSet.of(2, 30)));
        assertEquals("cannot freeze rows of user_embedding/embeddings:0 up to 30: the table has rows [0, 30)",
                e.getMessage());
        assertEquals(RowSet.of(3), users(m).frozenRows());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> Embedding.builder()
                .inputDim(5).outputDim(2).frozenRows(RowSet.range(0, 6)).build());
        assertEquals("cannot freeze rows up to 5: the table has rows [0, 5)", b.getMessage());
        Layer dense = org.tensorkit.layers.Dense.builder().units(2).name("d").build();
        dense.call(org.tensorkit.layers.Input.builder().shape(3).build());
        assertEquals("weight d/kernel:0 is not a table of rows (an Embedding's); only tables can freeze rows",
                assertThrows(IllegalArgumentException.class, () -> dense.weights().get(0).freezeRows(RowSet.of(0)))
                        .getMessage());
    }
}
