package org.tensorkit.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.models.Model;
import org.tensorkit.models.Models;
import org.tensorkit.models.Network;

/**
 * Saving and loading a 2,000,000 x 64 float32 table (512 MiB) in Keras 3's {@code .keras} format, against
 * {@link #copyBaseline}: {@code Files.copy} of the saved file on the same disk (issue #12's goal: within 1.5x).
 * {@code -prof gc} gives the heap each takes. Single shots: each call writes or reads the whole file.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 9)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@State(Scope.Benchmark)
public class SavingBenchmark {
    private Model model;
    private Path dir;
    private Path saved;
    private Path target;
    private Network loaded;

    /** The model (one table), and one saved file to load and copy. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        SymbolicTensor ids = Input.builder().shape(1).name("ids").build();
        Embedding table = Embedding.builder().inputDim(2_000_000).outputDim(64).name("table").seed(1).build();
        model = Model.of(ids, Flatten.create().call(table.call(ids)));
        dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "tensorkit-saving");
        saved = dir.resolve("table.keras");
        target = dir.resolve("target.keras");
        model.save(saved);
    }

    /** Removes the files. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(saved);
        Files.deleteIfExists(target);
        Files.deleteIfExists(dir);
    }

    /** {@code model.save}: config, the HDF5 of the table, the zip, fsync, rename. */
    @Benchmark
    public Path save() throws IOException {
        model.save(target);
        return target;
    }

    /**
     * {@code Models.load}: the archive checked, the table read into a new model. The model is released after each
     * shot (a collection frees its native table), so that each load meets the memory a serving process loading
     * one model has, not the previous shot's 512 MiB waiting for a GC.
     */
    @Benchmark
    public Network load() throws IOException {
        loaded = Models.load(saved);
        return loaded;
    }

    /** Drops the model the last load made and lets a collection free its table. */
    @TearDown(Level.Iteration)
    public void releaseLoaded() throws InterruptedException {
        if (loaded != null) {
            loaded = null;
            System.gc();
            Thread.sleep(200);      // JavaCPP's deallocator thread frees the native table after the collection
        }
    }

    /** The same bytes copied by the JDK, synced: what any save or load of this file costs at least. */
    @Benchmark
    public Path copyBaseline() throws IOException {
        Files.copy(saved, target, StandardCopyOption.REPLACE_EXISTING);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(target,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        return target;
    }
}
