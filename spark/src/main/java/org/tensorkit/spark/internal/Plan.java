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
import org.tensorkit.layers.LayerAssets;
import org.tensorkit.layers.Node;
import org.tensorkit.layers.RowSet;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.TableLayer;
import org.tensorkit.layers.Weight;
import org.tensorkit.layers.preprocessing.IndexLookup;
import org.tensorkit.layers.preprocessing.OutputMode;
import org.tensorkit.models.Models;
import org.tensorkit.models.Network;
import org.tensorkit.models.engine.Graph;

/**
 * How a compiled model trains on Spark: which of its weights are sharded tables (every {@link Embedding}, fed by
 * model inputs straight or through a StringLookup or IntegerLookup of int output), which are broadcast (all
 * others), and how the inputs group into index spaces. A lookup-fed input's keys become ids on the executors, as
 * each partition is read ({@link #keyMaps}), with the model's own lookup; the local models are the model without
 * those lookups, their inputs taking the ids.
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
    /** The model's JSON with every table-feeding lookup removed and its input taking the ids: the local models'. */
    private final String localJson;
    /** Per model input: the lookup between it and its tables, or null when its ids feed them straight. */
    private final String[] lookups;
    /**
     * Per lookup (by name): its assets (an adapted vocabulary), which the JSON does not hold, none for Hashing; and
     * its class and config. Kept on the driver only: {@link #keyMaps} ships them to the job that reads the data.
     */
    private final transient java.util.HashMap<String, java.util.HashMap<String, byte[]>> lookupAssets;
    private final transient java.util.HashMap<String, String[]> lookupConfigs;
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

    private Plan(String json, String localJson, String[] lookups,
                 java.util.HashMap<String, java.util.HashMap<String, byte[]>> lookupAssets,
                 java.util.HashMap<String, String[]> lookupConfigs, String modelName, Table[] tables, int[] inputSpace,
                 int spaces, int[] weightTable, int[] trainableIndex, int slots) {
        this.json = json;
        this.localJson = localJson;
        this.lookups = lookups;
        this.lookupAssets = lookupAssets;
        this.lookupConfigs = lookupConfigs;
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
     *                                  feeds a table feeds another kind of layer too, or a table layer is not an
     *                                  Embedding
     */
    public static Plan of(Network model) {
        if (!model.isCompiled()) {
            throw new IllegalStateException("model \"" + model.name() + "\" must be compiled before it trains on "
                    + "Spark: compile(optimizer, loss) first");
        }
        List<SymbolicTensor> inputs = model.inputs();
        Map<Layer, Integer> inputOf = inputIndex(inputs);
        List<Node> nodes = Graph.trace(model.name(), inputs, model.outputs()).nodes();
        Map<Layer, Integer> lookupInput = tableLookups(nodes, inputOf);
        List<Layer> tableLayers = new ArrayList<>();
        List<List<Integer>> fedBy = new ArrayList<>();
        boolean[] feedsTable = new boolean[inputs.size()];
        boolean[] feedsOther = new boolean[inputs.size()];
        String[] other = new String[inputs.size()];
        String[] direct = new String[inputs.size()];
        String[] lookups = new String[inputs.size()];
        for (Node n : nodes) {
            Layer layer = n.layer();
            boolean table = layer instanceof TableLayer;
            if (table && !(layer instanceof Embedding)) {
                throw new IllegalArgumentException(layer.getClass().getSimpleName() + " layer \"" + layer.name()
                        + "\": TensorkitSpark.fit shards Embedding tables only");
            }
            for (SymbolicTensor in : n.inputs()) {
                Integer straight = inputOf.get(in.layer());
                Integer viaLookup = lookupInput.get(in.layer());
                if (table && straight == null && viaLookup == null) {
                    throw new IllegalArgumentException("Embedding layer \"" + layer.name() + "\" is fed by layer \""
                            + in.layer().name() + "\"; TensorkitSpark.fit shards tables fed by a model input, "
                            + "straight or through one StringLookup or IntegerLookup of int output or Hashing");
                }
                if (!table && viaLookup != null) {
                    throw new IllegalArgumentException("lookup layer \"" + in.layer().name() + "\" feeds an Embedding "
                            + "and layer \"" + layer.name() + "\"; TensorkitSpark.fit maps a table lookup's keys to "
                            + "ids before the local model runs, so such a lookup may feed Embeddings only");
                }
                if (table) {
                    int i = straight != null ? straight : viaLookup;
                    if (straight != null) {
                        direct[i] = layer.name();
                    } else if (lookups[i] != null && !lookups[i].equals(in.layer().name())) {
                        String[] two = {lookups[i], in.layer().name()};
                        Arrays.sort(two);
                        throw new IllegalArgumentException("input " + i + " (\"" + inputs.get(i).layer().name()
                                + "\") feeds tables through lookups \"" + two[0] + "\" and \"" + two[1]
                                + "\"; a table input's keys go through one lookup");
                    } else {
                        lookups[i] = in.layer().name();
                    }
                    if (direct[i] != null && lookups[i] != null) {
                        throw new IllegalArgumentException("input " + i + " (\"" + inputs.get(i).layer().name()
                                + "\") feeds Embedding layer \"" + direct[i] + "\" straight and through lookup \""
                                + lookups[i] + "\"; a table input's keys are either ids or a lookup's keys");
                    }
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
                } else if (straight != null && lookupInput.get(layer) == null) {
                    feedsOther[straight] = true;
                    other[straight] = layer.name();
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
        java.util.HashMap<String, java.util.HashMap<String, byte[]>> assets = new java.util.HashMap<>();
        java.util.HashMap<String, String[]> configs = new java.util.HashMap<>();
        String json = model.toJson();
        try {
            ObjectMapper mapper = new ObjectMapper();
            for (JsonNode layer : mapper.readTree(json).path("config").path("layers")) {
                String name = layer.path("name").asText();
                for (Layer l : lookupInput.keySet()) {
                    if (l.name().equals(name)) {
                        assets.put(name, new java.util.HashMap<>(l instanceof LayerAssets a ? a.saveAssets()
                                : Map.of()));
                        configs.put(name, new String[] {layer.path("class_name").asText(),
                                mapper.writeValueAsString(layer.path("config"))});
                    }
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the model's JSON cannot be read back: " + e.getMessage(), e);
        }
        return new Plan(json, withoutLookups(json, lookups, inputs), lookups, assets, configs, model.name(), tables,
                inputSpace, spaces, weightTable, trainableIndex, slots);
    }

    /**
     * The lookups that feed a table, each to the model input that feeds it: a StringLookup or IntegerLookup of int
     * output (not inverted), or a Hashing layer of int output, fed straight by an input (that the lookup feeds
     * tables only, and the input the lookup only, the caller checks).
     */
    private static Map<Layer, Integer> tableLookups(List<Node> nodes, Map<Layer, Integer> inputOf) {
        Map<Layer, Integer> out = new IdentityHashMap<>();
        for (Node n : nodes) {
            if (!(n.layer() instanceof TableLayer)) {
                continue;
            }
            for (SymbolicTensor in : n.inputs()) {
                boolean ids = in.layer() instanceof IndexLookup<?> lookup && lookup.outputMode() == OutputMode.INT
                        && !lookup.isInvert()
                        || in.layer() instanceof org.tensorkit.layers.preprocessing.Hashing
                        && in.dtype() == org.tensorkit.core.DType.INT64;
                if (ids && in.node().inputs().size() == 1) {
                    Integer i = inputOf.get(in.node().inputs().get(0).layer());
                    Integer before = i == null ? null : out.put(in.layer(), i);
                    if (before != null && !before.equals(i)) {
                        throw new IllegalArgumentException("lookup layer \"" + in.layer().name() + "\" is called on "
                                + "inputs " + Math.min(before, i) + " and " + Math.max(before, i)
                                + "; TensorkitSpark.fit maps each input's keys "
                                + "with a lookup of its own (give each input its own lookup, with the same "
                                + "vocabulary)");
                    }
                }
            }
        }
        return out;
    }

    /**
     * {@code json} with each table-feeding lookup taken out: the layers it fed take its input instead, and that
     * input takes int64 ids.
     */
    private static String withoutLookups(String json, String[] lookups, List<SymbolicTensor> inputs) {
        if (java.util.Arrays.stream(lookups).allMatch(java.util.Objects::isNull)) {
            return json;
        }
        Map<String, String> inputOfLookup = new java.util.HashMap<>();
        for (int i = 0; i < lookups.length; i++) {
            if (lookups[i] != null) {
                inputOfLookup.put(lookups[i], inputs.get(i).layer().name());
            }
        }
        try {
            ObjectMapper mapper = new ObjectMapper();
            JsonNode root = mapper.readTree(json);
            com.fasterxml.jackson.databind.node.ArrayNode layers =
                    (com.fasterxml.jackson.databind.node.ArrayNode) root.path("config").path("layers");
            for (int k = layers.size() - 1; k >= 0; k--) {
                JsonNode layer = layers.get(k);
                String name = layer.path("name").asText();
                if (inputOfLookup.containsKey(name)) {
                    layers.remove(k);
                    continue;
                }
                if (inputOfLookup.containsValue(name)) {
                    ((ObjectNode) layer.path("config")).put("dtype", "int64");
                }
                for (JsonNode node : layer.path("inbound_nodes")) {
                    for (JsonNode arg : node.path("args")) {
                        JsonNode history = arg.path("config").path("keras_history");
                        String from = history.path(0).asText();
                        if (inputOfLookup.containsKey(from)) {
                            ((com.fasterxml.jackson.databind.node.ArrayNode) history).set(0,
                                    inputOfLookup.get(from));
                        }
                    }
                }
            }
            return mapper.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the model's JSON cannot be read back: " + e.getMessage(), e);
        }
    }

    /**
     * What the executors need to turn each lookup-fed input's keys into ids as they read a partition (driver only:
     * a deserialized plan has no lookups' configs).
     */
    public KeyMaps keyMaps() {
        long[] limits = new long[lookups.length];
        String[] limitTables = new String[lookups.length];
        for (int i = 0; i < lookups.length; i++) {
            Table t = smallestTableOf(i);
            limits[i] = t == null ? Long.MAX_VALUE : t.rows();
            limitTables[i] = t == null ? null : t.layer();
        }
        return new KeyMaps(lookups.clone(), limits, limitTables, lookupConfigs, lookupAssets);
    }

    /** The table with the fewest rows among those input {@code i} feeds (its ids must be below its rows), or null. */
    public Table smallestTableOf(int i) {
        Table smallest = null;
        for (Table t : tables) {
            for (int fed : t.inputs()) {
                if (fed == i && (smallest == null || t.rows() < smallest.rows())) {
                    smallest = t;
                }
            }
        }
        return smallest;
    }

    /** Input {@code i}'s lookup, or null when its ids feed the tables straight. */
    public String lookup(int i) {
        return lookups[i];
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
        return new Plan(json, localJson, lookups, lookupAssets, lookupConfigs, modelName, t, inputSpace, spaces,
                weightTable, trainableIndex, slots);
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
        return withRows(localJson, rows);
    }

    /**
     * The whole model, lookups and their vocabularies included, with every table at one row: what a save from the
     * shards lays out (its weights are uninitialized; the caller sets every one).
     */
    public Network standIn() {
        int[] one = new int[spaces];
        Arrays.fill(one, 1);
        Network standIn = withRows(json, one);
        for (Map.Entry<String, java.util.HashMap<String, byte[]>> e : lookupAssets.entrySet()) {
            if (standIn.getLayer(e.getKey()) instanceof LayerAssets a) {
                a.loadAssets(e.getValue());
            }
        }
        return standIn;
    }

    private Network withRows(String json, int[] rows) {
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
