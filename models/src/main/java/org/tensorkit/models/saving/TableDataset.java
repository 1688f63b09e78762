package org.tensorkit.models.saving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.List;

import io.jhdf.WritableDatasetImpl;
import io.jhdf.api.Group;
import io.jhdf.storage.HdfFileChannel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.internal.NdArrays;

/**
 * A 2-D float32 weight laid out as jhdf writes a {@code float[][]} dataset, byte for byte, without the
 * {@code float[][]} and without its bytes. jhdf builds the object header, the messages and the contiguous layout
 * from a stand-in of the same shape (an array of the table's row count whose first row alone is there: jhdf reads
 * the shape from the first element of each level) and sizes the data from that shape; while it writes, the
 * dataset reports one row as its dimensions, so jhdf encodes one row (not two million, at ~100 ns each) through
 * {@code write(ByteBuffer)}, which the channel given to it here only counts. The table's place in the file is
 * recorded as a {@link WeightFile.Span} (a hole, which the file's last byte keeps at its full size) for its bytes to
 * be written later, once, from the native buffer: into the hole ({@link WeightFile.Written#fillInPlace}) or into an
 * archive. This rests on how jhdf 0.13 writes a contiguous dataset (the rows in order right after positioning the
 * channel at the data's address, their number from {@code getDimensions()}, the data's size from the dataspace, the
 * headers with positioned writes); {@code WeightFileTest} checks the file is the one jhdf writes from the
 * {@code float[][]}.
 */
final class TableDataset extends WritableDatasetImpl {
    private final INDArray table;
    private final List<WeightFile.Span> spans;
    private boolean writing;

    private TableDataset(INDArray table, float[][] standIn, String name, Group parent, List<WeightFile.Span> spans) {
        super(standIn, name, parent);
        this.table = table;
        this.spans = spans;
    }

    /** Whether {@code a} is written this way: dense-able float32 with two non-zero axes, on a little-endian host. */
    static boolean applies(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.rank() == 2 && a.size(0) > 0 && a.size(1) > 0
                && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    }

    /** The dataset of {@code a} (see {@link #applies}) named {@code name} in {@code parent}; its span goes to {@code spans}. */
    static TableDataset of(INDArray a, String name, Group parent, List<WeightFile.Span> spans) {
        INDArray dense = NdArrays.dense(a);
        float[][] standIn = new float[Math.toIntExact(dense.size(0))][];
        standIn[0] = new float[Math.toIntExact(dense.size(1))];
        return new TableDataset(dense, standIn, name, parent, spans);
    }

    /** The table's shape; one row of it while jhdf encodes the data. */
    @Override
    public int[] getDimensions() {
        int[] dims = super.getDimensions();
        return writing ? new int[] {1, dims[1]} : dims;
    }

    @Override
    public long write(HdfFileChannel channel, long position) {
        Counting data = new Counting(channel);
        long end;
        writing = true;
        try {
            end = super.write(data, position);
        } finally {
            writing = false;
        }
        long expected = table.length() * 4;
        if (data.dataStart < 0 || data.counted != table.size(1) * 4 || end != data.dataStart + expected) {
            throw new IllegalStateException("jhdf laid out " + getPath() + " unexpectedly: " + data.counted
                    + " bytes encoded and data ending at " + end + ", for a table of " + expected + " bytes from "
                    + data.dataStart);
        }
        try {
            // jhdf takes the file's size for its end-of-file address: the hole must not be the file's end
            FileChannel file = channel.getFileChannel();
            long last = data.dataStart + expected - 1;
            if (file.size() <= last) {
                file.write(ByteBuffer.allocate(1), last);
            }
            file.position(data.dataStart + expected);     // where jhdf's own writes would have left it
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        spans.add(new WeightFile.Span(data.dataStart, table));
        return end;
    }

    /** jhdf's channel, with the sequential (data) writes counted, not written. */
    private static final class Counting extends HdfFileChannel {
        private long dataStart = -1;
        private long counted;

        Counting(HdfFileChannel channel) {
            super(channel.getFileChannel(), channel.getSuperblock());
        }

        @Override
        public void position(long dataAddress) {
            super.position(dataAddress);
            dataStart = dataAddress;
            counted = 0;
        }

        @Override
        public int write(ByteBuffer buffer) {
            if (dataStart < 0) {
                throw new IllegalStateException("jhdf wrote data before positioning the channel");
            }
            int n = buffer.remaining();
            buffer.position(buffer.limit());
            counted += n;
            return n;
        }
    }
}
