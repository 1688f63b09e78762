package org.tensorkit.core.testing;

import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.internal.NdArrays;

/**
 * Numerical gradients by central differences, for checking hand-written backward passes in tests.
 *
 * <p>Use float64 arrays wherever the code under test allows it: with {@code epsilon = 1e-6} central differences
 * are then accurate to about 1e-9 and a relative tolerance of 1e-6 separates right from wrong. float32 arrays
 * work with larger epsilons (1e-2) and tolerances (1e-3) on functions that are close to linear.
 *
 * <p>To check a function with an array output, project it on a fixed random direction {@code r}
 * ({@link #projected}): the scalar {@code sum(f(x) * r)} has gradient {@code J^T r}, which is exactly what a
 * backward pass given the output gradient {@code r} returns.
 */
public final class GradientCheck {
    private GradientCheck() {
    }

    /**
     * The gradient of {@code loss} with respect to {@code x}, where {@code loss} reads {@code x} (a live array,
     * such as a weight's value): each element is moved by {@code +-epsilon} in place, the loss evaluated, and
     * the element restored bit-for-bit. Returns a float64 array of {@code x}'s shape.
     */
    public static INDArray numericalInPlace(DoubleSupplier loss, INDArray x, double epsilon) {
        Objects.requireNonNull(loss, "loss");
        requirePositive(epsilon);
        if (!NdArrays.isDense(x)) {
            throw new IllegalArgumentException("numericalInPlace needs a dense array it can perturb in place, got "
                    + x.shapeInfoToString());
        }
        double[] grad = new double[Math.toIntExact(x.length())];
        for (int i = 0; i < grad.length; i++) {
            // linear indices in C order: x is dense, so these are its buffer's elements
            double original = x.getDouble((long) i);
            x.putScalar((long) i, original + epsilon);
            double plus = loss.getAsDouble();
            x.putScalar((long) i, original - epsilon);
            double minus = loss.getAsDouble();
            x.putScalar((long) i, original);
            // divide by the step actually taken, which rounding in float32 makes differ from 2 * epsilon
            double step = stepTaken(x.dataType(), original, epsilon);
            grad[i] = (plus - minus) / step;
        }
        return Nd4j.createFromArray(grad).reshape(x.shape());
    }

    /** The gradient of {@code f} at {@code x}, evaluating {@code f} on perturbed copies of {@code x}. */
    public static INDArray numerical(ToDoubleFunction<INDArray> f, INDArray x, double epsilon) {
        Objects.requireNonNull(f, "f");
        INDArray copy = x.dup('c');
        return numericalInPlace(() -> f.applyAsDouble(copy), copy, epsilon);
    }

    /** {@code x -> sum(f(x) * direction)}, computed in float64. */
    public static ToDoubleFunction<INDArray> projected(Function<INDArray, INDArray> f, INDArray direction) {
        return x -> project(f.apply(x), direction);
    }

    /** {@code sum(y * direction)} in float64; the shapes must match. */
    public static double project(INDArray y, INDArray direction) {
        if (!java.util.Arrays.equals(y.shape(), direction.shape())) {
            throw new IllegalArgumentException("cannot project an array of shape " + java.util.Arrays.toString(
                    y.shape()) + " on a direction of shape " + java.util.Arrays.toString(direction.shape()));
        }
        return y.castTo(DataType.DOUBLE).mul(direction.castTo(DataType.DOUBLE)).sumNumber().doubleValue();
    }

    /** A seeded standard-normal float64 array: a direction to project on, or test data. */
    public static INDArray randomNormal(long seed, long... shape) {
        try (Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed)) {
            return Nd4j.randn(rng, shape).castTo(DataType.DOUBLE);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Throws an {@link AssertionError} naming {@code what} and the worst element unless, for every element,
     * {@code |analytic - numerical| <= tolerance * max(1, |analytic|, |numerical|)} (relative for large values,
     * absolute for small ones).
     */
    public static void assertClose(String what, INDArray analytic, INDArray numerical, double tolerance) {
        if (analytic == null) {
            throw new AssertionError(what + ": no analytic gradient (null)");
        }
        if (!java.util.Arrays.equals(analytic.shape(), numerical.shape())) {
            throw new AssertionError(what + ": analytic gradient has shape "
                    + java.util.Arrays.toString(analytic.shape()) + ", numerical "
                    + java.util.Arrays.toString(numerical.shape()));
        }
        double[] a = analytic.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] n = numerical.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        int worst = -1;
        double worstError = 0;
        for (int i = 0; i < a.length; i++) {
            double error = Math.abs(a[i] - n[i]) / Math.max(1, Math.max(Math.abs(a[i]), Math.abs(n[i])));
            if (!(error <= worstError) || Double.isNaN(error)) {
                worstError = Double.isNaN(error) ? Double.POSITIVE_INFINITY : error;
                worst = i;
            }
        }
        if (worstError > tolerance) {
            throw new AssertionError(what + ": analytic and numerical gradients differ at flat index " + worst
                    + ": analytic " + a[worst] + ", numerical " + n[worst] + " (error " + worstError
                    + " > tolerance " + tolerance + ")");
        }
    }

    private static double stepTaken(DataType type, double original, double epsilon) {
        if (type == DataType.FLOAT) {
            return (double) (float) (original + epsilon) - (double) (float) (original - epsilon);
        }
        if (type == DataType.DOUBLE) {
            return (original + epsilon) - (original - epsilon);
        }
        throw new IllegalArgumentException("numerical gradients need a float32 or float64 array, got " + type);
    }

    private static void requirePositive(double epsilon) {
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
        }
    }
}
