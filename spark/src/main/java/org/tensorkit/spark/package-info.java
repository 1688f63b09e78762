/**
 * tensorkit on Apache Spark 3.5 ({@code provided}: a cluster brings its own): {@link org.tensorkit.spark.TensorkitSpark}
 * scores a {@code Dataset<Row>} with a saved model on the executors and learns lookup vocabularies from a column with
 * Spark's counting.
 */
package org.tensorkit.spark;
