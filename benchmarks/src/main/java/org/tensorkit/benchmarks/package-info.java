/**
 * JMH benchmarks of tensorkit's hot paths against plain ND4J, DL4J and a plain Java lower bound, with the
 * {@link org.tensorkit.benchmarks.SummaryWriter} that turns a JMH JSON result into {@code results/summary.md}.
 * Run them with {@code benchmarks/run.sh}; they are never part of the tests.
 */
package org.tensorkit.benchmarks;
