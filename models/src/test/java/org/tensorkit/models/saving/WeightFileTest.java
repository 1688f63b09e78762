package org.tensorkit.models.saving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The fast table writer gives the very file jhdf writes from {@code float[][]}s. */
class WeightFileTest {
    @TempDir
    Path dir;

    private static INDArray table(long rows, long cols, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, rows, cols);
    }

    @Test
    void tablesWrittenFromTheNativeBufferGiveJhdfsOwnFile() throws IOException {
        List<WeightFile.Entry> entries = List.of(
                new WeightFile.Entry("layers/embedding", "user_embedding", List.of(table(40_000, 64, 1))), // 10 MiB
                new WeightFile.Entry("layers/embedding_1", "items", List.of(table(3, 2, 2))),
                new WeightFile.Entry("layers/dense", "dense", List.of(table(7, 5, 3).transpose(),        // a view
                        Nd4j.rand(DataType.FLOAT, 5), Nd4j.rand(DataType.FLOAT, 2, 3, 4))),
                new WeightFile.Entry("optimizer", "adam", List.of(Nd4j.scalar(12L), Nd4j.scalar(0.001f))));
        Path fast = dir.resolve("fast.h5");
        Path plain = dir.resolve("plain.h5");
        WeightFile.write(fast, entries);
        WeightFile.write(plain, entries, false);
        assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(fast));
        try (HdfFile h5 = new HdfFile(fast)) {
            Dataset d = h5.getDatasetByPath("layers/embedding/vars/0");
            assertArrayEquals(new int[] {40_000, 64}, d.getDimensions());
            float[][] rows = (float[][]) d.getData();
            assertArrayEquals(entries.get(0).values().get(0).getRow(39_999).toFloatVector(), rows[39_999], 0f);
            float[][] transposed = (float[][]) h5.getDatasetByPath("layers/dense/vars/0").getData();
            assertEquals(entries.get(2).values().get(0).getFloat(4, 6), transposed[4][6], 0f);
        }
    }

    @Test
    void theLayoutCopiedIntoAnArchiveIsTheWholeFileAndItsCrc() throws IOException {
        for (List<WeightFile.Entry> entries : List.of(
                // a table alone: its hole is the end of the file jhdf wrote
                List.of(new WeightFile.Entry("layers/embedding", "e", List.of(table(30_000, 16, 4)))),
                List.of(new WeightFile.Entry("layers/embedding", "e", List.of(table(9, 4, 5))),
                        new WeightFile.Entry("layers/embedding_1", "f", List.of(table(20_000, 8, 6))),
                        new WeightFile.Entry("optimizer", "adam", List.of(Nd4j.scalar(3L)))))) {
            Path layout = dir.resolve("layout.h5");
            Path plain = dir.resolve("plain.h5");
            WeightFile.Written written = WeightFile.write(layout, entries, true);
            WeightFile.write(plain, entries, false);
            byte[] expected = Files.readAllBytes(plain);
            assertEquals(expected.length, written.size());
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            written.copyTo(java.nio.channels.Channels.newChannel(out), crc);
            assertArrayEquals(expected, out.toByteArray());
            java.util.zip.CRC32 reference = new java.util.zip.CRC32();
            reference.update(expected);
            assertEquals(reference.getValue(), crc.getValue());
            written.fillInPlace();
            assertArrayEquals(expected, Files.readAllBytes(layout));
            Files.delete(layout);
            Files.delete(plain);
        }
    }
}
