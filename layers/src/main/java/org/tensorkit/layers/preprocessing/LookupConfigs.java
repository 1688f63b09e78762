package org.tensorkit.layers.preprocessing;

import java.util.ArrayList;
import java.util.List;

import org.tensorkit.layers.Configs;

/** The config keys every lookup layer reads, Keras 3's ({@code index_lookup.py}'s {@code get_config}). */
final class LookupConfigs {
    private LookupConfigs() {
    }

    /** Converts one JSON value to a key, or throws the reader's error for {@code key}. */
    @FunctionalInterface
    interface KeyReader<K> {
        K read(Configs.Reader r, String key, Object value);
    }

    /** Reads the shared keys of {@code r} into {@code b}, keys converted by {@code keys}; the caller finishes. */
    static <K, B extends IndexLookup.Builder<K, B>> void read(Configs.Reader r, B b, KeyReader<K> keys) {
        b.name(r.string("name")).trainable(r.bool("trainable", true));
        r.raw("dtype"); // the layer's dtype policy: a lookup computes in its key and index types whatever it says
        b.invert(r.bool("invert", false));
        Long maxTokens = r.optionalInteger("max_tokens");
        if (maxTokens != null) {
            b.maxTokens(Math.toIntExact(maxTokens));
        }
        b.numOovIndices(Math.toIntExact(r.has("num_oov_indices") ? r.integer("num_oov_indices") : 1));
        if (r.has("mask_token")) {
            b.maskToken(keys.read(r, "mask_token", r.raw("mask_token")));
        }
        if (r.has("oov_token")) {
            b.oovToken(keys.read(r, "oov_token", r.raw("oov_token")));
        }
        b.outputMode(OutputMode.fromKerasName(r.string("output_mode", "int")));
        if (r.bool("sparse", false)) {
            throw r.bad("sparse", true, "false (tensorkit's outputs are dense)");
        }
        b.padToMaxTokens(r.bool("pad_to_max_tokens", false));
        if (r.has("vocabulary")) {
            Object v = r.raw("vocabulary");
            if (!(v instanceof List<?> list)) {
                throw r.bad("vocabulary", v, "a list of keys (a vocabulary file path is not read from a config)");
            }
            List<K> vocabulary = new ArrayList<>(list.size());
            for (Object x : list) {
                vocabulary.add(keys.read(r, "vocabulary", x));
            }
            b.vocabulary(vocabulary);
        }
        double[] idf = r.numbers("idf_weights");
        if (idf != null) {
            float[] weights = new float[idf.length];
            for (int i = 0; i < idf.length; i++) {
                weights[i] = (float) idf[i];
            }
            b.idfWeights(weights);
        }
        Long size = r.optionalInteger("vocabulary_size");
        if (size != null && !r.has("vocabulary")) { // the assets will give it: the output shape needs it first
            if (size < 1 || size > Integer.MAX_VALUE) {
                throw r.bad("vocabulary_size", size, "a positive int");
            }
            b.vocabularySize(size.intValue());
        }
        String method = r.string("oov_method", "floormod");
        if (!method.equals("floormod") && !method.equals("farmhash")) {
            throw r.bad("oov_method", method, "\"floormod\" or \"farmhash\"");
        }
        if (b instanceof IntegerLookup.Builder ib) {
            ib.oovMethod(method);
        }
        long[] salt = salt(r);
        if (salt != null) {
            b.salt(salt[0], salt[1]);
        }
    }

    /** {@code salt}: an integer (both halves of the key) or a pair, or null when absent. */
    static long[] salt(Configs.Reader r) {
        if (!r.has("salt")) {
            return null;
        }
        long[] salt = r.integers("salt", 0);
        if (salt.length != 1 && salt.length != 2) {
            throw r.bad("salt", r.raw("salt"), "an integer or a pair of integers");
        }
        return salt.length == 1 ? new long[] {salt[0], salt[0]} : salt;
    }

    /** A string key. */
    static String string(Configs.Reader r, String key, Object value) {
        if (!(value instanceof String s)) {
            throw r.bad(key, value, "a string");
        }
        return s;
    }

    /** An integer key. */
    static Long integer(Configs.Reader r, String key, Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        throw r.bad(key, value, "an integer");
    }
}
