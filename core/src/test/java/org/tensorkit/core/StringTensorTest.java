package org.tensorkit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** String tensors: Keras's {@code string} dtype, printed as numpy 1.24 prints {@code <U} arrays (outputs pasted). */
class StringTensorTest {
    @Test
    void printsAsNumpy() {
        Tensor a = Tensor.of("a", "bb");
        assertEquals(DType.STRING, a.dtype());
        assertEquals(Shape.of(2), a.shape());
        assertEquals("array(['a', 'bb'], dtype='<U2')", a.repr());
        assertEquals("['a' 'bb']", a.toString());
        Tensor b = Tensor.of(new String[][] {{"user_42", "Toy Story (1995)"}, {"x", "it's"}});
        assertEquals("""
                array([['user_42', 'Toy Story (1995)'],
                       ['x', "it's"]], dtype='<U16')""", b.repr());
        assertEquals("""
                [['user_42' 'Toy Story (1995)']
                 ['x' "it's"]]""", b.toString());
    }

    @Test
    void printsEscapesWidthsInCodePointsAndWraps() {
        assertEquals("array([], dtype='<U1')", Tensor.of(new String[0]).repr());
        assertEquals("array(['', ''], dtype='<U1')", Tensor.of("", "").repr());
        assertEquals("array(['dé', '\\n\\t\\\\', 'a\"b', 'üüü', '\\x07', '\uD83D\uDE00'], dtype='<U3')",
                Tensor.of("dé", "\n\t\\", "a\"b", "üüü", "\u0007", "\uD83D\uDE00").repr());
        String[] words = IntStream.range(0, 30).mapToObj(i -> "word" + i).toArray(String[]::new);
        assertEquals("""
                array(['word0', 'word1', 'word2', 'word3', 'word4', 'word5', 'word6',
                       'word7', 'word8', 'word9', 'word10', 'word11', 'word12', 'word13',
                       'word14', 'word15', 'word16', 'word17', 'word18', 'word19',
                       'word20', 'word21', 'word22', 'word23', 'word24', 'word25',
                       'word26', 'word27', 'word28', 'word29'], dtype='<U6')""", Tensor.of(words).repr());
        assertEquals("""
                ['word0' 'word1' 'word2' 'word3' 'word4' 'word5' 'word6' 'word7' 'word8'
                 'word9' 'word10' 'word11' 'word12' 'word13' 'word14' 'word15' 'word16'
                 'word17' 'word18' 'word19' 'word20' 'word21' 'word22' 'word23' 'word24'
                 'word25' 'word26' 'word27' 'word28' 'word29']""", Tensor.of(words).toString());
        String[] many = new String[1001];
        java.util.Arrays.fill(many, "w");
        assertEquals("array(['w', 'w', 'w', ..., 'w', 'w', 'w'], dtype='<U1')", Tensor.of(many).repr());
    }

    @Test
    void zeroDimensionalStrPrintsTheTextItself() {
        Tensor scalar = Tensor.of("abc", "de").get(0);
        assertEquals(Shape.scalar(), scalar.shape());
        assertEquals("abc", scalar.toString());
        assertEquals("array('abc', dtype='<U3')", scalar.repr());
    }

    @Test
    void keepsEveryCharacterExactly() {
        String[] values = {"dé", "東京", "\uD83D\uDE00 ok", "", "a\u0000b", "plain"};
        Tensor t = Tensor.of(values);
        assertArrayEquals(values, t.toStringArray());
        assertArrayEquals(values, Tensor.wrap(t.unwrap()).toStringArray());
        assertEquals(DataType.UTF8, t.unwrap().dataType());
    }

    @Test
    void getReshapeTakeAndCastCopyStrings() {
        Tensor t = Tensor.of(new String[][] {{"a", "bé"}, {"c", "d"}, {"e", "f"}});
        assertArrayEquals(new String[] {"c", "d"}, t.get(1).toStringArray());
        assertArrayEquals(new String[] {"e", "f"}, t.get(-1).toStringArray());
        assertEquals(Shape.of(3, 2), t.reshape(6).reshape(3, -1).shape());
        assertArrayEquals(new String[] {"a", "bé", "c", "d", "e", "f"}, t.reshape(6).toStringArray());
        Tensor taken = t.take(Tensor.of(new int[][] {{2, 0}, {-1, 1}}));
        assertEquals(Shape.of(2, 2, 2), taken.shape());
        assertArrayEquals(new String[] {"e", "f", "a", "bé", "e", "f", "c", "d"}, taken.toStringArray());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> t.take(Tensor.of(0, 3)));
        assertEquals("index 3 at position [1] is out of bounds for axis 0 with size 3 (indices must be integers in "
                + "[-3, 3))", bad.getMessage());
        assertEquals(t, t.cast(DType.STRING));
    }

    @Test
    void equalityComparesTheStrings() {
        assertEquals(Tensor.of("a", "b"), Tensor.of("a", "b"));
        assertNotEquals(Tensor.of("a", "b"), Tensor.of("a", "c"));
        assertNotEquals(Tensor.of("a", "b"), Tensor.of(new String[][] {{"a", "b"}}));
    }

    @Test
    void refusesNullsAndNumericUse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of("a", null));
        assertEquals("values[1] is null; a string tensor holds non-null strings", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new String[][] {{"a"}, {null}}));
        assertEquals("values[1][0] is null; a string tensor holds non-null strings", e.getMessage());
        Tensor s = Tensor.of("a");
        assertEquals("a string tensor has no numeric values; use toStringArray()",
                assertThrows(IllegalStateException.class, s::toFloatArray).getMessage());
        assertEquals("toStringArray needs a string tensor, got dtype int32; use toFloatArray, toLongArray, ...",
                assertThrows(IllegalStateException.class, () -> Tensor.of(1).toStringArray()).getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.cast(DType.INT64));
        assertTrue(e.getMessage().startsWith("cannot cast a string tensor to int64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(1L).cast(DType.STRING));
        assertTrue(e.getMessage().startsWith("cannot cast a int64 tensor to string"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.dot(s));
    }

    @Test
    void wrapRefusesStringArraysItCannotRead() {
        var fOrder = Nd4j.create(java.util.List.of("a", "b", "c", "d"), new long[] {2, 2}, 'f');
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(fOrder));
        assertTrue(e.getMessage().startsWith("string arrays must be C-order arrays over their own buffer"),
                e.getMessage());
    }

    @Test
    void zerosOfStringsAreEmptyStringsAndOnesAreRefused() {
        assertEquals("array([['', ''],\n       ['', '']], dtype='<U1')", Tensor.zeros(DType.STRING, 2, 2).repr());
        assertThrows(IllegalArgumentException.class, () -> Tensor.ones(DType.STRING, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.full(1, DType.STRING, 2));
    }
}
