package org.tensorkit.layers;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Factories for {@link Regularizer}s, named as Keras's {@code tf.keras.regularizers}. */
public final class Regularizers {
    /** Keras's default factor of {@code regularizers.l2()}. */
    public static final double DEFAULT_L2 = 0.01;

    private Regularizers() {
    }

    /** Keras's {@code l2()}: {@code 0.01 * sum(w ** 2)}. */
    public static Regularizer l2() {
        return l2(DEFAULT_L2);
    }

    /** Keras's {@code l2(factor)}: penalty {@code factor * sum(w ** 2)}, gradient {@code 2 * factor * w}. */
    public static Regularizer l2(double factor) {
        if (!(factor >= 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("l2 regularization factor must be a finite number >= 0, got "
                    + factor);
        }
        return new L2(factor);
    }

    /**
     * The regularizer a {@link Regularizer#config()} describes ({@code {"class_name": "L2", "config": {"l2": f}}}).
     *
     * @throws IllegalArgumentException for a class tensorkit does not have or a config it cannot read
     */
    public static Regularizer fromConfig(Map<String, Object> description) {
        Configs.Reader outer = new Configs.Reader("regularizer", description);
        String className = outer.className();
        Configs.Reader r = new Configs.Reader(className, outer.has("config") ? outer.map("config") : Map.of());
        outer.finish();
        if (!className.equals("L2")) {
            throw new IllegalArgumentException("unknown regularizer class \"" + className + "\"; tensorkit has L2");
        }
        Regularizer l2 = l2(r.number("l2", DEFAULT_L2));
        r.finish();
        return l2;
    }

    private record L2(double factor) implements Regularizer {
        @Override
        public Map<String, Object> config() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("l2", factor);
            return Configs.object("L2", c);
        }

        @Override
        public double penalty(INDArray values) {
            // summed in float64 so the loss of a large table does not lose its small terms
            INDArray v = values.castTo(DataType.DOUBLE);
            return factor * v.mul(v).sumNumber().doubleValue();
        }

        @Override
        public INDArray gradient(INDArray values) {
            return values.mul(2 * factor);
        }

        @Override
        public String toString() {
            return "L2(l2=" + factor + ")";
        }
    }
}
