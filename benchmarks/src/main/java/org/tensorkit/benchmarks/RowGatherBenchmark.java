package org.tensorkit.benchmarks;

import java.util.concurrent.TimeUnit;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
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
import org.openjdk.jmh.annotations.Warmup;
import org.tensorkit.core.internal.RowGather;

/**
 * The row gather alone ({@link RowGather#gather} into a reused output, like {@code javaCopyBound}), one variant
 * per fork (each sets system properties before the first gather): {@code unsafe} (the default: Unsafe copies
 * between native addresses, int32 ids read directly, 2-thread split from 1 MiB in 64 KiB chunks), {@code nio}
 * (the previous loop: ByteBuffer.put per row, ids read through an interface as double), {@code serial} (unsafe,
 * no split), {@code nioSerial} (nio, no split), {@code split256k} (split from 256 KiB in 16 KiB chunks) and {@code chunk256k} (split from 1 MiB in
 * 256 KiB chunks), {@code spin50} (helpers watch 50 us for the next job before parking). {@code javaCopy} is the
 * same workload's single-thread Java copy in each fork.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-Xmn256m", "-XX:+UseG1GC",
        "-Dorg.bytedeco.javacpp.maxbytes=16g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=20g"})
public class RowGatherBenchmark {
    @Param({"tiny", "medium", "sequence", "large"})
    public String workload;

    @Param({"unsafe", "nio", "serial", "nioSerial", "split256k", "chunk256k", "spin50"})
    public String variant;

    private Workload w;
    private INDArray table;
    private INDArray ids;
    private INDArray out;
    private float[] tableArray;
    private int[] idArray;
    private float[] outArray;

    @Setup(Level.Trial)
    public void setUp() {
        switch (variant) {
            case "nio" -> System.setProperty("tensorkit.gather.copy", "nio");
            case "serial" -> System.setProperty("tensorkit.parallel.helpers", "0");
            case "nioSerial" -> {
                System.setProperty("tensorkit.gather.copy", "nio");
                System.setProperty("tensorkit.parallel.helpers", "0");
            }
            case "split256k" -> {
                System.setProperty("tensorkit.parallel.minBytes", String.valueOf(256 * 1024));
                System.setProperty("tensorkit.parallel.chunkBytes", String.valueOf(16 * 1024));
            }
            case "chunk256k" -> System.setProperty("tensorkit.parallel.chunkBytes", String.valueOf(256 * 1024));
            case "spin50" -> System.setProperty("tensorkit.parallel.spinMicros", "50");
            default -> { }
        }
        w = Workload.of(workload);
        tableArray = w.table();
        idArray = w.idValues();
        outArray = new float[Math.multiplyExact(w.ids(), w.d)];
        // dup: arrays that own their buffer (a reshape counts as a view in ND4J, which the nio loop copies first)
        table = Nd4j.createFromArray(tableArray).reshape('c', (long) w.v, w.d).dup('c');
        ids = Nd4j.createFromArray(idArray).reshape('c', (long) w.b, w.l).dup('c');
        out = Nd4j.create(DataType.FLOAT, (long) w.b, w.l, w.d);
        gather();
        Checks.sameRows(w, tableArray, idArray, out, "gather/" + variant);
    }

    @Benchmark
    public INDArray gather() {
        RowGather.gather(table, ids, false, out, (p, v) -> new IllegalArgumentException("bad id " + v));
        return out;
    }

    @Benchmark
    public float[] javaCopy() {
        int d = w.d;
        float[] t = tableArray;
        float[] o = outArray;
        int[] x = idArray;
        for (int p = 0; p < x.length; p++) {
            System.arraycopy(t, x[p] * d, o, p * d, d);
        }
        return o;
    }
}
