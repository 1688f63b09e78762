package org.tensorkit.layers.preprocessing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.ParallelRows;
import org.tensorkit.core.internal.StringArrays;
import org.tensorkit.layers.CallContext;
import org.tensorkit.layers.Configs;
import org.tensorkit.layers.internal.Utf8Index;

/**
 * Keras's {@code StringLookup}: maps strings to indices (or, inverted, indices to strings) through a vocabulary
 * given or adapted, with the index layout, out-of-vocabulary buckets and output modes of {@link IndexLookup}.
 *
 * <pre>{@code
 * StringLookup lookup = StringLookup.builder().vocabulary(List.of("a", "b", "c", "d")).build();
 * lookup.call(Tensor.of(new String[][] {{"a", "c", "d"}, {"d", "z", "b"}}));   // [[1 3 4] [4 0 2]], int64
 *
 * StringLookup learnt = StringLookup.create();
 * learnt.adapt(Tensor.of("a", "b", "b", "c", "c", "c"));
 * learnt.getVocabulary();                                                 // [[UNK], c, b, a]
 * }</pre>
 *
 * <p>Keys are hashed as TensorFlow hashes them: FarmHash Fingerprint64 of the UTF-8 bytes (SipHash-2-4 with a
 * salt) chooses the bucket of an unknown key among several OOV indices, so a model trained in Keras buckets the
 * same way here. The vocabulary index hashes each key once, and that hash also picks its OOV bucket.
 */
public final class StringLookup extends IndexLookup<String> {
    private StringLookup(Builder builder) {
        super(builder);
        initVocabulary(builder);
    }

    /** A lookup with Keras's defaults, to be {@link #adapt}ed. */
    public static StringLookup create() {
        return builder().build();
    }

    /** The options of a StringLookup, Keras's defaults to start with ({@code oov_token "[UNK]"}). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The lines of a vocabulary file (UTF-8, one key per line, trailing empty lines dropped as Keras drops them),
     * for {@link Builder#vocabulary(List)}.
     *
     * @throws IOException when the file cannot be read or is not UTF-8 (naming the file)
     */
    public static List<String> readVocabulary(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = PythonLines.utf8(Files.readAllBytes(file), "vocabulary file " + file);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\r\n|\n|\r", -1)));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** {@link #adapt(Tensor)} over keys that arrive one by one, each its own document. */
    public void adapt(Iterable<String> keys) {
        adaptKeys(keys);
    }

    /** {@link #adapt(Iterable)} over a stream. */
    public void adapt(Stream<String> keys) {
        Objects.requireNonNull(keys, "keys");
        adapt((Iterable<String>) keys::iterator);
    }

    @Override
    long[] indicesOf(INDArray input, State<String> state, CallContext context) {
        StringArrays.Utf8 keys = StringArrays.read(input);
        Utf8Index index = (Utf8Index) state.index();
        byte[] bytes = keys.bytes();
        byte[] mask = maskToken() == null ? null : maskToken().getBytes(StandardCharsets.UTF_8);
        long[] out = new long[keys.count()];
        int start = tokenStart();
        // keys are independent: large batches are split over ParallelRows (the index is read-only)
        long bad = ParallelRows.run(out.length, 4096, bytes.length + 16L * out.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int from = keys.start(i);
                int to = keys.end(i);
                long fingerprint = Utf8Index.fingerprint(bytes, from, to - from);
                int k = index.find(bytes, from, to, fingerprint);
                if (k >= 0) {
                    out[i] = start + k;
                } else if (mask != null && Arrays.equals(bytes, from, to, mask, 0, mask.length)) {
                    out[i] = maskIndex();
                } else if (numOovIndices() == 0) {
                    return i;
                } else {
                    out[i] = oovIndex(keyHash().hash(bytes, from, to - from, fingerprint), true);
                }
            }
            return -1;
        });
        if (bad >= 0) {
            throw unknownKey("'" + keys.string((int) bad) + "'", (int) bad, input, context);
        }
        return out;
    }

    @Override
    INDArray keysOf(INDArray input, State<String> state, CallContext context) {
        long[] indices = IntegerInputs.read(this, input, context);
        String[] out = new String[indices.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = keyAt(indices[i], state.tokens());
        }
        return StringArrays.of(out, input.shape());
    }

    @Override
    String parseKey(String text, int line) {
        return text;
    }

    @Override
    Object buildIndex(List<String> tokens) {
        return new Utf8Index(tokens);
    }

    /**
     * Keras sorts the keys' UTF-8 bytes, which is code point order: UTF-16 order except that a surrogate pair (a
     * code point above U+FFFF) sorts after every other char, as ICU's {@code compareCodePointOrder} fixes up.
     */
    @Override
    Comparator<String> keyOrder() {
        return StringLookup::compareCodePoints;
    }

    static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return fixUp(x) - fixUp(y);
            }
        }
        return a.length() - b.length();
    }

    /** Moves surrogates above U+E000..U+FFFF, so that char order becomes code point order. */
    private static int fixUp(char c) {
        return c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
    }

    @Override
    List<String> keys(Tensor data) {
        if (data.dtype() != DType.STRING) {
            throw new IllegalArgumentException(describe() + ": adapt needs string data, got " + data.dtype()
                    + " of shape " + data.shape());
        }
        return Arrays.asList(data.toStringArray());
    }

    @Override
    DType keyDType() {
        return DType.STRING;
    }

    @Override
    void checkInputDType(DType dtype) {
        if (isInvert() ? !dtype.isInteger() && !dtype.isFloatingPoint() : dtype != DType.STRING) {
            throw new IllegalArgumentException(describe() + " expects " + (isInvert() ? "integer indices"
                    : "strings (Input dtype string)") + ", got " + dtype + " input");
        }
    }

    @Override
    String show(Object key) {
        return "'" + key + "'";
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        super.addConfig(config);
        config.put("encoding", "utf-8");
    }

    /**
     * The StringLookup a {@link #config()} describes (Keras 3's keys; {@code vocabulary} inline, or absent for a
     * vocabulary that a {@code .keras} file keeps among its assets).
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read or a setting it does not support
     */
    public static StringLookup fromConfig(Map<String, Object> config) {
        Configs.Reader r = new Configs.Reader("StringLookup", config);
        Builder b = builder();
        LookupConfigs.read(r, b, LookupConfigs::string);
        String encoding = r.string("encoding", "utf-8");
        if (!encoding.equalsIgnoreCase("utf-8") && !encoding.equalsIgnoreCase("utf8")) {
            throw r.bad("encoding", encoding, "\"utf-8\" (tensorkit's strings are UTF-8)");
        }
        r.finish();
        return b.build();
    }

    /** Options of {@link StringLookup}. */
    public static final class Builder extends IndexLookup.Builder<String, Builder> {
        private Builder() {
            super("[UNK]");
        }

        /** The lookup these options describe. */
        public StringLookup build() {
            validate("StringLookup");
            return new StringLookup(this);
        }
    }
}
