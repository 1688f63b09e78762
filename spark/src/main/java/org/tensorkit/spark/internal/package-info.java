/**
 * The machinery of {@code org.tensorkit.spark}, not an API: how a model is split into sharded tables and broadcast
 * weights ({@link org.tensorkit.spark.internal.Plan}), a partition's rows as arrays
 * ({@link org.tensorkit.spark.internal.Block}), the lookups that turn a partition's keys into table ids
 * ({@link org.tensorkit.spark.internal.KeyMaps}), the local step a data partition runs
 * ({@link org.tensorkit.spark.internal.LocalRound}) and the deterministic means that combine the partitions'
 * results ({@link org.tensorkit.spark.internal.Means}).
 */
package org.tensorkit.spark.internal;
