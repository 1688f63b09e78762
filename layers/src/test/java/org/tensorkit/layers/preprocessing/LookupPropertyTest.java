package org.tensorkit.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.tensorkit.core.Tensor;

/**
 * Lookups over arbitrary text (any code points, empty strings, surrogate pairs): every vocabulary key maps to its
 * index and back, string tensors keep every key exactly, and adapt's vocabulary holds each distinct key once, by
 * count. Fixed seeds: the same cases on every run.
 */
class LookupPropertyTest {
    @Property(tries = 200, seed = "20261201")
    void everyKeyMapsToItsIndexAndBack(@ForAll @Size(min = 1, max = 40) List<String> raw) {
        List<String> vocabulary = new ArrayList<>(new LinkedHashSet<>(raw));
        vocabulary.remove("[UNK]");
        if (vocabulary.isEmpty()) {
            return;
        }
        StringLookup lookup = StringLookup.builder().vocabulary(vocabulary).build();
        StringLookup inverse = StringLookup.builder().vocabulary(vocabulary).invert(true).build();
        String[] keys = vocabulary.toArray(String[]::new);
        Tensor strings = Tensor.of(keys);
        assertArrayEquals(keys, strings.toStringArray());
        long[] ids = lookup.call(strings).toLongArray();
        for (int i = 0; i < ids.length; i++) {
            assertEquals(i + 1, ids[i], "key " + i);
        }
        assertArrayEquals(keys, inverse.call(Tensor.of(ids)).toStringArray());
    }

    @Property(tries = 200, seed = "20261202")
    void adaptKeepsEachDistinctKeyOnceOrderedByCount(@ForAll @Size(min = 1, max = 60) List<String> raw) {
        List<String> keys = new ArrayList<>(raw);
        keys.removeIf("[UNK]"::equals);
        if (keys.isEmpty()) {
            return;
        }
        StringLookup lookup = StringLookup.create();
        lookup.adapt(keys);
        List<String> vocabulary = lookup.getVocabulary(false);
        Set<String> distinct = new LinkedHashSet<>(keys);
        assertEquals(distinct.size(), vocabulary.size());
        assertEquals(distinct, new java.util.HashSet<>(vocabulary));
        for (int i = 1; i < vocabulary.size(); i++) {
            long before = keys.stream().filter(vocabulary.get(i - 1)::equals).count();
            long after = keys.stream().filter(vocabulary.get(i)::equals).count();
            assertEquals(true, before >= after, "ordered by count at " + i);
        }
        long[] ids = lookup.call(Tensor.of(keys.toArray(String[]::new))).toLongArray();
        for (int i = 0; i < ids.length; i++) {
            assertEquals(keys.get(i), vocabulary.get((int) ids[i] - 1));
        }
    }
}
