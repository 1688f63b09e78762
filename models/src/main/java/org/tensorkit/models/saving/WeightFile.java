package org.tensorkit.models.saving;

import java.io.IOException;
import java.lang.ref.Reference;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.internal.BulkData;
import org.tensorkit.core.internal.NdArrays;

/**
 * The HDF5 file of Keras 3's weights ({@code model.weights.h5} in a {@code .keras}, or a {@code .weights.h5}):
 * a group per object path ({@code layers/embedding}, {@code optimizer}) holding a {@code vars} group of datasets
 * {@code 0}, {@code 1}, ... in the object's variable order, the {@code vars} group carrying the object's
 * {@code name} attribute. Written with jhdf; groups without variables are not written at all (Keras reads a
 * missing group as no variables; jhdf corrupts a file with an empty group named like a deeper one).
 */
final class WeightFile {
    /**
     * One object's variables: its path and its arrays in order, and the name Keras stores beside them; the values
     * at the indices of {@code outside} are float32 tables whose rows are sent from elsewhere
     * ({@link Written#receive}), and the arrays there are ignored.
     */
    record Entry(String path, String name, List<INDArray> values, List<String> keys, Map<Integer, Outside> outside) {
        /** Datasets named 0, 1, ...: a layer's or an optimizer's numbered variables. */
        Entry(String path, String name, List<INDArray> values) {
            this(path, name, values, null, Map.of());
        }

        /** Datasets named by {@code keys}. */
        Entry(String path, String name, List<INDArray> values, List<String> keys) {
            this(path, name, values, keys, Map.of());
        }
    }

    /** A float32 table of {@code rows} x {@code width} whose rows are sent from elsewhere, known by {@code key}. */
    record Outside(long rows, int width, Object key) {
    }

    private WeightFile() {
    }

    /**
     * Where a table's bytes go in a weights file: {@code rows} x {@code width} float32 values from {@code address} on,
     * {@code table}'s dense bytes, or (table null) rows sent from elsewhere under {@code key}.
     */
    record Span(long address, long rows, int width, INDArray table, Object key) {
        long length() {
            return rows * width * 4;
        }
    }

    /**
     * A weights file as jhdf laid it out: {@code file} holds every byte but the {@link #spans} (holes, read as
     * zeros), whose bytes are the tables'; {@code size} is the whole file's. The tables' bytes are written once, from
     * their native buffers: into the holes ({@link #fillInPlace}) or, with the rest of the file, into an archive
     * ({@link #copyTo}). A file system without sparse files stores the holes as zeros, at the cost of writing them.
     */
    static final class Written implements StoredZip.Content {
        private static final int CHUNK = 4 << 20;

        private final Path file;
        private final long size;
        private final List<Span> spans;

        Written(Path file, List<Span> spans) throws IOException {
            this.file = file;
            this.spans = spans.stream().sorted(java.util.Comparator.comparingLong(Span::address)).toList();
            this.size = Files.size(file);
            long end = 0;
            for (Span s : this.spans) {
                if (s.address() < end || s.address() + s.length() > size) {
                    throw new IllegalStateException("table span [" + s.address() + ", " + (s.address() + s.length())
                            + ") overlaps another or passes the end of " + file + " (" + size + " bytes)");
                }
                end = s.address() + s.length();
            }
        }

        /** A file written whole (no holes). */
        static Written whole(Path file) throws IOException {
            return new Written(file, List.of());
        }

        @Override
        public long size() {
            return size;
        }

        /** Writes the tables' bytes into their holes: {@code file} is then the whole weights file. */
        void fillInPlace() throws IOException {
            requireNoneOutside();
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                for (Span s : spans) {
                    for (long p = 0; p < s.length(); p += CHUNK) {
                        ByteBuffer bytes = chunk(s, p);
                        long at = s.address() + p;
                        while (bytes.hasRemaining()) {
                            at += ch.write(bytes, at);
                        }
                    }
                    Reference.reachabilityFence(s.table());
                }
            }
        }

