package org.tensorkit.spark.internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Weight;
import org.tensorkit.models.Network;
import org.tensorkit.models.optimizers.Optimizer;
import org.tensorkit.models.training.FitOptions;
import org.tensorkit.models.training.History;
import org.tensorkit.models.training.Verbosity;
import scala.Tuple2;

/**
 * What one data partition does in a round, on its executor: the model rebuilt with every table cut to the rows
 * the partition's ids need (the rows it was shipped, renumbered in id order), the broadcast weights and the
 * optimizer's state put in, then one epoch of the model's own {@code fit} over the partition's rows (or its
 * {@code evaluate}); and what it sends back: the rows its ids touched, the broadcast weights, its logs.
 */
public final class LocalRound {
    private LocalRound() {
    }

    /** The settings of a round. */
    public record Settings(int batchSize, int round, boolean shuffle, long seed) implements Serializable {
    }

    /** A partition's result. */
    public record Result(int partition, long rows, long steps, Map<String, Double> logs, float[][] dense,
                         long[] keys, float[][] states, long received, long receivedBytes)
            implements Serializable {
        /** The bytes of the rows sent back: a key and the row's floats each. */
        public long returnedBytes() {
            long b = 0;
            for (float[] s : states) {
                b += Long.BYTES + (long) Float.BYTES * s.length;
            }
            return b;
        }
    }

    /** The partition's model, its inputs, and for every table the ids of its local rows. */
    private record Local(Network model, List<Tensor> inputs, long[][] spaceIds, long received, long receivedBytes) {
    }

    /**
     * One epoch over {@code block} from the shipped rows ({@code (key, state)}) and the broadcast state.
     */
    public static Result train(Plan plan, Block block, Iterator<Tuple2<Long, float[]>> shipped, DenseState dense,
                               Settings settings) {
        Local local = local(plan, block, shipped, dense, true);
        Network model = local.model();
        FitOptions options = FitOptions.builder().batchSize(settings.batchSize()).epochs(settings.round() + 1)
                .initialEpoch(settings.round()).shuffle(settings.shuffle())
                .seed(settings.seed() + block.partition()).verbose(Verbosity.SILENT).build();
        History h = model.fit(local.inputs(), block.targets(), options);
        Map<String, Double> logs = new LinkedHashMap<>();
        h.history().forEach((k, v) -> logs.put(k, v.get(0)));
        long steps = (block.rows() + settings.batchSize() - 1) / settings.batchSize();

        List<Tensor> weights = model.getWeights();
        Optimizer optimizer = model.compiled().orElseThrow().optimizer();
        List<Tensor> state = optimizer.state(model.trainableWeights());
        // the rows the partition's ids touched, of every trainable table
        List<Long> keys = new ArrayList<>();
        List<float[]> states = new ArrayList<>();
        for (int t = 0; t < plan.tables().size(); t++) {
            Plan.Table table = plan.tables().get(t);
            if (!table.trainable()) {
                continue;
            }
            int width = table.width();
            long[] space = local.spaceIds()[table.space()];
            float[] values = weights.get(table.weight()).toFloatArray();
            int ti = plan.trainableIndex(table.weight());
            float[][] slots = new float[plan.slots()][];
            for (int s = 0; s < slots.length; s++) {
                slots[s] = state.get(ti * plan.slots() + s).toFloatArray();
            }
            org.tensorkit.layers.RowSet frozen = table.frozenRows();
            for (long id : used(block, table)) {
                if (frozen.contains(id)) {
                    continue; // unchanged by the epoch: nothing to send back or to average
                }
                int j = Arrays.binarySearch(space, id);
                float[] row = new float[plan.stateWidth(t)];
                System.arraycopy(values, j * width, row, 0, width);
                for (int s = 0; s < slots.length; s++) {
                    System.arraycopy(slots[s], j * width, row, (1 + s) * width, width);
                }
                keys.add(plan.key(t, id));
                states.add(row);
            }
        }
        float[][] newDense = denseAfter(plan, weights, state);
        for (Tensor w : weights) {
            w.close();
        }
        for (Tensor s : state) {
            s.close();
        }
        return new Result(block.partition(), block.rows(), steps, logs, newDense,
                keys.stream().mapToLong(Long::longValue).toArray(), states.toArray(float[][]::new),
                local.received(), local.receivedBytes());
    }

