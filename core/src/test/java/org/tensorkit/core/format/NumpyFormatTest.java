package org.tensorkit.core.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.testing.TextDiff;

/**
 * The printing examples of the spec (section 8.3) and the notebook transcript (section 9), through the
 * {@link Tensor} API as users call it. List display expectations were produced with IPython 8.12
 * {@code IPython.lib.pretty.pretty} and numpy 2.4 with {@code legacy='1.25'}.
 */
class NumpyFormatTest {
    private static final Tensor E = Tensor.arange(40, DType.FLOAT32).reshape(10, 4);

    private static void assertStr(String expected, Tensor t) {
        assertEquals(expected, t.toString(), () -> TextDiff.describe(expected, t.toString()));
    }

    private static void assertRepr(String expected, Tensor t) {
        assertEquals(expected, t.repr(), () -> TextDiff.describe(expected, t.repr()));
    }

    @Nested
    class SpecExamples {
        @Test
        void rowOfAFloat32Matrix() {
            assertStr("[12. 13. 14. 15.]", E.get(3));
            assertRepr("array([12., 13., 14., 15.], dtype=float32)", E.get(3));
        }

        @Test
        void oneHotRowIsFloat64WithoutDtype() {
            assertStr("[0. 0. 0. 1. 0. 0. 0. 0. 0. 0.]", Tensor.eye(10).get(3));
            assertRepr("array([0., 0., 0., 1., 0., 0., 0., 0., 0., 0.])", Tensor.eye(10).get(3));
        }

        @Test
        void fractionsArePaddedWithSpaces() {
            assertStr("[1.5  2.25 3.  ]", Tensor.of(1.5, 2.25, 3.0));
            assertRepr("array([1.5 , 2.25, 3.  ])", Tensor.of(1.5, 2.25, 3.0));
        }

        @Test
        void float32UsesItsOwnShortestDigits() {
            assertStr("[0.1 0.2 0.3]", Tensor.of(0.1f, 0.2f, 0.3f));
            assertRepr("array([0.1, 0.2, 0.3], dtype=float32)", Tensor.of(0.1f, 0.2f, 0.3f));
            assertStr("[0.33333334]", Tensor.of(1 / 3f));
            assertStr("[0.33333333]", Tensor.of(1 / 3.0));
        }

        @Test
        void scientificMode() {
            assertStr("[1.e-05 1.e+00]", Tensor.of(1e-5, 1.0));
            assertRepr("array([1.e-05, 1.e+00])", Tensor.of(1e-5, 1.0));
            assertStr("[1.5e-05 1.0e+00]", Tensor.of(1.5e-5, 1.0));
            assertStr("[   1. 1000.]", Tensor.of(1.0, 1000.0));
            assertStr("[1.000e+00 1.001e+03]", Tensor.of(1.0, 1001.0));
            assertStr("[0.0001 0.1   ]", Tensor.of(0.0001, 0.1));
            assertStr("[1.23456789e+08]", Tensor.of(123456789.0));
            assertStr("[10000000.]", Tensor.of(1e7f));
        }

        @Test
        void scientificMantissasArePaddedToTheCommonPrecision() {
            // 0.1f is 0.100000001490116...: the padding digit is a rounded 0, not the float's exact digits
            assertStr("[1.0e-01 1.5e-05]", Tensor.of(0.1f, 1.5e-5f));
            assertStr("[1.e-01 1.e-05]", Tensor.of(0.1f, 1e-5f));
        }

        @Test
        void signsNanInfAndNegativeZero() {
            assertStr("[ -1.    2.  -30.5]", Tensor.of(-1.0, 2.0, -30.5));
            assertRepr("array([ -1. ,   2. , -30.5])", Tensor.of(-1.0, 2.0, -30.5));
            assertStr("[ nan   1. -inf]", Tensor.of(Double.NaN, 1.0, Double.NEGATIVE_INFINITY));
            assertRepr("array([ nan,   1., -inf])", Tensor.of(Double.NaN, 1.0, Double.NEGATIVE_INFINITY));
            assertStr("[nan inf]", Tensor.of(Double.NaN, Double.POSITIVE_INFINITY));
            assertStr("[ nan -inf]", Tensor.of(Double.NaN, Double.NEGATIVE_INFINITY));
            assertStr("[ 0. -0.]", Tensor.of(0.0, -0.0));
        }

        @Test
        void integers() {
            assertStr("[  1  22 333]", Tensor.of(1L, 22L, 333L));
            assertRepr("array([  1,  22, 333])", Tensor.of(1L, 22L, 333L));
            assertStr("[  1  22 333]", Tensor.of(1, 22, 333));
            assertRepr("array([  1,  22, 333], dtype=int32)", Tensor.of(1, 22, 333));
            assertStr("[ -5 100]", Tensor.of(-5L, 100L));
        }

