package org.tensorkit.layers.preprocessing;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.internal.RowGather;
import org.tensorkit.core.internal.StringArrays;
import org.tensorkit.layers.CallContext;
import org.tensorkit.layers.Configs;
import org.tensorkit.layers.GradientSink;
import org.tensorkit.layers.SingleInputLayer;

/**
 * Splits each string on a literal separator into a padded bag of {@code maxValues} strings: a multi-valued column
 * such as {@code "Animation|Children's|Comedy"} becomes {@code ["Animation", "Children's", "Comedy", "", ...]},
 * ready for a {@link StringLookup} with {@code maskToken("")} and a masked {@code EmbedReduce}. Input
 * {@code (batch, 1)} or {@code (batch,)} strings, output {@code (batch, maxValues)} strings. A string with more
 * values than {@code maxValues} is refused, naming it and its position, unless {@code truncate} keeps the first
 * ones. An empty string has no values (all padding).
 *
 * <p>tensorkit's own layer (Keras has none that splits without a vocabulary): a model that contains it saves and
 * loads in tensorkit, and Keras cannot load that file.
 */
public final class StringSplit extends SingleInputLayer {
    private final String separator;
    private final int maxValues;
    private final String padValue;
    private final boolean truncate;
    private final Pattern pattern;

    private StringSplit(Builder b) {
        super(b);
        this.separator = b.separator;
        this.maxValues = b.maxValues;
        this.padValue = b.padValue;
        this.truncate = b.truncate;
        this.pattern = Pattern.compile(Pattern.quote(separator));
    }

    /** The options of a StringSplit: {@link Builder#separator} and {@link Builder#maxValues} are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected Shape inferOutputShape(Shape inputShape) {
        if (inputShape.rank() == 2 && inputShape.dim(1) == 1) {
            return Shape.of(inputShape.dim(0), maxValues);
        }
        if (inputShape.rank() == 1) {
            return inputShape.append(maxValues);
        }
        throw new IllegalArgumentException("StringSplit \"" + name() + "\" takes strings of shape (batch,) or "
                + "(batch, 1), got " + inputShape);
    }

    @Override
    protected DType outputDType(List<DType> inputDTypes) {
        checkInput(inputDTypes.get(0));
        return DType.STRING;
    }

    @Override
    protected INDArray doForward(INDArray input, CallContext context) {
        checkInput(DType.of(input.dataType()));
        String[] in = StringArrays.strings(input);
        String[] out = new String[in.length * maxValues];
        for (int r = 0; r < in.length; r++) {
            String[] values = in[r].isEmpty() ? new String[0] : pattern.split(in[r], -1);
            if (values.length > maxValues && !truncate) {
                throw new IllegalArgumentException("StringSplit \"" + name() + "\": '" + in[r] + "' at position "
                        + RowGather.position(r, input.shape(), context.rowOffset()) + " has " + values.length
                        + " values, more than maxValues " + maxValues + " (raise it, or truncate)");
            }
            for (int k = 0; k < maxValues; k++) {
                out[r * maxValues + k] = k < values.length ? values[k] : padValue;
            }
        }
        return StringArrays.of(out, new long[] {input.size(0), maxValues});
    }

    private void checkInput(DType dtype) {
        if (dtype != DType.STRING) {
            throw new IllegalArgumentException("StringSplit \"" + name() + "\" expects strings, got " + dtype
                    + " input");
        }
    }

    /** No gradient: strings. */
    @Override
    protected INDArray doBackward(INDArray input, INDArray outputGradient, CallContext context, GradientSink sink) {
        return null;
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        config.put("separator", separator);
        config.put("max_values", maxValues);
        config.put("pad_value", padValue);
        config.put("truncate", truncate);
    }

    /**
     * The StringSplit a {@link #config()} describes.
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read
     */
    public static StringSplit fromConfig(Map<String, Object> config) {
        Configs.Reader r = new Configs.Reader("StringSplit", config);
        Builder b = builder().name(r.string("name")).trainable(r.bool("trainable", true))
                .separator(r.string("separator")).maxValues(r.intValue("max_values"))
                .padValue(r.string("pad_value", "")).truncate(r.bool("truncate", false));
        r.finish();
        return b.build();
    }

    /** Options of {@link StringSplit}. */
    public static final class Builder extends org.tensorkit.layers.Layer.Builder<Builder> {
        private String separator;
        private int maxValues;
        private String padValue = "";
        private boolean truncate;

        private Builder() {
        }

        /** The separator, taken literally ({@code "|"}); required, not empty. */
        public Builder separator(String separator) {
            this.separator = Objects.requireNonNull(separator, "separator");
            return this;
        }

        /** The bag's length: values per string at most; required, positive. */
        public Builder maxValues(int maxValues) {
            this.maxValues = maxValues;
            return this;
        }

        /** What fills the bag after the values (default {@code ""}, a StringLookup's usual mask token). */
        public Builder padValue(String padValue) {
            this.padValue = Objects.requireNonNull(padValue, "padValue");
            return this;
        }

        /** Keep the first {@code maxValues} values of a longer string instead of refusing it. */
        public Builder truncate(boolean truncate) {
            this.truncate = truncate;
            return this;
        }

        /** The layer these options describe. */
        public StringSplit build() {
            if (separator == null || separator.isEmpty()) {
                throw new IllegalArgumentException("StringSplit: separator must be a non-empty string, got "
                        + (separator == null ? "none" : "\"\""));
            }
            if (maxValues <= 0) {
                throw new IllegalArgumentException("StringSplit: maxValues must be positive, got " + maxValues);
            }
            return new StringSplit(this);
        }
    }
}
