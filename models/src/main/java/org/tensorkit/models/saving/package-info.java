/**
 * Keras's file formats: {@code .keras} archives (a zip of {@code metadata.json}, {@code config.json} and
 * {@code model.weights.h5}) and {@code .weights.h5} weight files, written and read as Keras 3 does, so that a
 * model moves between tensorkit and Keras in either direction. The entry points are
 * {@link org.tensorkit.models.Network#save}, {@link org.tensorkit.models.Models#load} and their weight-only
 * forms; {@link org.tensorkit.models.saving.KerasFiles} is what they call.
 *
 * <p>Reading is defensive: a file is untrusted input. Nothing in it names a class to instantiate (layers come
 * from a fixed registry), archive entries are checked for names that escape the archive and for sizes beyond a
 * limit, JSON nesting is bounded, HDF5 links are refused, and every weight's shape is checked against the
 * architecture before anything is built.
 */
package org.tensorkit.models.saving;
