package org.tensorkit.models;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tensorkit.core.internal.NdArrays;
import org.tensorkit.core.internal.OutputBuffers;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.core.internal.Tensors;

/**
 * Keras's {@code predict} on a traced {@link Graph}: converts and checks the data (tf.keras 2.1's checks and
 * messages), splits it into batches, runs each batch through an {@link Execution} and gathers the outputs as
 * float32 tensors. Stateless; safe from any number of threads.
 */
final class Predictor {
    /** Keras's default {@code batch_size} for predict. */
    static final int DEFAULT_BATCH_SIZE = 32;

    private Predictor() {
    }

    /** One input as an ND4J array: a Tensor, an INDArray or a plain Java array of numbers; never empty. */
    static INDArray toArray(Object data, int position) {
        return toArray(data, "predict: input " + position);
    }

    /** {@link #toArray(Object, int)} with errors naming {@code what} ({@code "fit: targets"}, ...). */
    static INDArray toArray(Object data, String what) {
        if (data == null) {
            throw new NullPointerException(what + " is null; expected a Tensor, INDArray or Java array of numbers");
        }
        INDArray array;
        if (data instanceof Tensor t) {
            array = t.unwrap();
        } else if (data instanceof INDArray a) {
            array = a;
        } else if (data instanceof int[] a) {
            array = Tensor.of(a).unwrap();
        } else if (data instanceof int[][] a) {
            array = Tensor.of(a).unwrap();
        } else if (data instanceof long[] a) {
            array = Tensor.of(a).unwrap();
        } else if (data instanceof long[][] a) {
            array = Tensor.of(a).unwrap();
        } else if (data instanceof float[] a) {
            array = Tensor.of(a).unwrap();
        } else if (data instanceof float[][] a) {
            array = Tensor.of(a).unwrap();
        } else if (data instanceof float[][][] a) {
            array = Tensor.of(a).unwrap();
        } else if (data instanceof double[] a) {
            array = Tensor.of(a).unwrap();
        } else if (data instanceof double[][] a) {
            array = Tensor.of(a).unwrap();
        } else {
            throw new IllegalArgumentException(what + " has unsupported type "
                    + data.getClass().getName() + "; expected a Tensor, an INDArray, or int[], int[][], long[], "
                    + "long[][], float[], float[][], float[][][], double[] or double[][]");
        }
        if (array.isEmpty()) {
            throw new IllegalArgumentException("Expect x to be a non-empty array or dataset.");
        }
        if (array.rank() == 0) {
            throw new IllegalArgumentException(what + " is a 0-d array of shape (); "
                    + "expected a batch, with the examples along axis 0");
        }
        return array;
    }

    /**
     * tf.keras 2.1's expansion: a rank-1 array {@code (n,)} becomes {@code (n, 1)} unless the model's input is
     * itself rank 1 ({@code expected} null: unknown, expand).
     */
    static INDArray expand(INDArray data, Shape expected) {
        if (data.rank() == 1 && (expected == null || expected.rank() != 1)) {
            return NdArrays.reshape(data, data.length(), 1);
        }
        return data;
    }

    static void checkCount(String modelName, int expected, List<INDArray> data) {
        if (data.size() != expected) {
            StringJoiner received = new StringJoiner(", ", "[", "]");
            data.forEach(a -> received.add(describe(a)));
            throw new IllegalArgumentException("Layer " + modelName + " expects " + expected
                    + " input(s), but it received " + data.size() + " input tensors. Inputs received: " + received);
        }
    }

    /**
     * Runs {@code graph} on the data (from {@link #toArray}) in batches of {@code batchSize} rows (checked by
     * {@link #checkBatchSize}) and returns one float32 tensor per output, each with the data's rows along axis 0.
     */
    static List<Tensor> predict(String modelName, Graph graph, List<INDArray> data, int batchSize) {
        List<INDArray> prepared = prepare(modelName, graph, data);
        long n = prepared.get(0).size(0);
        List<INDArray> outputs = n <= batchSize
                ? oneBatch(graph, prepared, data)
                : batches(graph, prepared, n, batchSize);
        // every output was allocated for this call (outputs that alias the caller's data were copied), so the
        // tensors own it: close() releases it
        List<Tensor> tensors = new ArrayList<>(outputs.size());
        for (INDArray out : outputs) {
            tensors.add(Tensors.adopt(out));
        }
        return tensors;
    }

