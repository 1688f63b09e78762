package org.tensorkit.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.preprocessing.StringLookup;

/**
 * The string lookup of issue 13: a batch of 1,000,000 keys (each a fresh {@code String}, 1% never seen) looked up
 * in a vocabulary of 1,000,000, against a plain {@code HashMap<String, Integer>} loop over the same strings into a
 * {@code long[]} in the same run. {@code lookupTensor} is the layer alone on a string tensor made once;
 * {@code lookupStrings} includes making that tensor from the {@code String[]} (what {@code predict(String[])}
 * does); {@code adapt} learns a vocabulary from 10,000,000 keys drawn from 1,000,000 (Zipf-like).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class LookupBenchmark {
    private static final int VOCABULARY = 1_000_000;
    private static final int BATCH = 1_000_000;
    private static final int ADAPT_TOKENS = 10_000_000;

    private String[] batch;
    private Tensor batchTensor;
    private StringLookup lookup;
    private Map<String, Integer> map;
    private List<String> adaptTokens;

    @Setup(Level.Trial)
    public void setUp() {
        List<String> vocabulary = new ArrayList<>(VOCABULARY);
        map = new HashMap<>();
        for (int i = 0; i < VOCABULARY; i++) {
            String key = "user_" + Integer.toHexString(i * 0x9E3779B1);
            vocabulary.add(key);
            map.put(key, i + 1);
        }
        lookup = StringLookup.builder().vocabulary(vocabulary).build();
        SplittableRandom rng = new SplittableRandom(13);
        batch = new String[BATCH];
        for (int i = 0; i < BATCH; i++) {
            int k = rng.nextInt(VOCABULARY);
            // a fresh String per element, as parsed data arrives: not the vocabulary's own instance
            batch[i] = rng.nextInt(100) == 0 ? "stranger_" + i : new String(vocabulary.get(k).toCharArray());
        }
        batchTensor = Tensor.of(batch);
        adaptTokens = new ArrayList<>(ADAPT_TOKENS);
        for (int i = 0; i < ADAPT_TOKENS; i++) {
            double u = rng.nextDouble();
            adaptTokens.add(vocabulary.get((int) (VOCABULARY * u * u * u)));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        batchTensor.close();
    }

    /** The baseline: a HashMap get per key, unknown keys to 0. */
    @Benchmark
    public long[] hashMapLoop() {
        long[] out = new long[batch.length];
        for (int i = 0; i < batch.length; i++) {
            Integer index = map.get(batch[i]);
            out[i] = index == null ? 0 : index;
        }
        return out;
    }

    /** The layer on a string tensor made once. */
    @Benchmark
    public long lookupTensor() {
        try (Tensor ids = lookup.call(batchTensor)) {
            return ids.size();
        }
    }

    /** The layer from the Java strings: the tensor made each time, as {@code predict(String[])} does. */
    @Benchmark
    public long lookupStrings() {
        try (Tensor keys = Tensor.of(batch); Tensor ids = lookup.call(keys)) {
            return ids.size();
        }
    }

    /** adapt over 10,000,000 keys. */
    @Benchmark
    @Measurement(iterations = 3, time = 1)
    @Warmup(iterations = 1, time = 1)
    public int adapt() {
        StringLookup l = StringLookup.create();
        l.adapt(adaptTokens);
        return l.vocabularySize();
    }
}
