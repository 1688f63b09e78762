package org.tensorkit.models.saving;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.jhdf.api.Dataset;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.AtomicFile;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.LayerAssets;
import org.tensorkit.layers.LayerVariables;
import org.tensorkit.layers.Layers;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.RowSet;
import org.tensorkit.layers.TableLayer;
import org.tensorkit.layers.Weight;
import org.tensorkit.layers.WeightBudget;
import org.tensorkit.models.Network;
import org.tensorkit.models.losses.Loss;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.losses.Metric;
import org.tensorkit.models.losses.Metrics;
import org.tensorkit.models.optimizers.Adam;
import org.tensorkit.models.optimizers.Optimizer;
import org.tensorkit.models.optimizers.Sgd;
import org.tensorkit.models.training.Compiled;

/**
 * Saving and loading in Keras 3's formats: the whole model as a {@code .keras} archive, or its weights alone as
 * a {@code .weights.h5} file. What {@link Network#save}, {@link Network#saveWeights},
 * {@link Network#loadWeights} and {@link org.tensorkit.models.Models#load} call.
 *
 * <p>Writing is atomic ({@link AtomicFile}). Reading checks the whole file against the architecture before it
 * changes or returns anything, so a bad file fails with nothing half-built or half-loaded.
 */
public final class KerasFiles {
    /** The Keras version whose format tensorkit writes (in {@code metadata.json}). */
    public static final String KERAS_VERSION = "3.6.0";
    static final String TENSORKIT_VERSION = "0.1.0";
    /** Values a loaded model may allocate beyond its file's (16 M floats, 64 MiB): room for a near-miss config. */
    static final long BUDGET_SLACK = 16L << 20;
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private KerasFiles() {
    }

    // ---------------------------------------------------------------------------------------------
    // Whole models

    /**
     * Saves {@code model} (architecture, weights, and when compiled the compile settings and the optimizer's
     * state) to {@code path}, which must end in {@code .keras}.
     *
     * @throws IllegalArgumentException if the name does not end in {@code .keras}
     * @throws IllegalStateException    if the model is not built, or a setting has no Keras description
     * @throws IOException              if the file cannot be written (the previous file, if any, is then intact),
     *                                  or exists and {@code overwrite} is false
     */
    public static void save(Network model, Path path, boolean overwrite) throws IOException {
        save(model, path, overwrite, StreamWrapper.NONE);
    }

