package org.tensorkit.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.vectors.Progress;
import org.tensorkit.vectors.VectorReader;
import org.tensorkit.vectors.WordVectors;

/**
 * The vector-reading benchmark as a plain program (a read takes seconds, and the first read of a fresh JVM, with its
 * JIT warm-up, is the one a user meets): {@code vectors-compare.sh} runs it beside gensim's
 * {@code load_word2vec_format} on the same file. ND4J is loaded before the clock starts (as gensim's imports are
 * before its clock). Prints one line per read:
 * <pre>
 * tensorkit round=1 seconds=... vectors=...        (VectorReader, a fresh JVM's first read, then warm reads)
 * parseFloat seconds=... vectors=...               (one pass: BufferedReader lines, split, Float.parseFloat)
 * </pre>
 *
 * <p>Usage: {@code VectorReadRun FILE [ROUNDS] [THREADS]}.
 */
public final class VectorReadRun {
    private VectorReadRun() {
    }

    /** Reads the file ROUNDS times with tensorkit, then once with the plain Java baseline. */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: VectorReadRun FILE [ROUNDS] [THREADS]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        Nd4j.create(1).close();
        VectorReader reader = VectorReader.builder().threads(threads).progress(Progress.NEVER).build();
        for (int r = 1; r <= rounds; r++) {
            long start = System.nanoTime();
            try (WordVectors v = reader.read(file)) {
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "tensorkit round=%d seconds=%.3f vectors=%d%n", r, seconds, v.size());
            }
        }
        long start = System.nanoTime();
        int vectors = parseFloatPass(file);
        System.out.printf(Locale.ROOT, "parseFloat seconds=%.3f vectors=%d%n", (System.nanoTime() - start) / 1e9,
                vectors);
    }

    /** The plain Java way: a line at a time, split on spaces, {@code Float.parseFloat} each value. */
    static int parseFloatPass(Path file) throws IOException {
        List<String> words = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            int dim = Integer.parseInt(header.trim().split(" ")[1]);
            String line;
            while ((line = in.readLine()) != null) {
                String[] parts = line.trim().split(" ");
                float[] v = new float[dim];
                for (int k = 0; k < dim; k++) {
                    v[k] = Float.parseFloat(parts[k + 1]);
                }
                words.add(parts[0]);
                rows.add(v);
            }
        }
        return words.size();
    }
}
