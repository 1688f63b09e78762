package org.tensorkit.models.saving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Names;
import org.tensorkit.models.Model;
import org.tensorkit.models.Models;
import org.tensorkit.models.Sequential;

/** Every refusal of saving and loading: a clear exception naming the file, and nothing changed or half-built. */
class KerasFilesErrorsTest {
    @TempDir
    Path dir;

    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    /** The entries of a saved model, to rebuild archives from with one part changed. */
    private Map<String, byte[]> entriesOf(Model model) throws IOException {
        Path file = dir.resolve("good-" + System.nanoTime() + ".keras");
        model.save(file);
        return Zips.entries(file);
    }

    private Path zip(String name, Map<String, byte[]> entries, int method) throws IOException {
        return Files.write(dir.resolve(name), Zips.zip(entries, method));
    }

    private static String message(Throwable t) {
        return t.getMessage();
    }

    @Test
    void saveRefusesAWrongSuffixAnUnbuiltModelAndAnExistingFileWithoutOverwrite() throws IOException {
        Model model = KerasFilesTest.dotModel();
        IllegalArgumentException suffix = assertThrows(IllegalArgumentException.class,
                () -> model.save(dir.resolve("model.h5")));
        assertTrue(message(suffix).contains("model.h5") && message(suffix).contains(".keras"), message(suffix));
        assertThrows(IllegalArgumentException.class, () -> model.saveWeights(dir.resolve("w.h5")));

        Sequential unbuilt = Sequential.of(Flatten.create());
        IllegalStateException notBuilt = assertThrows(IllegalStateException.class,
                () -> unbuilt.save(dir.resolve("u.keras")));
        assertTrue(message(notBuilt).contains("not built"), message(notBuilt));

        Path file = dir.resolve("m.keras");
        Files.writeString(file, "previous");
        FileAlreadyExistsException exists = assertThrows(FileAlreadyExistsException.class,
                () -> model.save(file, false));
        assertTrue(message(exists).contains("m.keras"), message(exists));
        assertEquals("previous", Files.readString(file));
        model.save(file, true);
        assertTrue(Files.size(file) > 100);
    }

    @Test
    void aSaveThatFailsHalfwayLeavesThePreviousFileAndNoTemporaryFile() throws IOException {
        Model model = KerasFilesTest.dotModel();
        Path file = dir.resolve("m.keras");
        model.save(file);
        byte[] before = Files.readAllBytes(file);
        model.setWeights(model.getWeights().stream().map(t -> Tensor.zeros(t.dtype(), t.shape().toArray()))
                .toList());
        KerasFiles.StreamWrapper failing = ch -> new java.nio.channels.WritableByteChannel() {
            private long written;

            @Override
            public int write(java.nio.ByteBuffer b) throws IOException {
                if (written + b.remaining() > 1000) {
                    throw new IOException("disk full (test)");
                }
                int n = ch.write(b);
                written += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return ch.isOpen();
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
        IOException e = assertThrows(IOException.class, () -> KerasFiles.save(model, file, true, failing));
        assertEquals("disk full (test)", message(e));
        assertArrayEquals(before, Files.readAllBytes(file), "the previous file is intact");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left");
        }
    }

    @Test
    void loadRefusesMissingFilesAndFilesOfOtherKinds() throws IOException {
        assertThrows(NoSuchFileException.class, () -> Models.load(dir.resolve("absent.keras")));
        Path text = dir.resolve("notes.keras");
        Files.writeString(text, "just some text");
        IOException e = assertThrows(IOException.class, () -> Models.load(text));
        assertTrue(message(e).contains("notes.keras") && message(e).contains("neither"), message(e));
        Path empty = dir.resolve("empty.keras");
        Files.write(empty, new byte[0]);
        assertTrue(message(assertThrows(IOException.class, () -> Models.load(empty))).contains("empty file"));

        Model model = KerasFilesTest.dotModel();
        Path weights = dir.resolve("w.weights.h5");
        model.saveWeights(weights);
        IOException h5 = assertThrows(IOException.class, () -> Models.load(weights));
        assertTrue(message(h5).contains("HDF5") && message(h5).contains("loadWeights"), message(h5));
    }

    @Test
    void loadRefusesArchivesWithMissingDamagedOrEscapingEntries() throws IOException {
        Map<String, byte[]> good = entriesOf(KerasFilesTest.dotModel());

        Map<String, byte[]> noConfig = new LinkedHashMap<>(good);
        noConfig.remove("config.json");
        IOException e1 = assertThrows(IOException.class, () -> Models.load(zip("a.keras", noConfig,
                ZipEntry.STORED)));
        assertTrue(message(e1).contains("a.keras") && message(e1).contains("config.json"), message(e1));

        Map<String, byte[]> noWeights = new LinkedHashMap<>(good);
        noWeights.remove("model.weights.h5");
        IOException e2 = assertThrows(IOException.class, () -> Models.load(zip("b.keras", noWeights,
                ZipEntry.STORED)));
        assertTrue(message(e2).contains("model.weights.h5"), message(e2));

        Map<String, byte[]> escaping = new LinkedHashMap<>(good);
        escaping.put("assets/../../evil.txt", "x".getBytes(StandardCharsets.UTF_8));
        IOException e3 = assertThrows(IOException.class, () -> Models.load(zip("c.keras", escaping,
                ZipEntry.STORED)));
        assertTrue(message(e3).contains("escapes"), message(e3));

        Path whole = zip("d.keras", good, ZipEntry.STORED);
        byte[] bytes = Files.readAllBytes(whole);
        Path truncated = dir.resolve("truncated.keras");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        IOException e4 = assertThrows(IOException.class, () -> Models.load(truncated));
        assertTrue(message(e4).contains("truncated.keras"), message(e4));

        Map<String, byte[]> badH5 = new LinkedHashMap<>(good);
        byte[] h5 = good.get("model.weights.h5");
        badH5.put("model.weights.h5", java.util.Arrays.copyOf(h5, h5.length / 3));
        IOException e5 = assertThrows(IOException.class, () -> Models.load(zip("e.keras", badH5, ZipEntry.STORED)));
        assertTrue(message(e5).contains("e.keras"), message(e5));
    }

    @Test
    void loadRefusesAZipBomb() throws IOException {
        Map<String, byte[]> good = entriesOf(KerasFilesTest.dotModel());
        Map<String, byte[]> bomb = new LinkedHashMap<>(good);
        bomb.put("model.weights.h5", new byte[64 << 20]); // 64 MiB of zeros deflate about 1000 to 1
        IOException e = assertThrows(IOException.class, () -> Models.load(zip("bomb.keras", bomb,
                ZipEntry.DEFLATED)));
        assertTrue(message(e).contains("zip bomb"), message(e));
    }

    @Test
    void loadRefusesBadJsonAbsurdNestingAndUnknownLayers() throws IOException {
        Map<String, byte[]> good = entriesOf(KerasFilesTest.dotModel());
        Map<String, byte[]> malformed = new LinkedHashMap<>(good);
        malformed.put("config.json", "{\"class_name\": ".getBytes(StandardCharsets.UTF_8));
        IOException e1 = assertThrows(IOException.class, () -> Models.load(zip("m.keras", malformed,
                ZipEntry.STORED)));
        assertTrue(message(e1).contains("config.json") && message(e1).contains("not valid JSON"), message(e1));

        Map<String, byte[]> deep = new LinkedHashMap<>(good);
        deep.put("config.json", ("{\"a\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}")
                .getBytes(StandardCharsets.UTF_8));
        IOException e2 = assertThrows(IOException.class, () -> Models.load(zip("deep.keras", deep,
                ZipEntry.STORED)));
        assertTrue(message(e2).contains("not valid JSON"), message(e2));

        Map<String, byte[]> unknown = new LinkedHashMap<>(good);
        unknown.put("config.json", new String(good.get("config.json"), StandardCharsets.UTF_8)
                .replace("\"class_name\":\"Flatten\"", "\"class_name\":\"Lambda\"").getBytes(StandardCharsets.UTF_8));
        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class,
                () -> Models.load(zip("lambda.keras", unknown, ZipEntry.STORED)));
        assertTrue(message(e3).contains("lambda.keras") && message(e3).contains("Lambda"), message(e3));

        Map<String, byte[]> constraint = new LinkedHashMap<>(good);
        constraint.put("config.json", new String(good.get("config.json"), StandardCharsets.UTF_8)
                .replaceFirst("\"embeddings_constraint\":null", "\"embeddings_constraint\":{\"class_name\":\"NonNeg\"}")
                .getBytes(StandardCharsets.UTF_8));
        IllegalArgumentException e4 = assertThrows(IllegalArgumentException.class,
                () -> Models.load(zip("nonneg.keras", constraint, ZipEntry.STORED)));
        assertTrue(message(e4).contains("embeddings_constraint"), message(e4));
    }