    /**
     * The checks and conversions of {@link #predict} without running anything: the data (from {@link #toArray})
     * expanded, checked against the graph's inputs (count, shapes, same number of rows) and cast to each input's
     * dtype. Also used by training.
     */
    static List<INDArray> prepare(String modelName, Graph graph, List<INDArray> data) {
        List<SymbolicTensor> inputs = graph.inputs();
        checkCount(modelName, inputs.size(), data);
        List<INDArray> prepared = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            SymbolicTensor input = inputs.get(i);
            INDArray a = expand(data.get(i), input.shape());
            checkShape(input, a);
            prepared.add(a);
        }
        checkSameSamples(prepared);
        for (int i = 0; i < prepared.size(); i++) {
            DataType type = inputs.get(i).dtype().toNd4j();
            INDArray a = prepared.get(i);
            // Keras 3's rule: integer data for a floating-point Input goes in as it is, and each layer casts what it
            // receives (Dense to float32; Embedding reads ids exactly, so an id above 2^24 is not rounded)
            if (a.dataType() != type && !(isInteger(a.dataType()) && type.isFPType())) {
                prepared.set(i, a.castTo(type));
            }
        }
        return prepared;
    }

    private static boolean isInteger(DataType type) {
        return type.isIntType();
    }

    static void checkBatchSize(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("predict: batchSize must be positive, got " + batchSize);
        }
    }

    /** The whole data in one run: the outputs are returned as computed, copied only if they alias user data. */
    private static List<INDArray> oneBatch(Graph graph, List<INDArray> prepared, List<INDArray> userData) {
        List<INDArray> computed = Execution.forward(graph, prepared, 0, false).outputs();
        List<INDArray> result = new ArrayList<>(computed.size());
        for (INDArray out : computed) {
            INDArray r = out.dataType() == DataType.FLOAT ? out : out.castTo(DataType.FLOAT);
            if (aliases(r, userData) || aliases(r, result)) {
                r = r.dup('c');
            }
            result.add(r);
        }
        return result;
    }

    /** Several runs whose outputs are copied into one preallocated float32 array per output. */
    private static List<INDArray> batches(Graph graph, List<INDArray> prepared, long n, int batchSize) {
        List<INDArray> result = null;
        List<INDArray> batch = new ArrayList<>(prepared.size());
        for (long start = 0; start < n; start += batchSize) {
            long end = Math.min(n, start + batchSize);
            batch.clear();
            for (INDArray a : prepared) {
                batch.add(rows(a, start, end));
            }
            List<INDArray> computed = Execution.forward(graph, batch, start, false).outputs();
            if (result == null) {
                result = new ArrayList<>(computed.size());
                for (INDArray out : computed) {
                    long[] shape = out.shape().clone();
                    shape[0] = n;
                    result.add(OutputBuffers.uninitialized(DataType.FLOAT, shape));
                }
            }
            for (int k = 0; k < computed.size(); k++) {
                INDArray out = computed.get(k);
                INDArray target = rows(result.get(k), start, end);
                if (!java.util.Arrays.equals(out.shape(), target.shape())) {
                    throw new IllegalStateException("output " + k + " of the batch at rows " + start + ".." + end
                            + " has shape " + Shape.of(out.shape()) + "; earlier batches gave "
                            + Shape.of(target.shape()));
                }
                target.assign(out.dataType() == DataType.FLOAT ? out : out.castTo(DataType.FLOAT));
            }
        }
        return result;
    }

    /** Rows {@code [start, end)} of {@code a}: a view, no copy. */
    static INDArray rows(INDArray a, long start, long end) {
        INDArrayIndex[] index = new INDArrayIndex[a.rank()];
        index[0] = NDArrayIndex.interval(start, end);
        for (int axis = 1; axis < index.length; axis++) {
            index[axis] = NDArrayIndex.all();
        }
        return a.get(index);
    }

    /** Whether {@code out} shares memory with any of {@code others} (a reshape or view of it, or it itself). */
    private static boolean aliases(INDArray out, List<INDArray> others) {
        for (INDArray o : others) {
            if (NdArrays.sharesMemory(out, o)) {
                return true;
            }
        }
        return false;
    }

    /** tf.keras 2.1's {@code standardize_input_data} check, batch axis ignored. */
    private static void checkShape(SymbolicTensor input, INDArray data) {
        Shape expected = input.shape();
        Shape got = Shape.of(data.shape());
        String name = input.layer().name();
        if (got.rank() != expected.rank()) {
            throw new IllegalArgumentException("Error when checking input: expected " + name + " to have "
                    + expected.rank() + " dimensions, but got array with shape " + got);
        }
        for (int axis = 1; axis < expected.rank(); axis++) {
            if (expected.isKnown(axis) && expected.dim(axis) != got.dim(axis)) {
                throw new IllegalArgumentException("Error when checking input: expected " + name
                        + " to have shape " + expected.drop(1) + " but got array with shape " + got.drop(1));
            }
        }
    }

    private static long checkSameSamples(List<INDArray> data) {
        long n = data.get(0).size(0);
        for (INDArray a : data) {
            if (a.size(0) != n) {
                throw new IllegalArgumentException("All input arrays (x) should have the same number of samples. "
                        + "Got array shapes: " + Shape.toString(data.stream().map(d -> Shape.of(d.shape())).toList()));
            }
        }
        return n;
    }

    private static String describe(INDArray a) {
        return "array(shape=" + Shape.of(a.shape()) + ", dtype=" + org.tensorkit.core.DType.of(a.dataType()) + ")";
    }
}
