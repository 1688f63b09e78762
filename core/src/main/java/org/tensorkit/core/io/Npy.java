package org.tensorkit.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.AtomicFile;
import org.tensorkit.core.internal.NdArrays;
import org.tensorkit.core.internal.StringArrays;
import org.tensorkit.core.internal.Tensors;

/**
 * numpy's {@code .npy} format ({@code numpy.lib.format}, versions 1.0, 2.0 and 3.0), read and written by tensorkit
 * itself (ND4J 1.0.0-M2.1's {@code Nd4j.createFromNpyFile} reads a 1-D empty array as a 0-d scalar of garbage).
 *
 * <p><b>Reading</b> takes every dtype tensorkit has, in either byte order, C or Fortran order, 0-d and empty
 * arrays: {@code <f2 <f4 <f8 |i1 <i2 <i4 <i8 |u1 |b1}, numpy's unicode strings {@code <Un} (UTF-32) and byte strings
 * {@code |Sn} (decoded as UTF-8), both as {@link DType#STRING} with numpy's trailing NULs removed. Numeric data goes
 * from the file straight into the tensor's native buffer, without a copy on the Java heap. Anything else is refused
 * with an {@link IOException} naming the file and what was found: another magic string, a version numpy does not
 * define, a header that is not numpy's dictionary, a dtype tensorkit has no type for ({@code uint16}, complex,
 * pickled objects, ...), or fewer data bytes than the header declares. A refused read returns nothing.
 *
 * <p><b>Writing</b> gives exactly the bytes {@code numpy.save} (1.24) writes for the same array: the oldest version
 * that holds the header, numpy's dictionary with its spare space and 64-byte alignment, little-endian data in C
 * order; a string tensor as {@code <Un} with {@code n} the longest element in code points (at least 1). Files are
 * written all or nothing (a temporary file renamed over the target).
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    /** numpy refuses headers above 10,000 bytes unless told otherwise; tensorkit allows a little more. */
    static final int MAX_HEADER_BYTES = 1 << 16;
    private static final int CHUNK = 1 << 20;

    private Npy() {
    }

    /**
     * Reads a {@code .npy} file.
     *
     * @param path the file
     * @return a tensor that owns its memory ({@link Tensor#close()} frees it)
     * @throws IOException if the file cannot be read or is not a {@code .npy} file tensorkit reads (see the class)
     */
    public static Tensor read(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(ch, path.toString());
        }
    }

    /**
     * Reads one {@code .npy} array from {@code in}, positioned at its magic string, and no further than its data.
     *
     * @param in the bytes
     * @param source what to call them in messages (a file name, an archive entry)
     * @return a tensor that owns its memory
     * @throws IOException if the bytes are not a {@code .npy} array tensorkit reads
     */
    public static Tensor read(ReadableByteChannel in, String source) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(source, "source");
        Header header = readHeader(in, source);
        return readData(in, source, header);
    }

    /**
     * Writes {@code tensor} to {@code path} as numpy's {@code np.save} would, replacing an existing file.
     *
     * @param path the file
     * @param tensor the array (not closed)
     * @throws IOException if the directory does not exist or writing fails (the target is then as it was)
     */
    public static void write(Path path, Tensor tensor) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(tensor, "tensor");
        Encoded encoded = encode(tensor);
        AtomicFile.write(path, true, out -> encoded.writeTo(out));
    }

    /**
     * Writes {@code tensor} in {@code .npy} form to {@code out} (not closed).
     *
     * @param out where the bytes go
     * @param tensor the array
     * @throws IOException if writing fails
     */
    public static void write(OutputStream out, Tensor tensor) throws IOException {
        Objects.requireNonNull(out, "out");
        encode(Objects.requireNonNull(tensor, "tensor")).writeTo(out);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writing

    /** A tensor ready to be written: its header, and its data as a native array or encoded strings. */
    static final class Encoded {
        final byte[] header;
        final INDArray data;
        final byte[] strings;

        private Encoded(byte[] header, INDArray data, byte[] strings) {
            this.header = header;
            this.data = data;
            this.strings = strings;
        }

        long size() {
            return header.length + (strings != null ? strings.length : dataBytes());
        }

        private long dataBytes() {
            return data.isEmpty() ? 0 : data.length() * data.data().getElementSize();
        }

        /** The CRC-32 of the bytes {@link #writeTo} writes, read where they lie (what a STORED zip entry declares). */
        long crc() {
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(header);
            if (strings != null) {
                crc.update(strings);
                return crc.getValue();
            }
            long total = dataBytes();
            for (long at = 0; at < total; at += CHUNK) {
                crc.update(NdArrays.bytes(data, at, (int) Math.min(CHUNK, total - at)));
            }
            return crc.getValue();
        }

        void writeTo(OutputStream out) throws IOException {
            if (strings == null && ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
                throw new IOException("tensorkit writes .npy only on little-endian machines");
            }
            out.write(header);
            if (strings != null) {
                out.write(strings);
                return;
            }
            long total = dataBytes();
            byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(total, 1))];
            for (long at = 0; at < total; at += chunk.length) {
                int n = (int) Math.min(chunk.length, total - at);
                NdArrays.bytes(data, at, n).get(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
    }

    static Encoded encode(Tensor tensor) {
        DType dtype = tensor.dtype();
        long[] shape = tensor.shape().toArray();
        if (dtype == DType.STRING) {
            String[] values = tensor.toStringArray();
            int width = 1;
            for (String v : values) {
                width = Math.max(width, v.codePointCount(0, v.length()));
            }
            ByteBuffer utf32 = ByteBuffer.allocate(Math.multiplyExact(Math.multiplyExact(values.length, width), 4))
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (String v : values) {
                int start = utf32.position();
                v.codePoints().forEach(utf32::putInt);
                utf32.position(start + 4 * width);
            }
            return new Encoded(header("<U" + width, shape), null, utf32.array());
        }
        INDArray a = tensor.unwrap();
        INDArray dense = a.isEmpty() ? a : NdArrays.dense(a);
        return new Encoded(header(descr(dtype), shape), dense, null);
    }

    private static String descr(DType dtype) {
        return switch (dtype) {
            case FLOAT16 -> "<f2";
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case INT8 -> "|i1";
            case INT16 -> "<i2";
            case INT32 -> "<i4";
            case INT64 -> "<i8";
            case UINT8 -> "|u1";
            case BOOL -> "|b1";
            case STRING -> throw new AssertionError("strings are encoded apart");
        };
    }

    /** numpy's {@code _write_array_header} and {@code _wrap_header}, for the oldest version that holds it. */
    static byte[] header(String descr, long[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '").append(descr)
                .append("', 'fortran_order': False, 'shape': ").append(Shape.of(shape)).append(", }");
        if (shape.length > 0) {
            dict.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length()));
        }
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        int hlen = text.length + 1;
        boolean v1 = hlen + ALIGN - ((10 + hlen) % ALIGN) <= 0xffff;
        int prefix = v1 ? 10 : 12;
        int pad = ALIGN - ((prefix + hlen) % ALIGN);
        ByteBuffer out = ByteBuffer.allocate(prefix + hlen + pad).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) (v1 ? 1 : 2)).put((byte) 0);
        if (v1) {
            out.putShort((short) (hlen + pad));
        } else {
            out.putInt(hlen + pad);
        }
        out.put(text);
        for (int i = 0; i < pad; i++) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        return out.array();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading

    /** What a header declares: the element type, its byte order and width, the layout and the shape. */
    record Header(DType dtype, char kind, boolean bigEndian, int itemSize, boolean fortran, long[] shape) {
        long count() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    static Header readHeader(ReadableByteChannel in, String source) throws IOException {
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        int got = fill(in, prefix);
        byte[] magic = Arrays.copyOf(prefix.array(), 6);
        if (got < 6 || !Arrays.equals(magic, MAGIC)) {
            String zip = got >= 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4
                    ? " (it is a zip archive: a .npz file is read with Npz.read)" : "";
            throw new IOException(source + " is not a .npy file: it does not start with numpy's magic string "
                    + "\\x93NUMPY" + zip);
        }
        if (got < 8) {
            throw new IOException(source + " is truncated: it ends inside the .npy version bytes");
        }
        int major = prefix.get(6) & 0xff;
        int minor = prefix.get(7) & 0xff;
        if (minor != 0 || major < 1 || major > 3) {
            throw new IOException(source + ": .npy format version " + major + "." + minor
                    + " is not one numpy defines (expected 1.0, 2.0 or 3.0)");
        }
        ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (fill(in, len) < len.capacity()) {
            throw new IOException(source + " is truncated: it ends inside the .npy header length");
        }
        long headerLength = major == 1 ? len.getShort(0) & 0xffff : len.getInt(0) & 0xffffffffL;
        if (headerLength > MAX_HEADER_BYTES) {
            throw new IOException(source + ": a .npy header of " + headerLength + " bytes is beyond tensorkit's "
                    + "limit of " + MAX_HEADER_BYTES + " (numpy's own is 10000)");
        }
        ByteBuffer text = ByteBuffer.allocate((int) headerLength);
        if (fill(in, text) < headerLength) {
            throw new IOException(source + " is truncated: its .npy header declares " + headerLength
                    + " bytes and the file ends before them");
        }
        String dict;
        try {
            dict = (major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).decode(text.flip()).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(source + ": the .npy 3.0 header is not UTF-8", e);
        }
        return parseHeader(dict, source);
    }

    static Header parseHeader(String dict, String source) throws IOException {
        HeaderParser p = new HeaderParser(dict, source);
        java.util.Map<String, Object> d = p.parse();
        Object descr = d.get("descr");
        Object fortran = d.get("fortran_order");
        Object shape = d.get("shape");
        if (!(descr instanceof String) || !(fortran instanceof Boolean) || !(shape instanceof long[])
                || d.size() != 3) {
            throw new IOException(source + ": the .npy header " + dict.strip() + " is not numpy's dictionary of "
                    + "'descr' (a string), 'fortran_order' (True or False) and 'shape' (a tuple of integers)");
        }
        for (long dim : (long[]) shape) {
            if (dim < 0) {
                throw new IOException(source + ": the .npy shape " + Shape.of((long[]) shape)
                        + " has a negative dimension");
            }
        }
        return dtypeOf((String) descr, (Boolean) fortran, (long[]) shape, source);
    }

    private static Header dtypeOf(String descr, boolean fortran, long[] shape, String source) throws IOException {
        if (descr.length() >= 3 && "<>|=".indexOf(descr.charAt(0)) >= 0) {
            char order = descr.charAt(0);
            char kind = descr.charAt(1);
            String width = descr.substring(2);
            if (width.chars().allMatch(Character::isDigit) && width.length() <= 9) {
                int size = Integer.parseInt(width);
                boolean big = order == '>';
                DType dtype = switch (kind + width) {
                    case "f2" -> DType.FLOAT16;
                    case "f4" -> DType.FLOAT32;
                    case "f8" -> DType.FLOAT64;
                    case "i1" -> DType.INT8;
                    case "i2" -> DType.INT16;
                    case "i4" -> DType.INT32;
                    case "i8" -> DType.INT64;
                    case "u1" -> DType.UINT8;
                    case "b1" -> DType.BOOL;
                    default -> (kind == 'U' || kind == 'S') && size > 0 ? DType.STRING : null;
                };
                if (dtype != null) {
                    int itemSize = kind == 'U' ? Math.multiplyExact(size, 4) : size;
                    return new Header(dtype, kind, big, itemSize, fortran, shape);
                }
            }
        }
        throw new IOException(source + ": dtype '" + descr + "' is not one tensorkit reads; expected float16, "
                + "float32, float64, int8, int16, int32, int64, uint8, bool or strings ('<U', '|S'), in either "
                + "byte order");
    }

    private static Tensor readData(ReadableByteChannel in, String source, Header h) throws IOException {
        long count = h.count();
        long bytes = Math.multiplyExact(count, h.itemSize());
        long[] stored = h.fortran() ? reversed(h.shape()) : h.shape();
        if (h.dtype() == DType.STRING) {
            return strings(in, source, h, count, bytes, stored);
        }
        INDArray a = count == 0 ? Nd4j.create(h.dtype().toNd4j(), h.shape())
                : Nd4j.createUninitialized(h.dtype().toNd4j(), stored, 'c');
        long at = 0;
        while (at < bytes) {
            int n = (int) Math.min(CHUNK, bytes - at);
            ByteBuffer window = NdArrays.bytes(a, at, n);
            int got = fill(in, window);
            if (got < n) {
                throw truncated(source, h, bytes, at + got);
            }
            if (h.bigEndian() && h.itemSize() > 1) {
                swap(window, h.itemSize());
            }
            at += n;
        }
        if (h.fortran() && count > 0 && h.shape().length > 1) {
            INDArray c = a.permute(reverseAxes(h.shape().length)).dup('c');
            a.close();
            a = c;
        }
        return Tensors.adopt(a);
    }

    private static Tensor strings(ReadableByteChannel in, String source, Header h, long count, long bytes,
            long[] stored) throws IOException {
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IOException(source + ": a string array of " + bytes + " bytes is beyond tensorkit's 2 GiB "
                    + "limit for strings");
        }
        ByteBuffer data = ByteBuffer.allocate((int) bytes).order(h.bigEndian() ? ByteOrder.BIG_ENDIAN
                : ByteOrder.LITTLE_ENDIAN);
        int got = fill(in, data);
        if (got < bytes) {
            throw truncated(source, h, bytes, got);
        }
        String[] values = new String[(int) count];
        var utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        for (int i = 0; i < values.length; i++) {
            int start = i * h.itemSize();
            if (h.kind() == 'U') {
                int chars = h.itemSize() / 4;
                while (chars > 0 && data.getInt(start + 4 * (chars - 1)) == 0) {
                    chars--;
                }
                StringBuilder s = new StringBuilder(chars);
                for (int c = 0; c < chars; c++) {
                    int cp = data.getInt(start + 4 * c);
                    if (!Character.isValidCodePoint(cp) || Character.isSurrogate((char) cp) && cp <= 0xffff) {
                        throw new IOException(source + ": element " + i + " holds " + String.format("0x%x", cp)
                                + ", which is not a Unicode code point");
                    }
                    s.appendCodePoint(cp);
                }
                values[i] = s.toString();
            } else {
                int n = h.itemSize();
                while (n > 0 && data.get(start + n - 1) == 0) {
                    n--;
                }
                try {
                    values[i] = utf8.decode(ByteBuffer.wrap(data.array(), start, n)).toString();
                } catch (CharacterCodingException e) {
                    throw new IOException(source + ": byte string element " + i + " is not UTF-8", e);
                }
            }
        }
        if (h.fortran() && h.shape().length > 1) {
            String[] c = new String[values.length];
            long[] shape = h.shape();
            long[] index = new long[shape.length];
            for (int i = 0; i < c.length; i++) {
                long f = 0;
                long stride = 1;
                for (int d = 0; d < shape.length; d++) {
                    f += index[d] * stride;
                    stride *= shape[d];
                }
                c[i] = values[(int) f];
                for (int d = shape.length - 1; d >= 0 && ++index[d] == shape[d]; d--) {
                    index[d] = 0;
                }
            }
            values = c;
        }
        return Tensors.adopt(StringArrays.of(values, h.shape()));
    }

    private static IOException truncated(String source, Header h, long expected, long got) {
        return new IOException(source + " is truncated: its .npy header declares shape " + Shape.of(h.shape())
                + " of " + h.itemSize() + "-byte elements, " + expected + " bytes of data, and the file holds "
                + got);
    }

    private static void swap(ByteBuffer window, int size) {
        ByteBuffer w = window.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + size <= w.limit(); i += size) {
            switch (size) {
                case 2 -> w.putShort(i, Short.reverseBytes(w.getShort(i)));
                case 4 -> w.putInt(i, Integer.reverseBytes(w.getInt(i)));
                case 8 -> w.putLong(i, Long.reverseBytes(w.getLong(i)));
                default -> throw new AssertionError(size);
            }
        }
    }

    private static long[] reversed(long[] shape) {
        long[] r = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            r[i] = shape[shape.length - 1 - i];
        }
        return r;
    }

    private static int[] reverseAxes(int rank) {
        int[] axes = new int[rank];
        for (int i = 0; i < rank; i++) {
            axes[i] = rank - 1 - i;
        }
        return axes;
    }

    /** Reads until {@code buffer} is full or the input ends; returns how many bytes it read. */
    private static int fill(ReadableByteChannel in, ByteBuffer buffer) throws IOException {
        int total = 0;
        while (buffer.hasRemaining()) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
