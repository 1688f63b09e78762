/**
 * <b>Internal: not API.</b> The hash tables behind the lookup layers of
 * {@link org.tensorkit.layers.preprocessing}: {@link org.tensorkit.layers.internal.Utf8Index} maps UTF-8 keys
 * and {@link org.tensorkit.layers.internal.LongIndex} 64-bit keys to their positions in a vocabulary, both open
 * addressing over flat arrays (no boxed keys, no node objects), built once per vocabulary and read by any number
 * of threads. Everything here may change in any release.
 */
package org.tensorkit.layers.internal;
