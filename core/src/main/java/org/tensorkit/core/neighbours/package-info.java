/**
 * Exact nearest rows of a table: {@link org.tensorkit.core.neighbours.Neighbours} (by cosine or dot,
 * {@link org.tensorkit.core.neighbours.Metric}) answers a batch of queries with
 * {@link org.tensorkit.core.neighbours.Nearest} ids and scores, through one matrix product per block and a partial
 * selection.
 */
package org.tensorkit.core.neighbours;
