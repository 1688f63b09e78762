package org.tensorkit.layers.internal;

import org.tensorkit.core.internal.Seeds;

/**
 * An immutable map from 64-bit keys to their positions {@code 0..n-1} in an array: open addressing over the keys
 * themselves (SplitMix64's finalizer spreads them over the slots; linear probing, load at most one half). Safe
 * for concurrent reads.
 */
public final class LongIndex {
    private final long[] keys;
    /** Slot to key position + 1; 0 marks an empty slot. */
    private final int[] slots;
    private final int mask;

    /**
     * An index of {@code keys} (copied), each at its position.
     *
     * @throws IllegalArgumentException if a key occurs twice (naming it)
     */
    public LongIndex(long[] keys) {
        this.keys = keys.clone();
        this.slots = new int[Utf8Index.tableSize(keys.length)];
        this.mask = slots.length - 1;
        for (int i = 0; i < keys.length; i++) {
            int slot = slot(keys[i]);
            while (slots[slot] != 0) {
                if (this.keys[slots[slot] - 1] == keys[i]) {
                    throw new IllegalArgumentException("key " + keys[i] + " occurs twice, at positions "
                            + (slots[slot] - 1) + " and " + i);
                }
                slot = (slot + 1) & mask;
            }
            slots[slot] = i + 1;
        }
    }

    /** The number of keys. */
    public int size() {
        return keys.length;
    }

    /** The position of {@code key}, or -1 when it is not a key. */
    public int find(long key) {
        int slot = slot(key);
        while (true) {
            int k = slots[slot] - 1;
            if (k < 0 || keys[k] == key) {
                return k;
            }
            slot = (slot + 1) & mask;
        }
    }

    private int slot(long key) {
        return (int) Seeds.mix(key, 0) & mask;
    }
}
