package org.tensorkit.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.tensorkit.core.Shape;
import org.tensorkit.layers.InputLayer;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.Node;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.Weight;
import org.tensorkit.models.engine.Graph;

/**
 * tf.keras 2.1-2.3's {@code model.summary()} text ({@code layer_utils.print_summary}) of a model's graph.
 *
 * <p>Sequential-like graphs (every {@link Sequential}; a functional model with one node per depth, each reading
 * one layer, and no layer called twice within the model) get the 65-column table {@code Layer (type) | Output
 * Shape | Param #}; other graphs the 98-column table with {@code Connected to}. Every row is padded to the line
 * length, so rows end with spaces. Immutable; {@link #lineLength(int)} and {@link #positions(double...)} return
 * adjusted copies (Keras's {@code line_length} and {@code positions}; they do not change the layout choice).
 *
 * <pre>{@code
 * List<String> lines = SummaryFormatter.defaults().lineLength(80).format(model);
 * }</pre>
 */
public final class SummaryFormatter {
    private static final SummaryFormatter DEFAULTS = new SummaryFormatter(0, null);
    private static final double[] SEQUENTIAL_POSITIONS = {.45, .85, 1.};
    private static final double[] FUNCTIONAL_POSITIONS = {.33, .55, .67, 1.};

    /** 0 = the layout's default (65 or 98). */
    private final int lineLength;
    /** null = the layout's default. */
    private final double[] positions;

    private SummaryFormatter(int lineLength, double[] positions) {
        this.lineLength = lineLength;
        this.positions = positions;
    }

    /** Keras's defaults: 65 or 98 columns depending on the graph. */
    public static SummaryFormatter defaults() {
        return DEFAULTS;
    }

    /** The total width of every row. */
    public SummaryFormatter lineLength(int lineLength) {
        if (lineLength <= 0) {
            throw new IllegalArgumentException("summary lineLength must be positive, got " + lineLength);
        }
        return new SummaryFormatter(lineLength, positions);
    }

    /**
     * Where each column ends: relative to the line length when the last value is at most 1 ({@code .45, .85, 1}),
     * else absolute columns ({@code 29, 55, 65}). Three values for the sequential layout, four otherwise.
     */
    public SummaryFormatter positions(double... positions) {
        Objects.requireNonNull(positions, "positions");
        if (positions.length == 0) {
            throw new IllegalArgumentException("summary positions must not be empty");
        }
        for (int i = 0; i < positions.length; i++) {
            if (!(positions[i] > 0) || (i > 0 && positions[i] < positions[i - 1])) {
                throw new IllegalArgumentException("summary positions must be positive and non-decreasing, got "
                        + Arrays.toString(positions));
            }
        }
        return new SummaryFormatter(lineLength, positions.clone());
    }

    /**
     * The summary of model {@code modelName}, one element per printed line: its {@code layers} in the order
     * listed (each with its calls in {@code graph}), its {@code weights} counted once each, in Keras's Sequential
     * layout when {@code sequential} or when the graph is a plain chain, else in the functional one.
     */
    List<String> format(String modelName, Graph graph, List<Layer> layers, List<Weight> weights,
                        boolean sequential) {
        boolean sequentialLike = sequential || isSequentialLike(graph);
        int width = lineLength > 0 ? lineLength : sequentialLike ? 65 : 98;
        double[] relative = positions != null ? positions : sequentialLike ? SEQUENTIAL_POSITIONS
                : FUNCTIONAL_POSITIONS;
        int columns = sequentialLike ? 3 : 4;
        if (relative.length != columns) {
            throw new IllegalArgumentException("summary of \"" + modelName + "\" has " + columns
                    + " columns, but " + relative.length + " positions were given: " + Arrays.toString(relative));
        }
        int[] ends = new int[columns];
        for (int i = 0; i < columns; i++) {
            ends[i] = relative[columns - 1] <= 1 ? (int) (width * relative[i]) : (int) relative[i];
        }

        List<String> lines = new ArrayList<>();
        lines.add("Model: \"" + modelName + "\"");
        lines.add("_".repeat(width));
        List<String> header = new ArrayList<>(List.of("Layer (type)", "Output Shape", "Param #", "Connected to"));
        lines.add(row(header.subList(0, columns), ends));
        lines.add("=".repeat(width));
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            List<String> connections = sequentialLike ? List.of() : connections(layer, graph);
            List<String> fields = new ArrayList<>(List.of(layer.name() + " (" + layer.getClass().getSimpleName()
                    + ")", outputShape(layer), Long.toString(layer.countParams())));
            if (!sequentialLike) {
                fields.add(connections.isEmpty() ? "" : connections.get(0));
            }
            lines.add(row(fields, ends));
            for (int c = 1; c < connections.size(); c++) {
                lines.add(row(List.of("", "", "", connections.get(c)), ends));
            }
            lines.add((i == layers.size() - 1 ? "=" : "_").repeat(width));
        }
        long trainable = 0;
        long frozen = 0;
        for (Weight w : weights) {
            long t = w.trainableSize();     // less a table's frozen rows
            trainable += t;
            frozen += w.size() - t;
        }
        lines.add("Total params: " + thousands(trainable + frozen));
        lines.add("Trainable params: " + thousands(trainable));
        lines.add("Non-trainable params: " + thousands(frozen));
        lines.add("_".repeat(width));
        return List.copyOf(lines);
    }

    /**
     * Keras's {@code print_row}: each field starts one column after the previous one ends (the previous field is
     * cut to leave that blank), is cut at its end position and padded with spaces to it.
     */
    static String row(List<String> fields, int[] ends) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                line.setLength(Math.max(0, line.length() - 1));
                line.append(' ');
            }
            line.append(fields.get(i));
            if (line.length() > ends[i]) {
                line.setLength(ends[i]);
            }
            while (line.length() < ends[i]) {
                line.append(' ');
            }
        }
        return line.toString();
    }

    /**
     * Keras's sequential-like test: one node per depth, each reading at most one tensor, and no layer with two of
     * its calls inside this graph (calls made for other models do not count).
     */
    static boolean isSequentialLike(Graph graph) {
        for (List<Node> sameDepth : graph.nodesByDepth()) {
            if (sameDepth.size() > 1 || sameDepth.get(0).inputs().size() > 1) {
                return false;
            }
        }
        for (Layer layer : graph.layers()) {
            int inGraph = 0;
            for (Node node : layer.inboundNodes()) {
                if (graph.contains(node) && ++inGraph > 1) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The Output Shape column: a one-element list for an input layer ({@code [(None, 1)]}), the tuple for other
     * layers, {@code multiple} when the layer's calls (in any model) gave different shapes.
     */
    private static String outputShape(Layer layer) {
        if (layer instanceof InputLayer input) {
            return Shape.toString(List.of(input.batchShape()));
        }
        try {
            return layer.outputShape().toString();
        } catch (IllegalStateException differentOrNone) {
            return "multiple";
        }
    }

    /** {@code producer[nodeIndex][tensorIndex]} for every tensor read by the layer's calls in this graph. */
    private static List<String> connections(Layer layer, Graph graph) {
        List<String> result = new ArrayList<>();
        for (Node node : layer.inboundNodes()) {
            if (!graph.contains(node)) {
                continue;
            }
            for (SymbolicTensor in : node.inputs()) {
                result.add(in.layer().name() + "[" + in.node().index() + "][" + in.index() + "]");
            }
        }
        return result;
    }

    private static String thousands(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
