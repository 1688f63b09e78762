package org.tensorkit.layers.preprocessing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.LongStream;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.CallContext;
import org.tensorkit.layers.Configs;
import org.tensorkit.layers.internal.LongIndex;

/**
 * Keras's {@code IntegerLookup}: maps 64-bit keys (sparse ids, hashed ids, years, ...) to dense indices, or back,
 * through a vocabulary given or adapted, with the index layout and output modes of {@link IndexLookup}. Its
 * default OOV token is -1; with several OOV indices an unknown key goes to bucket {@code floormod(key, n)}
 * ({@code oov_method "floormod"}, Keras's default) or to the FarmHash bucket of its decimal text
 * ({@code "farmhash"}, SipHash with a salt).
 *
 * <pre>{@code
 * IntegerLookup lookup = IntegerLookup.builder().vocabulary(List.of(12L, 36L, 1138L, 42L)).build();
 * lookup.call(Tensor.of(new long[][] {{12, 1138, 42}, {42, 1000, 36}}));   // [[1 3 4] [4 0 2]]
 * }</pre>
 */
public final class IntegerLookup extends IndexLookup<Long> {
    private final boolean farmhash;

    private IntegerLookup(Builder builder) {
        super(builder);
        this.farmhash = builder.oovMethod.equals("farmhash");
        initVocabulary(builder);
    }

    /** A lookup with Keras's defaults, to be {@link #adapt}ed. */
    public static IntegerLookup create() {
        return builder().build();
    }

    /** The options of an IntegerLookup, Keras's defaults to start with ({@code oov_token -1}). */
    public static Builder builder() {
        return new Builder();
    }

    /** {@link #adapt(Tensor)} over keys given one by one, each its own document. */
    public void adapt(long... keys) {
        Objects.requireNonNull(keys, "keys");
        adaptKeys(() -> LongStream.of(keys).boxed().iterator());
    }

    @Override
    long[] indicesOf(INDArray input, State<Long> state, CallContext context) {
        long[] keys = IntegerInputs.read(this, input, context);
        LongIndex index = (LongIndex) state.index();
        Long mask = maskToken();
        long[] out = new long[keys.length];
        int start = tokenStart();
        for (int i = 0; i < keys.length; i++) {
            long key = keys[i];
            int k = index.find(key);
            if (k >= 0) {
                out[i] = start + k;
            } else if (mask != null && key == mask) {
                out[i] = maskIndex();
            } else if (numOovIndices() == 0) {
                throw unknownKey(Long.toString(key), i, input, context);
            } else if (!farmhash) {
                out[i] = oovIndex(key, false);
            } else {
                byte[] text = Long.toString(key).getBytes(StandardCharsets.US_ASCII);
                out[i] = oovIndex(keyHash().hash(text, 0, text.length), true);
            }
        }
        return out;
    }

    @Override
    INDArray keysOf(INDArray input, State<Long> state, CallContext context) {
        long[] indices = IntegerInputs.read(this, input, context);
        long[] out = new long[indices.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = keyAt(indices[i], state.tokens());
        }
        return Encodings.encode(out, input.shape(), OutputMode.INT, 0, null);
    }

    @Override
    Long parseKey(String text, int line) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(describe() + ": line " + line + " of " + VOCABULARY_ASSET + " is \""
                    + text + "\", not an integer key");
        }
    }

    @Override
    Object buildIndex(List<Long> tokens) {
        return new LongIndex(tokens.stream().mapToLong(Long::longValue).toArray());
    }

    @Override
    Comparator<Long> keyOrder() {
        return Comparator.naturalOrder();
    }

    @Override
    List<Long> keys(Tensor data) {
        if (!data.dtype().isInteger()) {
            throw new IllegalArgumentException(describe() + ": adapt needs integer data, got " + data.dtype()
                    + " of shape " + data.shape());
        }
        return Arrays.stream(data.toLongArray()).boxed().toList();
    }

    @Override
    DType keyDType() {
        return DType.INT64;
    }

    @Override
    void checkInputDType(DType dtype) {
        if (!dtype.isInteger() && !dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(describe() + " expects integer " + (isInvert() ? "indices" : "keys")
                    + ", got " + dtype + " input");
        }
    }

    @Override
    String show(Object key) {
        return String.valueOf(key);
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        super.addConfig(config);
        config.put("vocabulary_dtype", "int64");
        if (farmhash) {
            config.put("oov_method", "farmhash");
        }
    }

    /**
     * The IntegerLookup a {@link #config()} describes (Keras 3's keys).
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read or a setting it does not support
     */
    public static IntegerLookup fromConfig(Map<String, Object> config) {
        Configs.Reader r = new Configs.Reader("IntegerLookup", config);
        Builder b = builder();
        LookupConfigs.read(r, b, LookupConfigs::integer);
        String dtype = r.string("vocabulary_dtype", "int64");
        if (!dtype.equals("int64")) {
            throw r.bad("vocabulary_dtype", dtype, "\"int64\" (Keras supports only int64)");
        }
        r.finish();
        return b.build();
    }

    /** Options of {@link IntegerLookup}. */
    public static final class Builder extends IndexLookup.Builder<Long, Builder> {
        private String oovMethod = "floormod";

        private Builder() {
            super(-1L);
        }

        /**
         * {@code oov_method}: how an unknown key picks among several OOV indices, {@code "floormod"} (default) or
         * {@code "farmhash"} (of the key's decimal text).
         */
        public Builder oovMethod(String oovMethod) {
            this.oovMethod = Objects.requireNonNull(oovMethod, "oovMethod");
            return this;
        }

        /** The lookup these options describe. */
        public IntegerLookup build() {
            if (!oovMethod.equals("floormod") && !oovMethod.equals("farmhash")) {
                throw bad("IntegerLookup", "Invalid value for argument `oov_method`. Expected one of "
                        + "['floormod', 'farmhash']. Received: oov_method=" + oovMethod);
            }
            if (saltValue() != null && !oovMethod.equals("farmhash")) {
                throw bad("IntegerLookup", "`salt` can only be used when `oov_method='farmhash'`. Received: "
                        + "oov_method=" + oovMethod);
            }
            validate("IntegerLookup");
            return new IntegerLookup(this);
        }
    }
}
