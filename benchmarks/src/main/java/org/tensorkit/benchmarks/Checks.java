package org.tensorkit.benchmarks;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Setup-time check that a benchmark computes the lookup it claims to: a wrong fast answer is worthless. */
final class Checks {
    private Checks() {
    }

    static void sameRows(Workload w, float[] table, int[] ids, INDArray got, String what) {
        if (got.length() != (long) ids.length * w.d) {
            throw new IllegalStateException(what + ": " + got.length() + " values, expected " + (long) ids.length * w.d);
        }
        float[] values = got.castTo(DataType.FLOAT).dup('c').data().asFloat();
        for (int p = 0; p < ids.length; p++) {
            for (int j = 0; j < w.d; j++) {
                if (values[p * w.d + j] != table[ids[p] * w.d + j]) {
                    throw new IllegalStateException(what + ": row " + p + " (id " + ids[p] + ") differs at " + j);
                }
            }
        }
    }
}
