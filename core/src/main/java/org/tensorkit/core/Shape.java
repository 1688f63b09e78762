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

    /** The number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Dimension {@code axis}, negative axes counting from the end; {@link #UNKNOWN} when unknown. */
    public long dim(int axis) {
        return dims[normalizeAxis(axis)];
    }

    /** Whether dimension {@code axis} is known (negative axes count from the end). */
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

    /** The dimensions as a new array, {@link #UNKNOWN} where unknown. */
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

    /** This shape with {@code dim} added in front (a batch dimension, for instance). */
    public Shape prepend(long dim) {
        long[] d = new long[dims.length + 1];
        d[0] = dim;
        System.arraycopy(dims, 0, d, 1, dims.length);
        return of(d);
    }

    /** This shape with {@code dim} added at the end. */
    public Shape append(long dim) {
        long[] d = Arrays.copyOf(dims, dims.length + 1);
        d[dims.length] = dim;
        return of(d);
    }

    /** This shape's dimensions followed by {@code other}'s. */
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

    /**
     * {@code axis} as an index into this shape's dimensions (negative axes count from the end).
     *
     * @throws IllegalArgumentException if the axis is not in {@code [-rank, rank)}
     */
    public int normalizeAxis(int axis) {
        if (!isValidAxis(axis, dims.length)) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + this
                    + " of rank " + dims.length);
        }
        return normalizeAxis(axis, dims.length);
    }

    /** This shape's dimensions in the order {@code permutation} gives: dimension {@code i} is {@code dim(p[i])}. */
    public Shape permute(int... permutation) {
        checkPermutation(permutation, dims.length);
        long[] d = new long[dims.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = dims[permutation[i]];
        }
        return of(d);
    }

    // ---------------------------------------------------------------------------------------------
    // Axis arithmetic, for layers and operations that take axes as numpy does

    /** Whether {@code axis} names an axis of a rank-{@code rank} array: {@code -rank <= axis < rank}. */
    public static boolean isValidAxis(int axis, int rank) {
        return axis >= -rank && axis < rank;
    }

    /**
     * {@code axis} of a rank-{@code rank} array as a non-negative axis (negative axes count from the end), as
     * numpy's {@code normalize_axis_index}.
     *
     * @throws IllegalArgumentException if the axis is not in {@code [-rank, rank)}
     */
    public static int normalizeAxis(int axis, int rank) {
        if (!isValidAxis(axis, rank)) {
            throw new IllegalArgumentException("axis " + axis + " is out of bounds for an array of rank " + rank);
        }
        return axis < 0 ? axis + rank : axis;
    }

    /**
     * The permutation of {@code rank} axes that moves axis {@code from} to position {@code to} and keeps the
     * others in order (numpy's {@code moveaxis} as a permutation): {@code moveAxis(4, 1, 3)} is {@code [0, 2, 3, 1]}.
     */
    public static int[] moveAxis(int rank, int from, int to) {
        int source = normalizeAxis(from, rank);
        int target = normalizeAxis(to, rank);
        int[] order = new int[rank];
        for (int i = 0, next = 0; i < rank; i++) {
            if (i == target) {
                order[i] = source;
            } else {
                order[i] = next == source ? ++next : next;
                next++;
            }
        }
        return order;
    }

    /** The permutation that undoes {@code permutation}: {@code inverse[permutation[i]] = i}. */
    public static int[] invertPermutation(int... permutation) {
        checkPermutation(permutation, permutation.length);
        int[] inverse = new int[permutation.length];
        for (int i = 0; i < permutation.length; i++) {
            inverse[permutation[i]] = i;
        }
        return inverse;
    }

    private static void checkPermutation(int[] permutation, int rank) {
        if (permutation == null) {
            throw new IllegalArgumentException("permutation must not be null");
        }
        boolean[] seen = new boolean[rank];
        boolean ok = permutation.length == rank;
        for (int i = 0; ok && i < permutation.length; i++) {
            int p = permutation[i];
            ok = p >= 0 && p < rank && !seen[p];
            if (ok) {
                seen[p] = true;
            }
        }
        if (!ok) {
            throw new IllegalArgumentException(Arrays.toString(permutation) + " is not a permutation of " + rank
                    + " axes");
        }
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
