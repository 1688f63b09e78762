package org.tensorkit.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.SymbolicTensor;

/** StringSplit: a multi-valued column into a padded bag, then ids through a masked StringLookup. */
class StringSplitTest {
    @Test
    void splitsIntoAPaddedBagThatALookupMaps() {
        StringSplit split = StringSplit.builder().separator("|").maxValues(4).build();
        Tensor genres = Tensor.of(new String[][] {{"Animation|Children's|Comedy"}, {"Drama"}, {""}});
        Tensor bag = split.call(genres);
        assertEquals(Shape.of(3, 4), bag.shape());
        assertArrayEquals(new String[] {"Animation", "Children's", "Comedy", "", "Drama", "", "", "", "", "", "", ""},
                bag.toStringArray());
        StringLookup lookup = StringLookup.builder().maskToken("").vocabulary(List.of("Animation", "Children's",
                "Comedy", "Drama")).build();
        assertEquals("[[2 3 4 0]\n [5 0 0 0]\n [0 0 0 0]]", lookup.call(bag).toString());
        SymbolicTensor in = Input.builder().shape(1).dtype(DType.STRING).build();
        SymbolicTensor out = split.call(in);
        assertEquals(Shape.of(Shape.UNKNOWN, 4), out.shape());
        assertEquals(DType.STRING, out.dtype());
    }

    @Test
    void aStringWithTooManyValuesIsRefusedUnlessTruncated() {
        StringSplit split = StringSplit.builder().separator("|").maxValues(2).name("g").build();
        Tensor row = Tensor.of(new String[][] {{"a|b"}, {"a|b|c"}});
        assertEquals("StringSplit \"g\": 'a|b|c' at position [1, 0] has 3 values, more than maxValues 2 (raise it, "
                + "or truncate)", assertThrows(IllegalArgumentException.class, () -> split.call(row)).getMessage());
        StringSplit cut = StringSplit.builder().separator("|").maxValues(2).truncate(true).build();
        assertArrayEquals(new String[] {"a", "b", "a", "b"}, cut.call(row).toStringArray());
        assertEquals("StringSplit: separator must be a non-empty string, got \"\"",
                assertThrows(IllegalArgumentException.class, () -> StringSplit.builder().separator("").maxValues(2)
                        .build()).getMessage());
        assertThrows(IllegalArgumentException.class, () -> split.call(Tensor.of(new int[][] {{1}})));
    }
}