        @Test
        void booleans() {
            assertStr("[ True False  True]", Tensor.of(true, false, true));
            assertRepr("array([ True, False,  True])", Tensor.of(true, false, true));
        }

        @Test
        void emptyArraysShowDtypeAndNonTrivialShape() {
            assertStr("[]", Tensor.zeros(DType.FLOAT32, 0));
            assertRepr("array([], dtype=float32)", Tensor.zeros(DType.FLOAT32, 0));
            assertStr("[]", Tensor.zeros(0, 4));
            assertRepr("array([], shape=(0, 4), dtype=float64)", Tensor.zeros(0, 4));
            assertRepr("array([], dtype=int64)", Tensor.of(new long[0]));
        }

        @Test
        void zeroDimensionalArrays() {
            assertStr("3.0", Tensor.scalar(3.0, DType.FLOAT32));
            assertRepr("array(3., dtype=float32)", Tensor.scalar(3.0, DType.FLOAT32));
            assertStr("0.1", Tensor.scalar(0.1, DType.FLOAT64));
            assertStr("1e-05", Tensor.scalar(1e-5, DType.FLOAT64));
            assertStr("1.5e+16", Tensor.scalar(1.5e16, DType.FLOAT64));
            assertStr("0.33333334", Tensor.scalar(1 / 3.0, DType.FLOAT32));
            assertStr("nan", Tensor.scalar(Double.NaN, DType.FLOAT64));
            assertRepr("array(nan)", Tensor.scalar(Double.NaN, DType.FLOAT64));
            assertStr("-0.0", Tensor.scalar(-0.0, DType.FLOAT64));
            assertStr("7", Tensor.scalar(7, DType.INT64));
            assertRepr("array(7)", Tensor.scalar(7, DType.INT64));
            assertRepr("array(7, dtype=int32)", Tensor.scalar(7, DType.INT32));
            assertStr("True", Tensor.scalar(1, DType.BOOL));
            assertRepr("array(True)", Tensor.scalar(1, DType.BOOL));
            assertStr("12.0", E.get(3).get(0));
        }

        @Test
        void summarizationPast1000Elements() {
            Tensor a = Tensor.arange(1001, DType.FLOAT64);
            assertStr("[   0.    1.    2. ...  998.  999. 1000.]", a);
            assertRepr("array([   0.,    1.,    2., ...,  998.,  999., 1000.])", a);
            assertStr("""
                    [[   0    1    2 ...   47   48   49]
                     [  50   51   52 ...   97   98   99]
                     [ 100  101  102 ...  147  148  149]
                     ...
                     [1850 1851 1852 ... 1897 1898 1899]
                     [1900 1901 1902 ... 1947 1948 1949]
                     [1950 1951 1952 ... 1997 1998 1999]]""", Tensor.arange(2000, DType.INT64).reshape(40, 50));
        }

        @Test
        void strWrapsAt75Columns() {
            assertStr("""
                    [ 0.  1.  2.  3.  4.  5.  6.  7.  8.  9. 10. 11. 12. 13. 14. 15. 16. 17.
                     18. 19. 20. 21. 22. 23. 24. 25. 26. 27. 28. 29.]""", Tensor.arange(30, DType.FLOAT64));
        }

        @Test
        void reprWrapsAt74ColumnsUnderArrayParen() {
            assertRepr("""
                    array([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12.,
                           13., 14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25.,
                           26., 27., 28., 29.], dtype=float32)""", Tensor.arange(30, DType.FLOAT32));
        }

        @Test
        void dtypeGoesOnItsOwnLineWhenTheLastLineIsFull() {
            Tensor w = Tensor.of(new float[][] {
                {0.00488135f, 0.02151894f, 0.01027634f, 0.00448832f, -0.00763452f, 0.01458941f, -0.00624128f,
                    0.0391773f, 0.04636627f, -0.01165585f},
                {0.0291725f, 0.00288949f, 0.00680446f, 0.04255966f, -0.04289639f, -0.04128707f, -0.04797816f,
                    0.03326198f, 0.02781568f, 0.03700121f}});
            assertRepr("""
                    array([[ 0.00488135,  0.02151894,  0.01027634,  0.00448832, -0.00763452,
                             0.01458941, -0.00624128,  0.0391773 ,  0.04636627, -0.01165585],
                           [ 0.0291725 ,  0.00288949,  0.00680446,  0.04255966, -0.04289639,
                            -0.04128707, -0.04797816,  0.03326198,  0.02781568,  0.03700121]],
                          dtype=float32)""", w);
            assertStr("""
                    [[ 0.00488135  0.02151894  0.01027634  0.00448832 -0.00763452  0.01458941
                      -0.00624128  0.0391773   0.04636627 -0.01165585]
                     [ 0.0291725   0.00288949  0.00680446  0.04255966 -0.04289639 -0.04128707
                      -0.04797816  0.03326198  0.02781568  0.03700121]]""", w);
        }

