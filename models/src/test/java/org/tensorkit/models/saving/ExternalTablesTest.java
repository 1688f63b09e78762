package org.tensorkit.models.saving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorkit.layers.Dense;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.Weight;
import org.tensorkit.models.Model;
import org.tensorkit.models.Network;

/**
 * A model saved with a table whose rows are sent from elsewhere: the file the model holding the table saves, and
 * every refusal (a row twice, a row missing, a row of another length or outside the table, a weight that is no
 * table) leaving the previous file and no temporary file.
 */
class ExternalTablesTest {
    private static final int ROWS = 700;
    private static final int WIDTH = 5;

    @TempDir
    Path dir;

    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    /** Ids, a table of {@code rows} rows, a dense head. */
    private static Model model(int rows) {
        Names.reset();
        SymbolicTensor ids = Input.builder().shape(1).name("ids").build();
        Embedding table = Embedding.builder().inputDim(rows).outputDim(WIDTH).name("table").seed(3).build();
        return Model.of(ids, Dense.builder().units(2).seed(4).name("head").build()
                .call(Flatten.create().call(table.call(ids))));
    }

    /** Sends the rows of {@code full}'s table for {@code standIn}'s, as {@code rows} orders them. */
    private static ExternalTables rowsOf(Model full, Model standIn, int[] order) {
        float[] values = full.getLayer("table").getWeights().get(0).toFloatArray();
        Weight table = standIn.getLayer("table").weights().get(0);
        return new ExternalTables() {
            @Override
            public long rows(Weight weight) {
                return weight == table ? ROWS : -1;
            }

            @Override
            public void send(Sink sink) {
                for (int r : order) {
                    sink.row(table, r, java.util.Arrays.copyOfRange(values, r * WIDTH, (r + 1) * WIDTH));
                }
            }
        };
    }

