package org.tensorkit.models.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.NdArrays;
import org.tensorkit.layers.SymbolicTensor;

/**
 * Keras's input standardisation for {@code predict}, {@code evaluate} and {@code fit} (tf.keras 2.1's checks and
 * messages): the data of each input checked, expanded and cast once, before any batch runs.
 */
public final class Inputs {
    private Inputs() {
    }

    /**
     * The arrays of {@code data}, one per graph input: each non-null and non-empty with a batch axis, a rank-1
     * array {@code (n,)} expanded to {@code (n, 1)} unless the input is itself rank 1, checked against the input's
     * shape (batch axis ignored), all with the same number of rows, and cast to the input's dtype (Keras 3's rule:
     * integer data for a floating-point input goes in as it is, and each layer casts what it receives, so an
     * {@code Embedding} reads ids above 2^24 exactly).
     *
     * @param what the call, for messages ({@code "predict"}, {@code "fit"}, ...)
     */
    public static List<INDArray> standardize(String what, String modelName, Graph graph, List<Tensor> data) {
        Objects.requireNonNull(data, "inputs");
        List<INDArray> arrays = arrays(what, data);
        List<SymbolicTensor> inputs = graph.inputs();
        checkCount(modelName, inputs.size(), arrays);
        for (int i = 0; i < arrays.size(); i++) {
            INDArray a = expand(arrays.get(i), inputs.get(i).shape());
            checkShape(inputs.get(i), a);
            arrays.set(i, a);
        }
        checkSameSamples(arrays);
        for (int i = 0; i < arrays.size(); i++) {
            DataType type = inputs.get(i).dtype().toNd4j();
            INDArray a = arrays.get(i);
            if ((type == DataType.UTF8) != (a.dataType() == DataType.UTF8)) {
                throw new IllegalArgumentException(what + ": input " + i + " (\"" + inputs.get(i).layer().name()
                        + "\") is declared " + inputs.get(i).dtype() + " but received " + DType.of(a.dataType())
                        + " data; strings and numbers do not convert into each other (a StringLookup maps keys to "
                        + "ids)");
            }
            if (a.dataType() != type && !(a.dataType().isIntType() && type.isFPType())) {
                arrays.set(i, a.castTo(type));
            }
        }
        return arrays;
    }

    /** The arrays behind {@code data}, each checked by {@link #array} and named {@code "<what>: input <i>"}. */
    private static List<INDArray> arrays(String what, List<Tensor> data) {
        List<INDArray> arrays = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            arrays.add(array(data.get(i), what, i));
        }
        return arrays;
    }

    /** The array behind {@code t}, refused when null, 0-d or empty; {@code what} names it in the message. */
    public static INDArray array(Tensor t, String what) {
        return array(t, what, -1);
    }

    /**
     * {@link #array(Tensor, String)} for input {@code index} of {@code what} (named {@code "<what>: input <i>"};
     * the name is made only for a message), or for {@code what} itself when {@code index} is negative.
     */
    private static INDArray array(Tensor t, String what, int index) {
        if (t == null) {
            throw new NullPointerException(name(what, index) + " is null; expected a Tensor");
        }
        INDArray array = t.unwrap();
        if (array.isEmpty()) {
            throw new IllegalArgumentException("Expect x to be a non-empty array or dataset.");
        }
        if (array.rank() == 0) {
            throw new IllegalArgumentException(name(what, index) + " is a 0-d array of shape (); "
                    + "expected a batch, with the examples along axis 0");
        }
        return array;
    }

    private static String name(String what, int index) {
        return index < 0 ? what : what + ": input " + index;
    }

    /**
     * The input shape a model without one (a deferred Sequential) builds for from its first data: that data's
     * shape, a rank-1 array {@code (n,)} read as {@code (n, 1)}, batch dimension unknown.
     *
     * @throws IllegalArgumentException unless {@code data} holds exactly one non-empty array with a batch axis
     */
    public static Shape deferredInputShape(String what, String modelName, List<Tensor> data) {
        List<INDArray> arrays = arrays(what, data);
        checkCount(modelName, 1, arrays);
        INDArray x = arrays.get(0);
        Shape shape = x.rank() == 1 ? Shape.of(x.length(), 1) : Shape.of(x.shape());
        return shape.with(0, Shape.UNKNOWN);
    }

    /**
     * tf.keras 2.1's expansion: a rank-1 array {@code (n,)} becomes {@code (n, 1)} unless the model's input is
     * itself rank 1.
     */
    private static INDArray expand(INDArray data, Shape expected) {
        if (data.rank() == 1 && expected.rank() != 1) {
            return NdArrays.reshape(data, data.length(), 1);
        }
        return data;
    }

    /** Keras's check of the number of arrays against the model's inputs. */
    public static void checkCount(String modelName, int expected, List<INDArray> data) {
        if (data.size() != expected) {
            StringJoiner received = new StringJoiner(", ", "[", "]");
            data.forEach(a -> received.add("array(shape=" + Shape.of(a.shape()) + ", dtype=" + DType.of(a.dataType())
                    + ")"));
            throw new IllegalArgumentException("Layer " + modelName + " expects " + expected
                    + " input(s), but it received " + data.size() + " input tensors. Inputs received: " + received);
        }
    }

    /** tf.keras 2.1's {@code standardize_input_data} check, batch axis ignored. */
    private static void checkShape(SymbolicTensor input, INDArray data) {
        Shape expected = input.shape();
        long[] got = data.shape(); // read as it is: a Shape is made only for a message
        String name = input.layer().name();
        if (got.length != expected.rank()) {
            throw new IllegalArgumentException("Error when checking input: expected " + name + " to have "
                    + expected.rank() + " dimensions, but got array with shape " + Shape.of(got));
        }
        for (int axis = 1; axis < got.length; axis++) {
            if (expected.isKnown(axis) && expected.dim(axis) != got[axis]) {
                throw new IllegalArgumentException("Error when checking input: expected " + name
                        + " to have shape " + expected.drop(1) + " but got array with shape " + Shape.of(got).drop(1));
            }
        }
    }

    private static void checkSameSamples(List<INDArray> data) {
        long n = data.get(0).size(0);
        for (int k = 1; k < data.size(); k++) {
            if (data.get(k).size(0) != n) {
                throw new IllegalArgumentException("All input arrays (x) should have the same number of samples. "
                        + "Got array shapes: " + Shape.toString(data.stream().map(d -> Shape.of(d.shape())).toList()));
            }
        }
    }
}
