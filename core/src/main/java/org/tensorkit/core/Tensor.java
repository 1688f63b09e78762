package org.tensorkit.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tensorkit.core.format.NumpyFormat;
import org.tensorkit.core.io.Npy;
import org.tensorkit.core.internal.NdArrays;
import org.tensorkit.core.internal.OutputBuffers;
import org.tensorkit.core.internal.RowGather;
import org.tensorkit.core.internal.StringArrays;
import org.tensorkit.core.internal.Tensors;

/**
 * An n-dimensional array: a thin wrapper over an ND4J {@link INDArray}, named and printed as numpy names
 * and prints it. A {@code Tensor} never changes shape and has no mutating methods; operations return new
 * tensors. {@link #wrap(INDArray)} and {@link #unwrap()} cross to ND4J without copying.
 *
 * <p>{@link #toString()} is numpy's {@code str()} and {@link #repr()} numpy's {@code repr()}.
 *
 * <p><b>Releasing memory.</b> A tensor's elements live in native memory. {@link #close()} releases them at once
 * when tensorkit allocated them for this tensor (a factory, an operation or a {@code predict} result: a pooled
 * predict output goes straight back to tensorkit's output pool for the next call); a tensor made by
 * {@link #wrap(INDArray)} never frees the array it wraps, close only marks the tensor closed. After close, every
 * method but {@link #close()} and {@link #isClosed()} throws {@code IllegalStateException("tensor is closed")};
 * close is idempotent and thread-safe. Serving loops should use try-with-resources on predict results:
 * <pre>{@code
 * try (Tensor scores = model.predict(ids)) {
 *     send(scores.toFloatArray());
 * }
 * }</pre>
 * Without close, the memory is recycled after the garbage collector finds the tensor unreachable. An
 * {@link INDArray} taken with {@link #unwrap()} must not be used after its tensor is closed.
 */
public final class Tensor implements AutoCloseable {
    static {
        // tensorkit's own modules make tensors that own their memory through this (internal) door
        Tensors.install(Tensor::new);
    }

    private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<Tensor> CLOSED =
            java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(Tensor.class, "closed");

    private final INDArray array;
    /** Whether tensorkit allocated the array's memory for this tensor alone (close then frees it). */
    private final boolean owned;
    private volatile int closed;

    private Tensor(INDArray array) {
        this(array, true);
    }

    private Tensor(INDArray array, boolean owned) {
        this.array = array;
        this.owned = owned;
    }

    // ---------------------------------------------------------------------------------------------
    // ND4J interop

    /**
     * Wraps an ND4J array without copying; the tensor sees later writes to it. The array stays the caller's:
     * {@link #close()} never frees it.
     */
    public static Tensor wrap(INDArray array) {
        Objects.requireNonNull(array, "array");
        DType.of(array.dataType()); // rejects types tensorkit cannot name
        if (array.dataType() == DataType.UTF8) {
            StringArrays.check(array); // rejects string arrays tensorkit cannot read (views, F order)
        }
        return new Tensor(array, false);
    }

    /** The ND4J array behind this tensor (no copy). */
    public INDArray unwrap() {
        checkOpen();
        return array;
    }

    /**
     * Releases this tensor's native memory now if tensorkit allocated it for this tensor (see the class
     * documentation); a wrapped array is left alone. Idempotent; afterwards every other method throws.
     */
    @Override
    public void close() {
        if (!CLOSED.compareAndSet(this, 0, 1) || !owned) {
            return;
        }
        OutputBuffers.release(array);
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed != 0;
    }