    /** {@code evaluate} of the block's rows in batches of {@code batchSize}. */
    public static Result evaluate(Plan plan, Block block, Iterator<Tuple2<Long, float[]>> shipped, DenseState dense,
                                  int batchSize) {
        Local local = local(plan, block, shipped, dense, false);
        Map<String, Double> logs = local.model().evaluate(local.inputs(), block.targets(), batchSize);
        return new Result(block.partition(), block.rows(), 0, new LinkedHashMap<>(logs), null, new long[0],
                new float[0][], local.received(), local.receivedBytes());
    }

    /** The distinct ids (sorted) the inputs of {@code table} hold in the block. */
    private static long[] used(Block block, Plan.Table table) {
        long[][] parts = new long[table.inputs().length][];
        for (int k = 0; k < parts.length; k++) {
            parts[k] = block.ids(table.inputs()[k]);
        }
        return distinct(parts, false);
    }

    /** The sorted distinct ids of each space: its inputs' ids, and 0 when a table of it masks id 0. */
    public static long[][] spaceIds(Plan plan, Block block) {
        long[][] out = new long[plan.spaces()][];
        for (int sp = 0; sp < out.length; sp++) {
            List<long[]> parts = new ArrayList<>();
            boolean zero = false;
            for (int i = 0; i < plan.inputCount(); i++) {
                if (plan.inputSpace(i) == sp) {
                    parts.add(block.ids(i));
                }
            }
            for (Plan.Table t : plan.tables()) {
                zero |= t.space() == sp && t.maskZero();
            }
            out[sp] = distinct(parts.toArray(long[][]::new), zero);
        }
        return out;
    }

    private static long[] distinct(long[][] parts, boolean withZero) {
        int n = withZero ? 1 : 0;
        for (long[] p : parts) {
            n += p.length;
        }
        long[] all = new long[n];
        int at = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        if (withZero) {
            all[at] = 0;
        }
        Arrays.sort(all);
        int m = 0;
        for (int k = 0; k < all.length; k++) {
            if (k == 0 || all[k] != all[k - 1]) {
                all[m++] = all[k];
            }
        }
        return Arrays.copyOf(all, m);
    }

