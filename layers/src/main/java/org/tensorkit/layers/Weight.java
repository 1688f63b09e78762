package org.tensorkit.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;

/**
 * A weight variable of a layer, such as an embedding table: a name ({@code My_embedding/embeddings:0}), a
 * fixed shape and dtype, and its current value.
 *
 * <p>Thread safety: {@link #set} never writes into the array that readers may be using; it installs a new one
 * with one volatile write. A forward pass reads {@link #value()} once, so it sees either the old or the new
 * value of this weight, never a mix. Optimizers update {@link #value()} in place (training is single-writer).
 */
public final class Weight {
    private final Layer owner;
    private final String name;
    private final Shape shape;
    private final DType dtype;
    private final Regularizer regularizer;
    private final boolean rowSparse;
    private final boolean trainableVariable;
    private volatile INDArray value;
    private volatile RowSet frozenRows = RowSet.empty();

    Weight(Layer owner, String name, INDArray initial) {
        this(owner, name, initial, null, false);
    }

    Weight(Layer owner, String name, INDArray initial, Regularizer regularizer, boolean rowSparse) {
        this(owner, name, initial, regularizer, rowSparse, true);
    }

    Weight(Layer owner, String name, INDArray initial, Regularizer regularizer, boolean rowSparse,
           boolean trainableVariable) {
        this.trainableVariable = trainableVariable;
        this.owner = owner;
        this.name = name;
        this.shape = Shape.of(initial.shape());
        this.dtype = DType.of(initial.dataType());
        this.regularizer = regularizer;
        this.rowSparse = rowSparse;
        this.value = initial;
    }

    /** Keras's variable name: {@code <layer>/<weight>:0}. */
    public String name() {
        return name;
    }

    /** The layer that owns this weight. */
    public Layer owner() {
        return owner;
    }

    /** The weight's shape, fixed when it is created. */
    public Shape shape() {
        return shape;
    }

    /** The weight's dtype, fixed when it is created. */
    public DType dtype() {
        return dtype;
    }

    /**
     * Trainable when its layer is, unless the layer made it a state updated by its own rule (Keras's
     * non-trainable variables, such as a BatchNormalization's moving statistics), which never is.
     */
    public boolean isTrainable() {
        return trainableVariable && owner.isTrainable();
    }

    /**
     * Whether the layer updates this weight by its own rule (Keras's {@code add_weight(trainable=False)}: a moving
     * mean, a learnt normalization): it has no gradient, whether or not its layer trains.
     */
    public boolean isState() {
        return !trainableVariable;
    }

    /** The penalty training adds to the loss for this weight, if any. */
    public java.util.Optional<Regularizer> regularizer() {
        return java.util.Optional.ofNullable(regularizer);
    }

    /**
     * Whether the weight is a table whose gradients arrive as rows ({@link GradientSink#addRows}), like an
     * embedding table. Training then treats it lazily: its regularizer and the optimizer touch only the rows of
     * the current step, so a step costs the size of the batch, not of the table.
     */
    public boolean isRowSparse() {
        return rowSparse;
    }

    /** Number of scalars. */
    public long size() {
        return shape.size();
    }

    /**
     * The rows of this table that training leaves alone: every optimizer skips them in its step, so a frozen row
     * and its optimizer state stay bit-identical through {@code fit} (PyTorch's {@code from_pretrained} can only
     * freeze the whole table). Empty unless set.
     */
    public RowSet frozenRows() {
        return frozenRows;
    }

    /**
     * Freezes {@code rows} of this table (replacing the rows frozen before; {@link RowSet#empty()} unfreezes all):
     * the pretrained rows of an embedding, say, while its other rows (misses, OOV, new ids) train.
     *
     * @param rows rows of the table's first axis
     * @throws IllegalArgumentException if the weight is not a row-sparse table or a row is beyond its first axis
     */
    public void freezeRows(RowSet rows) {
        Objects.requireNonNull(rows, "rows");
        if (!rowSparse && !rows.isEmpty()) {
            throw new IllegalArgumentException("weight " + name + " is not a table of rows (an Embedding's); only "
                    + "tables can freeze rows");
        }
        if (rows.end() > shape.dim(0)) {
            throw new IllegalArgumentException("cannot freeze rows of " + name + " up to " + (rows.end() - 1)
                    + ": the table has rows [0, " + shape.dim(0) + ")");
        }
        this.frozenRows = rows;
    }

    /**
     * The number of scalars training may change: the whole weight when it is trainable, less its frozen rows;
     * 0 when it is not trainable. The summary counts these as trainable parameters and the rest as non-trainable.
     */
    public long trainableSize() {
        if (!isTrainable()) {
            return 0;
        }
        RowSet frozen = frozenRows;
        return frozen.isEmpty() ? size() : size() - frozen.size() * (size() / shape.dim(0));
    }

    /**
     * The live array (no copy). Read it once per computation; do not write into it except from an optimizer.
     */
    public INDArray value() {
        return value;
    }

    /** A copy of the current value. */
    public Tensor read() {
        return Tensor.wrap(value.dup('c'));
    }

    /** Replaces the value by a copy of {@code newValue}, cast to this weight's dtype. */
    public void set(Tensor newValue) {
        assign(owner.name(), List.of(this), java.util.Collections.singletonList(newValue)); // null: a named NPE
    }

    /**
     * Keras's {@code set_weights} for any list of weights: checks the count, then every shape and dtype, and only
     * then installs copies of all values (cast to each weight's dtype). A call that throws changes nothing.
     *
     * @param ownerName the layer or model named in error messages
     */
    public static void assign(String ownerName, List<Weight> weights, List<Tensor> values) {
        Objects.requireNonNull(values, "weights");
        if (values.size() != weights.size()) {
            String shown = values.toString();
            throw new IllegalArgumentException("You called `set_weights(weights)` on layer \"" + ownerName
                    + "\" with a weight list of length " + values.size() + ", but the layer was expecting "
                    + weights.size() + " weights. Provided weights: "
                    + shown.substring(0, Math.min(50, shown.length())) + "...");
        }
        List<INDArray> copies = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            Weight w = weights.get(i);
            Tensor v = values.get(i);
            if (v == null) {
                throw new NullPointerException("set_weights on \"" + ownerName + "\": weight " + i + " ("
                        + w.name + ") is null; expected an array of shape " + w.shape);
            }
            if (!v.dtype().isNumeric()) {
                throw new IllegalArgumentException("set_weights on \"" + ownerName + "\": weight " + i + " ("
                        + w.name + ") has dtype " + v.dtype() + "; expected a numeric array to convert to "
                        + w.dtype);
            }
            if (!w.shape.equals(v.shape())) {
                throw new IllegalArgumentException("Layer weight shape " + w.shape
                        + " not compatible with provided weight shape " + v.shape() + " (weight " + i + ", "
                        + w.name + ", in set_weights on \"" + ownerName + "\")");
            }
        }
        for (int i = 0; i < values.size(); i++) {
            INDArray src = values.get(i).unwrap();
            INDArray copy = src.dataType() == weights.get(i).dtype.toNd4j()
                    ? src.dup('c')
                    : src.castTo(weights.get(i).dtype.toNd4j()).dup('c');
            copies.add(copy);
        }
        for (int i = 0; i < copies.size(); i++) {
            weights.get(i).value = copies.get(i);
        }
    }

    @Override
    public String toString() {
        return "<Weight '" + name + "' shape=" + shape + " dtype=" + dtype + ">";
    }
}
