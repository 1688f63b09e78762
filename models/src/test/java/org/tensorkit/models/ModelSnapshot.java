package org.tensorkit.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertIterableEquals;

import java.util.ArrayList;
import java.util.List;

import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Layer;

/**
 * Everything a user can observe of a model, taken before a bad call so that the test can assert the call changed
 * nothing: built or not, its layers (by identity), how often each layer has been called (its inbound nodes), the
 * weight values, the summary text and, for a built model, the answer of a reference {@code predict}.
 */
final class ModelSnapshot {
    private final Network model;
    private final Tensor probe;
    private final boolean built;
    private final List<Layer> layers;
    private final List<Integer> nodeCounts;
    private final List<Tensor> weights;
    private final List<String> summary;
    private final List<Tensor> reference;

    private ModelSnapshot(Network model, Tensor probe) {
        this.model = model;
        this.probe = probe;
        this.built = model.isBuilt();
        this.layers = model.layers();
        this.nodeCounts = nodeCounts(layers);
        this.weights = built ? model.getWeights() : null;
        this.summary = built ? model.summaryLines() : null;
        this.reference = built && probe != null ? model.predict(List.of(probe)) : null;
    }

    /**
     * Snapshots {@code model}; {@code probe} is the data of the reference predict (for a one-input model),
     * ignored while the model is not built (a predict would build it).
     */
    static ModelSnapshot of(Network model, Tensor probe) {
        return new ModelSnapshot(model, probe);
    }

    /** Asserts that nothing observable changed since the snapshot. */
    void assertUnchanged() {
        String who = "model \"" + model.name() + "\"";
        assertEquals(built, model.isBuilt(), who + ": built state changed");
        assertIterableEquals(layers, model.layers(), who + ": layers changed");
        assertEquals(nodeCounts, nodeCounts(layers), who + ": a layer was called (inbound nodes changed)");
        if (built) {
            assertEquals(weights, model.getWeights(), who + ": weights changed");
            assertEquals(summary, model.summaryLines(), who + ": summary changed");
            if (reference != null) {
                assertEquals(reference, model.predict(List.of(probe)), who + ": predict gives another answer");
            }
        }
    }

    /** Snapshots several models that share layers; {@link #assertAllUnchanged} checks them all. */
    static List<ModelSnapshot> of(Network first, Tensor probe, Network... more) {
        List<ModelSnapshot> all = new ArrayList<>();
        all.add(of(first, probe));
        for (Network m : more) {
            all.add(of(m, probe));
        }
        return all;
    }

    static void assertAllUnchanged(List<ModelSnapshot> snapshots) {
        snapshots.forEach(ModelSnapshot::assertUnchanged);
    }

    private static List<Integer> nodeCounts(List<Layer> layers) {
        return layers.stream().map(l -> l.inboundNodes().size()).toList();
    }
}
