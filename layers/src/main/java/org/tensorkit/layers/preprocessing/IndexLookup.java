package org.tensorkit.layers.preprocessing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.RowGather;
import org.tensorkit.layers.CallContext;
import org.tensorkit.layers.GradientSink;
import org.tensorkit.layers.LayerAssets;
import org.tensorkit.layers.LayerVariables;
import org.tensorkit.layers.SingleInputLayer;

/**
 * The machinery of Keras's lookup layers ({@code keras/src/layers/preprocessing/index_lookup.py}), shared by
 * {@link StringLookup} and {@link IntegerLookup}: a vocabulary of keys, given or learnt by {@code adapt}, mapped to
 * indices, with Keras's index layout, out-of-vocabulary buckets, mask, inversion and output modes.
 *
 * <p><b>Index layout.</b> The mask (when a mask token is set, in int mode) is index 0; then come
 * {@code num_oov_indices} out-of-vocabulary (OOV) indices; then the vocabulary in its order. With the defaults
 * (no mask, one OOV index) the OOV token {@code [UNK]} is 0 and the first real key is 1. A key that is not in the
 * vocabulary goes to the one OOV index, or, with several, to a bucket its hash chooses (as TensorFlow's
 * {@code to_hash_bucket_fast}); with {@code num_oov_indices = 0} it is refused, naming the key and its position.
 * Outside int mode a masked element counts nowhere.
 *
 * <p><b>Learning a vocabulary.</b> {@code adapt} counts the keys and orders them by count, most frequent first,
 * ties broken by key in descending order (Keras's {@code np.lexsort((tokens, counts))[::-1]}), then keeps as many
 * as {@code max_tokens} allows (it counts the special indices too). A vocabulary given directly keeps its order.
 *
 * <p>A lookup has no weights: its summary row counts 0 parameters. Its vocabulary is saved with the model: in the
 * layer's config when it was given, else as the {@code .keras} file's {@code assets/.../vocabulary.txt}, as Keras
 * does. Unlike Keras, a later {@code setVocabulary} on a layer built with a vocabulary also updates what the
 * config saves (Keras would save the first vocabulary).
 *
 * @param <K> the key type: {@code String} or {@code Long}
 */
public abstract class IndexLookup<K> extends SingleInputLayer implements LayerAssets, LayerVariables {
    /** The name of the asset that holds a learnt vocabulary, one key per line, as Keras writes it. */
    public static final String VOCABULARY_ASSET = "vocabulary.txt";

    private final Integer maxTokens;
    private final int numOovIndices;
    private final K maskToken;
    private final K oovToken;
    private final OutputMode outputMode;
    private final boolean padToMaxTokens;
    private final boolean invert;
    private final long[] salt;
    /** The hash of unknown keys' buckets (FarmHash, or SipHash with the salt). */
    private final KeyHash keyHash;
    private final boolean hasInputVocabulary;
    private volatile State<K> state;
    /**
     * The vocabulary size the output shape was computed with ({@code vocabulary_size} in the config): known before
     * the vocabulary itself when a saved model's vocabulary comes from its assets.
     */
    private volatile Integer frozenSize;

    /**
     * The vocabulary and what is derived from it, replaced as a whole.
     *
     * @param given      the vocabulary as last given (config), or null when adapted
     * @param tokens     the keys, without the special tokens
     * @param index      the subclass's index of {@code tokens}
     * @param idfWeights tf-idf weights, one per output index, or null
     * @param counts     how often adapt saw each of {@code tokens}, or null when the vocabulary was not adapted
     */
    record State<K>(List<K> given, List<K> tokens, Object index, float[] idfWeights, long[] counts) {
    }

    /** Takes the builder's settings (already validated by {@link Builder#validate}) and vocabulary. */
    protected IndexLookup(Builder<K, ?> builder) {
        super(builder);
        this.maxTokens = builder.maxTokens;
        this.numOovIndices = builder.numOovIndices;
        this.maskToken = builder.maskToken;
        this.oovToken = builder.oovToken;
        this.outputMode = builder.outputMode;
        this.padToMaxTokens = builder.padToMaxTokens;
        this.invert = builder.invert;
        this.salt = builder.salt == null ? null : builder.salt.clone();
        this.keyHash = KeyHash.of(salt);
        this.hasInputVocabulary = builder.vocabulary != null;
        this.frozenSize = builder.vocabularySize;
    }

