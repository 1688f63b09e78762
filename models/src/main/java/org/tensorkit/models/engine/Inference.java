package org.tensorkit.models.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.NdArrays;
import org.tensorkit.core.internal.OutputBuffers;
import org.tensorkit.core.internal.StringArrays;
import org.tensorkit.core.internal.Tensors;

/**
 * Keras's {@code predict} on a traced {@link Graph}: standardized data in batches, each run through an
 * {@link Execution}, the outputs gathered as float32 tensors that own their memory. Stateless; safe from any
 * number of threads.
 */
public final class Inference {
    /** Keras's default {@code batch_size} for predict and evaluate. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private Inference() {
    }

    /** Refuses a batch size below 1 with {@code what}'s name ({@code "predict: batchSize ..."}). */
    public static void checkBatchSize(String what, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException(what + ": batchSize must be positive, got " + batchSize);
        }
    }

    /**
     * Runs {@code graph} on standardized data ({@link Inputs#standardize}) in batches of {@code batchSize} rows
     * and returns one float32 tensor per output (a string output, such as an inverted StringLookup's, stays
     * strings), the data's rows along axis 0. Every output was allocated for this call (an output that would alias
     * the caller's data is copied), so the tensors own it: {@link Tensor#close()} releases it.
     */
    public static List<Tensor> predict(Graph graph, List<INDArray> data, int batchSize) {
        Batches batches = Batches.views(data, null, batchSize);
        List<INDArray> result = null;
        List<List<String>> strings = null;
        while (batches.next()) {
            List<INDArray> computed = Execution.forward(graph, batches.inputs(), batches.start(), false).outputs();
            if (batches.count() == 1) {
                result = asOwnedFloats(computed, data);
                break;
            }
            if (result == null) {
                result = new ArrayList<>(computed.size());
                strings = new ArrayList<>(computed.size());
                for (INDArray out : computed) {
                    long[] shape = out.shape().clone();
                    shape[0] = batches.rows();
                    boolean text = out.dataType() == DataType.UTF8;
                    result.add(text ? null : OutputBuffers.uninitialized(DataType.FLOAT, shape)); // strings: below
                    strings.add(text ? new ArrayList<>() : null);
                }
            }
            for (int k = 0; k < computed.size(); k++) {
                INDArray out = computed.get(k);
                if (strings.get(k) != null) {
                    strings.get(k).addAll(Arrays.asList(StringArrays.strings(out)));
                    continue;
                }
                INDArray target = Batches.view(result.get(k), batches.start(), batches.end());
                if (!Arrays.equals(out.shape(), target.shape())) {
                    throw new IllegalStateException("output " + k + " of the batch at rows " + batches.start() + ".."
                            + batches.end() + " has shape " + Shape.of(out.shape()) + "; earlier batches gave "
                            + Shape.of(target.shape()));
                }
                target.assign(out.dataType() == DataType.FLOAT ? out : out.castTo(DataType.FLOAT));
            }
        }
        for (int k = 0; strings != null && k < strings.size(); k++) {
            if (strings.get(k) != null) {
                long[] shape = graph.outputs().get(k).shape().toArray();
                shape[0] = batches.rows();
                result.set(k, StringArrays.of(strings.get(k).toArray(String[]::new), shape));
            }
        }
        List<Tensor> tensors = new ArrayList<>(result.size());
        for (INDArray out : result) {
            tensors.add(Tensors.adopt(out));
        }
        return tensors;
    }

    /** One batch's outputs as float32, each copied only if it aliases the user's data or another output. */
    private static List<INDArray> asOwnedFloats(List<INDArray> computed, List<INDArray> userData) {
        List<INDArray> result = new ArrayList<>(computed.size());
        for (INDArray out : computed) {
            boolean keep = out.dataType() == DataType.FLOAT || out.dataType() == DataType.UTF8;
            INDArray r = keep ? out : out.castTo(DataType.FLOAT);
            if (NdArrays.sharesMemoryWithAny(r, userData) || NdArrays.sharesMemoryWithAny(r, result)) {
                r = r.dup('c');
            }
            result.add(r);
        }
        return result;
    }
}
