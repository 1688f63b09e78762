/**
 * numpy's array files, read and written by tensorkit: {@link org.tensorkit.core.io.Npy} ({@code .npy}, versions 1.0
 * to 3.0, every tensorkit dtype, C and Fortran order, 0-d and empty arrays) and {@link org.tensorkit.core.io.Npz}
 * ({@code .npz} archives, stored or deflated). {@code Tensor.load} and {@code Tensor.save} are the short forms.
 */
package org.tensorkit.core.io;
