package org.tensorkit.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
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
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.CallContext;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.models.Model;

/**
 * The embedding lookup, every way, in one run: tensorkit (an Embedding + Flatten functional model's
 * {@code predict}, the layer called directly, and the layer's forward alone), the fastest plain ND4J calls, DL4J's EmbeddingSequenceLayer, and
 * a plain Java row copy between preallocated float arrays (the JVM lower bound every target is a ratio to).
 *
 * <p>Every benchmark returns (or sinks) its output so nothing is dead code. tensorkit and DL4J return a fresh
 * output per call, as Keras and PyTorch do; the ND4J and Java baselines write into a reused output, which is why
 * they are bounds rather than like-for-like rivals.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-Xmn256m", "-XX:+UseG1GC",
        "-Dorg.bytedeco.javacpp.maxbytes=16g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=20g"})
public class EmbeddingBenchmark {
    @Param({"tiny", "medium", "sequence", "large"})
    public String workload;

    private Workload w;

    // plain Java
    private float[] tableArray;
    private int[] idArray;
    private float[] outArray;

    // ND4J
    private INDArray table;
    private INDArray idsInt;
    private INDArray idsFlat;
    private int[] idsPull;
    private INDArray nd4jOut;
    private OpContext gatherContext;
    private DynamicCustomOp gatherOp;

    // tensorkit
    private Embedding embedding;
    private Model model;
    private Tensor idsTensor;
    private org.tensorkit.models.Predictor predictor;

    // DL4J
    private MultiLayerNetwork dl4j;
    private INDArray idsFloat;

    @Setup(Level.Trial)
    public void setUp() {
        w = Workload.of(workload);
        tableArray = w.table();
        idArray = w.idValues();
        outArray = new float[Math.multiplyExact(w.ids(), w.d)];

        table = Nd4j.createFromArray(tableArray).reshape('c', (long) w.v, w.d);
        idsInt = Nd4j.createFromArray(idArray).reshape('c', (long) w.b, w.l);
        idsFlat = idsInt.reshape('c', new long[] {w.ids()});
        idsPull = idArray.clone();
        nd4jOut = Nd4j.create(DataType.FLOAT, (long) w.ids(), w.d);
        gatherOp = DynamicCustomOp.builder("gather").addIntegerArguments(0).build();
        gatherContext = Nd4j.getExecutioner().buildContext();
        gatherContext.setInputArrays(table, idsFlat);
        gatherContext.setOutputArrays(nd4jOut);
        gatherContext.setIArguments(0);

        embedding = Embedding.builder().inputDim(w.v).outputDim(w.d).inputLength(w.l)
                .weights(Tensor.wrap(table)).build();
        idsTensor = Tensor.wrap(idsInt);
        // int32 ids, as Keras's Input(shape=(L,), dtype="int32"): predict then casts nothing
        SymbolicTensor in = Input.builder().shape(w.l).dtype(DType.INT32).build();
        model = Model.of(in, Flatten.create().call(embedding.call(in)));

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list()
                .layer(new EmbeddingSequenceLayer.Builder().nIn(w.v).nOut(w.d).inputLength(w.l).hasBias(false)
                        .outputDataFormat(RNNFormat.NWC).build())
                .build();
        dl4j = new MultiLayerNetwork(conf);
        dl4j.init();
        dl4j.getLayer(0).setParam("W", table);
        idsFloat = idsInt.castTo(DataType.FLOAT);

        Checks.sameRows(w, tableArray, idArray, tensorkitPredictRetained().unwrap(), "tensorkitPredictRetained");
        if (!tensorkitPredict().isClosed()) {
            throw new IllegalStateException("tensorkitPredict must close its result");
        }
        try (Tensor again = model.predict(idsTensor, w.b)) { // after a close: the recycled buffer, rewritten
            Checks.sameRows(w, tableArray, idArray, again.unwrap(), "tensorkitPredict");
        }
        predictor = model.predictor();
        Checks.sameRows(w, tableArray, idArray, tensorkitPredictor().unwrap(), "tensorkitPredictor");
        Checks.sameRows(w, tableArray, idArray, tensorkitPredictor().unwrap(), "tensorkitPredictor");
        Checks.sameRows(w, tableArray, idArray, tensorkitLayer().unwrap(), "tensorkitLayer");
        Checks.sameRows(w, tableArray, idArray, tensorkitForward(), "tensorkitForward");
        Checks.sameRows(w, tableArray, idArray, nd4jGather(), "nd4jGather");
        Checks.sameRows(w, tableArray, idArray, nd4jPullRows(), "nd4jPullRows");
        Checks.sameRows(w, tableArray, idArray, dl4jEmbeddingSequence(), "dl4jEmbeddingSequence");
        Checks.sameRows(w, tableArray, idArray, Nd4j.createFromArray(javaCopyBound()), "javaCopyBound");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        predictor.close();
        gatherContext.close();
    }

    /**
     * The functional model Embedding + Flatten, {@code predict(ids, B)}: one batch, a fresh output per call, closed
     * once used, as a serving loop does with try-with-resources (its buffer goes straight back to the pool).
     */
    @Benchmark
    public Tensor tensorkitPredict() {
        try (Tensor out = model.predict(idsTensor, w.b)) {
            return out;
        }
    }

    /** As {@link #tensorkitPredict()} without close: the output's memory is recycled only after a GC. */
    @Benchmark
    public Tensor tensorkitPredictRetained() {
        return model.predict(idsTensor, w.b);
    }

    /**
     * The same model through a {@link org.tensorkit.models.Predictor}: the result is never closed (the next call
     * closes it and reuses its arrays), as a serving loop that forgets {@code close} would leave it.
     */
    @Benchmark
    public Tensor tensorkitPredictor() {
        return predictor.predict(idsTensor);
    }

    /** The Embedding layer called directly: {@code layer.call(ids)}, a fresh output per call. */
    @Benchmark
    public Tensor tensorkitLayer() {
        return embedding.call(idsTensor);
    }

    /** The layer's forward on the raw arrays, as a model runs it (no eager-call shape checks). */
    @Benchmark
    public INDArray tensorkitForward() {
        return embedding.forward(List.of(idsInt), CallContext.inference());
    }

    /**
     * ND4J's {@code gather} custom op through a reused op context into a reused output: the fastest plain ND4J
     * call for small batches (no op lookup, no output allocation, no shape inference).
     */
    @Benchmark
    public INDArray nd4jGather() {
        Nd4j.getExecutioner().exec(gatherOp, gatherContext);
        return nd4jOut;
    }

    /** ND4J's {@code pullRows} into a reused output: the fastest plain ND4J call for large batches. */
    @Benchmark
    public INDArray nd4jPullRows() {
        return Nd4j.pullRows(table, nd4jOut, 1, idsPull);
    }

    /** DL4J's EmbeddingSequenceLayer in a MultiLayerNetwork, {@code output()} (a fresh output per call). */
    @Benchmark
    public INDArray dl4jEmbeddingSequence() {
        return dl4j.output(idsFloat);
    }

    /** A plain Java loop copying the same rows between preallocated float arrays: the JVM lower bound. */
    @Benchmark
    public float[] javaCopyBound() {
        int d = w.d;
        float[] t = tableArray;
        float[] out = outArray;
        int[] ids = idArray;
        for (int p = 0; p < ids.length; p++) {
            System.arraycopy(t, ids[p] * d, out, p * d, d);
        }
        return out;
    }
}
