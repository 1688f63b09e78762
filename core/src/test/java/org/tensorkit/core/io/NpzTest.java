package org.tensorkit.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tensorkit.core.io.NpyTest.fixture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.testing.Bytes;

/** {@code .npz} archives numpy wrote with {@code savez} and {@code savez_compressed}, read and rewritten. */
class NpzTest {
    @TempDir
    Path dir;

    @Test
    void readsStoredAndCompressedArchivesByName() throws IOException {
        for (String name : List.of("two.npz", "two_compressed.npz")) {
            Map<String, Tensor> arrays = Npz.read(fixture(name));
            assertEquals(List.of("embeddings", "ids"), List.copyOf(arrays.keySet()));
            assertEquals("[[0.  0.5 1. ]\n [1.5 2.  2.5]]", arrays.get("embeddings").toString());
            assertArrayEquals(new long[] {3, 1, 2}, arrays.get("ids").toLongArray());
            assertEquals(DType.INT64, arrays.get("ids").dtype());
            assertEquals(arrays.get("ids"), Npz.read(fixture(name), "ids"));
        }
        Map<String, Tensor> positional = Npz.read(fixture("positional.npz"));
        assertEquals(List.of("arr_0", "arr_1"), List.copyOf(positional.keySet()));
        assertArrayEquals(new String[] {"x", "yz"}, positional.get("arr_1").toStringArray());
    }

    @Test
    void writesArchivesNumpyReadsTheSame() throws IOException {
        Map<String, Tensor> arrays = new LinkedHashMap<>(Npz.read(fixture("two.npz")));
        arrays.put("words", Tensor.of("caf\u00e9", "b"));
        Path stored = dir.resolve("out.npz");
        Npz.write(stored, arrays);
        Path deflated = dir.resolve("outc.npz");
        Npz.writeCompressed(deflated, arrays);
        for (Path p : List.of(stored, deflated)) {
            assertEquals(arrays, Npz.read(p));
        }
        try (ZipFile zip = new ZipFile(stored.toFile())) {
            ZipEntry entry = zip.getEntry("embeddings.npy");
            assertEquals(ZipEntry.STORED, entry.getMethod());
            byte[] numpyEntry;
            try (ZipFile numpy = new ZipFile(fixture("two.npz").toFile())) {
                numpyEntry = numpy.getInputStream(numpy.getEntry("embeddings.npy")).readAllBytes();
            }
            assertArrayEquals(numpyEntry, zip.getInputStream(entry).readAllBytes());
        }
        try (ZipFile zip = new ZipFile(deflated.toFile())) {
            assertEquals(ZipEntry.DEFLATED, zip.getEntry("ids.npy").getMethod());
        }
    }

    @Test
    void refusesAMissingNameListingThoseThere() {
        IOException e = assertThrows(IOException.class, () -> Npz.read(fixture("two.npz"), "weights"));
        assertEquals(fixture("two.npz") + " has no array 'weights'; it has [embeddings, ids]", e.getMessage());
    }

    @Test
    void refusesWhatIsNotAnArchiveAndABadEntryNamingBoth() throws IOException {
        IOException e = assertThrows(IOException.class, () -> Npz.read(fixture("float32_2x3.npy")));
        assertTrue(e.getMessage().startsWith(fixture("float32_2x3.npy") + " is not a .npz file (not a zip archive"),
                e.getMessage());
        Path bad = dir.resolve("bad.npz");
        Npz.write(bad, Map.of("a", Tensor.of(1f, 2f)));
        byte[] bytes = Files.readAllBytes(bad);
        int at = Bytes.indexOf(bytes, "NUMPY".getBytes());
        bytes[at] = 'X';       // stored entries: the CRC is checked only at the entry's end, after the magic
        Files.write(bad, bytes);
        IOException entry = assertThrows(IOException.class, () -> Npz.read(bad));
        assertTrue(entry.getMessage().startsWith(bad + " entry 'a.npy'"), entry.getMessage());
    }

    @Test
    void refusesNamesThatCannotBeEntries() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Npz.write(dir.resolve("x.npz"), Map.of("a/b", Tensor.of(1f))));
        assertEquals("array name 'a/b' cannot name an .npz entry: expected a non-empty name without '/' or '\\'",
                e.getMessage());
        assertTrue(Files.notExists(dir.resolve("x.npz")));
    }
}
