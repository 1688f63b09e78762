/**
 * Runnable examples. {@link org.tensorkit.examples.CategoricalEmbeddings} reproduces the categorical-embeddings
 * notebook cell by cell.
 */
package org.tensorkit.examples;