    /**
     * Sets the builder's vocabulary, if it has one: for the subclass's constructor to call once its own fields are
     * set (the index needs them).
     */
    protected final void initVocabulary(Builder<K, ?> builder) {
        if (builder.vocabulary != null) {
            install(newState(builder.vocabulary, builder.idfWeights, true));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Settings

    /** {@code max_tokens}: the largest vocabulary, special indices included; null for no limit. */
    public final Integer maxTokens() {
        return maxTokens;
    }

    /** {@code num_oov_indices}. */
    public final int numOovIndices() {
        return numOovIndices;
    }

    /** {@code mask_token}, or null when there is none. */
    public final K maskToken() {
        return maskToken;
    }

    /** {@code oov_token}: what an inverted lookup returns for an index outside the vocabulary. */
    public final K oovToken() {
        return oovToken;
    }

    /** {@code output_mode}. */
    public final OutputMode outputMode() {
        return outputMode;
    }

    /** {@code invert}: whether the layer maps indices back to keys. */
    public final boolean isInvert() {
        return invert;
    }

    /** {@code pad_to_max_tokens}: whether encodings have {@code max_tokens} columns whatever the vocabulary. */
    public final boolean padToMaxTokens() {
        return padToMaxTokens;
    }

    /** The hash of unknown keys' buckets: FarmHash Fingerprint64, or SipHash-2-4 with the salt. */
    final KeyHash keyHash() {
        return keyHash;
    }

    // ---------------------------------------------------------------------------------------------
    // Vocabulary

    /** Keras's {@code vocabulary_size()}: the number of indices, special ones included. */
    public final int vocabularySize() {
        State<K> s = state;
        return tokenStart() + (s == null ? 0 : s.tokens().size());
    }

    /** {@link #getVocabulary(boolean) getVocabulary(true)}. */
    public final List<K> getVocabulary() {
        return getVocabulary(true);
    }

    /**
     * Keras's {@code get_vocabulary}: the key of every index in index order, the mask and OOV tokens included
     * when {@code includeSpecialTokens} (each OOV index shows the OOV token), else the keys alone.
     */
    public final List<K> getVocabulary(boolean includeSpecialTokens) {
        State<K> s = state;
        List<K> out = new ArrayList<>(vocabularySize());
        if (includeSpecialTokens) {
            for (int i = 0; i < oovStart(); i++) {
                out.add(maskToken);
            }
            for (int i = 0; i < numOovIndices; i++) {
                out.add(oovToken);
            }
        }
        if (s != null) {
            out.addAll(s.tokens());
        }
        return Collections.unmodifiableList(out);
    }

    /** Whether the layer has a vocabulary (given, set or adapted). */
    public final boolean hasVocabulary() {
        return state != null;
    }

    /**
     * How often {@code adapt} saw each vocabulary key, in {@link #getVocabulary(boolean) getVocabulary(false)}'s
     * order (a copy), or null when the vocabulary was given, set or loaded rather than adapted in this JVM (Keras
     * keeps no counts, and neither do its files). A pretrained table's coverage report weighs its hits by them.
     */
    public final long[] vocabularyCounts() {
        State<K> s = state;
        return s == null || s.counts() == null ? null : s.counts().clone();
    }

    /** The tf-idf weight of every output index (a copy), or null outside tf-idf mode or before a vocabulary. */
    public final float[] idfWeights() {
        State<K> s = state;
        return s == null || s.idfWeights() == null ? null : s.idfWeights().clone();
    }

    /**
     * {@link #setVocabulary(List, float[])} without idf weights.
     *
     * @throws IllegalArgumentException as Keras refuses a vocabulary (see {@link #setVocabulary(List, float[])})
     */
    public final void setVocabulary(List<K> vocabulary) {
        setVocabulary(vocabulary, null);
    }

    /**
     * Keras's {@code set_vocabulary}: replaces the vocabulary by {@code vocabulary}, in its order, which may start
     * with the special tokens in their places ({@code [mask] + [oov] * num_oov_indices}). Refused, changing nothing:
     * an empty vocabulary, a null key, a repeated key, the mask token (or, when inverting, the OOV token) elsewhere,
     * more keys than {@code max_tokens} allows, idf weights outside tf-idf mode or missing in it, and, once the
     * layer has been called outside int mode without {@code pad_to_max_tokens}, a vocabulary of another size.
     */
    public final synchronized void setVocabulary(List<K> vocabulary, float[] idfWeights) {
        Objects.requireNonNull(vocabulary, "vocabulary");
        checkIdfArgument(idfWeights, "set_vocabulary");
        install(newState(vocabulary, idfWeights, hasInputVocabulary));
    }

    /**
     * Learns the vocabulary from {@code data}: Keras's {@code adapt}. A rank-0 or rank-1 tensor holds one key per
     * document, a tensor of rank 2 or more one document per row of its last axis (documents matter to tf-idf only).
     *
     * @throws IllegalArgumentException for data of the wrong dtype, or without a single key
     * @throws IllegalStateException    for a layer given a vocabulary at construction (Keras's rule)
     */
    public final void adapt(Tensor data) {
        Objects.requireNonNull(data, "data");
        List<K> keys = keys(data);
        if (data.rank() <= 1) {
            adaptKeys(keys);
        } else {
            int width = Math.toIntExact(data.shape().dim(-1));
            List<List<K>> documents = new ArrayList<>();
            for (int i = 0; width > 0 && i < keys.size(); i += width) {
                documents.add(keys.subList(i, i + width));
            }
            adaptDocuments(documents);
        }
    }

    /**
     * Learns the vocabulary from documents of keys (for tf-idf, each inner list is one document; otherwise only
     * the counts matter): the form {@link #adapt(Tensor)} and the key-typed {@code adapt} methods reduce to.
     *
     * @throws IllegalArgumentException for a null key (naming its document and position), or no key at all
     * @throws IllegalStateException    for a layer given a vocabulary at construction
     */
    public final void adaptDocuments(Iterable<? extends List<K>> documents) {
        Objects.requireNonNull(documents, "documents");
        adaptWith(counts -> {
            for (List<K> document : documents) {
                counts.addDocument(document);
            }
        });
    }

    /**
     * Learns the vocabulary from keys given one by one, each its own document (no list per key is made): what the
     * key-typed {@code adapt} methods call.
     */
    final void adaptKeys(Iterable<? extends K> keys) {
        Objects.requireNonNull(keys, "keys");
        adaptWith(counts -> {
            for (K key : keys) {
                counts.addKey(key);
            }
        });
    }


    /**
     * Installs the vocabulary {@code adapt} would learn from data in which each key occurs {@code counts.get(key)}
     * times: Keras's order (count descending, ties by key descending) and its {@code max_tokens} rule, the mask and
     * OOV tokens left out. The form distributed counting reduces to (a Spark job counts the keys of a column, and
     * this gives exactly the vocabulary {@code adapt} gives on the same data in one JVM).
     *
     * @param counts each key's number of occurrences (at least 1)
     * @throws IllegalArgumentException if a count is below 1, a key is null, no key is left, or the layer is in
     *     tf-idf mode (which needs each key's document count as well)
     * @throws IllegalStateException if the layer was given its vocabulary
     */
    public final void adaptCounts(Map<K, Long> counts) {
        Objects.requireNonNull(counts, "counts");
        if (outputMode == OutputMode.TF_IDF) {
            throw new IllegalArgumentException(describe() + ": adaptCounts cannot learn tf_idf weights, which need "
                    + "each key's document count; adapt the documents instead");
        }
        for (Map.Entry<K, Long> e : counts.entrySet()) {
            if (e.getKey() == null) {
                throw new IllegalArgumentException(describe() + ": adaptCounts: a key is null");
            }
            if (e.getValue() == null || e.getValue() < 1) {
                throw new IllegalArgumentException(describe() + ": adaptCounts: key " + show(e.getKey())
                        + " has count " + e.getValue() + "; counts are at least 1");
            }
        }
        adaptWith(c -> counts.forEach((key, n) -> {
            c.counts.computeIfAbsent(key, k -> new long[1])[0] += n;
            c.documents += n;
        }));
    }

    /** Counts what {@code feed} gives, then installs the vocabulary Keras's {@code finalize_state} would. */
    private synchronized void adaptWith(java.util.function.Consumer<Counts<K>> feed) {
        if (hasInputVocabulary) {
            throw new IllegalStateException("Cannot adapt layer '" + name() + "' after setting a static vocabulary "
                    + "via `vocabulary` argument or `set_vocabulary()` method.");
        }
        Counts<K> c = new Counts<>(this, outputMode == OutputMode.TF_IDF);
        feed.accept(c);
        Map<K, long[]> counts = c.counts;
        if (maskToken != null) {
            counts.remove(maskToken);
        }
        if (oovToken != null) {
            counts.remove(oovToken);
        }
        if (counts.isEmpty()) {
            throw new IllegalArgumentException(describe() + ": adapt found no keys in " + c.documents
                    + " document(s); a vocabulary needs at least one key");
        }
        List<K> tokens = ordered(counts);
        int keep = maxTokens == null ? tokens.size() : Math.min(tokens.size(), Math.max(0, maxTokens - tokenStart()));
        tokens = tokens.subList(0, keep);
        float[] idf = null;
        if (c.documentCounts != null) {
            float[] learnt = new float[keep];
            double sum = 0;
            for (int i = 0; i < keep; i++) {
                long df = c.documentCounts.get(tokens.get(i))[0];
                learnt[i] = (float) Math.log(1 + (double) c.documents / (1 + df));
                sum += learnt[i];
            }
            idf = paddedIdf(learnt, tokenStart(), (float) (sum / keep));
        }
        long[] seen = new long[keep];
        for (int i = 0; i < keep; i++) {
            seen[i] = counts.get(tokens.get(i))[0];
        }
        install(new State<>(null, List.copyOf(tokens), buildIndex(tokens), idf, seen));
    }

    /**
     * The keys by count, most frequent first, ties by key in descending order (Keras's
     * {@code np.lexsort((tokens, counts))[::-1]}). The counts are sorted as packed primitives, which touch memory in
     * order; only the keys of equal counts are compared as keys.
     */
    private List<K> ordered(Map<K, long[]> counts) {
        int n = counts.size();
        @SuppressWarnings("unchecked")
        K[] keys = (K[]) new Object[n];
        long[] count = new long[n];
        int i = 0;
        for (Map.Entry<K, long[]> e : counts.entrySet()) {
            keys[i] = e.getKey();
            count[i] = e.getValue()[0];
            i++;
        }
        long[] packed = new long[n];
        if (Arrays.stream(count).max().orElse(0) <= Integer.MAX_VALUE) {
            for (int k = 0; k < n; k++) {
                // descending count first: the complement sorts ascending; the low 32 bits keep the key's slot
                packed[k] = (Integer.MAX_VALUE - count[k]) << 32 | k;
            }
            Arrays.sort(packed);
        } else { // counts beyond 2^31 - 1: the same order by comparison
            Integer[] order = new Integer[n];
            Arrays.setAll(order, k -> k);
            Arrays.sort(order, (a, b) -> Long.compare(count[b], count[a]));
            for (int k = 0; k < n; k++) {
                packed[k] = (long) k << 32 | order[k]; // ties are told apart below by count, not by the high bits
            }
        }
        List<K> out = new ArrayList<>(n);
        Comparator<K> descending = keyOrder().reversed();
        for (int start = 0; start < n; ) {
            int end = start + 1;
            while (end < n && count[(int) packed[end]] == count[(int) packed[start]]) {
                end++;
            }
            List<K> run = new ArrayList<>(end - start);
            for (int k = start; k < end; k++) {
                run.add(keys[(int) packed[k]]);
            }
            run.sort(descending);
            out.addAll(run);
            start = end;
        }
        return out;
    }

    /** What adapt counts: each key's occurrences and, for tf-idf, the documents it occurs in. */
    private static final class Counts<K> {
        private final IndexLookup<K> layer;
        private final Map<K, long[]> counts = new HashMap<>();
        private final Map<K, long[]> documentCounts;
        private long documents;

        Counts(IndexLookup<K> layer, boolean byDocument) {
            this.layer = layer;
            this.documentCounts = byDocument ? new HashMap<>() : null;
        }

        void addKey(K key) {
            if (key == null) {
                throw nullKey(documents);
            }
            counts.computeIfAbsent(key, k -> new long[1])[0]++;
            if (documentCounts != null) {
                documentCounts.computeIfAbsent(key, k -> new long[1])[0]++;
            }
            documents++;
        }

        private IllegalArgumentException nullKey(long position) {
            return new IllegalArgumentException(layer.describe() + ": adapt: key " + position + " is null");
        }

        void addDocument(List<K> document) {
            Set<K> seen = documentCounts != null ? new HashSet<>() : null;
            for (int i = 0; i < document.size(); i++) {
                K key = document.get(i);
                if (key == null) {
                    throw new IllegalArgumentException(layer.describe() + ": adapt: key " + i + " of document "
                            + documents + " is null");
                }
                counts.computeIfAbsent(key, k -> new long[1])[0]++;
                if (seen != null && seen.add(key)) {
                    documentCounts.computeIfAbsent(key, k -> new long[1])[0]++;
                }
            }
            documents++;
        }
    }

    /** Makes {@code next} the vocabulary, unless its size contradicts the one the layer's outputs were shaped by. */
    private void install(State<K> next) {
        checkSizeUnchanged(next.tokens().size());
        this.state = next;
        this.frozenSize = tokenStart() + next.tokens().size();
    }

    private State<K> newState(List<K> vocabulary, float[] idfWeights, boolean keepGiven) {
        if (vocabulary.isEmpty()) {
            throw new IllegalArgumentException(describe() + ": Cannot set an empty vocabulary. Received: "
                    + "vocabulary=[]");
        }
        for (int i = 0; i < vocabulary.size(); i++) {
            if (vocabulary.get(i) == null) {
                throw new IllegalArgumentException(describe() + ": vocabulary[" + i + "] is null");
            }
        }
        List<K> special = new ArrayList<>();
        for (int i = 0; i < oovStart(); i++) {
            special.add(maskToken);
        }
        for (int i = 0; i < numOovIndices; i++) {
            special.add(oovToken);
        }
        int start = tokenStart();
        boolean foundSpecial = vocabulary.size() >= start && vocabulary.subList(0, start).equals(special);
        List<K> tokens = List.copyOf(foundSpecial ? vocabulary.subList(start, vocabulary.size()) : vocabulary);
        Map<K, Integer> seen = new LinkedHashMap<>();
        List<K> repeated = new ArrayList<>();
        for (K t : tokens) {
            if (seen.merge(t, 1, Integer::sum) == 2) {
                repeated.add(t);
            }
        }
        if (!repeated.isEmpty()) {
            throw new IllegalArgumentException(describe() + ": The passed vocabulary has at least one repeated term. "
                    + "Please uniquify your dataset. The repeated terms are: " + show(repeated));
        }
        checkReserved(vocabulary, tokens, maskToken, "mask_token", special);
        if (invert) {
            checkReserved(vocabulary, tokens, oovToken, "oov_token", special);
        }
        int size = start + tokens.size();
        if (maxTokens != null && size > maxTokens) {
            throw new IllegalArgumentException(describe() + ": Attempted to set a vocabulary larger than the maximum "
                    + "vocab size. Received vocabulary size is " + size + "; `max_tokens` is " + maxTokens + ".");
        }
        float[] idf = null;
        if (outputMode == OutputMode.TF_IDF) {
            if (idfWeights.length != vocabulary.size()) {
                throw new IllegalArgumentException(describe() + ": `idf_weights` must be the same length as "
                        + "vocabulary. len(idf_weights) is " + idfWeights.length + "; len(vocabulary) is "
                        + vocabulary.size());
            }
            double sum = 0;
            for (float w : idfWeights) {
                sum += w;
            }
            idf = foundSpecial ? paddedIdf(idfWeights, 0, 0) : paddedIdf(idfWeights, start,
                    (float) (sum / idfWeights.length));
        }
        return new State<>(keepGiven ? List.copyOf(vocabulary) : null, tokens, buildIndex(tokens), idf, null);
    }

    private void checkReserved(List<K> vocabulary, List<K> tokens, K token, String key, List<K> special) {
        if (token != null && tokens.contains(token)) {
            throw new IllegalArgumentException(describe() + ": Found reserved " + (key.equals("mask_token") ? "mask"
                    : "OOV") + " token at unexpected location in `vocabulary`. Note that passed `vocabulary` does "
                    + "not need to include the OOV and mask tokens. Either remove all mask and OOV tokens, or include "
                    + "them only at the start of the vocabulary in precisely this order: " + show(special)
                    + ". Received: " + key + "=" + show(token) + " at vocabulary index "
                    + vocabulary.lastIndexOf(token));
        }
    }

    /** The idf weights with {@code front} copies of {@code frontValue} before, and zeros up to max_tokens after. */
    private float[] paddedIdf(float[] weights, int front, float frontValue) {
        int length = front + weights.length;
        int total = padToMaxTokens ? Math.max(maxTokens, length) : length;
        float[] out = new float[total];
        Arrays.fill(out, 0, front, frontValue);
        System.arraycopy(weights, 0, out, front, weights.length);
        return out;
    }

    private void checkIdfArgument(float[] idfWeights, String what) {
        if (outputMode == OutputMode.TF_IDF && idfWeights == null) {
            throw new IllegalArgumentException(describe() + ": `idf_weights` must be set if output_mode is "
                    + "'tf_idf'.");
        }
        if (outputMode != OutputMode.TF_IDF && idfWeights != null) {
            throw new IllegalArgumentException(describe() + ": `idf_weights` should only be set if output_mode is "
                    + "`'tf_idf'`. Received: output_mode=" + outputMode + " (" + what + ")");
        }
    }

    private void checkSizeUnchanged(int tokens) {
        Integer old = frozenSize;
        if (outputMode == OutputMode.INT || padToMaxTokens || inboundNodes().isEmpty() || old == null) {
            return;
        }
        int next = tokenStart() + tokens;
        if (old != next) {
            throw new IllegalStateException("When using `output_mode=" + outputMode + "` and "
                    + "`pad_to_max_tokens=False`, the vocabulary size cannot be changed after the layer is called. "
                    + "Old vocab size is " + old + ", new vocab size is " + next + " (layer \"" + name() + "\")");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Indices

    /** The first OOV index: 1 when a mask token takes index 0 (int mode), else 0. */
    public final int oovStart() {
        return maskToken != null && outputMode == OutputMode.INT ? 1 : 0;
    }

    /** The index of the vocabulary's first key: the mask index (if any) and the OOV indices come before it. */
    public final int tokenStart() {
        return oovStart() + numOovIndices;
    }

    /**
     * The index of a key outside the vocabulary, given the unsigned hash (or, for integers under floormod, the
     * value) the subclass computed: the one OOV index, or the bucket {@code hash mod num_oov_indices} after
     * {@link #oovStart()}. Only for {@code num_oov_indices >= 1}.
     */
    protected final long oovIndex(long bucketOf, boolean unsigned) {
        if (numOovIndices == 1) {
            return oovStart();
        }
        long bucket = unsigned ? Long.remainderUnsigned(bucketOf, numOovIndices) : Math.floorMod(bucketOf,
                numOovIndices);
        return oovStart() + bucket;
    }

    /** The index a masked element maps to: 0 in int mode; elsewhere it counts nowhere. */
    protected final long maskIndex() {
        return outputMode == OutputMode.INT ? 0 : Encodings.DROPPED;
    }

    /** The key of {@code index} for an inverted lookup: the mask at 0 (when set), a vocabulary key, else the OOV token. */
    final K keyAt(long index, List<K> tokens) {
        int start = tokenStart();
        if (maskToken != null && index == 0) {
            return maskToken;
        }
        return index >= start && index < start + tokens.size() ? tokens.get((int) (index - start)) : oovToken;
    }

    /** The refusal of a key outside the vocabulary when there is no OOV index (Keras's message, with the position). */
    final IllegalArgumentException unknownKey(String shownKey, int position, INDArray input, CallContext context) {
        return new IllegalArgumentException(describe() + ": key " + shownKey + " at position "
                + RowGather.position(position, input.shape(), context.rowOffset()) + " is not in the vocabulary. "
                + "When `num_oov_indices=0` all inputs should be in vocabulary, consider setting "
                + "`num_oov_indices=1`.");
    }

    /** The state for a call: refuses a call before the layer has a vocabulary. */
    final State<K> requireState() {
        State<K> s = state;
        if (s == null) {
            throw new IllegalStateException(describe() + " has no vocabulary: pass one to the builder, call "
                    + "setVocabulary, or adapt it to data before calling it");
        }
        return s;
    }

    /** The number of columns of an encoding: {@code max_tokens} when padded, else the vocabulary size. */
    private long depth() {
        if (padToMaxTokens) {
            return maxTokens;
        }
        Integer frozen = frozenSize;
        if (frozen != null) {
            return frozen;
        }
        throw new IllegalStateException("When using `output_mode=" + outputMode + "` and "
                + "`pad_to_max_tokens=False`, you must set the layer's vocabulary before calling it. Either pass "
                + "a `vocabulary` argument to the layer, or call `adapt` with some sample data (layer \""
                + name() + "\").");
    }

    // ---------------------------------------------------------------------------------------------
    // Layer hooks

    @Override
    protected final Shape inferOutputShape(Shape inputShape) {
        return Encodings.outputShape(inputShape, outputMode, outputMode == OutputMode.INT ? 0 : depth());
    }

    @Override
    protected final DType outputDType(List<DType> inputDTypes) {
        checkInputDType(inputDTypes.get(0));
        if (invert) {
            return keyDType();
        }
        return outputMode == OutputMode.INT ? DType.INT64 : DType.FLOAT32;
    }

    @Override
    protected final INDArray doForward(INDArray input, CallContext context) {
        State<K> s = requireState();
        checkInputDType(DType.of(input.dataType()));
        if (invert) {
            return keysOf(input, s, context);
        }
        long[] indices = indicesOf(input, s, context);
        int depth = outputMode == OutputMode.INT ? 0 : Math.toIntExact(depth());
        return Encodings.encode(indices, input.shape(), outputMode, depth, s.idfWeights());
    }

    /** A lookup has no gradient: keys and indices are not differentiable, and it has no weights. */
    @Override
    protected final INDArray doBackward(INDArray input, INDArray outputGradient, CallContext context,
                                        GradientSink sink) {
        return null;
    }

    /** The index of each element of {@code input} in C order (int-mode indices; a masked one {@link #maskIndex}). */
    abstract long[] indicesOf(INDArray input, State<K> state, CallContext context);

    /** The keys of the indices in {@code input} (an inverted lookup), as an array of {@link #keyDType()}. */
    abstract INDArray keysOf(INDArray input, State<K> state, CallContext context);

    /** The subclass's index of {@code tokens}, kept in the state. */
    abstract Object buildIndex(List<K> tokens);

    /** The order of keys that breaks ties among equal counts (Keras sorts the tokens' bytes or values). */
    abstract Comparator<K> keyOrder();

    /** The keys of a tensor for {@link #adapt(Tensor)} in C order, refusing data of the wrong dtype. */
    abstract List<K> keys(Tensor data);

    /** The dtype of keys: {@code string} or {@code int64}. */
    abstract DType keyDType();

    /** Refuses an input dtype the layer cannot read, naming the layer. */
    abstract void checkInputDType(DType dtype);

    /** The layer as messages name it: {@code StringLookup "string_lookup"}. */
    final String describe() {
        return getClass().getSimpleName() + " \"" + name() + "\"";
    }

    /** A key as Python would show it in a message ({@code 'a'} or {@code 3}). */
    abstract String show(Object key);

    /** A list of keys as Python would show it. */
    final String show(List<K> keys) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < keys.size(); i++) {
            b.append(i > 0 ? ", " : "").append(show(keys.get(i)));
        }
        return b.append(']').toString();
    }

    // ---------------------------------------------------------------------------------------------
    // Assets

    /**
     * A learnt (or set) vocabulary that the config does not hold, as Keras's {@code vocabulary.txt}: every index's
     * key, special tokens first, one per line, no final newline.
     *
     * @throws IllegalStateException for a key that holds a line break (it would not read back), naming the layer
     */
    @Override
    public final Map<String, byte[]> saveAssets() {
        State<K> s = state;
        if (s == null || s.given() != null) {
            return Map.of();
        }
        StringBuilder text = new StringBuilder();
        List<K> vocabulary = getVocabulary(true);
        for (int i = 0; i < vocabulary.size(); i++) {
            String line = String.valueOf(vocabulary.get(i));
            if (PythonLines.hasBreak(line)) {
                throw new IllegalStateException(describe() + ": vocabulary key " + i + " " + show(vocabulary.get(i))
                        + " holds a line break, which " + VOCABULARY_ASSET + " cannot keep");
            }
            text.append(i > 0 ? "\n" : "").append(line);
        }
        return Map.of(VOCABULARY_ASSET, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads {@code vocabulary.txt} as Keras's {@code load_assets} does (Python's {@code splitlines}, trailing empty
     * lines dropped) when the config held no vocabulary.
     *
     * @throws IllegalArgumentException when the file is missing though the config declares a vocabulary size, is
     *                                  not UTF-8, holds a key that does not parse, or gives another size
     */
    @Override
    public final synchronized void loadAssets(Map<String, byte[]> files) {
        if (state != null && state.given() != null) {
            return; // the config held the vocabulary
        }
        byte[] file = files.get(VOCABULARY_ASSET);
        if (file == null) {
            if (frozenSize != null) {
                throw new IllegalArgumentException(describe() + ": the config declares a vocabulary of " + frozenSize
                        + " but there is no " + VOCABULARY_ASSET + " among its assets");
            }
            return;
        }
        List<String> lines = PythonLines.split(PythonLines.utf8(file, describe() + " " + VOCABULARY_ASSET));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        List<K> keys = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            keys.add(parseKey(lines.get(i), i));
        }
        Integer declared = frozenSize;
        float[] idf = loadedIdf;
        if (outputMode == OutputMode.TF_IDF && idf == null) {
            throw new IllegalArgumentException(describe() + ": a tf_idf lookup's " + VOCABULARY_ASSET + " needs its "
                    + "idf_weights variable, which the weights file does not have");
        }
        State<K> next = newState(keys, idf, false);
        int size = tokenStart() + next.tokens().size();
        if (declared != null && declared != size) {
            throw new IllegalArgumentException(describe() + ": " + VOCABULARY_ASSET + " gives a vocabulary of " + size
                    + ", the config declares " + declared);
        }
        install(next);
    }

    /** The idf weights read by {@link #loadVariables}, for the vocabulary {@link #loadAssets} reads next. */
    private volatile float[] loadedIdf;

    /** Keras's {@code save_own_variables}: a tf-idf lookup's idf weights (one per index), else nothing. */
    @Override
    public final Map<String, Tensor> saveVariables() {
        float[] idf = idfWeights();
        return idf == null ? Map.of() : Map.of("idf_weights", Tensor.of(idf));
    }

    /**
     * Keras's {@code load_own_variables}: a tf-idf lookup's {@code idf_weights}, installed in the vocabulary the
     * layer has, or kept for the one its assets give next (a vocabulary in the config has its idf weights there
     * too, and keeps those).
     *
     * @throws IllegalArgumentException for tf-idf weights that are missing, not 1-D, or of another length than the
     *                                  layer's vocabulary needs
     */
    @Override
    public final Runnable prepareVariables(Map<String, Tensor> variables) {
        if (outputMode != OutputMode.TF_IDF) {
            return () -> { };
        }
        State<K> s = state;
        Tensor t = variables.get("idf_weights");
        if (t == null || t.rank() != 1) {
            if (s != null && s.given() != null) {
                return () -> { }; // the config's idf weights stand
            }
            throw new IllegalArgumentException(describe() + ": a tf_idf lookup needs a 1-D idf_weights variable, got "
                    + (t == null ? "none" : "shape " + t.shape()));
        }
        float[] idf = t.cast(DType.FLOAT32).toFloatArray();
        if (s == null) {
            return () -> loadedIdf = idf;
        }
        if (idf.length != s.idfWeights().length) {
            throw new IllegalArgumentException(describe() + ": idf_weights holds " + idf.length + " values; the "
                    + "vocabulary needs " + s.idfWeights().length);
        }
        return () -> {
            synchronized (this) {
                state = new State<>(s.given(), s.tokens(), s.index(), idf, s.counts());
            }
        };
    }

    /** A key of {@code vocabulary.txt}, line {@code line}; refuses one that does not parse. */
    abstract K parseKey(String text, int line);

    // ---------------------------------------------------------------------------------------------
    // Configuration

    /** Adds the settings every lookup writes, in Keras's order, with the key type's {@code vocabulary} values. */
    @Override
    protected void addConfig(Map<String, Object> config) {
        State<K> s = state;
        config.put("invert", invert);
        config.put("max_tokens", maxTokens);
        config.put("num_oov_indices", numOovIndices);
        config.put("oov_token", oovToken);
        config.put("mask_token", maskToken);
        config.put("output_mode", outputMode.kerasName());
        config.put("sparse", false);
        config.put("pad_to_max_tokens", padToMaxTokens);
        config.put("idf_weights", s != null && s.given() != null && s.idfWeights() != null
                ? floats(givenIdf(s)) : null);
        config.put("vocabulary", s != null && s.given() != null ? new ArrayList<Object>(s.given()) : null);
        config.put("vocabulary_size", s != null ? vocabularySize() : null);
        if (salt != null) {
            config.put("salt", List.of(salt[0], salt[1]));
        }
    }

    /** The idf weights of a given vocabulary, as it was given (the padding taken off again). */
    private float[] givenIdf(State<K> s) {
        float[] idf = s.idfWeights();
        int front = s.given().size() == s.tokens().size() ? tokenStart() : 0;
        return Arrays.copyOfRange(idf, front, front + s.given().size());
    }

    private static List<Object> floats(float[] values) {
        List<Object> out = new ArrayList<>(values.length);
        for (float v : values) {
            out.add((double) v);
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * The options of a lookup layer, named as Keras names them.
     *
     * @param <K> the key type
     * @param <B> the concrete builder
     */
    public abstract static class Builder<K, B extends Builder<K, B>> extends org.tensorkit.layers.Layer.Builder<B> {
        private Integer maxTokens;
        private int numOovIndices = 1;
        private K maskToken;
        private K oovToken;
        private List<K> vocabulary;
        private float[] idfWeights;
        private boolean invert;
        private OutputMode outputMode = OutputMode.INT;
        private boolean padToMaxTokens;
        private long[] salt;
        private Integer vocabularySize;

        /** Starts with Keras's defaults and the key type's OOV token. */
        protected Builder(K oovToken) {
            this.oovToken = oovToken;
        }

        /** {@code max_tokens}: the largest vocabulary, special indices included (default: no limit). */
        public B maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return self();
        }

        /** {@code num_oov_indices} (default 1; 0 makes an unknown key an error). */
        public B numOovIndices(int numOovIndices) {
            this.numOovIndices = numOovIndices;
            return self();
        }

        /** {@code mask_token}: the key that marks padding (index 0 in int mode); default none. */
        public B maskToken(K maskToken) {
            this.maskToken = maskToken;
            return self();
        }

        /** {@code oov_token}: what an inverted lookup returns outside the vocabulary. */
        public B oovToken(K oovToken) {
            this.oovToken = oovToken;
            return self();
        }

        /** {@code vocabulary}: the keys in index order (copied), optionally starting with the special tokens. */
        public B vocabulary(List<K> vocabulary) {
            this.vocabulary = new ArrayList<>(Objects.requireNonNull(vocabulary, "vocabulary"));
            return self();
        }

        /** {@code idf_weights}: one per vocabulary entry, for {@link OutputMode#TF_IDF} with a given vocabulary. */
        public B idfWeights(float... idfWeights) {
            this.idfWeights = Objects.requireNonNull(idfWeights, "idfWeights").clone();
            return self();
        }

        /** {@code invert}: map indices back to keys (int mode only). */
        public B invert(boolean invert) {
            this.invert = invert;
            return self();
        }

        /** {@code output_mode} (default {@link OutputMode#INT}). */
        public B outputMode(OutputMode outputMode) {
            this.outputMode = Objects.requireNonNull(outputMode, "outputMode");
            return self();
        }

        /** {@code pad_to_max_tokens}: encodings get {@code max_tokens} columns. */
        public B padToMaxTokens(boolean padToMaxTokens) {
            this.padToMaxTokens = padToMaxTokens;
            return self();
        }

        /** {@code salt}: OOV buckets by SipHash-2-4 with the key {@code [salt, salt]}. */
        public B salt(long salt) {
            return salt(salt, salt);
        }

        /** {@code salt}: OOV buckets by SipHash-2-4 with the key {@code [k0, k1]}. */
        public B salt(long k0, long k1) {
            this.salt = new long[] {k0, k1};
            return self();
        }

        /**
         * Refuses settings Keras refuses, with its messages, before the layer exists.
         *
         * @throws IllegalArgumentException naming the layer class, the setting and the value
         */
        protected void validate(String layerClass) {
            if (maxTokens != null && maxTokens <= 1) {
                throw bad(layerClass, "If set, `max_tokens` must be greater than 1. Received: max_tokens="
                        + maxTokens);
            }
            if (padToMaxTokens && maxTokens == null) {
                throw bad(layerClass, "If pad_to_max_tokens is True, must set `max_tokens`. Received: "
                        + "max_tokens=None");
            }
            if (numOovIndices < 0) {
                throw bad(layerClass, "`num_oov_indices` must be greater than or equal to 0. Received: "
                        + "num_oov_indices=" + numOovIndices);
            }
            if (invert && outputMode != OutputMode.INT) {
                throw bad(layerClass, "`output_mode` must be `'int'` when `invert` is true. Received: output_mode="
                        + outputMode);
            }
            if (idfWeights != null && outputMode != OutputMode.TF_IDF) {
                throw bad(layerClass, "`idf_weights` should only be set if `output_mode` is `'tf_idf'`. Received: "
                        + "output_mode=" + outputMode);
            }
            if (outputMode == OutputMode.TF_IDF && vocabulary != null && idfWeights == null) {
                throw bad(layerClass, "When specifying the `vocabulary` argument, in TF-IDF output mode, the "
                        + "`idf_weights` argument must also be provided.");
            }
        }

        /** {@code vocabulary_size} of a saved config: the size its assets will give (read by {@code fromConfig}). */
        final B vocabularySize(Integer vocabularySize) {
            this.vocabularySize = vocabularySize;
            return self();
        }

        /** The vocabulary given, or null. */
        protected final List<K> vocabulary() {
            return vocabulary;
        }

        /** The salt given, or null. */
        protected final long[] saltValue() {
            return salt;
        }

        static IllegalArgumentException bad(String layerClass, String message) {
            return new IllegalArgumentException(layerClass + ": " + message);
        }
    }
}