    private void checkOpen() {
        if (closed != 0) {
            throw new IllegalStateException("tensor is closed");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Factories, named as in numpy

    /** {@code np.arange(stop, dtype=dtype)}: 0, 1, ..., stop - 1. */
    public static Tensor arange(long stop, DType dtype) {
        return arange(0, stop, 1, dtype);
    }

    /** {@code np.arange(start, stop, step, dtype=dtype)}. */
    public static Tensor arange(double start, double stop, double step, DType dtype) {
        if (step == 0 || Double.isNaN(step)) {
            throw new IllegalArgumentException("arange step must be non-zero, got " + step);
        }
        long n = Math.max(0, (long) Math.ceil((stop - start) / step));
        double[] values = new double[Math.toIntExact(n)];
        for (int i = 0; i < values.length; i++) {
            values[i] = start + i * step;
        }
        return of(values).cast(dtype);
    }

    /** {@code np.eye(n)}: the float64 identity, as numpy makes it. */
    public static Tensor eye(int n) {
        return eye(n, DType.FLOAT64);
    }

    /** {@code np.eye(n, dtype=dtype)}. */
    public static Tensor eye(int n, DType dtype) {
        requireNonNegative("n", n);
        return new Tensor(Nd4j.eye(n).castTo(dtype.toNd4j()));
    }

    /** {@code np.zeros(shape)}: float64, as numpy's default. */
    public static Tensor zeros(long... shape) {
        return zeros(DType.FLOAT64, shape);
    }

    /** {@code np.zeros(shape, dtype)}; for {@link DType#STRING}, empty strings (as numpy's zeros of {@code str}). */
    public static Tensor zeros(DType dtype, long... shape) {
        Objects.requireNonNull(dtype, "dtype");
        if (dtype == DType.STRING) {
            String[] empty = new String[Math.toIntExact(Shape.of(checkedShape(shape)).size())];
            Arrays.fill(empty, "");
            return new Tensor(StringArrays.of(empty, shape));
        }
        return new Tensor(Nd4j.zeros(dtype.toNd4j(), checkedShape(shape)));
    }

    /** {@code np.ones(shape)}: float64, as numpy's default. */
    public static Tensor ones(long... shape) {
        return ones(DType.FLOAT64, shape);
    }

    /** {@code np.ones(shape, dtype)}. */
    public static Tensor ones(DType dtype, long... shape) {
        requireNumericDType(dtype);
        return new Tensor(Nd4j.ones(dtype.toNd4j(), checkedShape(shape)));
    }

    /** {@code np.full(shape, value, dtype)}. */
    public static Tensor full(double value, DType dtype, long... shape) {
        requireNumericDType(dtype);
        return new Tensor(Nd4j.valueArrayOf(checkedShape(shape), value, dtype.toNd4j()));
    }

    /** A 0-d tensor. */
    public static Tensor scalar(double value, DType dtype) {
        return new Tensor(Nd4j.scalar(value).castTo(dtype.toNd4j()));
    }

    /** A 1-D float32 tensor of {@code values} (copied), as {@code np.array(values, dtype=np.float32)}. */
    public static Tensor of(float... values) {
        Objects.requireNonNull(values, "values");
        return new Tensor(values.length == 0 ? empty(DataType.FLOAT, 0) : Nd4j.createFromArray(values));
    }

    /** A 2-D float32 tensor of rectangular {@code values} (copied); ragged rows are refused. */
    public static Tensor of(float[][] values) {
        rectangular(values);
        return new Tensor(values.length == 0 || values[0].length == 0
                ? empty(DataType.FLOAT, values.length, 0) : Nd4j.createFromArray(values));
    }

    /** A 3-D float32 tensor of rectangular {@code values} (copied); ragged rows are refused. */
    public static Tensor of(float[][][] values) {
        return new Tensor(Nd4j.createFromArray(rectangular(values)));
    }

    /** A 1-D float64 tensor of {@code values} (copied). */
    public static Tensor of(double... values) {
        Objects.requireNonNull(values, "values");
        return new Tensor(values.length == 0 ? empty(DataType.DOUBLE, 0) : Nd4j.createFromArray(values));
    }

    /** A 2-D float64 tensor of rectangular {@code values} (copied); ragged rows are refused. */
    public static Tensor of(double[][] values) {
        rectangular(values);
        return new Tensor(values.length == 0 || values[0].length == 0
                ? empty(DataType.DOUBLE, values.length, 0) : Nd4j.createFromArray(values));
    }

    /** A 1-D int32 tensor of {@code values} (copied): ids, for instance. */
    public static Tensor of(int... values) {
        Objects.requireNonNull(values, "values");
        return new Tensor(values.length == 0 ? empty(DataType.INT, 0) : Nd4j.createFromArray(values));
    }

    /** A 2-D int32 tensor of rectangular {@code values} (copied); ragged rows are refused. */
    public static Tensor of(int[][] values) {
        rectangular(values);
        return new Tensor(values.length == 0 || values[0].length == 0
                ? empty(DataType.INT, values.length, 0) : Nd4j.createFromArray(values));
    }

    /** A 1-D int64 tensor of {@code values} (copied). */
    public static Tensor of(long... values) {
        Objects.requireNonNull(values, "values");
        return new Tensor(values.length == 0 ? empty(DataType.LONG, 0) : Nd4j.createFromArray(values));
    }

    /** A 2-D int64 tensor of rectangular {@code values} (copied); ragged rows are refused. */
    public static Tensor of(long[][] values) {
        rectangular(values);
        return new Tensor(values.length == 0 || values[0].length == 0
                ? empty(DataType.LONG, values.length, 0) : Nd4j.createFromArray(values));
    }

    /**
     * A 1-D string tensor of {@code values} (Keras's {@code string} dtype), as {@code np.array(values)}: the keys a
     * lookup layer maps, such as {@code "user_42"}. The strings are kept as UTF-8 in one native buffer, in ND4J's
     * {@code UTF8} layout (encoded by tensorkit: ND4J's own encoder keeps only the low byte of each char).
     *
     * @throws IllegalArgumentException if an element is null (named by its position)
     */
    public static Tensor of(String... values) {
        Objects.requireNonNull(values, "values");
        return new Tensor(StringArrays.of(nonNull(values, -1), new long[] {values.length}));
    }

    /** A 2-D string tensor of rectangular {@code values} (copied); ragged rows and null elements are refused. */
    public static Tensor of(String[][] values) {
        rectangular(values);
        int width = values.length == 0 ? 0 : values[0].length;
        String[] flat = new String[Math.multiplyExact(values.length, width)];
        for (int r = 0; r < values.length; r++) {
            System.arraycopy(nonNull(values[r], r), 0, flat, r * width, width);
        }
        return new Tensor(StringArrays.of(flat, new long[] {values.length, width}));
    }

    /** A 1-D bool tensor of {@code values} (copied). */
    public static Tensor of(boolean... values) {
        Objects.requireNonNull(values, "values");
        return new Tensor(values.length == 0 ? empty(DataType.BOOL, 0) : Nd4j.createFromArray(values));
    }

    // ---------------------------------------------------------------------------------------------
    // numpy files

    /**
     * {@code np.load(path)} of a {@code .npy} file (see {@link Npy} for what is read and refused; {@code .npz}
     * archives are read with {@link org.tensorkit.core.io.Npz}).
     *
     * @param path the file
     * @return the array, which owns its memory
     * @throws IOException if the file cannot be read or is not a {@code .npy} array tensorkit reads
     */
    public static Tensor load(Path path) throws IOException {
        return Npy.read(path);
    }

    /**
     * {@code np.save(path, a)}: writes this tensor as numpy writes it, byte for byte, all or nothing.
     *
     * @param path the file (replaced if it exists)
     * @throws IOException if the directory does not exist or writing fails
     */
    public void save(Path path) throws IOException {
        checkOpen();
        Npy.write(path, this);
    }

    // ---------------------------------------------------------------------------------------------
    // Properties

    /** The shape ({@code a.shape}). */
    public Shape shape() {
        checkOpen();
        return Shape.of(array.shape());
    }

    /** The dtype ({@code a.dtype}). */
    public DType dtype() {
        checkOpen();
        return DType.of(array.dataType());
    }

    /** The number of dimensions ({@code a.ndim}). */
    public int rank() {
        checkOpen();
        return array.rank();
    }

    /** Number of elements ({@code a.size} in numpy). */
    public long size() {
        checkOpen();
        return array.length();
    }

    // ---------------------------------------------------------------------------------------------
    // Indexing and reshaping

    /**
     * {@code a[i]}: integer indexing of the first axis (negative counts from the end). Returns a copy: the
     * rank drops by one, so a row of a matrix is a vector and an element of a vector is 0-d.
     */
    public Tensor get(long i) {
        checkOpen();
        if (rank() == 0) {
            throw new IllegalArgumentException("cannot index a 0-d tensor; it has no axis 0");
        }
        long n = array.size(0);
        long k = i < 0 ? i + n : i;
        if (k < 0 || k >= n) {
            throw new IllegalArgumentException("index " + i + " is out of bounds for axis 0 with size " + n);
        }
        if (isString()) {
            return new Tensor(StringArrays.gatherRows(array, new int[] {(int) k}, 0, 1, shape().drop(1).toArray()));
        }
        INDArray row = array.get(NDArrayIndex.point(k));
        if (rank() == 1) {
            row = row.reshape(new long[0]);
        }
        return new Tensor(row.dup('c'));
    }

    /** {@code a.reshape(dims)}; one dimension may be -1 (inferred). The elements are copied in C order. */
    public Tensor reshape(long... dims) {
        checkOpen();
        Objects.requireNonNull(dims, "dims");
        long known = 1;
        int inferred = -1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1 && inferred < 0) {
                inferred = i;
            } else if (dims[i] < 0) {
                throw new IllegalArgumentException("reshape dims " + Arrays.toString(dims)
                        + ": only one dimension may be -1 and none may be negative");
            } else {
                known *= dims[i];
            }
        }
        long[] target = dims.clone();
        if (inferred >= 0) {
            if (known == 0 || size() % known != 0) {
                throw new IllegalArgumentException("cannot reshape array of size " + size() + " into shape "
                        + Arrays.toString(dims));
            }
            target[inferred] = size() / known;
        } else if (known != size()) {
            throw new IllegalArgumentException("cannot reshape array of size " + size() + " into shape "
                    + Shape.of(dims));
        }
        return new Tensor(isString() ? StringArrays.reshape(array, target) : array.dup('c').reshape('c', target));
    }

