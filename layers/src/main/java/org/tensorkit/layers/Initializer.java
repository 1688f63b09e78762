package org.tensorkit.layers;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;

/**
 * Makes the first value of a weight. Seeded initializers give the same values on every run. The built-in ones
 * describe themselves as Keras does ({@link #config()}: {@code {"class_name": "RandomUniform", "config": {...}}})
 * and are rebuilt by {@link #fromConfig}.
 */
@FunctionalInterface
public interface Initializer {
    /** A new array of {@code shape} and {@code dtype}. */
    INDArray initialize(Shape shape, DType dtype);

    /**
     * Keras's description, {@code {"class_name": ..., "config": {...}}}. A custom initializer (a lambda) has none:
     * the default throws {@link IllegalStateException}; override it to make a layer that uses it describable.
     */
    default Map<String, Object> config() {
        throw new IllegalStateException("initializer " + this + " has no config: only tensorkit's built-in "
                + "initializers (uniform, glorotUniform, zeros, constant) describe themselves");
    }

    /** Keras's {@code 'uniform'}: U(-0.05, 0.05), with a random seed. */
    static Initializer uniform() {
        return uniform(-0.05, 0.05, new java.util.SplittableRandom().nextLong());
    }

    /** U(min, max) from a seeded generator (Keras's {@code RandomUniform}): the same seed gives the same values. */
    static Initializer uniform(double min, double max, long seed) {
        return new RandomUniform(min, max, seed);
    }

    /** Glorot (Xavier) uniform: U(-l, l) with l = sqrt(6 / (fanIn + fanOut)), Keras's default for kernels. */
    static Initializer glorotUniform(long seed) {
        return new GlorotUniform(seed);
    }

    /** All zeros (Keras's {@code Zeros}). */
    static Initializer zeros() {
        return Zeros.INSTANCE;
    }

    /** All ones (Keras's {@code Ones}). */
    static Initializer ones() {
        return Ones.INSTANCE;
    }

    /** All {@code value} (Keras's {@code Constant}). */
    static Initializer constant(double value) {
        return new Constant(value);
    }

    /**
     * The initializer a {@link #config()} describes.
     *
     * @throws IllegalArgumentException for a class tensorkit does not have or a config it cannot read
     */
    static Initializer fromConfig(Map<String, Object> description) {
        Configs.Reader outer = new Configs.Reader("initializer", description);
        String className = outer.className();
        Configs.Reader r = new Configs.Reader(className, outer.has("config") ? outer.map("config") : Map.of());
        outer.finish();
        Initializer result = switch (className) {
            case "RandomUniform" -> new RandomUniform(r.number("minval", -0.05), r.number("maxval", 0.05),
                    seed(r));
            case "GlorotUniform" -> new GlorotUniform(seed(r));
            case "Zeros" -> Zeros.INSTANCE;
            case "Ones" -> Ones.INSTANCE;
            case "Constant" -> new Constant(r.number("value", 0));
            default -> throw new IllegalArgumentException("unknown initializer class \"" + className
                    + "\"; tensorkit has RandomUniform, GlorotUniform, Zeros, Ones and Constant");
        };
        r.finish();
        return result;
    }

    /** A config's seed; Keras's {@code null} (unseeded) draws one. */
    private static long seed(Configs.Reader r) {
        Long seed = r.optionalInteger("seed");
        return seed != null ? seed : new java.util.SplittableRandom().nextLong();
    }

    /** U(minval, maxval). */
    record RandomUniform(double minval, double maxval, long seed) implements Initializer {
        /** Checks {@code minval < maxval}. */
        public RandomUniform {
            if (!(minval < maxval)) {
                throw new IllegalArgumentException("uniform initializer needs min < max, got min " + minval
                        + " and max " + maxval);
            }
        }

        @Override
        public INDArray initialize(Shape shape, DType dtype) {
            try (Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed)) {
                return Nd4j.rand(shape.toArray(), minval, maxval, rng).castTo(dtype.toNd4j());
            } catch (Exception e) {
                throw new IllegalStateException("could not initialize a " + shape + " weight", e);
            }
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("minval", minval);
            c.put("maxval", maxval);
            c.put("seed", seed);
            return Configs.object("RandomUniform", c);
        }
    }

    /** U(-l, l), l = sqrt(6 / (fanIn + fanOut)). */
    record GlorotUniform(long seed) implements Initializer {
        @Override
        public INDArray initialize(Shape shape, DType dtype) {
            long fanIn = shape.rank() >= 2 ? shape.dim(-2) : shape.dim(0);
            long fanOut = shape.dim(-1);
            double limit = Math.sqrt(6.0 / Math.max(1, fanIn + fanOut));
            return new RandomUniform(-limit, limit, seed).initialize(shape, dtype);
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("seed", seed);
            return Configs.object("GlorotUniform", c);
        }
    }

    /** Zeros. */
    enum Zeros implements Initializer {
        INSTANCE;

        @Override
        public INDArray initialize(Shape shape, DType dtype) {
            return Nd4j.zeros(dtype.toNd4j(), shape.toArray());
        }

        @Override
        public Map<String, Object> config() {
            return Configs.object("Zeros", new LinkedHashMap<>());
        }
    }

    /** Ones. */
    enum Ones implements Initializer {
        INSTANCE;

        @Override
        public INDArray initialize(Shape shape, DType dtype) {
            return Nd4j.ones(dtype.toNd4j(), shape.toArray());
        }

        @Override
        public Map<String, Object> config() {
            return Configs.object("Ones", new LinkedHashMap<>());
        }
    }

    /** A constant. */
    record Constant(double value) implements Initializer {
        @Override
        public INDArray initialize(Shape shape, DType dtype) {
            return Nd4j.valueArrayOf(shape.toArray(), value, dtype.toNd4j());
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("value", value);
            return Configs.object("Constant", c);
        }
    }
}