        @Override
        public void copyTo(WritableByteChannel out, CRC32 crc) throws IOException {
            requireNoneOutside();
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                long p = 0;
                for (Span s : spans) {
                    transfer(in, p, s.address(), out, crc);
                    for (long q = 0; q < s.length(); q += CHUNK) {
                        ByteBuffer bytes = chunk(s, q);
                        ByteBuffer written = bytes.duplicate();
                        while (bytes.hasRemaining()) {
                            out.write(bytes);
                        }
                        crc.update(written);
                    }
                    Reference.reachabilityFence(s.table());
                    p = s.address() + s.length();
                }
                transfer(in, p, size, out, crc);
            }
        }

        private void requireNoneOutside() {
            for (Span s : spans) {
                if (s.table() == null) {
                    throw new IllegalStateException("the rows of table " + s.key() + " in " + file
                            + " have not been received");
                }
            }
        }

        /** The spans of tables sent from elsewhere, ready to be filled in place; {@link Receiver#finish} checks them. */
        Receiver receive() throws IOException {
            return new Receiver(this);
        }

        private static ByteBuffer chunk(Span s, long offset) {
            return NdArrays.bytes(s.table(), offset, (int) Math.min(CHUNK, s.length() - offset));
        }

        /** Bytes {@code [from, to)} of {@code in} to {@code out} (copied by the kernel where it can) and {@code crc}. */
        private void transfer(FileChannel in, long from, long to, WritableByteChannel out, CRC32 crc)
                throws IOException {
            // read through one small buffer, not mapped: a file of gigabytes would stay in the resident set
            ByteBuffer buffer = to > from ? ByteBuffer.allocate((int) Math.min(CHUNK, to - from)) : null;
            for (long p = from; p < to; ) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), to - p));
                int n = in.read(buffer, p);
                if (n < 0) {
                    throw new IOException(file + " shrank while it was copied into the archive");
                }
                crc.update(buffer.flip());
                p += n;
            }
            for (long p = from; p < to; ) {
                long n = in.transferTo(p, to - p, out);
                if (n <= 0 && in.size() < to) {
                    throw new IOException(file + " shrank while it was copied into the archive");
                }
                p += n;
            }
        }
    }

    /**
     * The holes of a {@link Written}'s tables sent from elsewhere, filled row by row in place through mappings of
     * the file (a row's bytes go straight to the page cache, in any order), each row checked in its range and
     * received once.
     */
    static final class Receiver {
        private static final long WINDOW_BYTES = 1L << 30;

        private final Written layout;
        private final Map<Object, Hole> holes = new HashMap<>();
        private final FileChannel channel;
        private boolean closed;

        private Receiver(Written layout) throws IOException {
            this.layout = layout;
            for (Span s : layout.spans) {
                if (s.table() == null) {
                    holes.put(s.key(), new Hole(s));
                }
            }
            this.channel = FileChannel.open(layout.file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }

        /**
         * Row {@code row} of the table known by {@code key}: {@code width} floats of {@code values} from
         * {@code offset}.
         *
         * @throws IllegalArgumentException for an unknown key or a row outside the table
         * @throws IllegalStateException    for a row received before
         */
        void put(Object key, long row, float[] values, int offset) throws IOException {
            if (closed) {
                throw new IllegalStateException("row " + row + " of table " + key + " came after the file was done");
            }
            Hole h = holes.get(key);
            if (h == null) {
                throw new IllegalArgumentException("no table " + key + " is sent from elsewhere");
            }
            h.put(row, values, offset);
        }

        /** Checks that every row came, and returns the layout left: the tables still in memory. */
        Written finish() throws IOException {
            try {
                for (Hole h : holes.values()) {
                    if (h.received != h.span.rows()) {
                        throw new IllegalStateException("table " + h.span.key() + " received " + h.received
                                + " of its " + h.span.rows() + " rows");
                    }
                }
            } finally {
                close();
            }
            return new Written(layout.file, layout.spans.stream().filter(s -> s.table() != null).toList());
        }

        /**
         * Unmaps the windows now (the file's pages leave the process's resident set; the page cache keeps them) and
         * closes the file. Idempotent; a row put after it is refused.
         */
        void close() throws IOException {
            closed = true;
            for (Hole h : holes.values()) {
                for (int w = 0; w < h.maps.length; w++) {
                    h.windows[w] = null;
                    org.tensorkit.core.internal.Mapped.unmap(h.maps[w]);
                    h.maps[w] = null;
                }
            }
            channel.close();
        }

        /** One table's hole: its windows (whole rows each), mapped when first written, and the rows received. */
        private final class Hole {
            final Span span;
            final long windowRows;
            final java.nio.FloatBuffer[] windows;
            final java.nio.MappedByteBuffer[] maps;
            final long[] seen;
            long received;

            Hole(Span span) {
                this.span = span;
                this.windowRows = Math.max(1, WINDOW_BYTES / (4L * span.width()));
                this.windows = new java.nio.FloatBuffer[Math.toIntExact((span.rows() + windowRows - 1) / windowRows)];
                this.maps = new java.nio.MappedByteBuffer[windows.length];
                this.seen = new long[Math.toIntExact((span.rows() + 63) / 64)];
            }

            void put(long row, float[] values, int offset) throws IOException {
                if (row < 0 || row >= span.rows()) {
                    throw new IllegalArgumentException("row " + row + " of table " + span.key() + " is outside [0, "
                            + span.rows() + ")");
                }
                int bit = (int) (row & 63);
                int word = (int) (row >>> 6);
                if ((seen[word] & (1L << bit)) != 0) {
                    throw new IllegalStateException("row " + row + " of table " + span.key() + " was sent twice");
                }
                int w = (int) (row / windowRows);
                java.nio.FloatBuffer window = windows[w];
                if (window == null) {
                    long first = w * windowRows;
                    long bytes = Math.min(windowRows, span.rows() - first) * 4L * span.width();
                    maps[w] = channel.map(FileChannel.MapMode.READ_WRITE, span.address() + first * 4L * span.width(),
                            bytes);
                    window = maps[w].order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                    windows[w] = window;
                }
                window.put((int) ((row - w * windowRows) * span.width()), values, offset, span.width());
                seen[word] |= 1L << bit;
                received++;
            }
        }
    }

    /** Writes {@code entries} (each with at least one value) to a new HDF5 file {@code file}, whole. */
    static void write(Path file, List<Entry> entries) throws IOException {
        write(file, entries, true).fillInPlace();
    }

    /**
     * Lays {@code entries} out in a new HDF5 file {@code file}: with float32 tables left as holes to be written from
     * their native buffers ({@link TableDataset}) when {@code fast}, or written as jhdf's {@code float[][]} (the
     * reference the fast form is checked against).
     */
    static Written write(Path file, List<Entry> entries, boolean fast) throws IOException {
        TableDataset.Layout tables = new TableDataset.Layout();
        try (WritableHdfFile h5 = HdfFile.write(file)) {
            Map<String, WritableGroup> groups = new HashMap<>();
            for (Entry e : entries) {
                WritableGroup vars = group(h5, groups, e.path().isEmpty() ? "vars" : e.path() + "/vars");
                if (e.name() != null) {
                    vars.putAttribute("name", e.name());
                }
                for (int i = 0; i < e.values().size(); i++) {
                    String key = e.keys() != null ? e.keys().get(i) : Integer.toString(i);
                    Outside outside = e.outside().get(i);
                    INDArray value = e.values().get(i);
                    vars.putDataset(key, outside != null ? TableDataset.outside(outside, key, vars, tables)
                            : fast && TableDataset.applies(value) ? TableDataset.of(value, key, vars, tables)
                            : javaArray(value));
                }
            }
        }
        return new Written(file, tables.spans);
    }

    private static WritableGroup group(WritableHdfFile h5, Map<String, WritableGroup> groups, String path) {
        WritableGroup g = groups.get(path);
        if (g != null) {
            return g;
        }
        int slash = path.lastIndexOf('/');
        String name = path.substring(slash + 1);
        g = slash < 0 ? h5.putGroup(name) : group(h5, groups, path.substring(0, slash)).putGroup(name);
        groups.put(path, g);
        return g;
    }

    /** The array as the nested Java array (or boxed scalar) jhdf writes, in its own dtype. */
    static Object javaArray(INDArray a) {
        INDArray d = NdArrays.dense(a);
        long[] shape = d.shape();
        if (d.dataType() == DataType.FLOAT && shape.length == 2) {
            // rows straight from the native buffer: no flat copy of the whole table on the heap first
            java.nio.FloatBuffer src = BulkData.floatBuffer(d);
            int cols = Math.toIntExact(shape[1]);
            float[][] rows = new float[Math.toIntExact(shape[0])][];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = new float[cols];
                src.get(r * cols, rows[r], 0, cols);
            }
            return rows;
        }
        Object flat;
        switch (d.dataType()) {
            case FLOAT:
                flat = BulkData.readFloats(d);
                break;
            case DOUBLE:
                flat = d.data().asDouble();
                break;
            case LONG:
                flat = BulkData.readLongs(d);
                break;
            case INT:
                flat = d.data().asInt();
                break;
            default:
                throw new IllegalArgumentException("cannot save a " + d.dataType() + " array");
        }
        if (shape.length == 0) {
            return Array.get(flat, 0);
        }
        int[] dims = Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
        return nest(flat, dims, 0, 0);
    }

    private static Object nest(Object flat, int[] dims, int axis, int offset) {
        if (axis == dims.length - 1) {
            Object row = Array.newInstance(flat.getClass().getComponentType(), dims[axis]);
            System.arraycopy(flat, offset, row, 0, dims[axis]);
            return row;
        }
        int stride = 1;
        for (int k = axis + 1; k < dims.length; k++) {
            stride *= dims[k];
        }
        Object first = nest(flat, dims, axis + 1, offset);
        Object out = Array.newInstance(first.getClass(), dims[axis]);
        Array.set(out, 0, first);
        for (int i = 1; i < dims[axis]; i++) {
            Array.set(out, i, nest(flat, dims, axis + 1, offset + i * stride));
        }
        return out;
    }

    /** An opened weights file, read group by group; refuses links and checks every shape before reading. */
    static final class Reader implements AutoCloseable {
        private final String display;
        private final HdfFile h5;

        Reader(Path file, String display) throws IOException {
            this.display = display;
            try {
                this.h5 = new HdfFile(file);
            } catch (RuntimeException e) { // jhdf reports a damaged file with HdfException and also plain runtime ones
                throw new IOException(display + " is not a readable HDF5 file: " + e, e);
            }
        }

        /** The HDF5 file in {@code bytes} (such as a STORED archive entry mapped in place). */
        Reader(java.nio.ByteBuffer bytes, String display) throws IOException {
            this.display = display;
            try {
                this.h5 = HdfFile.fromByteBuffer(bytes);
            } catch (RuntimeException e) {
                throw new IOException(display + " is not a readable HDF5 file: " + e, e);
            }
        }

        /**
         * The number of values all the file's datasets hold, checking that none claims more than the file can
         * hold ({@code fileBytes} times {@link Archive#MAX_RATIO}, for compressed datasets): the cap on the
         * weights a model built from this file may allocate.
         */
        long totalValues(long fileBytes) throws IOException {
            try {
                return count(h5, fileBytes, 0);
            } catch (RuntimeException e) {
                throw new IOException(display + ": cannot read its groups: " + e.getMessage(), e);
            }
        }

        private long count(Group g, long fileBytes, int depth) throws IOException {
            if (depth > 32) {
                throw new IOException(display + ": groups nest deeper than 32 at " + g.getPath());
            }
            long total = 0;
            for (Node n : g.getChildren().values()) {
                if (n.isLink()) {
                    throw new IOException(display + ": " + n.getPath() + " is a link (links are refused)");
                }
                if (n instanceof Group child) {
                    total += count(child, fileBytes, depth + 1);
                } else if (n instanceof Dataset ds) {
                    long values = 1;
                    for (int d : ds.getDimensions()) {
                        values = d < 0 || (d != 0 && values > Long.MAX_VALUE / d) ? Long.MAX_VALUE : values * d;
                    }
                    if (values > fileBytes * Archive.MAX_RATIO) {
                        throw new IOException(display + ": " + ds.getPath() + " claims "
                                + Arrays.toString(ds.getDimensions()) + " values, more than a file of "
                                + fileBytes + " bytes can hold");
                    }
                    total += values;
                }
            }
            return total;
        }

        /** A string attribute of the root (a legacy {@code .h5}'s {@code model_config}), or null when absent. */
        String rootAttribute(String name) throws IOException {
            try {
                io.jhdf.api.Attribute a = h5.getAttribute(name);
                return a == null ? null : string(a.getData(), name);
            } catch (RuntimeException e) {
                throw new IOException(display + ": cannot read attribute " + name + ": " + e.getMessage(), e);
            }
        }

        /** Whether the file has tf.keras 2's weight layout: {@code layer_names} at the root or under model_weights. */
        boolean isLegacy() throws IOException {
            return legacyGroup() != null;
        }

        private Group legacyGroup() throws IOException {
            try {
                Node weights = h5.getChildren().get("model_weights");
                if (weights != null && weights.isLink()) {
                    throw new IOException(display + ": /model_weights is a link (links are refused)");
                }
                Group g = weights instanceof Group wg ? wg : h5;
                return strings(g, "layer_names") != null ? g : null;
            } catch (RuntimeException e) {
                throw new IOException(display + ": cannot read its groups: " + e.getMessage(), e);
            }
        }

        /**
         * tf.keras 2's (and Keras 3's legacy) weights: per entry of {@code layer_names} that has
         * {@code weight_names}, in order, its datasets in the order those name them ({@code <layer>/<var>:0},
         * nested groups). Layers without weights are left out, as Keras's legacy loader leaves them out.
         */
        List<List<Dataset>> legacyLayers() throws IOException {
            try {
                Group g = legacyGroup();
                if (g == null) {
                    throw new IOException(display + " has no layer_names attribute: not a Keras weights file");
                }
                List<List<Dataset>> layers = new ArrayList<>();
                for (String layer : strings(g, "layer_names")) {
                    Node n = g.getChildren().get(layer);
                    if (n == null || n.isLink() || !(n instanceof Group lg)) {
                        throw new IOException(display + ": layer_names names " + layer + ", which is "
                                + (n == null ? "missing" : n.isLink() ? "a link (links are refused)" : "not a group"));
                    }
                    List<String> names = strings(lg, "weight_names");
                    if (names == null || names.isEmpty()) {
                        continue;
                    }
                    List<Dataset> datasets = new ArrayList<>();
                    for (String w : names) {
                        Node at = lg;
                        for (String part : w.split("/")) {
                            at = at instanceof Group parent ? parent.getChildren().get(part) : null;
                            if (at == null || at.isLink()) {
                                throw new IOException(display + ": weight " + w + " of layer " + layer + " is "
                                        + (at == null ? "missing" : "a link (links are refused)"));
                            }
                        }
                        if (!(at instanceof Dataset ds)) {
                            throw new IOException(display + ": weight " + w + " of layer " + layer
                                    + " is not a dataset");
                        }
                        datasets.add(ds);
                    }
                    layers.add(datasets);
                }
                return layers;
            } catch (RuntimeException e) {
                throw new IOException(display + ": cannot read its weights: " + e.getMessage(), e);
            }
        }

        /**
         * A list-of-strings attribute, also split over {@code name0}, {@code name1}, ... as Keras splits those over
         * 64 KiB; null when absent.
         */
        private List<String> strings(Group g, String name) throws IOException {
            List<String> out = new ArrayList<>();
            io.jhdf.api.Attribute whole = g.getAttribute(name);
            if (whole != null) {
                addStrings(whole.getData(), name, out);
                return out;
            }
            boolean found = false;
            for (int chunk = 0; chunk < 10_000; chunk++) {
                io.jhdf.api.Attribute part = g.getAttribute(name + chunk);
                if (part == null) {
                    break;
                }
                found = true;
                addStrings(part.getData(), name, out);
            }
            return found ? out : null;
        }

        private void addStrings(Object data, String name, List<String> out) throws IOException {
            if (data == null) {
                return; // an empty attribute (a layer without weights has weight_names = [])
            }
            if (data.getClass().isArray() && !(data instanceof byte[])) {
                for (int i = 0; i < Array.getLength(data); i++) {
                    out.add(string(Array.get(data, i), name));
                }
            } else {
                out.add(string(data, name));
            }
        }

        private String string(Object data, String name) throws IOException {
            if (data instanceof String s) {
                return s;
            }
            if (data instanceof byte[] b) {
                return new String(b, java.nio.charset.StandardCharsets.UTF_8);
            }
            if (data instanceof java.nio.ByteBuffer b) {
                byte[] bytes = new byte[b.remaining()];
                b.duplicate().get(bytes);
                return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            }
            throw new IOException(display + ": attribute " + name + " holds " + (data == null ? "nothing"
                    : data.getClass().getSimpleName()) + ", not text");
        }

        /** How errors name this file. */
        String display() {
            return display;
        }

        /**
         * The datasets of {@code path}'s {@code vars} group in order ({@code 0}, {@code 1}, ...), or an empty list
         * when the file has no such group. Also found: Windows-written names ({@code layers\dense}) and tf.keras
         * 2.13's {@code _layer_checkpoint_dependencies} for {@code layers}.
         */
        List<Dataset> vars(String path) throws IOException {
            try {
                Group g = find(path.isEmpty() ? "vars" : path + "/vars");
                if (g == null && path.startsWith("layers/")) {
                    g = find("_layer_checkpoint_dependencies/" + path.substring("layers/".length()) + "/vars");
                }
                if (g == null) {
                    return List.of();
                }
                Map<String, Node> children = g.getChildren();
                List<Dataset> out = new ArrayList<>();
                for (int i = 0; i < children.size(); i++) {
                    Node n = children.get(Integer.toString(i));
                    if (n == null) {
                        throw new IOException(display + ": " + g.getPath() + " holds " + children.keySet()
                                + "; expected datasets named 0 to " + (children.size() - 1));
                    }
                    if (n.isLink()) {
                        throw new IOException(display + ": " + n.getPath() + " is a link (links are refused)");
                    }
                    if (!(n instanceof Dataset ds)) {
                        throw new IOException(display + ": " + n.getPath() + " is not a dataset");
                    }
                    out.add(ds);
                }
                return out;
            } catch (RuntimeException e) { // a damaged file: HdfException, or jhdf's arithmetic and bounds errors
                throw new IOException(display + ": cannot read " + path + ": " + e.getMessage(), e);
            }
        }

        /**
         * The datasets of {@code path}'s {@code vars} group by name (Keras's own variables, such as
         * {@code idf_weights}), refusing links and groups; empty when there is no such group.
         */
        Map<String, Dataset> namedVars(String path) throws IOException {
            try {
                Group g = find(path.isEmpty() ? "vars" : path + "/vars");
                Map<String, Dataset> out = new java.util.LinkedHashMap<>();
                if (g == null) {
                    return out;
                }
                for (Map.Entry<String, Node> e : g.getChildren().entrySet()) {
                    Node n = e.getValue();
                    if (n.isLink()) {
                        throw new IOException(display + ": " + n.getPath() + " is a link (links are refused)");
                    }
                    if (!(n instanceof Dataset ds)) {
                        throw new IOException(display + ": " + n.getPath() + " is not a dataset");
                    }
                    out.put(e.getKey(), ds);
                }
                return out;
            } catch (RuntimeException e) {
                throw new IOException(display + ": cannot read " + path + ": " + e.getMessage(), e);
            }
        }

        /**
         * The group at a slash-separated path, following no link; null when absent. A path missing as written is
         * also looked for with its first two parts as one root group named with a backslash ({@code layers\dense}:
         * how Keras on Windows wrote them).
         */
        private Group find(String path) throws IOException {
            Group g = walk(h5, path.split("/"), 0);
            int slash = path.indexOf('/');
            if (g == null && slash > 0) {
                String[] rest = path.substring(slash + 1).split("/");
                if (rest.length > 1) {
                    String[] joined = new String[rest.length];
                    joined[0] = path.substring(0, slash) + "\\" + rest[0];
                    System.arraycopy(rest, 1, joined, 1, rest.length - 1);
                    g = walk(h5, joined, 0);
                }
            }
            return g;
        }

        private Group walk(Group from, String[] parts, int at) throws IOException {
            Group g = from;
            for (int i = at; i < parts.length; i++) {
                Node n = g.getChildren().get(parts[i]);
                if (n == null) {
                    return null;
                }
                if (n.isLink()) {
                    throw new IOException(display + ": " + n.getPath() + " is a link (links are refused)");
                }
                if (!(n instanceof Group next)) {
                    throw new IOException(display + ": " + n.getPath() + " is not a group");
                }
                g = next;
            }
            return g;
        }

        /**
         * The dataset's values as an array of {@code type}, after checking its shape is {@code shape}
         * ({@code what} names the variable in the error).
         */
        INDArray read(Dataset ds, long[] shape, DataType type, String what) throws IOException {
            try {
                checkShape(ds, shape, what);
                Class<?> javaType = ds.getJavaType();
                if (javaType != float.class && javaType != double.class && javaType != long.class
                        && javaType != int.class && javaType != Float.class && javaType != Double.class
                        && javaType != Long.class && javaType != Integer.class) {
                    throw new IOException(display + ": " + ds.getPath() + " (" + what + ") holds " + javaType
                            + " values; expected numbers");
                }
                INDArray direct = direct(ds, shape, type);
                if (direct != null) {
                    return direct;
                }
                INDArray flat = flat(ds.getDataFlat());
                INDArray typed = flat.dataType() == type ? flat : flat.castTo(type);
                return shape.length == 0 ? typed.reshape('c', shape) : NdArrays.reshape(typed, shape);
            } catch (RuntimeException e) { // a damaged dataset
                throw new IOException(display + ": cannot read " + ds.getPath() + " (" + what + "): "
                        + e.getMessage(), e);
            }
        }

        /**
         * The dataset's values written into {@code target} (a dense array of the shape it must have), after the
         * same checks as {@link #read}: a contiguous little-endian float32 dataset straight from the file's bytes
         * into the target's buffer, so that a freshly built model's table is the only copy ever made.
         */
        void readInto(Dataset ds, INDArray target, String what) throws IOException {
            long[] shape = target.shape();
            try {
                checkShape(ds, shape, what);
                java.nio.ByteBuffer src = directBytes(ds, shape, target.dataType());
                if (src != null && NdArrays.isDense(target)) {
                    NdArrays.bytes(target).put(src.duplicate());
                    return;
                }
            } catch (RuntimeException e) {
                throw new IOException(display + ": cannot read " + ds.getPath() + " (" + what + "): "
                        + e.getMessage(), e);
            }
            target.assign(read(ds, shape, target.dataType(), what));
        }

        /**
         * A contiguous little-endian float32 dataset copied straight from the file's bytes into a new native
         * array (one copy, no Java array), or null for any other dataset.
         */
        private static INDArray direct(Dataset ds, long[] shape, DataType type) {
            java.nio.ByteBuffer src = directBytes(ds, shape, type);
            if (src == null) {
                return null;
            }
            INDArray out = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
            NdArrays.bytes(out).put(src.duplicate());
            return out;
        }

        /** The bytes of a contiguous little-endian float32 dataset of {@code shape}, or null. */
        private static java.nio.ByteBuffer directBytes(Dataset ds, long[] shape, DataType type) {
            if (type != DataType.FLOAT || shape.length == 0
                    || !(ds instanceof io.jhdf.dataset.ContiguousDatasetImpl contiguous)
                    || !(ds.getDataType() instanceof io.jhdf.object.datatype.FloatingPoint fp) || fp.getSize() != 4
                    || fp.getByteOrder() != java.nio.ByteOrder.LITTLE_ENDIAN
                    || java.nio.ByteOrder.nativeOrder() != java.nio.ByteOrder.LITTLE_ENDIAN) {
                return null;
            }
            java.nio.ByteBuffer src = contiguous.getDataBuffer();
            long bytes = 4 * ds.getSize();
            return src == null || src.remaining() != bytes ? null : src;
        }

        private void checkShape(Dataset ds, long[] shape, String what) throws IOException {
            long[] dims = Arrays.stream(ds.getDimensions()).asLongStream().toArray();
            if (!Arrays.equals(dims, shape)) {
                throw new IOException(display + ": " + ds.getPath() + " (" + what + ") has shape "
                        + Arrays.toString(dims) + "; the model expects " + Arrays.toString(shape));
            }
        }

        /** What jhdf's {@code getDataFlat()} gives for the numeric types {@link #read} accepts, as an array. */
        private static INDArray flat(Object data) {
            if (data instanceof Number n) { // a scalar dataset
                return data instanceof Long || data instanceof Integer ? Nd4j.createFromArray(n.longValue())
                        : Nd4j.createFromArray(n.doubleValue());
            }
            if (data instanceof float[] f) {
                return Nd4j.createFromArray(f);
            }
            if (data instanceof double[] d) {
                return Nd4j.createFromArray(d);
            }
            if (data instanceof long[] l) {
                return Nd4j.createFromArray(l);
            }
            if (data instanceof int[] i) {
                return Nd4j.createFromArray(i);
            }
            throw new IllegalArgumentException("unexpected data " + (data == null ? "null" : data.getClass()));
        }

        @Override
        public void close() {
            h5.close();
        }
    }
}
