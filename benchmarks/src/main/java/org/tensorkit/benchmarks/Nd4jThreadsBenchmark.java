package org.tensorkit.benchmarks;

import java.util.concurrent.TimeUnit;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tensorkit.core.internal.Nd4jThreads;

/**
 * Proof for {@link Nd4jThreads}: an elementwise op ({@code x += y}) and a row reduction, small (16,384 elements)
 * and large (4,194,304: where a second core could pay), under three ND4J configurations in the same run:
 * {@code nd4j} (ND4J's defaults: 2 threads, split from 1024 elements), {@code thresholds} (the previous tensorkit
 * default: 2 threads with {@link Nd4jThreads#ELEMENTWISE_THRESHOLD} and {@link Nd4jThreads#TAD_THRESHOLD}) and
 * {@code tensorkit} (the current default, {@link Nd4jThreads#apply(Environment)}: {@code maxThreads = 1}); each on
 * an idle other core ({@code busy=false}) and with the other core kept busy by a spinning thread in the same JVM
 * ({@code busy=true}, as when another build runs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dtensorkit.nd4j.threads=keep"})
public class Nd4jThreadsBenchmark {
    @Param({"nd4j", "thresholds", "tensorkit"})
    public String config;

    @Param({"false", "true"})
    public boolean busy;

    /** Elements of x and y: 64 x 256, a typical small activation, and 64 x 65,536. */
    @Param({"16384", "4194304"})
    public int size;

    private INDArray x;
    private INDArray y;
    private volatile boolean spinning;
    private Thread spinner;

    @Setup(Level.Trial)
    public void setUp() {
        Environment env = Nd4j.getEnvironment();
        env.setElementwiseThreshold(1024); // ND4J's defaults
        env.setTadThreshold(1);
        env.setMaxThreads(2);
        env.setMaxMasterThreads(2);
        if (config.equals("thresholds")) {
            env.setElementwiseThreshold(Nd4jThreads.ELEMENTWISE_THRESHOLD);
            env.setTadThreshold(Nd4jThreads.TAD_THRESHOLD);
        } else if (config.equals("tensorkit")) {
            Nd4jThreads.apply(env);
        }
        x = Nd4j.rand(DataType.FLOAT, 64, size / 64);
        y = Nd4j.rand(DataType.FLOAT, 64, size / 64);
        if (busy) {
            spinning = true;
            spinner = new Thread(() -> {
                long n = 0;
                while (spinning) {
                    n++;
                }
                if (n == 42) {
                    System.out.print("");
                }
            }, "busy-core");
            spinner.setDaemon(true);
            spinner.start();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        spinning = false;
        if (spinner != null) {
            spinner.join();
        }
    }

    @Benchmark
    public INDArray addInPlace() {
        return x.addi(y);
    }

    @Benchmark
    public INDArray rowSums() {
        return y.sum(1);
    }
}