        @Test
        void fourDimensionsSeparateBlocksByTwoBlankLines() {
            assertStr("""
                    [[[[0. 1.]]]


                     [[[2. 3.]]]]""", Tensor.arange(4, DType.FLOAT64).reshape(2, 1, 1, 2));
        }
    }

    @Nested
    class NotebookTranscript {
        @Test
        void printE() {
            assertStr("""
                    [[ 0.  1.  2.  3.]
                     [ 4.  5.  6.  7.]
                     [ 8.  9. 10. 11.]
                     [12. 13. 14. 15.]
                     [16. 17. 18. 19.]
                     [20. 21. 22. 23.]
                     [24. 25. 26. 27.]
                     [28. 29. 30. 31.]
                     [32. 33. 34. 35.]
                     [36. 37. 38. 39.]]""", E);
        }

        @Test
        void oneHotDotE() {
            Tensor onehot = Tensor.eye(10).get(3);
            assertStr("[0. 0. 0. 1. 0. 0. 0. 0. 0. 0.]", onehot);
            assertStr("[12. 13. 14. 15.]", onehot.dot(E));
        }

        @Test
        void predictResults() {
            assertRepr("array([[[12., 13., 14., 15.]]], dtype=float32)", E.take(Tensor.of(new int[][] {{3}})));
            assertRepr("""
                    array([[[12., 13., 14., 15.]],

                           [[12., 13., 14., 15.]],

                           [[ 0.,  1.,  2.,  3.]],

                           [[36., 37., 38., 39.]]], dtype=float32)""",
                    E.take(Tensor.of(new int[][] {{3}, {3}, {0}, {9}})));
            assertRepr("array([[12., 13., 14., 15.]], dtype=float32)", E.take(Tensor.of(3)));
            assertRepr("array([[1., 1., 1., 1.]], dtype=float32)", Tensor.ones(DType.FLOAT32, 1, 4));
        }

        @Test
        void printGetWeightsKeepsSevenSpaces() {
            assertEquals("""
                    [array([[ 0.,  1.,  2.,  3.],
                           [ 4.,  5.,  6.,  7.],
                           [ 8.,  9., 10., 11.],
                           [12., 13., 14., 15.],
                           [16., 17., 18., 19.],
                           [20., 21., 22., 23.],
                           [24., 25., 26., 27.],
                           [28., 29., 30., 31.],
                           [32., 33., 34., 35.],
                           [36., 37., 38., 39.]], dtype=float32)]""", NumpyFormat.reprList(List.of(E)));
        }
    }

    @Nested
    class Lists {
        private final Tensor mixedMatrix = E.take(Tensor.of(0L, 1L)).cast(DType.FLOAT32);

        @Test
        void reprListJoinsReprsWithCommaSpace() {
            assertEquals("[]", NumpyFormat.reprList(List.of()));
            assertEquals("[array([1., 2.]), array([3], dtype=int32)]",
                    NumpyFormat.reprList(List.of(Tensor.of(1.0, 2.0), Tensor.of(3))));
            assertEquals("""
                    [array([1., 2.]), array([[0., 1., 2., 3.],
                           [4., 5., 6., 7.]], dtype=float32), array([], shape=(0, 4), dtype=float64)]""",
                    NumpyFormat.reprList(List.of(Tensor.of(1.0, 2.0), mixedMatrix, Tensor.zeros(0, 4))));
        }
    }

    @Test
    void rejectsADtypeThatDoesNotMatchTheArray() {
        assertThrows(IllegalArgumentException.class,
                () -> NumpyFormat.str(Nd4j.createFromArray(1.0f, 2.0f), DType.FLOAT64));
    }

    @Test
    void printsViewsAndFortranOrderInLogicalOrder() {
        var fortran = Nd4j.createFromArray(new double[][] {{1, 2, 3}, {4, 5, 6}}).dup('f');
        assertEquals("[[1. 2. 3.]\n [4. 5. 6.]]", NumpyFormat.str(fortran, DType.FLOAT64));
        var column = fortran.getColumn(1);
        assertEquals("[2. 5.]", NumpyFormat.str(column, DType.FLOAT64));
    }
}
