package org.tensorkit.layers.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;

/**
 * An immutable map from UTF-8 keys to their positions {@code 0..n-1} in a list: the keys concatenated in one byte
 * array, open addressing over their FarmHash fingerprints (linear probing, load at most one half). A lookup
 * hashes the probe's bytes once with {@link #fingerprint}; the caller reuses that fingerprint for out-of-vocabulary
 * buckets, which TensorFlow computes from the same function. Safe for concurrent reads.
 */
public final class Utf8Index {
    private static final HashFunction FARMHASH = Hashing.farmHashFingerprint64();

    private final byte[] keys;
    private final int[] starts;
    private final long[] fingerprints;
    /** Slot to key position + 1; 0 marks an empty slot. */
    private final int[] slots;
    private final int mask;

    /**
     * An index of {@code keys}, each at its position in the list.
     *
     * @throws IllegalArgumentException if a key occurs twice (naming it)
     */
    public Utf8Index(List<String> keys) {
        byte[][] encoded = new byte[keys.size()][];
        long total = 0;
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = keys.get(i).getBytes(StandardCharsets.UTF_8);
            total += encoded[i].length;
        }
        this.keys = new byte[Math.toIntExact(total)];
        this.starts = new int[encoded.length + 1];
        this.fingerprints = new long[encoded.length];
        for (int i = 0; i < encoded.length; i++) {
            System.arraycopy(encoded[i], 0, this.keys, starts[i], encoded[i].length);
            starts[i + 1] = starts[i] + encoded[i].length;
            fingerprints[i] = fingerprint(this.keys, starts[i], encoded[i].length);
        }
        this.slots = new int[tableSize(encoded.length)];
        this.mask = slots.length - 1;
        for (int i = 0; i < encoded.length; i++) {
            int slot = slot(fingerprints[i]);
            while (slots[slot] != 0) {
                int other = slots[slot] - 1;
                if (fingerprints[other] == fingerprints[i] && sameKey(other, this.keys, starts[i], starts[i + 1])) {
                    throw new IllegalArgumentException("key \"" + keys.get(i) + "\" occurs twice, at positions "
                            + other + " and " + i);
                }
                slot = (slot + 1) & mask;
            }
            slots[slot] = i + 1;
        }
    }

    /** FarmHash Fingerprint64 of {@code bytes[offset, offset + length)}: TensorFlow's {@code Fingerprint64}. */
    public static long fingerprint(byte[] bytes, int offset, int length) {
        return FARMHASH.hashBytes(bytes, offset, length).asLong();
    }

    /** The number of keys. */
    public int size() {
        return fingerprints.length;
    }

    /**
     * The position of the key {@code bytes[from, to)}, whose {@link #fingerprint} is {@code fingerprint}, or -1
     * when it is not a key.
     */
    public int find(byte[] bytes, int from, int to, long fingerprint) {
        int slot = slot(fingerprint);
        while (true) {
            int k = slots[slot] - 1;
            if (k < 0) {
                return -1;
            }
            if (fingerprints[k] == fingerprint && sameKey(k, bytes, from, to)) {
                return k;
            }
            slot = (slot + 1) & mask;
        }
    }

    private boolean sameKey(int k, byte[] bytes, int from, int to) {
        return Arrays.equals(keys, starts[k], starts[k + 1], bytes, from, to);
    }

    private int slot(long fingerprint) {
        return (int) (fingerprint ^ (fingerprint >>> 32)) & mask;
    }

    /** A power of two at least twice {@code n} (and at least 2). */
    static int tableSize(int n) {
        if (n > 1 << 29) {
            throw new IllegalArgumentException("an index holds at most 2^29 keys, got " + n);
        }
        return Math.max(2, Integer.highestOneBit(Math.max(1, 2 * n - 1)) << 1);
    }
}
