package org.tensorkit.spark.internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The broadcast part of a sharded model: the optimizer's step count, and every weight that is not a sharded table
 * with, when trainable, its optimizer slots. Indexed by the weight's position in {@code weights()}; a table's entry
 * is null.
 */
public final class DenseState implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long iterations;
    private final long[][] shapes;
    private final float[][] values;
    private final float[][][] slots;

    /** The state of {@code values} (and slots) at step {@code iterations}. */
    public DenseState(long iterations, long[][] shapes, float[][] values, float[][][] slots) {
        this.iterations = iterations;
        this.shapes = shapes;
        this.values = values;
        this.slots = slots;
    }

    /** The optimizer's step count. */
    public long iterations() {
        return iterations;
    }

    /** Weight {@code k}'s shape. */
    public long[] shape(int k) {
        return shapes[k];
    }

    /** Weight {@code k}'s values (C order), or null for a table. */
    public float[] values(int k) {
        return values[k];
    }

    /** Slot {@code s} of weight {@code k}, or null for a table or a weight that does not train. */
    public float[] slot(int k, int s) {
        return slots[k] == null ? null : slots[k][s];
    }

    /** Every array, values then slots per weight, in weight order: what the partitions' means are taken over. */
    public float[][] flat() {
        List<float[]> out = new ArrayList<>();
        for (int k = 0; k < values.length; k++) {
            if (values[k] != null) {
                out.add(values[k]);
                if (slots[k] != null) {
                    for (float[] s : slots[k]) {
                        out.add(s);
                    }
                }
            }
        }
        return out.toArray(float[][]::new);
    }

    /** This state's layout with the arrays of {@code flat} (as {@link #flat} orders them) at step {@code steps}. */
    public DenseState with(float[][] flat, long steps) {
        float[][] v = new float[values.length][];
        float[][][] sl = new float[values.length][][];
        int a = 0;
        for (int k = 0; k < values.length; k++) {
            if (values[k] != null) {
                v[k] = flat[a++];
                if (slots[k] != null) {
                    sl[k] = new float[slots[k].length][];
                    for (int s = 0; s < slots[k].length; s++) {
                        sl[k][s] = flat[a++];
                    }
                }
            }
        }
        return new DenseState(steps, shapes, v, sl);
    }
}