    /**
     * What {@link #save} writes as the archive's {@code config.json}: the architecture, and when compiled the
     * compile settings; no weights.
     *
     * @throws IllegalStateException if the model is not built, or a setting has no Keras description
     */
    public static String toJson(Network model) {
        Objects.requireNonNull(model, "model");
        requireBuilt(model);
        return new String(Json.write(config(model)), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** What {@link #toJson} writes, as maps and lists: the architecture, and the compile settings when compiled. */
    private static Map<String, Object> config(Network model) {
        Map<String, Object> config = ModelConfig.serialize(model);
        model.compiled().ifPresent(c -> config.put("compile_config", compileConfig(c)));
        return config;
    }

    /**
     * The model a {@link #toJson} text describes: new layers, their weights drawn by their initializers, compiled
     * with a fresh optimizer when the text has compile settings.
     *
     * @throws IllegalArgumentException if the text is not JSON or describes a model tensorkit cannot build
     */
    public static Network fromJson(String json) {
        Objects.requireNonNull(json, "json");
        Map<String, Object> config;
        try {
            config = Json.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "the model's JSON");
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Network model = ModelConfig.deserialize(config);
        if (config.get("compile_config") instanceof Map<?, ?> cc) {
            @SuppressWarnings("unchecked")
            Map<String, Object> compileConfig = (Map<String, Object>) cc;
            compile(model, compileConfig);
        }
        return model;
    }

    /**
     * Saves a model some of whose tables no machine holds whole (a cluster's shards, see {@link ExternalTables}):
     * the file {@link #save(Network, Path, boolean)} would write for the model with those tables in it. {@code model}
     * stands in for it with each such table (an Embedding's) at its width and any row count: its config is saved
     * with the table's full row count as {@code input_dim}, and its values and optimizer slots are not used; the
     * rows go from {@code tables} straight into the file, never whole in memory (while the file's layout is made,
     * the caller holds 4 bytes per row of its largest table).
     *
     * @throws IllegalArgumentException if the name does not end in {@code .keras}, or a table sent from elsewhere is
     *     not a 2-D float32 table layer's weight, or a row sent does not fit its table
     * @throws IllegalStateException    if the model is not built, or {@code tables} sends a row twice or misses one
     * @throws IOException              if the file cannot be written or the rows cannot be read (the previous file,
     *                                  if any, is then intact), or it exists and {@code overwrite} is false
     */
    public static void save(Network model, Path path, boolean overwrite, ExternalTables tables) throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(tables, "tables");
        requireBuilt(model);
        Outsides outsides = new Outsides(model, tables);
        save(model, configWith(model, outsides), path, overwrite, StreamWrapper.NONE, outsides);
    }

    /** {@link #save} through {@code wrapper}, for tests that make the write fail halfway. */
    static void save(Network model, Path path, boolean overwrite, StreamWrapper wrapper) throws IOException {
        Objects.requireNonNull(model, "model");
        save(model, toJson(model).getBytes(java.nio.charset.StandardCharsets.UTF_8), path, overwrite, wrapper, null);
    }

    private static void save(Network model, byte[] configJson, Path path, boolean overwrite, StreamWrapper wrapper,
                             Outsides outsides) throws IOException {
        Objects.requireNonNull(path, "path");
        requireSuffix(path, ".keras", "a whole model");
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("keras_version", KERAS_VERSION);
        metadata.put("date_saved", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")));
        metadata.put("tensorkit_version", TENSORKIT_VERSION);
        byte[] metadataJson = Json.write(metadata);
        Map<String, byte[]> assets = assets(model, outsides);
        // jhdf lays the weights file out with its tables as holes (a few KiB on disk), which the archive fills from
        // the tables' native buffers: the tables' bytes are written once. Beside the target, so that what jhdf
        // writes in full (arrays other than float32 tables) is copied into the archive inside the kernel
        Path dir = path.toAbsolutePath().getParent();
        Path weights = dir != null && Files.isDirectory(dir)
                ? Files.createTempFile(dir, "." + path.getFileName() + ".", ".weights.h5")
                : Files.createTempFile("tensorkit-", ".weights.h5");
        try {
            WeightFile.Written laid = WeightFile.write(weights, entries(model, outsides), true);
            WeightFile.Written layout = outsides == null ? laid : outsides.receive(laid);
            AtomicFile.writeChannel(path, overwrite, ch -> Archive.write(wrapper.wrap(ch), StoredZip.Patch.of(ch), metadataJson, configJson,
                    layout, assets));
        } finally {
            Files.deleteIfExists(weights);
        }
    }

    /**
     * The model a {@code .keras} file describes, with its weights, compiled (with its optimizer's state) when the
     * file has a compile config and {@code compile} is true. The format is told by the file's first bytes, not its
     * name.
     *
     * @throws IOException              if the file is missing, not a {@code .keras} archive, damaged, or its
     *                                  weights do not match its architecture, naming the file and the problem
     * @throws IllegalArgumentException if the file is well formed but describes a model tensorkit cannot build
     *                                  (an unknown layer class, an unsupported setting), naming the file
     */
    public static Network load(Path path, boolean compile) throws IOException {
        Objects.requireNonNull(path, "path");
        String format = sniff(path);
        if (format.equals("hdf5")) {
            return loadLegacy(path, compile);
        }
        try (Archive.Reader zip = new Archive.Reader(path)) {
            Map<String, Object> config = Json.parse(zip.bytes(Archive.CONFIG), path + " " + Archive.CONFIG);
            if (zip.has(Archive.METADATA)) {
                Json.parse(zip.bytes(Archive.METADATA), path + " " + Archive.METADATA);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> compileConfig = compile && config.get("compile_config") instanceof Map<?, ?> cc
                    ? (Map<String, Object>) cc : null;
            return withArchiveWeights(zip, path, (h5, bytes) -> {
                Network model = build(path, config, compileConfig, h5, bytes, "the values in " + Archive.WEIGHTS);
                readIntoNew(model, h5);
                variablesRestore(model, h5).run();
                loadAssets(model, zip, path);
                return model;
            });
        }
    }

    /** What reads an opened weights file of {@code fileBytes} bytes. */
    @FunctionalInterface
    private interface WeightsReader<T> {
        T read(WeightFile.Reader h5, long fileBytes) throws IOException;
    }

    /**
     * The archive's weights entry opened for {@code body}: read where it lies when it is STORED (Keras writes it so)
     * and under 2 GiB, its CRC checked; otherwise extracted to a temporary file (removed after).
     */
    private static <T> T withArchiveWeights(Archive.Reader zip, Path path, WeightsReader<T> body) throws IOException {
        java.util.Optional<java.nio.ByteBuffer> mapped = StoredEntry.map(path, Archive.WEIGHTS);
        if (mapped.isPresent()) {
            try (WeightFile.Reader h5 = new WeightFile.Reader(mapped.get(), path + " " + Archive.WEIGHTS)) {
                return body.read(h5, mapped.get().capacity());
            }
        }
        Path weights = Files.createTempFile("tensorkit-", ".weights.h5");
        try {
            zip.extract(Archive.WEIGHTS, weights);
            try (WeightFile.Reader h5 = new WeightFile.Reader(weights, path + " " + Archive.WEIGHTS)) {
                return body.read(h5, Files.size(weights));
            }
        } finally {
            Files.deleteIfExists(weights);
        }
    }

    /**
     * The model {@code config} describes, compiled by {@code compileConfig} when not null, its layers allowed
     * little more than the values the weights file holds: a config claiming a huge table is refused before the
     * table exists (a config off by a little is told apart later by the shape check against the file, with both
     * shapes in the message). Config errors come out naming {@code path}.
     */
    private static Network build(Path path, Map<String, Object> config, Map<String, Object> compileConfig,
                                 WeightFile.Reader h5, long fileBytes, String source) throws IOException {
        long held = h5.totalValues(fileBytes);
        try {
            Network model = WeightBudget.within(Math.max(2 * held, held + BUDGET_SLACK), source,
                    () -> ModelConfig.deserialize(config));
            if (compileConfig != null) {
                compile(model, compileConfig);
            }
            return model;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    /**
     * A tf.keras 2 whole-model {@code .h5} (also what Keras 3 writes with {@code save_format="h5"}): the
     * {@code model_config} root attribute, the weights under {@code model_weights} by {@code layer_names} and
     * {@code weight_names}, compiled from {@code training_config} with a fresh optimizer (tf.keras 2's optimizer
     * weights are not read).
     */
    private static Network loadLegacy(Path path, boolean compile) throws IOException {
        try (WeightFile.Reader h5 = new WeightFile.Reader(path, path.toString())) {
            String modelConfig = h5.rootAttribute("model_config");
            if (modelConfig == null) {
                throw new IOException(path + " is an HDF5 file without a model_config attribute: a weights file, not "
                        + "a whole model (load it into a built model with loadWeights)");
            }
            Map<String, Object> config = Json.parse(modelConfig.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    path + " model_config");
            Map<String, Object> compileConfig = null;
            String training = compile ? h5.rootAttribute("training_config") : null;
            if (training != null) {
                Map<String, Object> t = Json.parse(training.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        path + " training_config");
                compileConfig = new LinkedHashMap<>();
                compileConfig.put("optimizer", t.get("optimizer_config"));
                compileConfig.put("loss", t.get("loss"));
                compileConfig.put("metrics", t.get("metrics"));
                compileConfig.put("loss_weights", t.get("loss_weights"));
                compileConfig.put("weighted_metrics", t.get("weighted_metrics"));
            }
            Network model = build(path, config, compileConfig, h5, Files.size(path), "the values in " + path);
            readLegacyInto(model, h5);
            return model;
        }
    }

    /**
     * tf.keras 2's weights, matched as its loader matches them: the model's layers that have weights, in order,
     * with the file's layers that have weights, in order; every count and shape checked before any is set.
     */
    private static void readLegacyInto(Network model, WeightFile.Reader h5) throws IOException {
        List<Layer> layers = model.layers().stream().filter(l -> !l.weights().isEmpty()).toList();
        List<List<Dataset>> saved = h5.legacyLayers();
        if (saved.size() != layers.size()) {
            throw new IOException(h5.display() + ": Layer count mismatch when loading weights from file. Model "
                    + "expected " + layers.size() + " layers, found " + saved.size() + " saved layers.");
        }
        Map<Layer, List<Tensor>> values = new LinkedHashMap<>();
        for (int k = 0; k < layers.size(); k++) {
            Layer layer = layers.get(k);
            List<Weight> weights = layer.weights();
            if (saved.get(k).size() != weights.size()) {
                throw new IOException(h5.display() + ": layer #" + k + " (" + layer.name() + ") expects "
                        + weights.size() + " weight(s); the file has " + saved.get(k).size());
            }
            List<Tensor> layerValues = new ArrayList<>();
            for (int i = 0; i < weights.size(); i++) {
                Weight w = weights.get(i);
                layerValues.add(Tensor.wrap(h5.read(saved.get(k).get(i), w.shape().toArray(), w.dtype().toNd4j(),
                        w.name())));
            }
            values.put(layer, layerValues);
        }
        values.forEach(Layer::setWeights);
    }

    // ---------------------------------------------------------------------------------------------
    // Weights alone

    /**
     * Saves the weights of {@code model} (and, when compiled, its optimizer's state) to {@code path}, which must
     * end in {@code .weights.h5}: Keras 3's {@code save_weights} layout.
     *
     * @throws IllegalArgumentException if the name does not end in {@code .weights.h5}
     * @throws IllegalStateException    if the model is not built
     * @throws IOException              if the file cannot be written, or exists and {@code overwrite} is false
     */
    public static void saveWeights(Network model, Path path, boolean overwrite) throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(path, "path");
        requireSuffix(path, ".weights.h5", "weights");
        requireBuilt(model);
        List<WeightFile.Entry> entries = entries(model);
        AtomicFile.writeFile(path, overwrite, tmp -> {
            Files.delete(tmp);               // jhdf creates the file itself
            WeightFile.write(tmp, entries);
        });
    }

    /**
     * Loads the weights of a {@code .weights.h5} file (or of a {@code .keras} archive's) into {@code model},
     * whose architecture must match: every weight checked before any is set. When the model is compiled and the
     * file has optimizer state for it, that is restored too.
     *
     * @throws IOException if the file is missing or unreadable, or a weight is missing or of another shape
     */
    public static void loadWeights(Network model, Path path) throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(path, "path");
        requireBuilt(model);
        if (sniff(path).equals("zip")) {
            try (Archive.Reader zip = new Archive.Reader(path)) {
                withArchiveWeights(zip, path, (h5, bytes) -> {
                    readInto(model, h5, model.isCompiled());
                    return null;
                });
            }
            return;
        }
        try (WeightFile.Reader h5 = new WeightFile.Reader(path, path.toString())) {
            if (h5.isLegacy()) {
                readLegacyInto(model, h5);
            } else {
                readInto(model, h5, model.isCompiled());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The weights' layout

    /**
     * The layers whose variables Keras saves, by path: {@code layers/<snake_case(class)>[_N]} in the model's
     * layer order (a Functional model's input layers included, a Sequential's not), numbered per class name.
     */
    static Map<String, Layer> layerPaths(Network model) {
        Map<String, Layer> paths = new LinkedHashMap<>();
        Map<String, Integer> used = new LinkedHashMap<>();
        for (Layer layer : model.layers()) {
            String base = Names.snakeCase(Layers.className(layer));
            Integer n = used.merge(base, 0, (a, b) -> a + 1);
            paths.put("layers/" + (n == 0 ? base : base + "_" + n), layer);
        }
        return paths;
    }

    /**
     * The layers' assets (a learnt vocabulary), by archive entry name: {@code assets/<layer path>/<file>}, the
     * layer paths those of the weights, as Keras's {@code DiskIOStore} names them.
     */
    private static Map<String, byte[]> assets(Network model, Outsides outsides) {
        Map<String, byte[]> assets = new LinkedHashMap<>();
        for (Map.Entry<String, Layer> e : layerPaths(model).entrySet()) {
            if (e.getValue() instanceof LayerAssets a) {
                Map<String, byte[]> files =
                        outsides != null && a instanceof TableLayer t && outsides.has(t.embeddings())
                                ? TableLayer.frozenRowsAssets(outsides.frozenRows(t.embeddings())) // from elsewhere
                                : a.saveAssets();
                files.forEach((name, bytes) -> assets.put(Archive.ASSETS + e.getKey() + "/" + name, bytes));
            }
        }
        return assets;
    }

    /**
     * Reads and checks the named variables of each layer that keeps some (Keras's {@code load_own_variables});
     * returns what installs them all.
     */
    private static Runnable variablesRestore(Network model, WeightFile.Reader h5) throws IOException {
        List<Runnable> installs = new ArrayList<>();
        for (Map.Entry<String, Layer> e : layerPaths(model).entrySet()) {
            if (e.getValue() instanceof LayerVariables v && e.getValue().weights().isEmpty()) {
                Map<String, Tensor> own = new LinkedHashMap<>();
                for (Map.Entry<String, Dataset> d : h5.namedVars(e.getKey()).entrySet()) {
                    long[] shape = java.util.Arrays.stream(d.getValue().getDimensions()).asLongStream().toArray();
                    own.put(d.getKey(), Tensor.wrap(h5.read(d.getValue(), shape,
                            org.nd4j.linalg.api.buffer.DataType.FLOAT, e.getKey() + "/vars/" + d.getKey())));
                }
                try {
                    installs.add(v.prepareVariables(own));
                } catch (IllegalArgumentException ex) {
                    throw new IOException(h5.display() + ": " + e.getKey() + ": " + ex.getMessage(), ex);
                }
            }
        }
        return () -> installs.forEach(Runnable::run);
    }

    /** Gives each layer that keeps assets the files under its path; a refusal names the file. */
    private static void loadAssets(Network model, Archive.Reader zip, Path path) throws IOException {
        for (Map.Entry<String, Layer> e : layerPaths(model).entrySet()) {
            if (e.getValue() instanceof LayerAssets a) {
                Map<String, byte[]> files = zip.assets(e.getKey());
                try {
                    a.loadAssets(files);
                } catch (IllegalArgumentException ex) {
                    throw new IOException(path + " " + Archive.ASSETS + e.getKey() + ": " + ex.getMessage(), ex);
                }
            }
        }
    }

    private static List<WeightFile.Entry> entries(Network model) {
        return entries(model, null);
    }

    /** The model's variables as the weights file holds them; the tables {@code outsides} sends, as holes. */
    private static List<WeightFile.Entry> entries(Network model, Outsides outsides) {
        List<WeightFile.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Layer> e : layerPaths(model).entrySet()) {
            List<Weight> weights = e.getValue().weights();
            List<INDArray> values = weights.stream().map(Weight::value).toList();
            if (!values.isEmpty()) {
                entries.add(new WeightFile.Entry(e.getKey(), e.getValue().name(), values, null,
                        outsides == null ? Map.of() : outsides.holes(weights, 1, 0, 0)));
            } else if (e.getValue() instanceof LayerVariables v) {
                Map<String, Tensor> own = new java.util.TreeMap<>(v.saveVariables());
                if (!own.isEmpty()) {
                    entries.add(new WeightFile.Entry(e.getKey(), e.getValue().name(),
                            own.values().stream().map(Tensor::unwrap).toList(), List.copyOf(own.keySet())));
                }
            }
        }
        model.compiled().ifPresent(c -> {
            Optimizer o = c.optimizer();
            List<INDArray> vars = new ArrayList<>();
            vars.add(Nd4j.scalar(o.iterations()));
            vars.add(Nd4j.scalar((float) o.learningRate()));
            List<Weight> trainable = model.trainableWeights();
            Map<Integer, WeightFile.Outside> holes = outsides == null ? Map.of()
                    : outsides.holes(trainable, o.stateArraysPerWeight(), vars.size(), 1);
            for (Tensor t : o.state(trainable)) {
                // a table sent from elsewhere: its slots' place (the stand-in's own are not written)
                vars.add(holes.containsKey(vars.size()) ? null : t.unwrap());
            }
            entries.add(new WeightFile.Entry("optimizer", optimizerName(o), vars, null, holes));
        });
        return entries;
    }

    /**
     * A freshly built model's weights (uninitialized: see {@link WeightBudget}) read from the file in place, one
     * copy each, then its optimizer state; nobody else holds the model, so a failure halfway leaves nothing
     * visible. The counts are checked before anything is read.
     */
    private static void readIntoNew(Network model, WeightFile.Reader h5) throws IOException {
        Map<String, Layer> paths = layerPaths(model);
        Map<Layer, List<Dataset>> found = new LinkedHashMap<>();
        for (Map.Entry<String, Layer> e : paths.entrySet()) {
            found.put(e.getValue(), checkedVars(h5, e.getKey(), e.getValue()));
        }
        for (Map.Entry<Layer, List<Dataset>> e : found.entrySet()) {
            List<Weight> weights = e.getKey().weights();
            for (int i = 0; i < weights.size(); i++) {
                h5.readInto(e.getValue().get(i), weights.get(i).value(), weights.get(i).name());
            }
        }
        if (model.isCompiled()) {
            optimizerRestore(model, h5).run();
        }
    }

    private static List<Dataset> checkedVars(WeightFile.Reader h5, String path, Layer layer) throws IOException {
        if (layer.weights().isEmpty() && layer instanceof LayerVariables) {
            return List.of(); // its vars group holds named variables (loadVariables), not numbered weights
        }
        List<Dataset> vars = h5.vars(path);
        if (vars.size() != layer.weights().size()) {
            throw new IOException(h5.display() + ": " + vars.size() + " variable(s) at " + path + "/vars for layer "
                    + layer.name() + " (" + Layers.className(layer) + "), which has " + layer.weights().size());
        }
        return vars;
    }

    /** Reads every weight (and the optimizer's state when asked) and checks it, then sets them all. */
    private static void readInto(Network model, WeightFile.Reader h5, boolean optimizerToo) throws IOException {
        Map<Layer, List<Tensor>> values = new LinkedHashMap<>();
        for (Map.Entry<String, Layer> e : layerPaths(model).entrySet()) {
            Layer layer = e.getValue();
            List<Dataset> vars = checkedVars(h5, e.getKey(), layer);
            List<Tensor> layerValues = new ArrayList<>();
            for (int i = 0; i < vars.size(); i++) {
                Weight w = layer.weights().get(i);
                layerValues.add(Tensor.wrap(h5.read(vars.get(i), w.shape().toArray(), w.dtype().toNd4j(),
                        w.name())));
            }
            values.put(layer, layerValues);
        }
        Runnable restoreOptimizer = optimizerToo ? optimizerRestore(model, h5) : () -> { };
        Runnable restoreVariables = variablesRestore(model, h5);
        // everything read and checked: now set
        values.forEach(Layer::setWeights);
        restoreVariables.run();
        restoreOptimizer.run();
    }

    /**
     * Reads and checks the file's optimizer state for the compiled model; returns what restores it (nothing when
     * the file has none: an optimizer that never stepped).
     */
    private static Runnable optimizerRestore(Network model, WeightFile.Reader h5) throws IOException {
        Optimizer o = model.compiled().orElseThrow().optimizer();
        List<Dataset> vars = h5.vars("optimizer");
        List<Weight> trainable = model.trainableWeights();
        if (vars.isEmpty()) {
            return () -> { };
        }
        int perWeight = o.stateArraysPerWeight();
        int expected = 2 + perWeight * trainable.size();
        if (vars.size() != expected) {
            throw new IOException(h5.display() + ": " + vars.size() + " optimizer variables; the model's "
                    + optimizerName(o) + " over " + trainable.size() + " trainable weights has " + expected);
        }
        long iterations = h5.read(vars.get(0), new long[0], DataType.LONG, "optimizer iterations").getLong(0);
        if (iterations < 0) {
            throw new IOException(h5.display() + ": optimizer iterations is " + iterations);
        }
        List<Tensor> state = new ArrayList<>();
        for (int i = 2; i < vars.size(); i++) {
            Weight like = trainable.get((i - 2) / perWeight); // slots of a weight have its shape and dtype
            state.add(Tensor.wrap(h5.read(vars.get(i), like.shape().toArray(), like.dtype().toNd4j(),
                    "optimizer variable " + i)));
        }
        return () -> o.restoreState(iterations, trainable, state);
    }

    // ---------------------------------------------------------------------------------------------
    // Compile settings

    private static Map<String, Object> compileConfig(Compiled c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", optimizerConfig(c.optimizer()));
        m.put("loss", c.loss().name());
        m.put("loss_weights", null);
        m.put("metrics", c.metrics().isEmpty() ? null : c.metrics().stream().map(Metric::name).toList());
        m.put("weighted_metrics", null);
        m.put("run_eagerly", false);
        m.put("steps_per_execution", 1);
        m.put("jit_compile", false);
        return m;
    }

    private static String optimizerName(Optimizer o) {
        return o instanceof Adam ? "adam" : o instanceof Sgd ? "SGD" : o.getClass().getSimpleName();
    }

    private static Map<String, Object> optimizerConfig(Optimizer o) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", optimizerName(o));
        config.put("learning_rate", o.learningRate());
        config.put("weight_decay", null);
        config.put("clipnorm", null);
        config.put("global_clipnorm", null);
        config.put("clipvalue", null);
        config.put("use_ema", false);
        config.put("ema_momentum", 0.99);
        config.put("ema_overwrite_frequency", null);
        config.put("loss_scale_factor", null);
        config.put("gradient_accumulation_steps", null);
        String className;
        if (o instanceof Adam a) {
            className = "Adam";
            config.put("beta_1", a.beta1());
            config.put("beta_2", a.beta2());
            config.put("epsilon", a.epsilon());
            config.put("amsgrad", false);
        } else if (o instanceof Sgd s) {
            className = "SGD";
            config.put("momentum", s.momentum());
            config.put("nesterov", s.nesterov());
        } else {
            throw new IllegalStateException("optimizer " + o.getClass().getName() + " has no Keras description "
                    + "(tensorkit saves Adam and SGD)");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("module", "keras.optimizers");
        out.put("class_name", className);
        out.put("config", config);
        out.put("registered_name", null);
        return out;
    }

    private static void compile(Network model, Map<String, Object> cc) {
        Object loss = cc.get("loss");
        if (!(loss instanceof String lossName)) {
            throw new IllegalArgumentException("compile_config: loss " + ModelConfig.describe(loss)
                    + " is not a loss name tensorkit has (mse, mae, binary_crossentropy, "
                    + "sparse_categorical_crossentropy)");
        }
        for (String key : List.of("loss_weights", "weighted_metrics")) {
            if (cc.get(key) != null) {
                throw new IllegalArgumentException("compile_config: " + key + " " + ModelConfig.describe(cc.get(key))
                        + " is not supported (tensorkit compiles one unweighted loss)");
            }
        }
        Loss l = Losses.get(lossName);
        long units = model.outputShapes().size() != 1 ? -1 : model.outputShape().dim(-1);
        List<Metric> metrics = new ArrayList<>();
        if (cc.get("metrics") instanceof List<?> names) {
            for (Object name : names) {
                if (!(name instanceof String n)) {
                    throw new IllegalArgumentException("compile_config: metric " + ModelConfig.describe(name)
                            + " is not a metric name tensorkit has (mse, mae, accuracy)");
                }
                metrics.add(Metrics.get(n, l, units));
            }
        } else if (cc.get("metrics") != null) {
            throw new IllegalArgumentException("compile_config: metrics " + ModelConfig.describe(cc.get("metrics"))
                    + " is not a list of names");
        }
        model.compile(optimizer(ModelConfig.map(cc, "optimizer", "compile_config")), l,
                metrics.toArray(Metric[]::new));
    }

    private static Optimizer optimizer(Map<String, Object> spec) {
        String className = ModelConfig.string(spec, "class_name", "compile_config optimizer");
        Map<String, Object> c = ModelConfig.map(spec, "config", "optimizer " + className);
        for (String key : List.of("weight_decay", "clipnorm", "global_clipnorm", "clipvalue",
                "ema_overwrite_frequency", "loss_scale_factor")) {
            if (c.get(key) != null) {
                throw new IllegalArgumentException("optimizer " + className + ": " + key + " "
                        + ModelConfig.describe(c.get(key)) + " is not supported (tensorkit's takes null)");
            }
        }
        if (c.get("decay") instanceof Number d && d.doubleValue() != 0) {
            throw new IllegalArgumentException("optimizer " + className + ": decay " + d + " (tf.keras 2's learning "
                    + "rate decay) is not supported");
        }
        if (Boolean.TRUE.equals(c.get("use_ema")) || Boolean.TRUE.equals(c.get("amsgrad"))) {
            throw new IllegalArgumentException("optimizer " + className + ": use_ema and amsgrad are not supported");
        }
        if (c.get("gradient_accumulation_steps") instanceof Number n && n.intValue() > 1) {
            throw new IllegalArgumentException("optimizer " + className + ": gradient_accumulation_steps " + n
                    + " is not supported");
        }
        double lr = number(c, "learning_rate", className, Double.NaN);
        switch (className) {
            case "Adam":
                return Adam.builder().learningRate(lr).beta1(number(c, "beta_1", className, 0.9))
                        .beta2(number(c, "beta_2", className, 0.999)).epsilon(number(c, "epsilon", className, 1e-7))
                        .build();
            case "SGD":
                return Sgd.builder().learningRate(lr).momentum(number(c, "momentum", className, 0))
                        .nesterov(Boolean.TRUE.equals(c.get("nesterov"))).build();
            default:
                throw new IllegalArgumentException("optimizer class \"" + className + "\" is not one tensorkit has "
                        + "(Adam, SGD)");
        }
    }

    private static double number(Map<String, Object> c, String key, String what, double fallback) {
        Object v = c.get(key);
        if (v == null && !Double.isNaN(fallback)) {
            return fallback;
        }
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("optimizer " + what + ": " + key + " is " + ModelConfig.describe(v)
                    + "; expected a number");
        }
        return n.doubleValue();
    }

    // ---------------------------------------------------------------------------------------------
    // Checks

    private static void requireSuffix(Path path, String suffix, String what) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        if (!name.endsWith(suffix)) {
            throw new IllegalArgumentException("cannot save " + what + " to " + path + ": the file name must end in "
                    + suffix);
        }
    }

    /**
     * The tables an {@link ExternalTables} sends for a model: which weights, their holes in the weights file (the
     * weight's values, then its optimizer slots), and the check of each row as it comes.
     */
    private static final class Outsides implements ExternalTables.Sink {
        private record Part(Weight weight, int part) {
            @Override
            public String toString() {
                return "\"" + weight.name() + "\"" + (part == 0 ? "" : " (optimizer slot " + (part - 1) + ")");
            }
        }

        private final ExternalTables tables;
        private final Map<Weight, Long> rows = new java.util.IdentityHashMap<>();
        private final Map<Weight, RowSet> frozen = new java.util.IdentityHashMap<>();
        /** Per table: the keys of its values and its slots' holes, in the order a row's state holds them. */
        private final Map<Weight, Part[]> parts = new java.util.IdentityHashMap<>();
        private WeightFile.Receiver receiver;

        Outsides(Network model, ExternalTables tables) {
            this.tables = tables;
            int slots = model.compiled().map(c -> c.optimizer().stateArraysPerWeight()).orElse(0);
            List<Weight> trainable = model.trainableWeights();
            for (Weight w : model.weights()) {
                long n = tables.rows(w);
                if (n < 0) {
                    continue;
                }
                if (w.shape().rank() != 2 || w.dtype() != org.tensorkit.core.DType.FLOAT32 || n < 1) {
                    throw new IllegalArgumentException("table \"" + w.name() + "\" sent from elsewhere must be a 2-D "
                            + "float32 weight of at least 1 row; it is " + w.dtype() + " " + w.shape() + " and "
                            + n + " rows were declared");
                }
                RowSet f = Objects.requireNonNull(tables.frozenRows(w), "frozenRows");
                if (f.end() > n) {
                    throw new IllegalArgumentException("table \"" + w.name() + "\" sent from elsewhere freezes rows up "
                            + "to " + (f.end() - 1) + "; it has rows [0, " + n + ")");
                }
                rows.put(w, n);
                frozen.put(w, f);
                Part[] keys = new Part[1 + (trainable.contains(w) ? slots : 0)];
                for (int k = 0; k < keys.length; k++) {
                    keys[k] = new Part(w, k);
                }
                parts.put(w, keys);
            }
        }

        boolean has(Weight w) {
            return rows.containsKey(w);
        }

        long rows(Weight w) {
            return rows.get(w);
        }

        RowSet frozenRows(Weight w) {
            return frozen.get(w);
        }

        /**
         * The holes of {@code weights}' parts {@code first} to {@code first + stride - 1}, at the variable indices
         * from {@code at} on, {@code stride} per weight.
         */
        Map<Integer, WeightFile.Outside> holes(List<Weight> weights, int stride, int at, int first) {
            Map<Integer, WeightFile.Outside> holes = new java.util.HashMap<>();
            for (int i = 0; i < weights.size(); i++) {
                Weight w = weights.get(i);
                if (has(w)) {
                    for (int k = 0; k < stride; k++) {
                        holes.put(at + i * stride + k, new WeightFile.Outside(rows.get(w),
                                Math.toIntExact(w.shape().dim(1)), parts.get(w)[first + k]));
                    }
                }
            }
            return holes;
        }

        /** Receives every row into {@code layout}'s holes; the layout left is the tables in memory. */
        WeightFile.Written receive(WeightFile.Written layout) throws IOException {
            WeightFile.Receiver r = layout.receive();
            receiver = r;
            try {
                tables.send(this);
                return r.finish();
            } finally {
                receiver = null;
                r.close();
            }
        }

        @Override
        public void row(Weight table, long row, float[] state) {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(state, "state");
            Part[] keys = parts.get(table);
            if (keys == null) {
                throw new IllegalArgumentException("weight \"" + table.name() + "\" is not a table sent from "
                        + "elsewhere");
            }
            int n = keys.length;
            int width = Math.toIntExact(table.shape().dim(1));
            if (state.length != n * width) {
                throw new IllegalArgumentException("row " + row + " of \"" + table.name() + "\": " + state.length
                        + " floats; expected " + n * width + " (" + n + " x " + width + ": the row, then its "
                        + (n - 1) + " optimizer slots)");
            }
            WeightFile.Receiver r = receiver;
            if (r == null) {
                throw new IllegalStateException("row " + row + " of \"" + table.name() + "\" came outside send: rows "
                        + "are taken only while the file is written");
            }
            try {
                for (int k = 0; k < n; k++) {
                    r.put(keys[k], row, state, k * width);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /**
     * {@link #toJson} of the model with each table sent from elsewhere at its full row count: its layer's
     * {@code input_dim}.
     */
    @SuppressWarnings("unchecked")
    private static byte[] configWith(Network model, Outsides outsides) {
        Map<String, Long> dims = new java.util.HashMap<>();
        for (Layer layer : model.layers()) {
            for (Weight w : layer.weights()) {
                if (outsides.has(w)) {
                    if (!layer.config().containsKey("input_dim")) {
                        throw new IllegalArgumentException("weight \"" + w.name() + "\" of layer \"" + layer.name()
                                + "\" (" + layer.getClass().getSimpleName() + ") cannot be sent from elsewhere: only "
                                + "a table layer's (its config has input_dim) can");
                    }
                    dims.put(layer.name(), outsides.rows(w));
                }
            }
        }
        Map<String, Object> config = config(model);
        Map<String, Object> inner = new LinkedHashMap<>((Map<String, Object>) config.get("config"));
        List<Object> layers = new ArrayList<>();
        for (Object l : (List<Object>) inner.get("layers")) {
            Map<String, Object> layerConfig = (Map<String, Object>) ((Map<String, Object>) l).get("config");
            Long n = dims.get(layerConfig.get("name"));
            if (n == null) {
                layers.add(l);
                continue;
            }
            Map<String, Object> resized = new LinkedHashMap<>(layerConfig);
            resized.put("input_dim", n);
            Map<String, Object> layer = new LinkedHashMap<>((Map<String, Object>) l);
            layer.put("config", resized);
            layers.add(layer);
        }
        inner.put("layers", layers);
        config.put("config", inner);
        return Json.write(config);
    }

    private static void requireBuilt(Network model) {
        if (!model.isBuilt()) {
            throw new IllegalStateException("model \"" + model.name() + "\" is not built: build it (or give its "
                    + "input shape) before saving or loading weights");
        }
    }

    /** "zip", "hdf5", or IOException for a file that is neither (or missing). */
    private static String sniff(Path path) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(8);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        }
        if (startsWith(head, ZIP_MAGIC)) {
            return "zip";
        }
        if (startsWith(head, HDF5_MAGIC)) {
            return "hdf5";
        }
        throw new IOException(path + " is neither a .keras archive (zip) nor an HDF5 file (its first bytes are "
                + hex(head) + ")");
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x & 0xff));
        }
        return s.length() == 0 ? "(empty file)" : s.toString();
    }

    /** Wraps the archive's output channel; tests pass one that fails. */
    @FunctionalInterface
    interface StreamWrapper {
        StreamWrapper NONE = ch -> ch;

        java.nio.channels.WritableByteChannel wrap(java.nio.channels.FileChannel channel);
    }
}
