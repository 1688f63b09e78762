package org.tensorkit.spark;

/**
 * What one round of {@link ShardedModel#fit} did: its time, the data rows it trained on, the most optimizer steps
 * a partition took, and its traffic in table rows (each a key and the row's floats: the row's values and, for a
 * trainable table, its optimizer state), shipped to the data partitions and sent back by them. The traffic is
 * proportional to the rows the partitions' ids use, not to the tables' size.
 *
 * @param round the round's number, from 0
 * @param seconds its wall-clock time
 * @param samples data rows trained on
 * @param steps the most optimizer steps a data partition took
 * @param rowsShipped table rows shipped to data partitions (a row used by two partitions counts twice)
 * @param bytesShipped their bytes
 * @param rowsReturned table rows the partitions sent back (the rows their ids touched)
 * @param bytesReturned their bytes
 */
public record Round(int round, double seconds, long samples, long steps, long rowsShipped, long bytesShipped,
                    long rowsReturned, long bytesReturned) {
}
