/**
 * tensorkit's examples on Apache Spark: {@link org.tensorkit.examples.spark.SparkMovieLens}, the MovieLens
 * recommender trained data-parallel with row-sharded tables, compared with single-machine tensorkit and MLlib's ALS.
 */
package org.tensorkit.examples.spark;
