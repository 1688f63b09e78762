package org.tensorkit.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Puts two JMH JSON results of the same selection side by side ({@code compare.sh}): per benchmark and
 * parameters, the score and error of each side, the ratio after/before, and the heap bytes per op when
 * {@code -prof gc} ran.
 *
 * <p>Usage: {@code Comparison before.json after.json out.md load-log before-label after-label}.
 */
public final class Comparison {
    private Comparison() {
    }

    /** One result: score and error in the benchmark's unit, heap bytes per op (NaN when not profiled). */
    record Result(String unit, double score, double error, double heapBytes) {
    }

    /** Writes the comparison of {@code args[0]} and {@code args[1]} to {@code args[2]} and prints it. */
    public static void main(String[] args) throws IOException {
        if (args.length != 6) {
            System.err.println("usage: Comparison before.json after.json out.md load-log before-label after-label");
            System.exit(2);
        }
        Map<String, Result> before = read(Path.of(args[0]));
        Map<String, Result> after = read(Path.of(args[1]));
        String load = Files.exists(Path.of(args[3]))
                ? Files.readString(Path.of(args[3]), StandardCharsets.UTF_8).strip() : "(not recorded)";
        StringBuilder md = new StringBuilder();
        md.append("# Before / after: ").append(args[4]).append(" -> ").append(args[5]).append("\n\n");
        md.append("From `").append(Path.of(args[0]).getFileName()).append("` and `")
                .append(Path.of(args[1]).getFileName()).append("` (`benchmarks/compare.sh`), one run: the two ")
                .append("sides ran one after the other on the same machine. Ratio = after / before (below 1: ")
                .append("faster after).\n\n");
        md.append("| benchmark | params | unit | before | after | after / before | heap B/op before | after |\n");
        md.append("|---|---|---|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, Result> e : before.entrySet()) {
            Result b = e.getValue();
            Result a = after.get(e.getKey());
            String[] key = e.getKey().split("\t", 2);
            md.append("| ").append(key[0]).append(" | ").append(key[1]).append(" | ").append(b.unit()).append(" | ")
                    .append(scored(b)).append(" | ").append(a == null ? "(missing)" : scored(a)).append(" | ")
                    .append(a == null ? "" : String.format(Locale.ROOT, "%.2fx", a.score() / b.score()))
                    .append(" | ").append(SummaryWriter.fmt(b.heapBytes())).append(" | ")
                    .append(a == null ? "" : SummaryWriter.fmt(a.heapBytes())).append(" |\n");
        }
        md.append("\nLoad during the run (`uptime` every 20 s):\n\n```\n").append(load).append("\n```\n");
        Files.writeString(Path.of(args[2]), md, StandardCharsets.UTF_8);
        System.out.print(md);
    }

    private static String scored(Result r) {
        return SummaryWriter.fmt(r.score()) + " ± " + SummaryWriter.fmt(r.error());
    }

    /** Results by "benchmark method \t params", in the file's order. */
    private static Map<String, Result> read(Path json) throws IOException {
        List<?> runs = new ObjectMapper().readValue(json.toFile(), List.class);
        Map<String, Result> results = new LinkedHashMap<>();
        for (Object o : runs) {
            Map<?, ?> run = (Map<?, ?>) o;
            String name = (String) run.get("benchmark");
            String method = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            Map<?, ?> params = run.get("params") instanceof Map<?, ?> p ? new TreeMap<>(p) : Map.of();
            Map<?, ?> primary = (Map<?, ?>) run.get("primaryMetric");
            double heap = Double.NaN;
            if (run.get("secondaryMetrics") instanceof Map<?, ?> secondary
                    && secondary.get("gc.alloc.rate.norm") instanceof Map<?, ?> gc) {
                heap = SummaryWriter.num(gc.get("score"));
            }
            results.put(method + "\t" + (params.isEmpty() ? "" : params.toString()), new Result(
                    (String) primary.get("scoreUnit"), SummaryWriter.num(primary.get("score")), SummaryWriter.num(primary.get("scoreError")),
                    heap));
        }
        return results;
    }
}
