/**
 * The MovieLens 100k recommender of the course lab: loading and splitting the data set, a synthetic stand-in
 * with the same file format, and the training example.
 */
package org.tensorkit.examples.movielens;
