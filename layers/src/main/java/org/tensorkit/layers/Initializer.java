package org.tensorkit.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;

/**
 * Makes the first value of a weight. Seeded initializers give the same values on every run.
 */
@FunctionalInterface
public interface Initializer {
    /** A new array of {@code shape} and {@code dtype}. */
    INDArray initialize(Shape shape, DType dtype);

    /** Keras's {@code 'uniform'}: U(-0.05, 0.05), unseeded. */
    static Initializer uniform() {
        return uniform(-0.05, 0.05, new java.util.SplittableRandom().nextLong());
    }

    /** U(min, max) from a seeded generator: the same seed gives the same values. */
    static Initializer uniform(double min, double max, long seed) {
        if (!(min < max)) {
            throw new IllegalArgumentException("uniform initializer needs min < max, got min " + min + " and max "
                    + max);
        }
        return (shape, dtype) -> {
            try (Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed)) {
                return Nd4j.rand(shape.toArray(), min, max, rng).castTo(dtype.toNd4j());
            } catch (Exception e) {
                throw new IllegalStateException("could not initialize a " + shape + " weight", e);
            }
        };
    }

    /** Glorot (Xavier) uniform: U(-l, l) with l = sqrt(6 / (fanIn + fanOut)), Keras's default for kernels. */
    static Initializer glorotUniform(long seed) {
        return (shape, dtype) -> {
            long fanIn = shape.rank() >= 2 ? shape.dim(-2) : shape.dim(0);
            long fanOut = shape.dim(-1);
            double limit = Math.sqrt(6.0 / Math.max(1, fanIn + fanOut));
            return uniform(-limit, limit, seed).initialize(shape, dtype);
        };
    }

    static Initializer zeros() {
        return (shape, dtype) -> Nd4j.zeros(dtype.toNd4j(), shape.toArray());
    }

    static Initializer constant(double value) {
        return (shape, dtype) -> Nd4j.valueArrayOf(shape.toArray(), value, dtype.toNd4j());
    }
}