    private static Local local(Plan plan, Block block, Iterator<Tuple2<Long, float[]>> shipped, DenseState dense,
                               boolean withOptimizer) {
        Map<Long, float[]> rows = new HashMap<>();
        long received = 0;
        long bytes = 0;
        while (shipped.hasNext()) {
            Tuple2<Long, float[]> r = shipped.next();
            rows.put(r._1(), r._2());
            received++;
            bytes += Long.BYTES + (long) Float.BYTES * r._2().length;
        }
        long[][] spaceIds = spaceIds(plan, block);
        int[] spaceRows = new int[spaceIds.length];
        for (int sp = 0; sp < spaceIds.length; sp++) {
            spaceRows[sp] = spaceIds[sp].length;
        }
        Network model = plan.localModel(spaceRows);
        List<Weight> all = model.weights();
        List<Weight> trainable = model.trainableWeights();
        List<Tensor> values = new ArrayList<>(all.size());
        List<Tensor> state = new ArrayList<>();
        for (int k = 0; k < trainable.size() * plan.slots(); k++) {
            state.add(null);
        }
        for (int k = 0; k < all.size(); k++) {
            int t = plan.weightTable(k);
            int ti = plan.trainableIndex(k);
            if (t < 0) {
                values.add(Tensor.of(dense.values(k)).reshape(dense.shape(k)));
                for (int s = 0; ti >= 0 && s < plan.slots(); s++) {
                    state.set(ti * plan.slots() + s, Tensor.of(dense.slot(k, s)).reshape(dense.shape(k)));
                }
                continue;
            }
            Plan.Table table = plan.tables().get(t);
            long[] ids = spaceIds[table.space()];
            int width = table.width();
            int copies = ti >= 0 ? 1 + plan.slots() : 1;
            float[][] arrays = new float[copies][ids.length * width];
            for (int j = 0; j < ids.length; j++) {
                if (ids[j] >= table.rows()) {
                    continue;   // a row of the space this table does not have (another table's id): never read
                }
                float[] row = rows.get(plan.key(t, ids[j]));
                if (row == null) {
                    throw new IllegalStateException("row " + ids[j] + " of Embedding layer \"" + table.layer()
                            + "\" was not shipped to partition " + block.partition());
                }
                for (int c = 0; c < copies; c++) {
                    System.arraycopy(row, c * width, arrays[c], j * width, width);
                }
            }
            values.add(Tensor.of(arrays[0]).reshape(ids.length, width));
            for (int s = 0; ti >= 0 && s < plan.slots(); s++) {
                state.set(ti * plan.slots() + s, Tensor.of(arrays[1 + s]).reshape(ids.length, width));
            }
        }
        model.setWeights(values);
        freezeLocalRows(plan, model, spaceIds);
        if (withOptimizer) {
            model.compiled().orElseThrow().optimizer().restoreState(dense.iterations(), trainable, state);
        }
        List<Tensor> inputs = new ArrayList<>(plan.inputCount());
        for (int i = 0; i < plan.inputCount(); i++) {
            int sp = plan.inputSpace(i);
            if (sp < 0) {
                inputs.add(block.input(i));
                continue;
            }
            long[] ids = block.ids(i);
            long[] space = spaceIds[sp];
            int[] local = new int[ids.length];
            for (int k = 0; k < ids.length; k++) {
                local[k] = Arrays.binarySearch(space, ids[k]);
            }
            inputs.add(block.renumbered(i, local));
        }
        return new Local(model, inputs, spaceIds, received, bytes);
    }

    /**
     * Freezes, in each local table, the local rows whose ids are frozen rows of the sharded table: the local epoch
     * then leaves them and their optimizer state exactly as shipped, as the whole model's fit would.
     */
    private static void freezeLocalRows(Plan plan, Network model, long[][] spaceIds) {
        List<Weight> all = model.weights();
        for (Plan.Table table : plan.tables()) {
            if (table.frozen().length == 0) {
                continue;
            }
            org.tensorkit.layers.RowSet frozen = table.frozenRows();
            long[] ids = spaceIds[table.space()];
            int[] local = new int[ids.length];
            int n = 0;
            for (int j = 0; j < ids.length; j++) {
                if (frozen.contains(ids[j])) {
                    local[n++] = j;
                }
            }
            all.get(table.weight()).freezeRows(org.tensorkit.layers.RowSet.of(Arrays.copyOf(local, n)));
        }
    }

    /** The broadcast weights (and slots) after the epoch, in {@link DenseState#flat} order. */
    private static float[][] denseAfter(Plan plan, List<Tensor> weights, List<Tensor> state) {
        List<float[]> out = new ArrayList<>();
        for (int k = 0; k < plan.weightCount(); k++) {
            if (plan.weightTable(k) >= 0) {
                continue;
            }
            out.add(weights.get(k).toFloatArray());
            int ti = plan.trainableIndex(k);
            if (ti >= 0) {
                for (int s = 0; s < plan.slots(); s++) {
                    out.add(state.get(ti * plan.slots() + s).toFloatArray());
                }
            }
        }
        return out.toArray(float[][]::new);
    }
}
