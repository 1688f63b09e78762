package org.tensorkit.spark.internal;

import org.apache.spark.Partitioner;

/** Sends key {@code p} (an Integer in {@code [0, n)}) to partition {@code p}: data partition p's shipped rows. */
public final class ExactPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;

    /** A partitioner of {@code partitions} partitions. */
    public ExactPartitioner(int partitions) {
        this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        return (Integer) key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExactPartitioner e && e.partitions == partitions;
    }

    @Override
    public int hashCode() {
        return partitions;
    }
}
