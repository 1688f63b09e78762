package org.tensorkit.layers.preprocessing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.internal.StringArrays;
import org.tensorkit.layers.CallContext;
import org.tensorkit.layers.Configs;
import org.tensorkit.layers.GradientSink;
import org.tensorkit.layers.SingleInputLayer;

/**
 * Keras's {@code Hashing}: each string (or integer, as its decimal text) to one of {@code num_bins} bins, by
 * FarmHash Fingerprint64 of its UTF-8 bytes as TensorFlow's {@code to_hash_bucket_fast}, or by SipHash-2-4 keyed
 * with a salt as {@code to_hash_bucket_strong}: the same bins as Keras for the same keys. A {@code mask_value}
 * takes bin 0 and the others share the remaining bins. No vocabulary, no weights.
 *
 * <pre>{@code
 * Hashing hashing = Hashing.builder().numBins(3).build();
 * hashing.call(Tensor.of(new String[][] {{"A"}, {"B"}, {"C"}, {"D"}, {"E"}}));   // [[1] [0] [1] [1] [2]]
 * }</pre>
 *
 * <p>Unlike Keras, a float input must hold integers (Keras truncates 3.5 to 3 before hashing it).
 */
public final class Hashing extends SingleInputLayer {
    private final int numBins;
    private final Object maskValue;
    private final long[] salt;
    private final OutputMode outputMode;
    private final KeyHash keyHash;

    private Hashing(Builder b) {
        super(b);
        this.numBins = b.numBins;
        this.maskValue = b.maskValue;
        this.salt = b.salt;
        this.outputMode = b.outputMode;
        this.keyHash = KeyHash.of(salt);
    }

    /** The options of a Hashing layer: {@link Builder#numBins} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code num_bins}, the mask's bin included. */
    public int numBins() {
        return numBins;
    }

    @Override
    protected Shape inferOutputShape(Shape inputShape) {
        return Encodings.outputShape(inputShape, outputMode, numBins);
    }

    @Override
    protected DType outputDType(List<DType> inputDTypes) {
        checkInput(inputDTypes.get(0));
        return outputMode == OutputMode.INT ? DType.INT64 : DType.FLOAT32;
    }

    @Override
    protected INDArray doForward(INDArray input, CallContext context) {
        DType dtype = DType.of(input.dataType());
        checkInput(dtype);
        boolean masked = maskValue != null && numBins > 1;
        long bins = masked ? numBins - 1 : numBins;
        long[] out;
        if (dtype == DType.STRING) {
            StringArrays.Utf8 keys = StringArrays.read(input);
            byte[] mask = maskValue instanceof String m ? m.getBytes(StandardCharsets.UTF_8) : null;
            out = new long[keys.count()];
            for (int i = 0; i < out.length; i++) {
                int from = keys.start(i);
                int to = keys.end(i);
                boolean isMask = masked && mask != null && Arrays.equals(keys.bytes(), from, to, mask, 0, mask.length);
                out[i] = isMask ? 0 : bin(keys.bytes(), from, to - from, bins) + (masked ? 1 : 0);
            }
        } else {
            long[] keys = IntegerInputs.read(this, input, context);
            out = new long[keys.length];
            for (int i = 0; i < keys.length; i++) {
                boolean isMask = masked && maskValue instanceof Long m && keys[i] == m;
                byte[] text = Long.toString(keys[i]).getBytes(StandardCharsets.US_ASCII);
                out[i] = isMask ? 0 : bin(text, 0, text.length, bins) + (masked ? 1 : 0);
            }
        }
        return Encodings.encode(out, input.shape(), outputMode, numBins, null);
    }

    private long bin(byte[] bytes, int offset, int length, long bins) {
        return Long.remainderUnsigned(keyHash.hash(bytes, offset, length), bins);
    }