    @Test
    void loadRefusesWeightsThatContradictTheConfig() throws IOException {
        Map<String, byte[]> good = entriesOf(KerasFilesTest.dotModel());
        Map<String, byte[]> wider = new LinkedHashMap<>(good);
        wider.put("config.json", new String(good.get("config.json"), StandardCharsets.UTF_8)
                .replaceFirst("\"input_dim\":30", "\"input_dim\":31").getBytes(StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, () -> Models.load(zip("w.keras", wider, ZipEntry.STORED)));
        assertTrue(message(e).contains("w.keras") && message(e).contains("[30, 4]")
                && message(e).contains("[31, 4]"), message(e));
    }

    @Test
    void aConfigClaimingAHugeTableIsRefusedBeforeTheTableIsAllocated() throws IOException {
        Map<String, byte[]> good = entriesOf(KerasFilesTest.dotModel());
        Map<String, byte[]> huge = new LinkedHashMap<>(good);
        huge.put("config.json", new String(good.get("config.json"), StandardCharsets.UTF_8)
                .replaceFirst("\"input_dim\":30", "\"input_dim\":2000000000").getBytes(StandardCharsets.UTF_8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Models.load(zip("huge.keras", huge, ZipEntry.STORED)));
        assertTrue(message(e).contains("huge.keras") && message(e).contains("(2000000000, 4)")
                && message(e).contains("model.weights.h5"), message(e));
    }

    @Test
    void loadWeightsOfAnotherArchitectureChangesNothing() throws IOException {
        Model model = KerasFilesTest.dotModel();
        Path file = dir.resolve("dot.weights.h5");
        model.saveWeights(file);
        Embedding e = Embedding.builder().inputDim(30).outputDim(4).seed(9).build();
        Sequential other = Sequential.of(e, Flatten.create(),
                Embedding.builder().inputDim(5).outputDim(4).seed(10).build());
        List<Tensor> before = other.getWeights();
        IOException ex = assertThrows(IOException.class, () -> other.loadWeights(file));
        assertTrue(message(ex).contains("dot.weights.h5"), message(ex));
        List<Tensor> after = other.getWeights();
        for (int k = 0; k < before.size(); k++) {
            assertArrayEquals(before.get(k).toFloatArray(), after.get(k).toFloatArray(), 0f);
        }
    }
}
