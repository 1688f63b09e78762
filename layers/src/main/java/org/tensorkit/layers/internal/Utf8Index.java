package org.tensorkit.layers.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;

/**
 * An immutable map from UTF-8 keys to their positions {@code 0..n-1} in a list, laid out for one lookup to touch
 * two cache lines: a slot of the open-addressing table (linear probing, load at most one half) holds the key's
 * FarmHash fingerprint beside its position and where its bytes start, and the bytes are stored behind their length
 * in one array. A lookup hashes the probe's bytes once with {@link #fingerprint}; the caller reuses that fingerprint
 * for out-of-vocabulary buckets, which TensorFlow computes from the same function. Safe for concurrent reads.
 */
public final class Utf8Index {
    private static final HashFunction FARMHASH = Hashing.farmHashFingerprint64();
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** Per key: its length (4 bytes, little-endian), then its UTF-8 bytes. */
    private final byte[] arena;
    /**
     * Two longs per slot: the key's fingerprint, then {@code (position + 1) << 32 | arena offset}; a second long of
     * 0 marks an empty slot.
     */
    private final long[] table;
    private final int mask;
    private final int size;

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
            total += Integer.BYTES + encoded[i].length;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the keys hold " + total + " bytes; an index holds at most 2 GiB");
        }
        this.arena = new byte[(int) total];
        this.size = encoded.length;
        int slots = tableSize(encoded.length);
        this.table = new long[2 * slots];
        this.mask = slots - 1;
        int at = 0;
        for (int i = 0; i < encoded.length; i++) {
            byte[] key = encoded[i];
            INT.set(arena, at, key.length);
            System.arraycopy(key, 0, arena, at + Integer.BYTES, key.length);
            long fingerprint = fingerprint(key, 0, key.length);
            int slot = slot(fingerprint);
            while (table[2 * slot + 1] != 0) {
                if (table[2 * slot] == fingerprint && sameKey(table[2 * slot + 1], key, 0, key.length)) {
                    throw new IllegalArgumentException("key \"" + keys.get(i) + "\" occurs twice, at positions "
                            + ((int) (table[2 * slot + 1] >>> 32) - 1) + " and " + i);
                }
                slot = (slot + 1) & mask;
            }
            table[2 * slot] = fingerprint;
            table[2 * slot + 1] = (long) (i + 1) << 32 | at;
            at += Integer.BYTES + key.length;
        }
    }

    /** FarmHash Fingerprint64 of {@code bytes[offset, offset + length)}: TensorFlow's {@code Fingerprint64}. */
    public static long fingerprint(byte[] bytes, int offset, int length) {
        return FARMHASH.hashBytes(bytes, offset, length).asLong();
    }

    /** The number of keys. */
    public int size() {
        return size;
    }

    /**
     * The position of the key {@code bytes[from, to)}, whose {@link #fingerprint} is {@code fingerprint}, or -1
     * when it is not a key.
     */
    public int find(byte[] bytes, int from, int to, long fingerprint) {
        int slot = slot(fingerprint);
        while (true) {
            long entry = table[2 * slot + 1];
            if (entry == 0) {
                return -1;
            }
            if (table[2 * slot] == fingerprint && sameKey(entry, bytes, from, to)) {
                return (int) (entry >>> 32) - 1;
            }
            slot = (slot + 1) & mask;
        }
    }

    private boolean sameKey(long entry, byte[] bytes, int from, int to) {
        int at = (int) entry;
        int length = (int) INT.get(arena, at);
        return length == to - from && Arrays.equals(arena, at + Integer.BYTES, at + Integer.BYTES + length, bytes,
                from, to);
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
