package org.tensorkit.layers.preprocessing;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import org.tensorkit.layers.internal.Utf8Index;

/**
 * TensorFlow's hash of a key's bytes for buckets: FarmHash Fingerprint64 ({@code to_hash_bucket_fast}), or, with a
 * salt, SipHash-2-4 keyed {@code [k0, k1]} ({@code to_hash_bucket_strong}). Shared by the lookups' OOV buckets and
 * the {@code Hashing} layer. Immutable; safe from any thread.
 */
final class KeyHash {
    /** SipHash keyed by the salt, or null for FarmHash. */
    private final HashFunction strong;

    private KeyHash(HashFunction strong) {
        this.strong = strong;
    }

    /** FarmHash without a salt ({@code null}), SipHash-2-4 keyed by {@code salt = [k0, k1]} with one. */
    static KeyHash of(long[] salt) {
        return new KeyHash(salt == null ? null : Hashing.sipHash24(salt[0], salt[1]));
    }

    /** The hash of {@code bytes[offset, offset + length)}. */
    long hash(byte[] bytes, int offset, int length) {
        return strong == null ? Utf8Index.fingerprint(bytes, offset, length)
                : strong.hashBytes(bytes, offset, length).asLong();
    }

    /** {@link #hash}, given the key's FarmHash fingerprint, which a vocabulary lookup has computed already. */
    long hash(byte[] bytes, int offset, int length, long fingerprint) {
        return strong == null ? fingerprint : strong.hashBytes(bytes, offset, length).asLong();
    }
}