    private static int[] shuffledRows() {
        List<Integer> rows = new java.util.ArrayList<>(java.util.stream.IntStream.range(0, ROWS).boxed().toList());
        java.util.Collections.shuffle(rows, new java.util.Random(8));
        return rows.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The stand-in with the full model's head, so that only the table differs. */
    private static Model standInFor(Model full) {
        Model standIn = model(1);
        standIn.getLayer("head").setWeights(full.getLayer("head").getWeights());
        return standIn;
    }

    @Test
    void rowsSentInAnyOrderGiveTheFileOfTheModelHoldingTheTable() throws IOException {
        Model full = model(ROWS);
        Path whole = dir.resolve("whole.keras");
        full.save(whole);
        Model standIn = standInFor(full);
        Path sent = dir.resolve("sent.keras");
        KerasFiles.save(standIn, sent, true, rowsOf(full, standIn, shuffledRows()));
        for (String entry : List.of("model.weights.h5", "config.json")) {
            assertArrayEquals(Zips.entries(whole).get(entry), Zips.entries(sent).get(entry), entry);
        }
        Network loaded = org.tensorkit.models.Models.load(sent);
        assertEquals(full.getWeights(), loaded.getWeights());
    }

    /** Each refusal, through {@code broken}'s rows: the message, the previous file intact, no temporary file. */
    private void assertRefused(Class<? extends Exception> type, String message, ExternalTables broken,
                               Model standIn) throws IOException {
        Path file = dir.resolve("m.keras");
        byte[] before = Files.readAllBytes(file);
        Exception e = assertThrows(type, () -> KerasFiles.save(standIn, file, true, broken));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file), "the previous file is intact");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("m.keras"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file is left");
        }
    }

    @Test
    void aRowTwiceARowMissingAndRowsThatDoNotFitAreRefused() throws IOException {
        Model full = model(ROWS);
        Model standIn = standInFor(full);
        full.save(dir.resolve("m.keras"));
        Weight table = standIn.getLayer("table").weights().get(0);
        int[] twice = shuffledRows();
        twice[5] = twice[4];
        assertRefused(IllegalStateException.class, "row " + twice[4] + " of table", rowsOf(full, standIn, twice),
                standIn);
        assertRefused(IllegalStateException.class, "received 699 of its 700 rows",
                rowsOf(full, standIn, java.util.Arrays.copyOf(shuffledRows(), ROWS - 1)), standIn);
        assertRefused(IllegalArgumentException.class, "row 700 of table",
                sending(table, table, 700, new float[WIDTH]), standIn);
        assertRefused(IllegalArgumentException.class, "row 3 of \"" + table.name() + "\": 4 floats; expected 5",
                sending(table, table, 3, new float[4]), standIn);
        Weight kernel = standIn.getLayer("head").weights().get(0);
        assertRefused(IllegalArgumentException.class, "is not a table sent from elsewhere",
                sending(table, kernel, 0, new float[2]), standIn);
        ExternalTables kernelOutside = new ExternalTables() {
            @Override
            public long rows(Weight weight) {
                return weight == kernel ? 9 : -1;
            }

            @Override
            public void send(Sink sink) {
            }
        };
        assertRefused(IllegalArgumentException.class, "only a table layer's (its config has input_dim) can",
                kernelOutside, standIn);
        Weight bias = standIn.getLayer("head").weights().get(1);
        assertRefused(IllegalArgumentException.class, "sent from elsewhere must be a 2-D float32 weight of at least "
                + "1 row", sending(bias, bias, 0, new float[1]), standIn);
        ExternalTables failing = new ExternalTables() {
            @Override
            public long rows(Weight weight) {
                return weight == table ? ROWS : -1;
            }

            @Override
            public void send(Sink sink) throws IOException {
                sink.row(table, 0, new float[WIDTH]);
                throw new IOException("executor lost (test)");
            }
        };
        assertRefused(IOException.class, "executor lost (test)", failing, standIn);

        ExternalTables.Sink[] kept = new ExternalTables.Sink[1];
        ExternalTables keeping = rowsOf(full, standIn, shuffledRows());
        KerasFiles.save(standIn, dir.resolve("m.keras"), true, new ExternalTables() {
            @Override
            public long rows(Weight weight) {
                return keeping.rows(weight);
            }

            @Override
            public void send(Sink sink) throws IOException {
                kept[0] = sink;
                keeping.send(sink);
            }
        });
        IllegalStateException late = assertThrows(IllegalStateException.class,
                () -> kept[0].row(table, 0, new float[WIDTH]));
        assertTrue(late.getMessage().contains("came outside send: rows are taken only while the file is written"),
                late.getMessage());
    }

    /** Tables of {@code declared} (its rows sent from elsewhere) that send one row: {@code row} of {@code weight}. */
    private static ExternalTables sending(Weight declared, Weight weight, long row, float[] state) {
        return new ExternalTables() {
            @Override
            public long rows(Weight w) {
                return w == declared ? ROWS : -1;
            }

            @Override
            public void send(Sink sink) {
                sink.row(weight, row, state);
            }
        };
    }

    /** {@link #rowsOf}, with {@code frozen} as the table's frozen rows. */
    private static ExternalTables freezing(ExternalTables rows, org.tensorkit.layers.RowSet frozen) {
        return new ExternalTables() {
            @Override
            public long rows(Weight weight) {
                return rows.rows(weight);
            }

            @Override
            public org.tensorkit.layers.RowSet frozenRows(Weight weight) {
                return rows.rows(weight) >= 0 ? frozen : org.tensorkit.layers.RowSet.empty();
            }

            @Override
            public void send(Sink sink) throws IOException {
                rows.send(sink);
            }
        };
    }

    @Test
    void frozenRowsOfATableSentFromElsewhereAreSavedAsTheModelFreezingThemSavesThem() throws IOException {
        org.tensorkit.layers.RowSet frozen = org.tensorkit.layers.RowSet.ofRanges(10, 20, 600, 700);
        Model full = model(ROWS);
        full.getLayer("table").weights().get(0).freezeRows(frozen);
        Path whole = dir.resolve("whole.keras");
        full.save(whole);
        Model standIn = standInFor(full);
        Path sent = dir.resolve("sent.keras");
        KerasFiles.save(standIn, sent, true, freezing(rowsOf(full, standIn, shuffledRows()), frozen));
        java.util.Map<String, byte[]> expected = Zips.entries(whole);
        java.util.Map<String, byte[]> got = Zips.entries(sent);
        assertEquals(expected.keySet(), got.keySet());
        String asset = expected.keySet().stream().filter(k -> k.endsWith("frozen_rows.npy")).findFirst().orElseThrow();
        for (String entry : List.of("model.weights.h5", "config.json", asset)) {
            assertArrayEquals(expected.get(entry), got.get(entry), entry);
        }
        Network loaded = org.tensorkit.models.Models.load(sent);
        assertEquals(frozen, loaded.weights().get(0).frozenRows());

        Files.delete(whole);
        Files.delete(sent);
        full.save(dir.resolve("m.keras"));
        assertRefused(IllegalArgumentException.class, "table \"" + standIn.weights().get(0).name() + "\" sent from "
                + "elsewhere freezes rows up to 700; it has rows [0, 700)",
                freezing(rowsOf(full, standIn, shuffledRows()), org.tensorkit.layers.RowSet.range(690, 701)), standIn);
    }
}
