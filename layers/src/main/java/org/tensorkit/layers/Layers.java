package org.tensorkit.layers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import org.tensorkit.layers.preprocessing.Discretization;
import org.tensorkit.layers.preprocessing.Hashing;
import org.tensorkit.layers.preprocessing.IntegerLookup;
import org.tensorkit.layers.preprocessing.Normalization;
import org.tensorkit.layers.preprocessing.StringLookup;
import org.tensorkit.layers.preprocessing.StringSplit;

/**
 * The layer classes tensorkit rebuilds from configs: a fixed registry by Keras class name, so that reading a
 * config never instantiates a class the config names (only these).
 */
public final class Layers {
    private static final Map<String, Function<Map<String, Object>, Layer>> REGISTRY = registry();

    private Layers() {
    }

    private static Map<String, Function<Map<String, Object>, Layer>> registry() {
        Map<String, Function<Map<String, Object>, Layer>> r = new LinkedHashMap<>();
        r.put("InputLayer", InputLayer::fromConfig);
        r.put("Embedding", Embedding::fromConfig);
        r.put("EmbedReduce", EmbedReduce::fromConfig);
        r.put("Flatten", Flatten::fromConfig);
        r.put("Dense", Dense::fromConfig);
        r.put("Dropout", Dropout::fromConfig);
        r.put("Dot", Dot::fromConfig);
        r.put("Concatenate", Concatenate::fromConfig);
        r.put("Add", Add::fromConfig);
        r.put("Subtract", Subtract::fromConfig);
        r.put("Multiply", Multiply::fromConfig);
        r.put("Average", Average::fromConfig);
        r.put("Reshape", Reshape::fromConfig);
        r.put("LeakyReLU", LeakyReLU::fromConfig);
        r.put("GlobalAveragePooling1D", GlobalAveragePooling1D::fromConfig);
        r.put("BatchNormalization", BatchNormalization::fromConfig);
        r.put("StringLookup", StringLookup::fromConfig);
        r.put("IntegerLookup", IntegerLookup::fromConfig);
        r.put("Hashing", Hashing::fromConfig);
        r.put("Discretization", Discretization::fromConfig);
        r.put("Normalization", Normalization::fromConfig);
        r.put("StringSplit", StringSplit::fromConfig);
        return Map.copyOf(r);
    }

    /** The Keras class names {@link #fromConfig} knows. */
    public static Set<String> classNames() {
        return REGISTRY.keySet();
    }

    /** The Keras class name of {@code layer} ({@code "Embedding"}, ...), as a config names it. */
    public static String className(Layer layer) {
        return Objects.requireNonNull(layer, "layer").getClass().getSimpleName();
    }

    /**
     * A new layer of Keras class {@code className} with the settings of {@code config} (a {@link Layer#config()}).
     *
     * @throws IllegalArgumentException for a class tensorkit does not have, or a config it cannot read, naming
     *                                  the class and the setting
     */
    public static Layer fromConfig(String className, Map<String, Object> config) {
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(config, "config");
        Function<Map<String, Object>, Layer> factory = REGISTRY.get(className);
        if (factory == null) {
            throw new IllegalArgumentException("unknown layer class \"" + className + "\"; tensorkit has "
                    + new java.util.TreeSet<>(REGISTRY.keySet()));
        }
        return factory.apply(config);
    }
}
