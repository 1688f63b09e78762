package org.tensorkit.models.saving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

import io.jhdf.WritableDatasetImpl;
import io.jhdf.api.Group;
import io.jhdf.storage.HdfFileChannel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.internal.NdArrays;

/**
 * A 2-D float32 weight written as jhdf writes a {@code float[][]} dataset, byte for byte, without the
 * {@code float[][]}: jhdf builds the object header, the messages and the contiguous layout from a stand-in of the
 * same shape (every row one shared zero row, so the heap holds one row and the row references), and encodes the
 * data one row at a time through {@code write(ByteBuffer)}; the channel given to it here counts those bytes and
 * writes the weight's own bytes in their place, straight from the native buffer in 4 MiB writes. jhdf 0.13 writes
 * a contiguous dataset's rows in order right after positioning the channel at the data's address, and its headers
 * with positioned writes; {@code WeightFileTest} checks the file is the one jhdf writes from the {@code float[][]}.
 */
final class TableDataset extends WritableDatasetImpl {
    private static final int FLUSH_BYTES = 4 << 20;

    private final INDArray table;

    private TableDataset(INDArray table, float[][] standIn, String name, Group parent) {
        super(standIn, name, parent);
        this.table = table;
    }

    /** Whether {@code a} is written this way: dense-able float32 with two non-zero axes, on a little-endian host. */
    static boolean applies(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.rank() == 2 && a.size(0) > 0 && a.size(1) > 0
                && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    }

    /** The dataset of {@code a} (see {@link #applies}) named {@code name} in {@code parent}. */
    static TableDataset of(INDArray a, String name, Group parent) {
        INDArray dense = NdArrays.dense(a);
        float[] zeros = new float[Math.toIntExact(dense.size(1))];
        float[][] standIn = new float[Math.toIntExact(dense.size(0))][];
        java.util.Arrays.fill(standIn, zeros);
        return new TableDataset(dense, standIn, name, parent);
    }

    @Override
    public long write(HdfFileChannel channel, long position) {
        Substituting data = new Substituting(channel, table);
        long end = super.write(data, position);
        data.flush();
        long expected = table.length() * 4;
        if (data.counted != expected) {
            throw new IllegalStateException("jhdf wrote " + data.counted + " data bytes for " + getPath()
                    + "; the table has " + expected);
        }
        return end;
    }

    /** jhdf's channel, with the sequential (data) writes replaced by the table's bytes. */
    private static final class Substituting extends HdfFileChannel {
        private final FileChannel file;
        private final INDArray table;
        private long dataStart = -1;
        private long counted;
        private long flushed;

        Substituting(HdfFileChannel channel, INDArray table) {
            super(channel.getFileChannel(), channel.getSuperblock());
            this.file = channel.getFileChannel();
            this.table = table;
        }

        @Override
        public void position(long dataAddress) {
            flush();
            super.position(dataAddress);
            dataStart = dataAddress;
            counted = 0;
            flushed = 0;
        }

        @Override
        public int write(ByteBuffer buffer) {
            if (dataStart < 0) {
                throw new IllegalStateException("jhdf wrote data before positioning the channel");
            }
            int n = buffer.remaining();
            buffer.position(buffer.limit());
            counted += n;
            if (counted - flushed >= FLUSH_BYTES) {
                flush();
            }
            return n;
        }

        @Override
        public int write(ByteBuffer buffer, long position) {
            flush();
            return super.write(buffer, position);
        }

        void flush() {
            long limit = Math.min(counted, table.length() * 4);
            try {
                while (flushed < limit) {
                    int n = (int) Math.min(FLUSH_BYTES, limit - flushed);
                    ByteBuffer bytes = NdArrays.bytes(table, flushed, n);
                    long at = dataStart + flushed;
                    while (bytes.hasRemaining()) {
                        at += file.write(bytes, at);
                    }
                    flushed += n;
                }
                if (dataStart >= 0) {
                    file.position(dataStart + counted);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