    /**
     * {@code np.take(a, indices, axis=0)}: gathers rows of the first axis. The result has shape
     * {@code indices.shape + a.shape[1:]}. Indices must be integral and in {@code [-n, n)}.
     */
    public Tensor take(Tensor indices) {
        checkOpen();
        Objects.requireNonNull(indices, "indices");
        if (rank() == 0) {
            throw new IllegalArgumentException("cannot take from a 0-d tensor; it has no axis 0");
        }
        long n = array.size(0);
        long[] outShape = indices.shape().concat(shape().drop(1)).toArray();
        INDArray table = isString() ? Nd4j.arange(n).castTo(DataType.INT).reshape(n, 1) : array;
        INDArray out = Nd4j.createUninitialized(table.dataType(), isString() ? indices.array.shape() : outShape, 'c');
        RowGather.gather(table, indices.array, true, out, (position, value) -> new IllegalArgumentException(
                "index " + RowGather.formatIndex(value) + " at position "
                        + RowGather.position(position, indices.array.shape())
                        + " is out of bounds for axis 0 with size " + n + " (indices must be integers in ["
                        + -n + ", " + n + "))"));
        if (isString()) {
            // the row numbers of a string table, gathered and checked as any table's rows are
            int[] rows = out.data().asInt();
            return new Tensor(StringArrays.gatherRows(array, rows, 0, rows.length, outShape));
        }
        return new Tensor(out);
    }

