/**
 * Keras's preprocessing layers for categorical data, inside the model so that serving maps keys exactly as
 * training did: {@link org.tensorkit.layers.preprocessing.StringLookup} and
 * {@link org.tensorkit.layers.preprocessing.IntegerLookup} (vocabularies given or adapted, Keras's index layout,
 * out-of-vocabulary buckets hashed as TensorFlow hashes them, inversion and the {@link
 * org.tensorkit.layers.preprocessing.OutputMode output modes}), and
 * {@link org.tensorkit.layers.preprocessing.Hashing} (bins without a vocabulary).
 */
package org.tensorkit.layers.preprocessing;
