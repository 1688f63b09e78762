package org.tensorkit.models.saving;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.tensorkit.core.Shape;
import org.tensorkit.layers.InputLayer;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.Layers;
import org.tensorkit.layers.Node;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.models.Model;
import org.tensorkit.models.Network;
import org.tensorkit.models.Sequential;
import org.tensorkit.models.engine.Graph;

/**
 * A model's architecture as Keras 3's {@code config.json} describes it, both ways. Functional:
 * {@code {"module": "keras.src.models.functional", "class_name": "Functional", "config": {name, trainable,
 * layers, input_layers, output_layers}}}, each layer with its {@code inbound_nodes} as {@code {"args",
 * "kwargs"}} of {@code __keras_tensor__}s, node indices counted among this model's nodes only (a layer shared
 * with another model keeps its own numbering here). Sequential: {@code {"module": "keras", "class_name":
 * "Sequential", "config": {name, trainable, layers, build_input_shape}}}, its input layer first.
 */
final class ModelConfig {
    private ModelConfig() {
    }

    // ---------------------------------------------------------------------------------------------
    // Writing

    /** The serialized model, without {@code compile_config}. */
    static Map<String, Object> serialize(Network model) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (model instanceof Sequential s) {
            out.put("module", "keras");
            out.put("class_name", "Sequential");
            out.put("config", sequentialConfig(s));
            out.put("registered_name", null);
        } else {
            out.put("module", "keras.src.models.functional");
            out.put("class_name", "Functional");
            out.put("config", functionalConfig((Model) model));
            out.put("registered_name", "Functional");
        }
        out.put("build_config", Map.of("input_shape", inputShapes(model.inputShapes())));
        return out;
    }

    private static Object inputShapes(List<Shape> shapes) {
        return shapes.size() == 1 ? shape(shapes.get(0)) : shapes.stream().map(ModelConfig::shape).toList();
    }

    static List<Object> shape(Shape s) {
        List<Object> dims = new ArrayList<>();
        for (int i = 0; i < s.rank(); i++) {
            dims.add(s.isKnown(i) ? (Object) s.dim(i) : null);
        }
        return dims;
    }

    private static Map<String, Object> sequentialConfig(Sequential s) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", s.name());
        config.put("trainable", true);
        List<Object> layers = new ArrayList<>();
        Layer input = s.inputs().get(0).layer();
        layers.add(layerEntry(input, null));
        Set<Node> own = Collections.newSetFromMap(new IdentityHashMap<>());
        own.addAll(ownNodes(s));
        for (Layer layer : s.layers()) {
            layers.add(layerEntry(layer, firstInputShapes(layer, own)));
        }
        config.put("layers", layers);
        config.put("build_input_shape", shape(s.inputShape()));
        return config;
    }

    private static List<Node> ownNodes(Network model) {
        return Graph.trace(model.name(), model.inputs(), model.outputs()).nodes();
    }

    private static Map<String, Object> functionalConfig(Model model) {
        Set<Node> own = Collections.newSetFromMap(new IdentityHashMap<>());
        own.addAll(ownNodes(model));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", model.name());
        config.put("trainable", true);
        List<Object> layers = new ArrayList<>();
        for (Layer layer : model.layers()) {
            Map<String, Object> entry = layerEntry(layer, layer instanceof InputLayer ? null
                    : firstInputShapes(layer, own));
            entry.put("name", layer.name());
            List<Object> nodes = new ArrayList<>();
            for (Node n : layer.inboundNodes()) {
                if (own.contains(n) && !n.inputs().isEmpty()) {
                    nodes.add(nodeEntry(n, own));
                }
            }
            entry.put("inbound_nodes", nodes);
            layers.add(entry);
        }
        config.put("layers", layers);
        config.put("input_layers", tensorRefs(model.inputs(), own));
        config.put("output_layers", tensorRefs(model.outputs(), own));
        return config;
    }

    private static Map<String, Object> layerEntry(Layer layer, Object buildShape) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("module", "keras.layers");
        entry.put("class_name", Layers.className(layer));
        entry.put("config", layer.config());
        entry.put("registered_name", null);
        if (buildShape != null) {
            entry.put("build_config", Map.of("input_shape", buildShape));
        }
        return entry;
    }

    /** The input shape(s) of the layer's first call in this model, as {@code build_config} gives them. */
    private static Object firstInputShapes(Layer layer, Set<Node> own) {
        for (Node n : layer.inboundNodes()) {
            if (own.contains(n)) {
                List<Shape> shapes = n.inputs().stream().map(SymbolicTensor::shape).toList();
                return shapes.size() == 1 ? shape(shapes.get(0)) : shapes.stream().map(ModelConfig::shape).toList();
            }
        }
        return null;
    }

    private static Map<String, Object> nodeEntry(Node n, Set<Node> own) {
        List<Object> tensors = n.inputs().stream().map(t -> (Object) kerasTensor(t, own)).toList();
        Map<String, Object> node = new LinkedHashMap<>();
        // a single-input layer is called on a tensor, a merge layer on a list of them
        node.put("args", n.inputs().size() == 1 && !(n.layer() instanceof org.tensorkit.layers.Merge)
                ? tensors : List.of(tensors));
        node.put("kwargs", Map.of());
        return node;
    }

    private static Map<String, Object> kerasTensor(SymbolicTensor t, Set<Node> own) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("shape", shape(t.shape()));
        config.put("dtype", t.dtype().numpyName());
        config.put("keras_history", List.of(t.layer().name(), ownIndex(t.node(), own), t.index()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("class_name", "__keras_tensor__");
        out.put("config", config);
        return out;
    }

    /** The node's position among its layer's nodes that belong to this model (Keras's reindexing). */
    private static int ownIndex(Node node, Set<Node> own) {
        int index = 0;
        for (Node n : node.layer().inboundNodes()) {
            if (n == node) {
                return index;
            }
            if (own.contains(n)) {
                index++;
            }
        }
        throw new IllegalStateException("node " + node + " is not among its layer's nodes");
    }

    private static Object tensorRefs(List<SymbolicTensor> tensors, Set<Node> own) {
        List<Object> refs = tensors.stream()
                .map(t -> (Object) List.of(t.layer().name(), ownIndex(t.node(), own), t.index())).toList();
        return refs.size() == 1 ? refs.get(0) : refs;
    }

    // ---------------------------------------------------------------------------------------------
    // Reading

    /**
     * The model {@code root} describes (its layers new, their weights initialized, not loaded).
     *
     * @throws IllegalArgumentException for a config tensorkit cannot build, naming the layer and the setting
     */
    static Network deserialize(Map<String, Object> root) {
        String className = string(root, "class_name", "the model");
        Map<String, Object> config = map(root, "config", "the model");
        switch (className) {
            case "Sequential":
                return sequential(config);
            case "Functional":
            case "Model":
                return functional(config);
            default:
                throw new IllegalArgumentException("model class \"" + className + "\" is not one tensorkit builds "
                        + "(it builds Functional and Sequential models)");
        }
    }

    private static Sequential sequential(Map<String, Object> config) {
        Sequential.Builder b = Sequential.builder();
        if (config.get("name") != null) {
            b.name(string(config, "name", "the Sequential model"));
        }
        List<Layer> layers = new ArrayList<>();
        Object inputShape = config.get("build_input_shape");
        for (Object entry : list(config, "layers", "the Sequential model")) {
            // tf.keras 2 keeps the input shape in the first layer's config (batch_input_shape)
            if (entry instanceof Map<?, ?> m && !"InputLayer".equals(m.get("class_name"))
                    && m.get("config") instanceof Map<?, ?> c && c.containsKey("batch_input_shape")) {
                Map<String, Object> copy = new LinkedHashMap<>();
                ((Map<?, ?>) m).forEach((k, v) -> copy.put(String.valueOf(k), v));
                Map<String, Object> inner = new LinkedHashMap<>();
                c.forEach((k, v) -> inner.put(String.valueOf(k), v));
                Object shape = inner.remove("batch_input_shape");
                if (layers.isEmpty() && inputShape == null) {
                    inputShape = shape;
                }
                copy.put("config", inner);
                entry = copy;
            }
            layers.add(layer(entry));
        }
        Layer first = layers.isEmpty() ? null : layers.get(0);
        if (!(first instanceof InputLayer) && inputShape instanceof List<?> shape && shape.size() > 1) {
            long[] dims = new long[shape.size() - 1];
            for (int i = 1; i < shape.size(); i++) {
                dims[i - 1] = shape.get(i) == null ? Shape.UNKNOWN : integer(shape.get(i), "build_input_shape");
            }
            b.inputShape(dims);
        }
        return b.add(layers.toArray(Layer[]::new)).build();
    }

    private static Layer layer(Object entry) {
        if (!(entry instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("a layer entry is " + describe(entry) + "; expected an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> e = (Map<String, Object>) entry;
        String className = string(e, "class_name", "a layer entry");
        return Layers.fromConfig(className, map(e, "config", "layer entry " + className));
    }

    private static Model functional(Map<String, Object> config) {
        Map<String, Layer> byName = new LinkedHashMap<>();
        Map<Layer, List<Object>> pending = new LinkedHashMap<>();
        Map<Layer, List<SymbolicTensor>> outputs = new IdentityHashMap<>();
        for (Object entry : list(config, "layers", "the Functional model")) {
            Layer layer = layer(entry);
            if (byName.put(layer.name(), layer) != null) {
                throw new IllegalArgumentException("the model config has two layers named \"" + layer.name() + "\"");
            }
            List<SymbolicTensor> made = new ArrayList<>();
            if (layer instanceof InputLayer in) {
                made.add(in.output());
            }
            outputs.put(layer, made);
            @SuppressWarnings("unchecked")
            Map<String, Object> e = (Map<String, Object>) entry;
            Object nodes = e.get("inbound_nodes");
            if (nodes != null && !(nodes instanceof List<?>)) {
                throw new IllegalArgumentException("layer " + layer.name() + ": inbound_nodes is " + describe(nodes)
                        + "; expected a list");
            }
            pending.put(layer, nodes == null ? new ArrayList<>() : new ArrayList<>((List<?>) nodes));
        }
        // Keras's loop: call each layer on each of its nodes in order once the tensors it reads exist
        while (pending.values().stream().anyMatch(l -> !l.isEmpty())) {
            boolean progress = false;
            for (Map.Entry<Layer, List<Object>> p : pending.entrySet()) {
                List<Object> nodes = p.getValue();
                while (!nodes.isEmpty()) {
                    List<SymbolicTensor> args = nodeInputs(p.getKey(), nodes.get(0), byName, outputs);
                    if (args == null) {
                        break;
                    }
                    SymbolicTensor out = isList(nodes.get(0)) || args.size() > 1 ? p.getKey().call(args)
                            : p.getKey().call(args.get(0));
                    outputs.get(p.getKey()).add(out);
                    nodes.remove(0);
                    progress = true;
                }
            }
            if (!progress) {
                List<String> stuck = pending.entrySet().stream().filter(p -> !p.getValue().isEmpty())
                        .map(p -> p.getKey().name()).toList();
                throw new IllegalArgumentException("the model config's graph has loops or calls on tensors no "
                        + "layer makes; unresolved layers: " + stuck);
            }
        }
        Model.Builder b = Model.builder().inputs(refs(config.get("input_layers"), "input_layers", byName, outputs))
                .outputs(refs(config.get("output_layers"), "output_layers", byName, outputs));
        if (config.get("name") != null) {
            b.name(string(config, "name", "the Functional model"));
        }
        return b.build();
    }

    /** Whether the node's inputs were a list ({@code args: [[t1, t2]]}): a merge layer's call. */
    private static boolean isList(Object node) {
        if (node instanceof Map<?, ?> m && m.get("args") instanceof List<?> args && args.size() == 1) {
            return args.get(0) instanceof List<?>;
        }
        return node instanceof List<?> legacy && legacy.size() > 1;
    }

    /** The tensors a node reads, or null when one of them is not made yet. */
    private static List<SymbolicTensor> nodeInputs(Layer layer, Object node, Map<String, Layer> byName,
                                                   Map<Layer, List<SymbolicTensor>> outputs) {
        List<List<?>> refs = new ArrayList<>();
        if (node instanceof Map<?, ?> m) {
            Object kwargs = m.get("kwargs");
            if (kwargs instanceof Map<?, ?> k) {
                for (Map.Entry<?, ?> kv : k.entrySet()) {
                    if (kv.getValue() != null && !(kv.getKey().equals("training") || kv.getKey().equals("mask"))) {
                        throw new IllegalArgumentException("layer " + layer.name() + ": call argument \""
                                + kv.getKey() + "\" is not one tensorkit passes");
                    }
                }
            }
            collectTensors(m.get("args"), refs, layer);
        } else if (node instanceof List<?> legacy) { // tf.keras 2: [["layer", node, tensor, {kwargs}], ...]
            for (Object r : legacy) {
                if (!(r instanceof List<?> ref) || ref.size() < 3) {
                    throw new IllegalArgumentException("layer " + layer.name() + ": inbound node entry "
                            + describe(r) + " is not [layer, node, tensor, kwargs]");
                }
                refs.add(ref);
            }
        } else {
            throw new IllegalArgumentException("layer " + layer.name() + ": inbound node " + describe(node)
                    + " is neither {args, kwargs} nor a list");
        }
        List<SymbolicTensor> tensors = new ArrayList<>();
        for (List<?> ref : refs) {
            SymbolicTensor t = resolve(ref, "inbound node of " + layer.name(), byName, outputs);
            if (t == null) {
                return null;
            }
            tensors.add(t);
        }
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("layer " + layer.name() + ": an inbound node has no input tensor");
        }
        return tensors;
    }

    private static void collectTensors(Object v, List<List<?>> refs, Layer layer) {
        if (v instanceof List<?> l) {
            for (Object x : l) {
                collectTensors(x, refs, layer);
            }
        } else if (v instanceof Map<?, ?> m && "__keras_tensor__".equals(m.get("class_name"))
                && m.get("config") instanceof Map<?, ?> c && c.get("keras_history") instanceof List<?> h) {
            refs.add(h);
        } else {
            throw new IllegalArgumentException("layer " + layer.name() + ": call argument " + describe(v)
                    + " is not a tensor (tensorkit's layers take tensors only)");
        }
    }

    /** The tensor of {@code [layer, node, tensor]}, or null when that node is not made yet. */
    private static SymbolicTensor resolve(List<?> ref, String what, Map<String, Layer> byName,
                                          Map<Layer, List<SymbolicTensor>> outputs) {
        if (ref.size() < 3 || !(ref.get(0) instanceof String name)) {
            throw new IllegalArgumentException(what + ": tensor reference " + ref + " is not [layer, node, tensor]");
        }
        Layer layer = byName.get(name);
        if (layer == null) {
            throw new IllegalArgumentException(what + ": tensor reference " + ref + " names no layer of the model");
        }
        long node = integer(ref.get(1), what + " node index");
        long tensor = integer(ref.get(2), what + " tensor index");
        if (tensor != 0 || node < 0) {
            throw new IllegalArgumentException(what + ": tensor reference " + ref + " is out of range (tensorkit's "
                    + "layers have one output per call)");
        }
        List<SymbolicTensor> made = outputs.get(layer);
        return node < made.size() ? made.get((int) node) : null;
    }

    private static List<SymbolicTensor> refs(Object spec, String key, Map<String, Layer> byName,
                                             Map<Layer, List<SymbolicTensor>> outputs) {
        List<List<?>> refs = new ArrayList<>();
        collectRefs(spec, key, refs, 0);
        if (refs.isEmpty()) {
            throw new IllegalArgumentException("the model config's " + key + " names no tensor");
        }
        List<SymbolicTensor> out = new ArrayList<>();
        for (List<?> r : refs) {
            SymbolicTensor t = resolve(r, key, byName, outputs);
            if (t == null) {
                throw new IllegalArgumentException("the model config's " + key + " names " + r
                        + ", a call the config does not make");
            }
            out.add(t);
        }
        return out;
    }

    /** Triples {@code [name, node, tensor]} from a triple, a (nested) list of them or a dict of them. */
    private static void collectRefs(Object spec, String key, List<List<?>> refs, int depth) {
        if (depth > 8) {
            throw new IllegalArgumentException("the model config's " + key + " nests too deep");
        }
        if (spec instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof String) {
            if (l.size() < 3) {
                throw new IllegalArgumentException("the model config's " + key + " entry " + l
                        + " is not [layer, node, tensor]");
            }
            refs.add(l);
        } else if (spec instanceof List<?> l) {
            for (Object x : l) {
                collectRefs(x, key, refs, depth + 1);
            }
        } else if (spec instanceof Map<?, ?> m) {
            for (Object x : m.values()) {
                collectRefs(x, key, refs, depth + 1);
            }
        } else {
            throw new IllegalArgumentException("the model config's " + key + " is " + describe(spec)
                    + "; expected [layer, node, tensor] or a list or dict of them");
        }
    }

    static String string(Map<String, Object> m, String key, String what) {
        Object v = m.get(key);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(what + ": \"" + key + "\" is " + describe(v) + "; expected a string");
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> m, String key, String what) {
        Object v = m.get(key);
        if (!(v instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(what + ": \"" + key + "\" is " + describe(v) + "; expected an object");
        }
        return (Map<String, Object>) v;
    }

    static List<?> list(Map<String, Object> m, String key, String what) {
        Object v = m.get(key);
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException(what + ": \"" + key + "\" is " + describe(v) + "; expected a list");
        }
        return l;
    }

    static long integer(Object v, String what) {
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        throw new IllegalArgumentException(what + " is " + describe(v) + "; expected an integer");
    }

    static String describe(Object v) {
        if (v == null) {
            return "missing (null)";
        }
        String s = v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