    /** One-hot rows of {@code labels} over {@code depth} classes, float64 as {@code np.eye(depth)[labels]}. */
    public static Tensor oneHot(Tensor labels, int depth) {
        return eye(depth).take(labels);
    }

    /** This tensor converted to {@code dtype} (a copy; floats to integers truncate toward zero). */
    public Tensor cast(DType dtype) {
        checkOpen();
        Objects.requireNonNull(dtype, "dtype");
        if (isString() || dtype == DType.STRING) {
            if (dtype() != dtype) {
                throw new IllegalArgumentException("cannot cast a " + dtype() + " tensor to " + dtype
                        + ": strings and numbers do not convert into each other (a lookup layer maps keys to ids)");
            }
            return new Tensor(StringArrays.reshape(array, array.shape()));
        }
        return new Tensor(array.castTo(dtype.toNd4j()).dup('c'));
    }

    // ---------------------------------------------------------------------------------------------
    // Arithmetic

    /**
     * {@code np.dot(a, b)} for ranks 1 and 2: inner product of vectors (0-d result), vector-matrix,
     * matrix-vector and matrix-matrix products. Mixed dtypes promote as numpy does.
     */
    public Tensor dot(Tensor other) {
        checkOpen();
        Objects.requireNonNull(other, "other");
        requireNumeric("dot");
        other.requireNumeric("dot");
        if (rank() == 0 || other.rank() == 0 || rank() > 2 || other.rank() > 2) {
            throw new IllegalArgumentException("dot supports ranks 1 and 2, got shapes " + shape() + " and "
                    + other.shape());
        }
        long inner = array.size(rank() - 1);
        long otherInner = other.array.size(0);
        if (inner != otherInner) {
            throw new IllegalArgumentException("shapes " + shape() + " and " + other.shape()
                    + " not aligned: " + inner + " (dim " + (rank() - 1) + ") != " + otherInner + " (dim 0)");
        }
        DataType type = promote(dtype(), other.dtype()).toNd4j();
        INDArray a = array.castTo(type).reshape('c', rank() == 1 ? new long[] {1, inner} : array.shape());
        INDArray b = other.array.castTo(type).reshape('c',
                other.rank() == 1 ? new long[] {otherInner, 1} : other.array.shape());
        INDArray product = a.mmul(b);
        long[] outShape;
        if (rank() == 1 && other.rank() == 1) {
            outShape = new long[0];
        } else if (rank() == 1) {
            outShape = new long[] {other.array.size(1)};
        } else if (other.rank() == 1) {
            outShape = new long[] {array.size(0)};
        } else {
            outShape = product.shape();
        }
        return new Tensor(product.reshape('c', outShape).dup('c'));
    }

