package org.tensorkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;

/**
 * IPython's display of a list of arrays as a cell value. Expectations were produced with IPython 8.12
 * {@code IPython.lib.pretty.pretty} and numpy 2.4 with {@code legacy='1.25'}.
 */
class IPythonDisplayTest {
    private static final Tensor E = Tensor.arange(40, DType.FLOAT32).reshape(10, 4);
    private final Tensor mixedMatrix = E.take(Tensor.of(0L, 1L)).cast(DType.FLOAT32);

    @Test
    void getWeightsAsCellValueHasEightSpaceContinuation() throws java.io.IOException {
        // the notebook's get_weights() cell (spec section 9), as IPython displays it
        assertEquals(resource("ipython/get-weights-cell.txt"), IPythonDisplay.list(List.of(E)) + "\n");
    }

    @Test
    void displayListStaysOnOneLineUpTo79Columns() {
        assertEquals("[]", IPythonDisplay.list(List.of()));
        assertEquals("[array([1., 2.]), array([3], dtype=int32)]",
                IPythonDisplay.list(List.of(Tensor.of(1.0, 2.0), Tensor.of(3))));
        assertEquals("[array([0., 1., 2., 3., 4., 5.]), array([0, 1, 2, 3, 4, 5, 6, 7], dtype=int32)]",
                IPythonDisplay.list(List.of(Tensor.arange(6, DType.FLOAT64),
                        Tensor.arange(8, DType.INT32))));
    }

    @Test
    void displayListPutsEveryElementOnItsOwnLineBeyond79Columns() {
        assertEquals("""
                [array([0., 1., 2., 3., 4., 5., 6.]),
                 array([0, 1, 2, 3, 4, 5, 6], dtype=int32)]""",
                IPythonDisplay.list(List.of(Tensor.arange(7, DType.FLOAT64),
                        Tensor.arange(7, DType.INT32))));
    }

    @Test
    void displayListBreaksAllElementsWhenOneIsMultiLine() {
        assertEquals("""
                [array([1., 2.]),
                 array([[0., 1., 2., 3.],
                        [4., 5., 6., 7.]], dtype=float32),
                 array([], shape=(0, 4), dtype=float64)]""",
                IPythonDisplay.list(List.of(Tensor.of(1.0, 2.0), mixedMatrix, Tensor.zeros(0, 4))));
    }

    @Test
    void displayListTurnsBlankLinesIntoASingleSpace() {
        Tensor predicted = E.take(Tensor.of(new int[][] {{3}, {3}, {0}, {9}}));
        assertEquals("[array([[[12., 13., 14., 15.]],\n \n        [[12., 13., 14., 15.]],\n \n"
                + "        [[ 0.,  1.,  2.,  3.]],\n \n        [[36., 37., 38., 39.]]], dtype=float32)]",
                IPythonDisplay.list(List.of(predicted)));
    }


    private static String resource(String path) throws java.io.IOException {
        try (java.io.InputStream in = IPythonDisplayTest.class.getClassLoader().getResourceAsStream(path)) {
            return new String(java.util.Objects.requireNonNull(in, path).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
