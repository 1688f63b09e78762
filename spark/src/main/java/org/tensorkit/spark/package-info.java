/**
 * tensorkit on Apache Spark 3.5 ({@code provided}: a cluster brings its own): {@link org.tensorkit.spark.TensorkitSpark}
 * scores a {@code Dataset<Row>} with a saved model on the executors, answers top-k queries in MLlib ALS's shape,
 * learns lookup vocabularies from a column with Spark's counting, and trains a model data-parallel;
 * {@link org.tensorkit.spark.ShardedModel} keeps a model's embedding tables row-sharded across the cluster while it
 * trains ({@link org.tensorkit.spark.SparkFitOptions}, {@link org.tensorkit.spark.Round}), so a table larger than any
 * one machine trains, and answers top-k queries from the shards.
 */
package org.tensorkit.spark;
