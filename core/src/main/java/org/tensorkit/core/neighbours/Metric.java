package org.tensorkit.core.neighbours;

/** How {@link Neighbours} scores a row against a query; a higher score is nearer. */
public enum Metric {
    /** Cosine similarity: the dot product of the unit vectors, in [-1, 1] (0 for a zero vector). */
    COSINE,
    /** The dot product, as a dot-product recommender scores a user against an item. */
    DOT
}
