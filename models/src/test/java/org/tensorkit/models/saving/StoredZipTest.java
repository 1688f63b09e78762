package org.tensorkit.models.saving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The STORED zip writer, read back by the JDK's two zip readers, with and without zip64 records. */
class StoredZipTest {
    @TempDir
    Path dir;

    private Path write(boolean zip64, byte[] small, Path file) throws IOException {
        Path zip = dir.resolve(zip64 ? "z64.zip" : "z.zip");
        try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            StoredZip z = new StoredZip(ch, StoredZip.Patch.of(ch), zip64);
            z.add("metadata.json", small);
            z.add("model.weights.h5", WeightFile.Written.whole(file));
            z.add("assets/layers/caf\u00e9/vocabulary.txt", "a\nb\n".getBytes());
            z.finish();
        }
        return zip;
    }

    @Test
    void bothJdkReadersReadEveryEntryStoredWithItsCrc() throws IOException {
        byte[] weights = new byte[3 << 20];
        new Random(4).nextBytes(weights);
        Path file = dir.resolve("w.h5");
        Files.write(file, weights);
        byte[] small = "{\"keras_version\": \"3.6.0\"}".getBytes();
        for (boolean zip64 : new boolean[] {false, true}) {
            Path zip = write(zip64, small, file);
            try (ZipFile z = new ZipFile(zip.toFile())) {
                List<String> names = new ArrayList<>();
                z.stream().forEach(e -> names.add(e.getName()));
                assertEquals(List.of("metadata.json", "model.weights.h5", "assets/layers/caf\u00e9/vocabulary.txt"),
                        names);
                ZipEntry w = z.getEntry("model.weights.h5");
                assertEquals(ZipEntry.STORED, w.getMethod());
                assertEquals(weights.length, w.getSize());
                CRC32 crc = new CRC32();
                crc.update(weights);
                assertEquals(crc.getValue(), w.getCrc());
                assertArrayEquals(weights, z.getInputStream(w).readAllBytes());
                assertArrayEquals(small, z.getInputStream(z.getEntry("metadata.json")).readAllBytes());
            }
            if (!zip64) {     // the streaming reader (local headers only) too
                try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
                    assertEquals("metadata.json", in.getNextEntry().getName());
                    assertArrayEquals(small, in.readAllBytes());
                    assertEquals("model.weights.h5", in.getNextEntry().getName());
                    assertArrayEquals(weights, in.readAllBytes());
                }
            }
            assertArrayEquals(weights, readMapped(zip));
        }
    }

    private static byte[] readMapped(Path zip) throws IOException {
        java.nio.ByteBuffer b = StoredEntry.map(zip, "model.weights.h5").orElse(null);
        if (b == null) {
            return readExtracted(zip);     // zip64 archives are extracted, not mapped
        }
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static byte[] readExtracted(Path zip) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            return z.getInputStream(z.getEntry("model.weights.h5")).readAllBytes();
        }
    }

    @Test
    void timesAreMsDosTimes() {
        assertEquals((2026 - 1980) << 25 | 12 << 21 | 1 << 16 | 17 << 11 | 5 << 5 | 29,
                StoredZip.dosTime(LocalDateTime.of(2026, 12, 1, 17, 5, 59)));
    }
}
