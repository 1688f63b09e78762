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
    private final Object key;
    private final long rows;
    private final int width;
    private final Layout layout;
    private boolean writing;

    /**
     * One file's tables: where each goes ({@link #spans}), and the stand-ins jhdf reads their shapes from, one per
     * shape (a table and its optimizer moments share one: 4 bytes of references per row, once).
     */
    static final class Layout {
        final List<WeightFile.Span> spans = new java.util.ArrayList<>();
        private final java.util.Map<List<Long>, float[][]> standIns = new java.util.HashMap<>();

        /** An array of {@code rows} rows whose first row alone is there: jhdf reads the shape from first elements. */
        float[][] standIn(long rows, int width) {
            return standIns.computeIfAbsent(List.of(rows, (long) width), k -> {
                float[][] standIn = new float[Math.toIntExact(rows)][];
                standIn[0] = new float[width];
                return standIn;
            });
        }
    }

    private TableDataset(INDArray table, Object key, long rows, int width, String name, Group parent,
                         Layout layout) {
        super(layout.standIn(rows, width), name, parent);
        this.table = table;
        this.key = key;
        this.rows = rows;
        this.width = width;
        this.layout = layout;
    }


    /** Whether {@code a} is written this way: dense-able float32 with two non-zero axes, on a little-endian host. */
    static boolean applies(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.rank() == 2 && a.size(0) > 0 && a.size(1) > 0
                && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    }

    /** The dataset of {@code a} (see {@link #applies}) named {@code name} in {@code parent}; its span goes to {@code layout}. */
    static TableDataset of(INDArray a, String name, Group parent, Layout layout) {
        INDArray dense = NdArrays.dense(a);
        return new TableDataset(dense, null, dense.size(0), Math.toIntExact(dense.size(1)), name, parent, layout);
    }

    /** The dataset of a table whose rows are sent from elsewhere, named {@code name} in {@code parent}. */
    static TableDataset outside(WeightFile.Outside table, String name, Group parent, Layout layout) {
        if (table.rows() < 1 || table.width() < 1) {
            throw new IllegalArgumentException("a table sent from elsewhere needs rows and columns, got "
                    + table.rows() + " x " + table.width());
        }
        return new TableDataset(null, table.key(), table.rows(), table.width(), name, parent, layout);
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
        long expected = rows * width * 4;
        if (data.dataStart < 0 || data.counted != width * 4L || end != data.dataStart + expected) {
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
        layout.spans.add(new WeightFile.Span(data.dataStart, rows, width, table, key));
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
