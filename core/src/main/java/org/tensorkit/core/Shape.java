package org.tensorkit.core;

import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;

/**
 * An immutable tensor shape. A dimension may be unknown ({@link #UNKNOWN}, printed {@code None}), as the
 * batch dimension of a symbolic tensor is. {@link #toString()} is the Python tuple: {@code (None, 1, 4)},
 * {@code (None,)}, {@code ()}.
 */
public final class Shape {
    /** Marks an unknown dimension ({@code None} in Python). */
    public static final long UNKNOWN = -1;

    private static final Shape SCALAR = new Shape(new long[0]);

    private final long[] dims;

    private Shape(long[] dims) {
        this.dims = dims;
    }

    /** A shape of known or unknown ({@link #UNKNOWN}) dimensions. */
    public static Shape of(long... dims) {
        if (dims == null) {
            throw new IllegalArgumentException("dims must not be null");
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0 && dims[i] != UNKNOWN) {
                throw new IllegalArgumentException("dimension " + i + " of " + Arrays.toString(dims)
                        + " is " + dims[i] + "; expected a size >= 0 or Shape.UNKNOWN");
            }
        }
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    /** Same as {@link #of(long...)} from int sizes. */
    public static Shape of(int... dims) {
        if (dims == null) {
            throw new IllegalArgumentException("dims must not be null");
        }
        return of(Arrays.stream(dims).asLongStream().toArray());
    }

    /** The shape of a 0-d tensor, {@code ()}. */
    public static Shape scalar() {
        return SCALAR;
    }

    /** {@code (None,) + dims}: a batch of unknown size of the given per-example shape. */
    public static Shape batchOf(long... dims) {
        return of(dims).prepend(UNKNOWN);
    }

    public int rank() {
        return dims.length;
    }

    /** Dimension {@code axis}, negative axes counting from the end; {@link #UNKNOWN} when unknown. */
    public long dim(int axis) {
        return dims[normalizeAxis(axis)];
    }

    public boolean isKnown(int axis) {
        return dim(axis) != UNKNOWN;
    }

    /** True when no dimension is unknown. */
    public boolean isFullyKnown() {
        for (long d : dims) {
            if (d == UNKNOWN) {
                return false;
            }
        }
        return true;
    }

    /** The number of elements; throws if a dimension is unknown. */
    public long size() {
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == UNKNOWN) {
                throw new IllegalStateException("shape " + this + " has an unknown dimension " + i
                        + "; its size is not defined");
            }
            n = Math.multiplyExact(n, dims[i]);
        }
        return n;
    }

    public long[] toArray() {
        return dims.clone();
    }

    /** The dimensions from {@code from} (inclusive) to the end. */
    public Shape drop(int from) {
        return of(Arrays.copyOfRange(dims, from, dims.length));
    }

    /** The first {@code n} dimensions. */
    public Shape take(int n) {
        return of(Arrays.copyOf(dims, n));
    }

    public Shape prepend(long dim) {
        long[] d = new long[dims.length + 1];
        d[0] = dim;
        System.arraycopy(dims, 0, d, 1, dims.length);
        return of(d);
    }

    public Shape append(long dim) {
        long[] d = Arrays.copyOf(dims, dims.length + 1);
        d[dims.length] = dim;
        return of(d);
    }

    public Shape concat(Shape other) {
        long[] d = Arrays.copyOf(dims, dims.length + other.dims.length);
        System.arraycopy(other.dims, 0, d, dims.length, other.dims.length);
        return of(d);
    }

    /** This shape with dimension {@code axis} replaced. */
    public Shape with(int axis, long dim) {
        long[] d = dims.clone();
        d[normalizeAxis(axis)] = dim;
        return of(d);
    }

    /**
     * True when the two shapes could describe the same tensor: equal rank and equal dimensions wherever
     * both are known.
     */
    public boolean isCompatibleWith(Shape other) {
        if (other.dims.length != dims.length) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] != UNKNOWN && other.dims[i] != UNKNOWN && dims[i] != other.dims[i]) {
                return false;
            }
        }
        return true;
    }

    private int normalizeAxis(int axis) {
        int a = axis < 0 ? axis + dims.length : axis;
        if (a < 0 || a >= dims.length) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + this
                    + " of rank " + dims.length);
        }
        return a;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** The Python tuple: {@code (None, 1, 4)}, {@code (None,)}, {@code ()}. */
    @Override
    public String toString() {
        if (dims.length == 1) {
            return "(" + dimString(dims[0]) + ",)";
        }
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (long d : dims) {
            j.add(dimString(d));
        }
        return j.toString();
    }

    /** A Python list of tuples, as Keras prints several shapes: {@code [(None, 1), (None, 2)]}. */
    public static String toString(List<Shape> shapes) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (Shape s : shapes) {
            j.add(s.toString());
        }
        return j.toString();
    }

    private static String dimString(long d) {
        return d == UNKNOWN ? "None" : Long.toString(d);
    }
}
