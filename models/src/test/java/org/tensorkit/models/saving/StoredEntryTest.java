package org.tensorkit.models.saving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorkit.core.testing.Bytes;

/** A STORED entry mapped where it lies, or nothing (the caller extracts), or a damaged entry refused. */
class StoredEntryTest {
    @TempDir
    Path dir;

    private Path zip(int method, byte[] weights) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("metadata.json", "{}".getBytes());
        entries.put("model.weights.h5", weights);
        entries.put("assets/x.txt", "a".getBytes());
        Path p = dir.resolve(method == ZipEntry.STORED ? "stored.zip" : "deflated.zip");
        Files.write(p, Zips.zip(entries, method));
        return p;
    }

    @Test
    void mapsAStoredEntryToItsExactBytes() throws IOException {
        byte[] weights = new byte[100_000];
        new Random(1).nextBytes(weights);
        ByteBuffer mapped = StoredEntry.map(zip(ZipEntry.STORED, weights), "model.weights.h5").orElseThrow();
        byte[] got = new byte[mapped.remaining()];
        mapped.get(got);
        assertArrayEquals(weights, got);
        assertTrue(StoredEntry.map(zip(ZipEntry.STORED, weights), "absent.h5").isEmpty());
    }

    @Test
    void leavesCompressedEntriesAndPrefixedArchivesToExtraction() throws IOException {
        assertTrue(StoredEntry.map(zip(ZipEntry.DEFLATED, new byte[5000]), "model.weights.h5").isEmpty());
        Path stored = zip(ZipEntry.STORED, new byte[5000]);
        byte[] bytes = Files.readAllBytes(stored);
        byte[] prefixed = new byte[bytes.length + 7];
        System.arraycopy(bytes, 0, prefixed, 7, bytes.length);
        Path p = dir.resolve("prefixed.zip");
        Files.write(p, prefixed);
        assertTrue(StoredEntry.map(p, "model.weights.h5").isEmpty());
        Files.write(p, new byte[] {1, 2, 3});
        assertTrue(StoredEntry.map(p, "model.weights.h5").isEmpty());
    }

    @Test
    void refusesAnEntryWhoseBytesDoNotMatchItsCrc() throws IOException {
        byte[] weights = new byte[4096];
        new Random(2).nextBytes(weights);
        Path p = zip(ZipEntry.STORED, weights);
        byte[] bytes = Files.readAllBytes(p);
        int at = Bytes.indexOf(bytes, java.util.Arrays.copyOf(weights, 16));
        bytes[at + 100] ^= 1;
        Files.write(p, bytes);
        IOException e = assertThrows(IOException.class, () -> StoredEntry.map(p, "model.weights.h5"));
        assertTrue(e.getMessage().startsWith(p + ": archive entry \"model.weights.h5\" is damaged: invalid entry CRC"),
                e.getMessage());
    }
}
