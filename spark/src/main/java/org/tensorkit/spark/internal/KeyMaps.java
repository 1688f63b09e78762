package org.tensorkit.spark.internal;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.LayerAssets;
import org.tensorkit.layers.Layers;

/**
 * The lookups between a model's inputs and its sharded tables, as the executors need them to turn a partition's keys
 * into ids while they read it: each lookup's class, config and assets (an adapted vocabulary), rebuilt into a layer
 * once per deserialized copy. Only the job that reads the data partitions carries this; the rounds' jobs carry the
 * {@link Plan} alone, without the vocabularies.
 */
public final class KeyMaps implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Per model input: its lookup's name, or null. */
    private final String[] lookups;
    /** Per model input with a lookup: the rows of the smallest table it feeds, and that table. */
    private final long[] limits;
    private final String[] tables;
    /** Per lookup: its Keras class name and its config as JSON. */
    private final HashMap<String, String[]> configs;
    private final HashMap<String, HashMap<String, byte[]>> assets;
    private transient Map<String, Layer> built;

    KeyMaps(String[] lookups, long[] limits, String[] tables, HashMap<String, String[]> configs,
            HashMap<String, HashMap<String, byte[]>> assets) {
        this.lookups = lookups;
        this.limits = limits;
        this.tables = tables;
        this.configs = configs;
        this.assets = assets;
    }

    /**
     * {@code block} with each lookup-fed input's keys replaced by the ids its lookup gives them.
     *
     * @throws IllegalArgumentException if a lookup gives an id beyond a table it feeds, naming the key, the column
     *     and the partition
     */
    public Block apply(Block block) {
        Block out = block;
        for (int i = 0; i < lookups.length; i++) {
            if (lookups[i] == null) {
                continue;
            }
            long[] ids;
            try (Tensor keys = out.input(i); Tensor mapped = layers().get(lookups[i]).call(keys)) {
                ids = mapped.toLongArray();
            }
            out = out.withIds(i, ids, limits[i], tables[i], lookups[i]);
        }
        return out;
    }

    private synchronized Map<String, Layer> layers() {
        if (built == null) {
            Map<String, Layer> b = new HashMap<>();
            ObjectMapper mapper = new ObjectMapper();
            for (Map.Entry<String, String[]> e : configs.entrySet()) {
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> config = mapper.readValue(e.getValue()[1], Map.class);
                    Layer l = Layers.fromConfig(e.getValue()[0], config);
                    if (l instanceof LayerAssets a) {
                        a.loadAssets(assets.get(e.getKey()));
                    }
                    b.put(e.getKey(), l);
                } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                    throw new IllegalStateException("lookup \"" + e.getKey() + "\": its config cannot be read back: "
                            + ex.getMessage(), ex);
                }
            }
            built = b;
        }
        return built;
    }
}