    /** {@code a @ b} ({@code np.matmul}) for ranks 1 and 2; same as {@link #dot(Tensor)} there. */
    public Tensor matmul(Tensor other) {
        checkOpen();
        return dot(other);
    }

    /**
     * {@code np.allclose(a, b)}: same shape and {@code |a - b| <= atol + rtol * |b|} everywhere, with numpy's
     * defaults rtol = 1e-5, atol = 1e-8. NaNs are never close.
     */
    public boolean allClose(Tensor other) {
        checkOpen();
        return allClose(other, 1e-5, 1e-8);
    }

    /** {@code np.allclose(a, b, rtol, atol)}: same shape and {@code |a - b| <= atol + rtol * |b|} everywhere. */
    public boolean allClose(Tensor other, double rtol, double atol) {
        checkOpen();
        Objects.requireNonNull(other, "other");
        requireNumeric("allClose");
        other.requireNumeric("allClose");
        if (!shape().equals(other.shape())) {
            return false;
        }
        double[] a = toDoubleArray();
        double[] b = other.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            boolean close = a[i] == b[i] || Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]);
            if (!close) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------
    // Conversion to Java

    /** All elements in C order, converted to float. */
    public float[] toFloatArray() {
        checkOpen();
        return contiguous().data().asFloat();
    }

    /** All elements in C order, converted to double. */
    public double[] toDoubleArray() {
        checkOpen();
        return contiguous().data().asDouble();
    }

    /** All elements in C order, converted to int (floats truncate). */
    public int[] toIntArray() {
        checkOpen();
        return contiguous().data().asInt();
    }

    /** All elements in C order, converted to long (floats truncate). */
    public long[] toLongArray() {
        checkOpen();
        return contiguous().data().asLong();
    }

    /**
     * The elements of a string tensor in C order.
     *
     * @throws IllegalStateException if this is not a string tensor
     */
    public String[] toStringArray() {
        checkOpen();
        if (!isString()) {
            throw new IllegalStateException("toStringArray needs a string tensor, got dtype " + dtype()
                    + "; use toFloatArray, toLongArray, ...");
        }
        return StringArrays.strings(array);
    }

    /** The only element of a size-1 tensor, as {@code a.item()}. */
    public double item() {
        checkOpen();
        if (size() != 1) {
            throw new IllegalStateException("item() needs a tensor of size 1, got shape " + shape());
        }
        return toDoubleArray()[0];
    }

    private INDArray contiguous() {
        if (isString()) {
            throw new IllegalStateException("a string tensor has no numeric values; use toStringArray()");
        }
        return NdArrays.dense(array);
    }

    private boolean isString() {
        return array.dataType() == DataType.UTF8;
    }

    private void requireNumeric(String operation) {
        if (isString()) {
            throw new IllegalArgumentException(operation + " needs numbers, got a string tensor of shape " + shape());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Printing and equality

    /** numpy {@code str(a)}, as {@code print(a)} shows it. */
    @Override
    public String toString() {
        checkOpen();
        return NumpyFormat.str(array, dtype());
    }

    /** numpy {@code repr(a)}, as a notebook cell shows it: {@code array([...], dtype=float32)}. */
    public String repr() {
        checkOpen();
        return NumpyFormat.repr(array, dtype());
    }

    /** Equal dtype, shape and elements (NaN equals NaN; 0.0 and -0.0 differ). */
    @Override
    public boolean equals(Object o) {
        checkOpen();
        if (this == o) {
            return true;
        }
        if (!(o instanceof Tensor t) || t.dtype() != dtype() || !t.shape().equals(shape())) {
            return false;
        }
        if (isString()) {
            return Arrays.equals(toStringArray(), t.toStringArray());
        }
        return dtype().isFloatingPoint()
                ? Arrays.equals(toDoubleArray(), t.toDoubleArray())
                : Arrays.equals(toLongArray(), t.toLongArray());
    }

    @Override
    public int hashCode() {
        checkOpen();
        return 31 * shape().hashCode() + dtype().hashCode();
    }

    // ---------------------------------------------------------------------------------------------

    /** numpy's type promotion for the types tensorkit names (enough for dot and arithmetic). */
    static DType promote(DType a, DType b) {
        if (a == b) {
            return a;
        }
        if (a.isFloatingPoint() || b.isFloatingPoint()) {
            if (a == DType.FLOAT64 || b == DType.FLOAT64) {
                return DType.FLOAT64;
            }
            DType integer = a.isFloatingPoint() ? b : a;
            DType floating = a.isFloatingPoint() ? a : b;
            if (!integer.isFloatingPoint() && (integer == DType.INT64 || integer == DType.INT32)) {
                return DType.FLOAT64;
            }
            if (a.isFloatingPoint() && b.isFloatingPoint()) {
                return a.ordinal() > b.ordinal() ? a : b;
            }
            return floating;
        }
        if (a == DType.BOOL) {
            return b;
        }
        if (b == DType.BOOL) {
            return a;
        }
        return a.ordinal() > b.ordinal() ? a : b;
    }

    /** {@code values}, refused if an element is null: {@code row} >= 0 names the row of a 2-D array. */
    private static String[] nonNull(String[] values, int row) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                throw new IllegalArgumentException("values" + (row >= 0 ? "[" + row + "][" : "[") + i
                        + "] is null; a string tensor holds non-null strings");
            }
        }
        return values;
    }

    /** An empty array of the given shape: ND4J's array factories turn a zero-length Java array into a 0-d one. */
    private static INDArray empty(DataType type, long... shape) {
        return Nd4j.create(type, shape);
    }

    private static void requireNumericDType(DType dtype) {
        if (Objects.requireNonNull(dtype, "dtype") == DType.STRING) {
            throw new IllegalArgumentException("a string tensor has no ones or fill values; make it with "
                    + "Tensor.of(String...)");
        }
    }

    private static long[] checkedShape(long[] shape) {
        Objects.requireNonNull(shape, "shape");
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimensions are not allowed: "
                        + Arrays.toString(shape));
            }
        }
        return shape;
    }

    private static void requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
    }

    /** Rejects null and ragged rows of a Java 2-D or 3-D array before ND4J sees it. */
    private static <A> A rectangular(A rows) {
        Objects.requireNonNull(rows, "values");
        int width = -1;
        for (int r = 0; r < java.lang.reflect.Array.getLength(rows); r++) {
            Object row = java.lang.reflect.Array.get(rows, r);
            if (row == null) {
                throw new IllegalArgumentException("row " + r + " of values is null");
            }
            int len = java.lang.reflect.Array.getLength(row);
            if (width >= 0 && len != width) {
                throw new IllegalArgumentException("ragged values: row " + r + " has " + len
                        + " elements, row 0 has " + width);
            }
            width = len;
            if (row instanceof Object[] && !(row instanceof String[])) {
                rectangular(row);
            }
        }
        return rows;
    }
}
