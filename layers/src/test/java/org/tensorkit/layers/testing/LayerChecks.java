package org.tensorkit.layers.testing;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.testing.GradientCheck;
import org.tensorkit.layers.CallContext;
import org.tensorkit.layers.GradientSink;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.Weight;

/** Gradient checks of a layer's backward pass against central differences of its forward pass. */
public final class LayerChecks {
    private LayerChecks() {
    }

    /** Collects weight gradients as dense arrays; row gradients are added row by row (test code, small sizes). */
    public static final class DenseSink implements GradientSink {
        /** The summed gradient of every weight that received one. */
        public final Map<Weight, INDArray> gradients = new IdentityHashMap<>();
        /** The rows of every row gradient, as sent. */
        public final List<INDArray> rowsSent = new ArrayList<>();

        @Override
        public void addDense(Weight weight, INDArray gradient) {
            if (!java.util.Arrays.equals(gradient.shape(), weight.shape().toArray())) {
                throw new AssertionError("dense gradient of " + weight.name() + " has shape "
                        + Shape.of(gradient.shape()) + ", expected " + weight.shape());
            }
            gradients.merge(weight, gradient.castTo(DataType.DOUBLE).dup(), INDArray::addi);
        }

        @Override
        public void addRows(Weight weight, INDArray rows, INDArray rowGradients) {
            if (rows.rank() != 1 || rows.dataType() != DataType.LONG || rowGradients.size(0) != rows.length()) {
                throw new AssertionError("row gradient of " + weight.name() + " must be int64 1-D rows with one "
                        + "gradient row each, got " + rows.shapeInfoToString() + " and "
                        + rowGradients.shapeInfoToString());
            }
            rowsSent.add(rows.dup());
            INDArray g = gradients.computeIfAbsent(weight, w -> Nd4j.zeros(DataType.DOUBLE, w.shape().toArray()));
            long[] ids = rows.toLongVector();
            for (int k = 0; k < ids.length; k++) {
                g.getRow(ids[k]).addi(rowGradients.getRow(k).castTo(DataType.DOUBLE));
            }
        }

        /** The gradient of {@code w}, zeros if it received none. */
        public INDArray of(Weight w) {
            return gradients.getOrDefault(w, Nd4j.zeros(DataType.DOUBLE, w.shape().toArray()));
        }

        /** Whether any gradient was sent for {@code w}. */
        public boolean received(Weight w) {
            return gradients.containsKey(w);
        }
    }

    /**
     * Checks the gradients of every floating input and every weight (but state weights, which must get none) of
     * {@code layer} at {@code inputs} (which it perturbs in place and restores), for the loss
     * {@code sum(output * r)} with a random {@code r}. Forward passes run in training mode with a fixed context
     * seed, so random layers repeat their masks.
     */
    public static DenseSink check(Layer layer, List<INDArray> inputs, double epsilon, double tolerance) {
        layer.build(inputs.stream().map(x -> Shape.of(x.shape())).toList());
        long seed = 1234;
        CallContext context = CallContext.training(0, seed);
        INDArray out = layer.forward(inputs, context);
        INDArray r = GradientCheck.randomNormal(99, out.shape());
        DenseSink sink = new DenseSink();
        List<INDArray> inputGradients = layer.backward(inputs, r.castTo(out.dataType()), context, sink);
        java.util.function.DoubleSupplier loss =
                () -> GradientCheck.project(layer.forward(inputs, CallContext.training(0, seed)), r);
        for (int i = 0; i < inputs.size(); i++) {
            INDArray x = inputs.get(i);
            if (DType.of(x.dataType()).isFloatingPoint()) {
                GradientCheck.assertClose(layer.name() + " input " + i, inputGradients.get(i),
                        GradientCheck.numericalInPlace(loss, x, epsilon), tolerance);
            } else if (inputGradients.get(i) != null) {
                throw new AssertionError(layer.name() + " input " + i + " is " + x.dataType()
                        + " and must have no gradient");
            }
        }
        for (Weight w : layer.weights()) {
            if (w.isState()) { // updated by the layer's own rule: no gradient, whatever the loss does with it
                if (sink.received(w)) {
                    throw new AssertionError(w.name() + " is a state weight and must get no gradient");
                }
                continue;
            }
            GradientCheck.assertClose(w.name(), sink.of(w), GradientCheck.numericalInPlace(loss, w.value(), epsilon),
                    tolerance);
        }
        return sink;
    }

    /** A seeded standard-normal float64 array. */
    public static INDArray normal(long seed, long... shape) {
        return GradientCheck.randomNormal(seed, shape);
    }
}
