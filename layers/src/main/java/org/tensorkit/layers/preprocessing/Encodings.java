package org.tensorkit.layers.preprocessing;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.Shape;
import org.tensorkit.core.internal.NdArrays;
import org.tensorkit.core.internal.OutputBuffers;

/**
 * Keras's {@code encode_categorical_inputs}: indices to the int, one-hot, multi-hot, count or tf-idf output of a
 * lookup or hashing layer, and the shapes those outputs have.
 */
final class Encodings {
    /** An index that takes no place in an encoding: a masked element outside int mode. */
    static final long DROPPED = -1;

    private Encodings() {
    }

    /** The output shape for an input of {@code shape} (Keras's {@code compute_output_shape}). */
    static Shape outputShape(Shape shape, OutputMode mode, long depth) {
        if (mode == OutputMode.INT) {
            return shape;
        }
        if (shape.rank() == 0) {
            return Shape.of(depth);
        }
        if (mode == OutputMode.ONE_HOT && !(shape.rank() > 1 && shape.dim(-1) == 1)) {
            return shape.append(depth);
        }
        return shape.take(shape.rank() - 1).append(depth);
    }

    /**
     * The output for the indices {@code indices} (C order) of an input of {@code shape}: int64 indices in int mode,
     * else float32 rows of {@code depth}. Indices outside {@code [0, depth)} ({@link #DROPPED}) count nowhere.
     *
     * @param idf per-index weights for tf-idf (length {@code depth}), else unused
     */
    static INDArray encode(long[] indices, long[] shape, OutputMode mode, int depth, float[] idf) {
        if (mode == OutputMode.INT) {
            INDArray out = OutputBuffers.uninitialized(DataType.LONG, shape);
            NdArrays.bytes(out).asLongBuffer().put(indices);
            return out;
        }
        long[] outShape = outputShape(Shape.of(shape), mode, depth).toArray();
        int sample = mode == OutputMode.ONE_HOT || shape.length == 0 ? 1 : Math.toIntExact(shape[shape.length - 1]);
        int samples = sample == 0 ? Math.toIntExact(Shape.of(outShape).size() / depth) : indices.length / sample;
        float[] out = new float[Math.multiplyExact(samples, depth)];
        for (int s = 0; s < samples; s++) {
            for (int j = 0; j < sample; j++) {
                long index = indices[s * sample + j];
                if (index >= 0 && index < depth) {
                    int at = s * depth + (int) index;
                    out[at] = mode == OutputMode.COUNT || mode == OutputMode.TF_IDF ? out[at] + 1 : 1;
                }
            }
        }
        if (mode == OutputMode.TF_IDF) {
            for (int s = 0; s < samples; s++) {
                for (int d = 0; d < depth; d++) {
                    out[s * depth + d] *= idf[d];
                }
            }
        }
        INDArray result = OutputBuffers.uninitialized(DataType.FLOAT, outShape);
        NdArrays.bytes(result).asFloatBuffer().put(out);
        return result;
    }
}
