package org.tensorkit.spark;

import java.io.PrintStream;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.tensorkit.models.training.FitOptions;
import org.tensorkit.models.training.Verbosity;

/**
 * The settings of {@link ShardedModel#fit}: Keras's {@code fit} settings where they mean the same (batch size,
 * shuffling, seed, validation data), the number of rounds (a round is one local epoch of every data partition),
 * how many partitions the data is split into, and where the sharded state is kept.
 */
public final class SparkFitOptions {
    /** How a round combines the new values of a table row that several data partitions changed. */
    public enum RowUpdate {
        /** The mean of the partitions' new values (model averaging, row by row). */
        AVERAGE,
        /**
         * The old value plus every partition's change: as if the partitions' steps had been taken one after
         * another from the same start (as asynchronous, Hogwild-style embedding training approximates). Rows seen by
         * one partition are unaffected; a row all P partitions move by the same step moves P times that step
         * instead of once, so a round makes about as much progress on the tables as an epoch on one machine.
         */
        ADD_CHANGES
    }

    /** A partition's local epoch: batch size, shuffling and seed, as single-machine {@code fit} reads them. */
    private final FitOptions local;
    private final int rounds;
    private final int partitions;
    private final Dataset<Row> validation;
    private final StorageLevel storageLevel;
    private final PrintStream output;
    private final RowUpdate rowUpdate;
    /** Null: reliable exactly when the SparkContext has a checkpoint directory. */
    private final Boolean reliableCheckpoints;

    private SparkFitOptions(Builder b) {
        this.rowUpdate = b.rowUpdate;
        this.reliableCheckpoints = b.reliableCheckpoints;
        this.local = b.local.build();
        this.rounds = b.rounds;
        this.partitions = b.partitions;
        this.validation = b.validation;
        this.storageLevel = b.storageLevel;
        this.output = b.output;
    }

    /** The options, starting from batches of 32, one round, shuffled. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether every round's tables are checkpointed to the SparkContext's checkpoint directory, when set; empty by
     * default: then they are exactly when the SparkContext has a checkpoint directory (MLlib's ALS rule).
     */
    public java.util.Optional<Boolean> reliableCheckpoints() {
        return java.util.Optional.ofNullable(reliableCheckpoints);
    }

    /** Rows per optimizer step in a data partition. */
    public int batchSize() {
        return local.batchSize();
    }

    /** How many rounds {@code fit} runs. */
    public int rounds() {
        return rounds;
    }

    /** Whether each partition shuffles its rows before every round. */
    public boolean shuffle() {
        return local.shuffle();
    }

    /** The seed of the shuffles and random layers, if set. */
    public OptionalLong seed() {
        return local.seed();
    }

    /** How many data partitions (0: the data's own partitioning). */
    public int partitions() {
        return partitions;
    }

    /** The rows {@code val_} logs are computed on after every round, if any. */
    public Optional<Dataset<Row>> validation() {
        return Optional.ofNullable(validation);
    }

    /** Where the data's rows, read into blocks, are kept while the fit runs. */
    public StorageLevel storageLevel() {
        return storageLevel;
    }

    /** How a row several partitions changed is combined (the optimizer's slots are averaged either way). */
    public RowUpdate rowUpdate() {
        return rowUpdate;
    }

    /** Where a line per round is printed, if anywhere. */
    public Optional<PrintStream> output() {
        return Optional.ofNullable(output);
    }

    /** The builder of {@link SparkFitOptions}. */
    public static final class Builder {
        private final FitOptions.Builder local = FitOptions.builder().verbose(Verbosity.SILENT);
        private int rounds = 1;
        private int partitions;
        private Dataset<Row> validation;
        private StorageLevel storageLevel = StorageLevel.MEMORY_AND_DISK();
        private PrintStream output;
        private RowUpdate rowUpdate = RowUpdate.AVERAGE;
        private Boolean reliableCheckpoints;

        private Builder() {
        }

        /**
         * Rows per step (default 32), checked as {@code FitOptions.batchSize} checks it.
         *
         * @throws IllegalArgumentException if below 1
         */
        public Builder batchSize(int batchSize) {
            local.batchSize(batchSize);
            return this;
        }

        /**
         * Rounds to run (default 1): in each, every data partition trains one epoch over its rows.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder rounds(int rounds) {
            if (rounds < 0) {
                throw new IllegalArgumentException("rounds must be >= 0, got " + rounds);
            }
            this.rounds = rounds;
            return this;
        }

        /** Whether each partition shuffles its rows every round (default true). */
        public Builder shuffle(boolean shuffle) {
            local.shuffle(shuffle);
            return this;
        }

        /** The seed: partition {@code p} shuffles with {@code seed + p}, as {@code fit} with that seed would. */
        public Builder seed(long seed) {
            local.seed(seed);
            return this;
        }

        /**
         * Split the data into this many partitions ({@code Dataset.repartition}); 0 (the default) keeps the data's
         * partitioning.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder partitions(int partitions) {
            if (partitions < 0) {
                throw new IllegalArgumentException("partitions must be >= 0, got " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /** Rows (the same columns as the training data) to compute {@code val_} logs on after every round. */
        public Builder validation(Dataset<Row> validation) {
            this.validation = Objects.requireNonNull(validation, "validation");
            return this;
        }

        /** Where the data's blocks are kept (default {@code MEMORY_AND_DISK}: they spill). */
        public Builder storageLevel(StorageLevel storageLevel) {
            this.storageLevel = Objects.requireNonNull(storageLevel, "storageLevel");
            return this;
        }

        /** How a row several partitions changed is combined (default {@link RowUpdate#AVERAGE}). */
        public Builder rowUpdate(RowUpdate rowUpdate) {
            this.rowUpdate = Objects.requireNonNull(rowUpdate, "rowUpdate");
            return this;
        }

        /**
         * Checkpoint every round's tables to the SparkContext's checkpoint directory ({@code setCheckpointDir}, on
         * reliable storage such as HDFS), so that an executor lost during a fit costs the recomputation of its blocks
         * from the last round's files instead of failing the fit; the previous round's files are deleted once the
         * next ones are written. The price is writing every table once a round. With {@code false}, a round's tables
         * are checkpointed locally ({@code localCheckpoint}), in the executors' caches, which a lost executor loses.
         * Unset (the default), they are checkpointed reliably exactly when the SparkContext has a checkpoint
         * directory, as MLlib's ALS checkpoints only then; {@code true} without one is refused when the fit starts.
         */
        public Builder reliableCheckpoints(boolean reliableCheckpoints) {
            this.reliableCheckpoints = reliableCheckpoints;
            return this;
        }

        /** Print a line per round (time, logs, traffic) to {@code output}. */
        public Builder output(PrintStream output) {
            this.output = Objects.requireNonNull(output, "output");
            return this;
        }

        /** The options. */
        public SparkFitOptions build() {
            return new SparkFitOptions(this);
        }
    }
}
