package org.tensorkit.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns a JMH JSON result ({@code -rf json}) into {@code summary.md}: us/op per workload and benchmark, ratios to
 * {@code javaCopyBound}, Java-heap bytes per call ({@code -prof gc}), the targets met or not, and the
 * machine load sampled during the run.
 *
 * <p>Usage: {@code SummaryWriter results.json summary.md [load-log]}.
 */
public final class SummaryWriter {
    private static final String[] WORKLOADS = {"tiny", "medium", "sequence", "large"};
    private static final String[] BENCHMARKS = {"tensorkitPredict", "tensorkitPredictRetained",
        "tensorkitPredictor", "tensorkitLayer", "tensorkitForward",
        "nd4jGather", "nd4jPullRows", "dl4jEmbeddingSequence", "javaCopyBound"};

    private SummaryWriter() {
    }

    /** One result: score and error in us/op, heap bytes per op (NaN when not profiled). */
    record Result(double score, double error, double heapBytes) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: SummaryWriter results.json summary.md [load-log]");
            System.exit(2);
        }
        Path json = Path.of(args[0]);
        String load = args.length > 2 && Files.exists(Path.of(args[2]))
                ? Files.readString(Path.of(args[2]), StandardCharsets.UTF_8).strip() : "(not recorded)";
        List<?> runs = new ObjectMapper().readValue(json.toFile(), List.class); // JMH's JSON: a list of runs
        String md = render(json.getFileName().toString(), runs, load);
        Files.writeString(Path.of(args[1]), md, StandardCharsets.UTF_8);
        System.out.print(md);
    }

    static String render(String source, List<?> runs, String load) {
        Map<String, Map<String, Result>> embedding = new LinkedHashMap<>(); // benchmark -> workload -> result
        List<String[]> threads = new ArrayList<>();
        String jvm = "";
        for (Object o : runs) {
            Map<?, ?> run = (Map<?, ?>) o;
            String name = (String) run.get("benchmark");
            String method = name.substring(name.lastIndexOf('.') + 1);
            Map<?, ?> params = run.get("params") instanceof Map<?, ?> p ? p : Map.of();
            Map<?, ?> primary = (Map<?, ?>) run.get("primaryMetric");
            double score = num(primary.get("score"));
            double error = num(primary.get("scoreError"));
            double heap = Double.NaN;
            if (run.get("secondaryMetrics") instanceof Map<?, ?> sec
                    && sec.get("gc.alloc.rate.norm") instanceof Map<?, ?> gc) {
                heap = num(gc.get("score"));
            }
            jvm = run.get("vmName") + " " + run.get("jdkVersion");
            if (name.contains("EmbeddingBenchmark")) {
                embedding.computeIfAbsent(method, k -> new LinkedHashMap<>())
                        .put(String.valueOf(params.get("workload")), new Result(score, error, heap));
            } else if (name.contains("Nd4jThreadsBenchmark")) {
                threads.add(new String[] {method, String.valueOf(params.get("busy")),
                    String.valueOf(params.get("config")), String.valueOf(params.get("size")),
                    fmt(score) + " ± " + fmt(error)});
            }
        }

        StringBuilder s = new StringBuilder();
        s.append("# Embedding lookup benchmarks\n\n");
        s.append("Source: `").append(source).append("` (JMH, forks 1, `-prof gc`); ").append(jvm)
                .append("; ").append(Runtime.getRuntime().availableProcessors()).append(" cores.\n\n");
        s.append("Machine load during the run (`uptime`, sampled):\n\n```\n").append(load).append("\n```\n\n");
        s.append("Workloads (float32 table V x D, int32 ids B x L): tiny V=10 D=4 B=4 L=1; medium V=100000 D=64 "
                + "B=4096 L=1; sequence V=50000 D=128 B=256 L=50; large V=2000000 D=64 B=65536 L=1.\n\n");

        s.append("## Time per call (us/op, ± 99.9% CI)\n\n");
        header(s, "benchmark");
        for (String b : ordered(embedding.keySet())) {
            s.append("| ").append(b);
            for (String w : WORKLOADS) {
                Result r = embedding.get(b).get(w);
                s.append(" | ").append(r == null ? "-" : fmt(r.score()) + " ± " + fmt(r.error()));
            }
            s.append(" |\n");
        }

        Map<String, Result> bound = embedding.getOrDefault("javaCopyBound", Map.of());
        s.append("\n## Ratio to javaCopyBound (single-thread Java row copy into a reused array)\n\n");
        header(s, "benchmark");
        for (String b : ordered(embedding.keySet())) {
            s.append("| ").append(b);
            for (String w : WORKLOADS) {
                Result r = embedding.get(b).get(w);
                Result j = bound.get(w);
                s.append(" | ").append(r == null || j == null ? "-"
                        : String.format(Locale.ROOT, "%.2fx", r.score() / j.score()));
            }
            s.append(" |\n");
        }

        s.append("\n## Java-heap bytes allocated per call (`gc.alloc.rate.norm`)\n\n");
        header(s, "benchmark");
        for (String b : ordered(embedding.keySet())) {
            s.append("| ").append(b);
            for (String w : WORKLOADS) {
                Result r = embedding.get(b).get(w);
                s.append(" | ").append(r == null || Double.isNaN(r.heapBytes()) ? "-"
                        : String.format(Locale.ROOT, "%.0f", r.heapBytes()));
            }
            s.append(" |\n");
        }

        Map<String, Result> dl4j = embedding.getOrDefault("dl4jEmbeddingSequence", Map.of());
        for (String name : new String[] {"tensorkitPredict", "tensorkitPredictRetained"}) {
            Map<String, Result> predict = embedding.get(name);
            if (predict == null) {
                continue;
            }
            s.append("\n## Targets (").append(name).append(name.equals("tensorkitPredict")
                    ? ": predict, result closed after use" : ": predict, result left to the GC")
                    .append(")\n\n| target | measured | met |\n|---|---|---|\n");
            for (String w : new String[] {"medium", "sequence", "large"}) {
                double limit = w.equals("large") ? 0.6 : 1.0;
                Result p = predict.get(w);
                Result j = bound.get(w);
                if (p != null && j != null) {
                    double ratio = p.score() / j.score();
                    target(s, "<= " + limit + "x javaCopyBound on " + w, String.format(Locale.ROOT,
                            "%.2fx (%s ± %s vs %s ± %s us)", ratio, fmt(p.score()), fmt(p.error()), fmt(j.score()),
                            fmt(j.error())), ratio <= limit);
                }
            }
            Result tiny = predict.get("tiny");
            if (tiny != null) {
                target(s, "<= 5 us per call on tiny", fmt(tiny.score()) + " ± " + fmt(tiny.error()) + " us",
                        tiny.score() <= 5);
            }
            for (String w : WORKLOADS) {
                Result p = predict.get(w);
                Result d = dl4j.get(w);
                if (p != null && d != null) {
                    target(s, "faster than dl4jEmbeddingSequence on " + w,
                            String.format(Locale.ROOT, "%s vs %s us", fmt(p.score()), fmt(d.score())),
                            p.score() < d.score());
                }
            }
            Result small = predict.get("tiny");
            Result big = predict.get("large");
            if (small != null && big != null && !Double.isNaN(small.heapBytes())
                    && !Double.isNaN(big.heapBytes())) {
                // tiny has 4 ids and large 65536: a per-id allocation would show as megabytes
                target(s, "heap bytes per call do not grow with the batch (tiny vs large, 16384x the ids)",
                        String.format(Locale.ROOT, "%.0f B vs %.0f B", small.heapBytes(), big.heapBytes()),
                        big.heapBytes() < small.heapBytes() * 2 + 4096);
            }
        }

        if (!threads.isEmpty()) {
            s.append("\n## ND4J threads (Nd4jThreadsBenchmark, us/op)\n\n"
                    + "`nd4j`: ND4J's defaults (2 threads, split from 1024 elements); `thresholds`: the previous "
                    + "tensorkit default (2 threads, split from 262,144 elements / 256 sub-arrays); `tensorkit`: the "
                    + "current default (maxThreads = maxMasterThreads = 1). `busy=true`: a thread in the same JVM "
                    + "spins on the other core.\n\n"
                    + "| op | busy | config | elements | us/op |\n|---|---|---|---|---|\n");
            for (String[] t : threads) {
                s.append("| ").append(String.join(" | ", t)).append(" |\n");
            }
        }
        return s.toString();
    }

    private static void header(StringBuilder s, String first) {
        s.append("| ").append(first);
        for (String w : WORKLOADS) {
            s.append(" | ").append(w);
        }
        s.append(" |\n|---");
        for (int i = 0; i < WORKLOADS.length; i++) {
            s.append("|---:");
        }
        s.append("|\n");
    }

    private static List<String> ordered(java.util.Set<String> present) {
        List<String> out = new ArrayList<>();
        for (String b : BENCHMARKS) {
            if (present.contains(b)) {
                out.add(b);
            }
        }
        for (String b : new TreeSet<>(present)) {
            if (!out.contains(b)) {
                out.add(b);
            }
        }
        return out;
    }

    private static void target(StringBuilder s, String what, String measured, boolean met) {
        s.append("| ").append(what).append(" | ").append(measured).append(" | ").append(met ? "yes" : "**no**")
                .append(" |\n");
    }

    static double num(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        return o == null ? Double.NaN : Double.parseDouble(o.toString()); // JMH writes "NaN" as a string
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