    private void checkInput(DType dtype) {
        if (dtype != DType.STRING && !dtype.isInteger() && !dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("Hashing \"" + name() + "\" expects strings or integers, got " + dtype
                    + " input");
        }
    }

    /** Hashing has no gradient: its inputs are keys. */
    @Override
    protected INDArray doBackward(INDArray input, INDArray outputGradient, CallContext context, GradientSink sink) {
        return null;
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        config.put("dtype", outputMode == OutputMode.INT ? "int64" : "float32");
        config.put("num_bins", numBins);
        config.put("salt", salt == null ? null : List.of(salt[0], salt[1]));
        config.put("mask_value", maskValue);
        config.put("output_mode", outputMode.kerasName());
        config.put("sparse", false);
    }

    /**
     * The Hashing layer a {@link #config()} describes.
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read or a setting it does not support
     */
    public static Hashing fromConfig(Map<String, Object> config) {
        Configs.Reader r = new Configs.Reader("Hashing", config);
        Builder b = builder().name(r.string("name")).trainable(r.bool("trainable", true))
                .numBins(r.intValue("num_bins"));
        r.raw("dtype");
        long[] salt = LookupConfigs.salt(r);
        if (salt != null) {
            b.salt(salt[0], salt[1]);
        }
        Object mask = r.raw("mask_value");
        if (mask instanceof String s) {
            b.maskValue(s);
        } else if (mask instanceof Integer || mask instanceof Long) {
            b.maskValue(((Number) mask).longValue());
        } else if (mask != null) {
            throw r.bad("mask_value", mask, "a string, an integer or null");
        }
        b.outputMode(OutputMode.fromKerasName(r.string("output_mode", "int")));
        if (r.bool("sparse", false)) {
            throw r.bad("sparse", true, "false (tensorkit's outputs are dense)");
        }
        r.finish();
        return b.build();
    }

    /** Options of {@link Hashing}. */
    public static final class Builder extends org.tensorkit.layers.Layer.Builder<Builder> {
        private Integer numBins;
        private Object maskValue;
        private long[] salt;
        private OutputMode outputMode = OutputMode.INT;

        private Builder() {
        }

        /** {@code num_bins}: the number of bins, the mask's included (required, positive). */
        public Builder numBins(int numBins) {
            this.numBins = numBins;
            return this;
        }

        /** {@code mask_value}: the string that takes bin 0. */
        public Builder maskValue(String maskValue) {
            this.maskValue = Objects.requireNonNull(maskValue, "maskValue");
            return this;
        }

        /** {@code mask_value}: the integer that takes bin 0. */
        public Builder maskValue(long maskValue) {
            this.maskValue = maskValue;
            return this;
        }

        /** {@code salt}: SipHash-2-4 keyed {@code [salt, salt]} instead of FarmHash. */
        public Builder salt(long salt) {
            return salt(salt, salt);
        }

        /** {@code salt}: SipHash-2-4 keyed {@code [k0, k1]} instead of FarmHash. */
        public Builder salt(long k0, long k1) {
            this.salt = new long[] {k0, k1};
            return this;
        }

        /** {@code output_mode}: int (default), one_hot, multi_hot or count. */
        public Builder outputMode(OutputMode outputMode) {
            this.outputMode = Objects.requireNonNull(outputMode, "outputMode");
            return this;
        }

        /** The layer these options describe. */
        public Hashing build() {
            if (numBins == null || numBins <= 0) {
                throw new IllegalArgumentException("Hashing: The `num_bins` for `Hashing` cannot be `None` or "
                        + "non-positive values. Received: num_bins=" + (numBins == null ? "None" : numBins) + ".");
            }
            if (outputMode == OutputMode.TF_IDF) {
                throw new IllegalArgumentException("Hashing: Invalid value for argument `output_mode`. Expected one "
                        + "of ('int', 'one_hot', 'multi_hot', 'count'). Received: output_mode=tf_idf");
            }
            return new Hashing(this);
        }
    }
}
