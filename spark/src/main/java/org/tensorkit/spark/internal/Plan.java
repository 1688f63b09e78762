package org.tensorkit.spark.internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.Node;
import org.tensorkit.layers.RowSet;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.TableLayer;
import org.tensorkit.layers.Weight;
import org.tensorkit.models.Models;
import org.tensorkit.models.Network;
import org.tensorkit.models.engine.Graph;

/**
 * How a compiled model trains on Spark: which of its weights are sharded tables (every {@link Embedding}, fed
 * straight by model inputs), which are broadcast (all others), and how the inputs group into index spaces.
 *
 * <p>A <em>space</em> is a set of inputs and tables linked by feeding: an input that feeds two tables (a user's
 * vector and its bias) or a table that two inputs feed (one item table for two item columns) puts them in one
 * space. On an executor every table of a space is cut down to the same local rows, the distinct ids its inputs hold
 * in the partition (with row 0 too when a table masks it), and each input's ids are renumbered into them; the local
 * model is the same model with every table {@code input_dim} set to its space's row count.
 */
public final class Plan implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * A sharded table; {@code frozen} holds the half-open ranges of its frozen rows ({@link RowSet#ranges()}), rows
     * that every round ships to the partitions that read them and none sends back.
     */
    public record Table(String layer, int weight, long rows, int width, boolean trainable, boolean maskZero,
                        int space, int[] inputs, long[] frozen) implements Serializable {
        /** The frozen rows. */
        public RowSet frozenRows() {
            return RowSet.ofRanges(frozen);
        }
    }

    private final String json;
    private final String modelName;
    private final Table[] tables;
    /** Per model input: its space, or -1 for an input that feeds no table. */
    private final int[] inputSpace;
    private final int spaces;
    /** Per weight of {@code weights()}: its table, or -1 for a broadcast weight. */
    private final int[] weightTable;
    /** Per weight of {@code weights()}: its index among the trainable weights, or -1. */
    private final int[] trainableIndex;
    private final int slots;

    private Plan(String json, String modelName, Table[] tables, int[] inputSpace, int spaces, int[] weightTable,
                 int[] trainableIndex, int slots) {
        this.json = json;
        this.modelName = modelName;
        this.tables = tables;
        this.inputSpace = inputSpace;
        this.spaces = spaces;
        this.weightTable = weightTable;
        this.trainableIndex = trainableIndex;
        this.slots = slots;
    }

    /**
     * The plan of {@code model}.
     *
     * @throws IllegalStateException    if the model is not compiled
     * @throws IllegalArgumentException if a table is fed by something other than a model input, an input that
     *                                  feeds a table feeds another kind of layer too, a table has a regularizer, or
     *                                  a table layer is not an Embedding
     */
    public static Plan of(Network model) {
        if (!model.isCompiled()) {
            throw new IllegalStateException("model \"" + model.name() + "\" must be compiled before it trains on "
                    + "Spark: compile(optimizer, loss) first");
        }
        List<SymbolicTensor> inputs = model.inputs();
        Map<Layer, Integer> inputOf = inputIndex(inputs);
        List<Node> nodes = Graph.trace(model.name(), inputs, model.outputs()).nodes();
        List<Layer> tableLayers = new ArrayList<>();
        List<List<Integer>> fedBy = new ArrayList<>();
        boolean[] feedsTable = new boolean[inputs.size()];
        boolean[] feedsOther = new boolean[inputs.size()];
        String[] other = new String[inputs.size()];
        for (Node n : nodes) {
            Layer layer = n.layer();
            boolean table = layer instanceof TableLayer;
            if (table && !(layer instanceof Embedding)) {
                throw new IllegalArgumentException(layer.getClass().getSimpleName() + " layer \"" + layer.name()
                        + "\": TensorkitSpark.fit shards Embedding tables only");
            }
            for (SymbolicTensor in : n.inputs()) {
                Integer i = inputOf.get(in.layer());
                if (table && i == null) {
                    throw new IllegalArgumentException("Embedding layer \"" + layer.name() + "\" is fed by layer \""
                            + in.layer().name() + "\"; TensorkitSpark.fit shards tables fed straight by a model "
                            + "input (map keys to ids before training, e.g. with TensorkitSpark.predict of the "
                            + "lookup)");
                }
                if (i != null && table) {
                    feedsTable[i] = true;
                    int t = indexOf(tableLayers, layer);
                    if (t < 0) {
                        tableLayers.add(layer);
                        fedBy.add(new ArrayList<>());
                        t = tableLayers.size() - 1;
                    }
                    if (!fedBy.get(t).contains(i)) {
                        fedBy.get(t).add(i);
                    }
                } else if (i != null) {
                    feedsOther[i] = true;
                    other[i] = layer.name();
                }
            }
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (feedsTable[i] && feedsOther[i]) {
                throw new IllegalArgumentException("input " + i + " (\"" + inputs.get(i).layer().name() + "\") feeds "
                        + "an Embedding and layer \"" + other[i] + "\"; TensorkitSpark.fit renumbers a table "
                        + "input's ids into the partition's rows, so such an input may feed Embeddings only");
            }
        }
        // spaces: union-find over inputs (0..n-1) and tables (n..)
        int n = inputs.size();
        int[] parent = new int[n + tableLayers.size()];
        Arrays.setAll(parent, k -> k);
        for (int t = 0; t < tableLayers.size(); t++) {
            for (int i : fedBy.get(t)) {
                parent[find(parent, n + t)] = find(parent, i);
            }
        }
        int[] spaceOfRoot = new int[parent.length];
        Arrays.fill(spaceOfRoot, -1);
        int spaces = 0;
        int[] inputSpace = new int[n];
        for (int i = 0; i < n; i++) {
            if (!feedsTable[i]) {
                inputSpace[i] = -1;
                continue;
            }
            int root = find(parent, i);
            if (spaceOfRoot[root] < 0) {
                spaceOfRoot[root] = spaces++;
            }
            inputSpace[i] = spaceOfRoot[root];
        }
        List<Weight> weights = model.weights();
        List<Weight> trainable = model.trainableWeights();
        Table[] tables = new Table[tableLayers.size()];
        int[] weightTable = new int[weights.size()];
        Arrays.fill(weightTable, -1);
        for (int t = 0; t < tables.length; t++) {
            Embedding e = (Embedding) tableLayers.get(t);
            Weight w = e.embeddings();
            if (w.regularizer().isPresent()) {
                throw new IllegalArgumentException("Embedding layer \"" + e.name() + "\" has a regularizer; "
                        + "TensorkitSpark.fit does not compute a sharded table's penalty");
            }
            int index = indexOfWeight(weights, w);
            weightTable[index] = t;
            tables[t] = new Table(e.name(), index, e.inputDim(), e.outputDim(), trainable.contains(w), e.maskZero(),
                    spaceOfRoot[find(parent, n + t)], fedBy.get(t).stream().mapToInt(Integer::intValue).toArray(),
                    w.frozenRows().ranges());
        }
        int[] trainableIndex = new int[weights.size()];
        for (int k = 0; k < weights.size(); k++) {
            trainableIndex[k] = indexOfWeight(trainable, weights.get(k));
        }
        int slots = model.compiled().orElseThrow().optimizer().stateArraysPerWeight();
        return new Plan(model.toJson(), model.name(), tables, inputSpace, spaces, weightTable, trainableIndex, slots);
    }

    /**
     * This plan with the tables' row counts of {@code rows} (by layer name; others unchanged): the plan of a model
     * built with small tables, for tables that are only ever sharded.
     */
    public Plan withRows(Map<String, Long> rows) {
        Table[] t = tables.clone();
        for (int k = 0; k < t.length; k++) {
            Long n = rows.get(t[k].layer());
            if (n != null) {
                t[k] = new Table(t[k].layer(), t[k].weight(), n, t[k].width(), t[k].trainable(), t[k].maskZero(),
                        t[k].space(), t[k].inputs(), t[k].frozen());
            }
        }
        return new Plan(json, modelName, t, inputSpace, spaces, weightTable, trainableIndex, slots);
    }

    /**
     * For scoring: per model input, the row count of the smallest {@link Embedding} it feeds straight, and that
     * layer's name, so that a bad id is refused naming its row and partition before the batch runs; inputs that feed
     * no Embedding straight have no entry.
     */
    public static Map<Integer, Map.Entry<Long, String>> idLimits(Network model) {
        List<SymbolicTensor> inputs = model.inputs();
        Map<Layer, Integer> inputOf = inputIndex(inputs);
        Map<Integer, Map.Entry<Long, String>> out = new java.util.HashMap<>();
        for (Node n : Graph.trace(model.name(), inputs, model.outputs()).nodes()) {
            if (n.layer() instanceof Embedding e) {
                Integer i = inputOf.get(n.inputs().get(0).layer());
                if (i != null && (!out.containsKey(i) || out.get(i).getKey() > e.inputDim())) {
                    out.put(i, Map.entry((long) e.inputDim(), e.name()));
                }
            }
        }
        return out;
    }

    /** Each model input's layer, to its position among the inputs. */
    private static Map<Layer, Integer> inputIndex(List<SymbolicTensor> inputs) {
        Map<Layer, Integer> inputOf = new IdentityHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            inputOf.put(inputs.get(i).layer(), i);
        }
        return inputOf;
    }

    private static int find(int[] parent, int k) {
        while (parent[k] != k) {
            parent[k] = parent[parent[k]];
            k = parent[k];
        }
        return k;
    }

    private static int indexOf(List<Layer> layers, Layer layer) {
        for (int k = 0; k < layers.size(); k++) {
            if (layers.get(k) == layer) {
                return k;
            }
        }
        return -1;
    }

    /** The index of {@code w} in {@code weights} (the same object), or -1. */
    public static int indexOfWeight(List<Weight> weights, Weight w) {
        for (int k = 0; k < weights.size(); k++) {
            if (weights.get(k) == w) {
                return k;
            }
        }
        return -1;
    }

    /** The model's name. */
    public String modelName() {
        return modelName;
    }

    /** The sharded tables. */
    public List<Table> tables() {
        return List.of(tables);
    }

    /** How many index spaces the tables' inputs form. */
    public int spaces() {
        return spaces;
    }

    /** Input {@code i}'s space, or -1 when it feeds no table. */
    public int inputSpace(int i) {
        return inputSpace[i];
    }

    /** How many inputs the model has. */
    public int inputCount() {
        return inputSpace.length;
    }

    /** Weight {@code k}'s table, or -1 when it is broadcast. */
    public int weightTable(int k) {
        return weightTable[k];
    }

    /** Weight {@code k}'s index among the trainable weights, or -1. */
    public int trainableIndex(int k) {
        return trainableIndex[k];
    }

    /** How many weights the model has. */
    public int weightCount() {
        return weightTable.length;
    }

    /** The optimizer's state arrays per trainable weight (Adam: 2). */
    public int slots() {
        return slots;
    }

    /** The floats a shard keeps per row of table {@code t}: the row, then its optimizer slots when trainable. */
    public int stateWidth(int t) {
        Table table = tables[t];
        return table.width() * (table.trainable() ? 1 + slots : 1);
    }

    /** The key of row {@code row} of table {@code t} in the sharded dataset. */
    public long key(int t, long row) {
        return row * tables.length + t;
    }

    /** The table of a key. */
    public int tableOf(long key) {
        return (int) (key % tables.length);
    }

    /** The row of a key. */
    public long rowOf(long key) {
        return key / tables.length;
    }

    /**
     * The model with every table cut to its space's row count ({@code rows[space]}), compiled with a fresh
     * optimizer; its weights are uninitialized (the caller sets every one).
     */
    public Network localModel(int[] rows) {
        try {
            ObjectMapper mapper = new ObjectMapper();
            JsonNode root = mapper.readTree(json);
            for (JsonNode layer : root.path("config").path("layers")) {
                JsonNode config = layer.path("config");
                String name = config.path("name").asText();
                for (Table t : tables) {
                    if (t.layer().equals(name)) {
                        ((ObjectNode) config).put("input_dim", Math.max(1, rows[t.space()]));
                    }
                }
            }
            String local = mapper.writeValueAsString(root);
            // every weight is set from the shards and the broadcast afterwards: no initializer needs to run
            return org.tensorkit.layers.WeightBudget.within(Long.MAX_VALUE, "a sharded model's local copy",
                    () -> Models.fromJson(local));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the plan's model JSON cannot be read back: " + e.getMessage(), e);
        }
    }
}
