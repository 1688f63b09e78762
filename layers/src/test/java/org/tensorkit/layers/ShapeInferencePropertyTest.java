package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;

/**
 * For random shapes and settings: the symbolic output shape (batch unknown) agrees with the shape of the eager
 * result, the shape rules hold, and lookups agree with a plain Java lookup.
 */
class ShapeInferencePropertyTest {

    @Provide
    Arbitrary<long[]> shapes() {
        return Arbitraries.longs().between(1, 5).array(long[].class).ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 150)
    void flattenSymbolicShapeMatchesEagerResult(@ForAll("shapes") long[] dims) {
        Flatten flatten = Flatten.create();
        Shape concrete = Shape.of(dims);
        Shape symbolic = flatten.computeOutputShape(concrete.with(0, Shape.UNKNOWN));
        Tensor x = Tensor.arange(concrete.size(), DType.FLOAT32).reshape(dims);
        Tensor y = flatten.call(x);

        assertEquals(flatten.computeOutputShape(concrete), y.shape());
        assertTrue(symbolic.isCompatibleWith(y.shape()), symbolic + " vs " + y.shape());
        assertEquals(concrete.size() / dims[0], y.shape().dim(1)); // product of the non-batch dims (1 for rank 1)
        assertArrayEquals(x.toFloatArray(), y.toFloatArray()); // row-major order is kept
    }

    @Property(tries = 150)
    void embeddingLookupAgreesWithAPlainJavaLookup(@ForAll @IntRange(min = 1, max = 50) int inputDim,
                                                   @ForAll @IntRange(min = 1, max = 8) int outputDim,
                                                   @ForAll("shapes") long[] idShape,
                                                   @ForAll("idTypes") DType idType,
                                                   @ForAll long seed) {
        Embedding embedding = Embedding.builder().inputDim(inputDim).outputDim(outputDim).seed(seed).build();
        int count = Math.toIntExact(Shape.of(idShape).size());
        int[] ids = new java.util.Random(seed).ints(count, 0, inputDim).toArray();
        Tensor idTensor = Tensor.of(ids).cast(idType).reshape(idShape);

        Tensor out = embedding.call(idTensor);

        Shape symbolic = embedding.computeOutputShape(Shape.of(idShape).with(0, Shape.UNKNOWN));
        assertEquals(Shape.of(idShape).append(outputDim), out.shape());
        assertTrue(symbolic.isCompatibleWith(out.shape()));
        assertEquals(DType.FLOAT32, out.dtype());
        float[] table = embedding.getWeights().get(0).toFloatArray();
        float[] expected = new float[count * outputDim];
        for (int p = 0; p < count; p++) {
            System.arraycopy(table, ids[p] * outputDim, expected, p * outputDim, outputDim);
        }
        assertArrayEquals(expected, out.toFloatArray());
    }

    @Property(tries = 100)
    void anOutOfRangeIdIsReportedAtItsPosition(@ForAll("shapes") long[] idShape,
                                               @ForAll @IntRange(min = 0, max = 10_000) int where,
                                               @ForAll("badIds") long badId) {
        Embedding embedding = Embedding.builder().inputDim(10).outputDim(2).seed(1).build();
        int count = Math.toIntExact(Shape.of(idShape).size());
        long[] ids = new long[count];
        int position = where % count;
        ids[position] = badId;
        Tensor idTensor = Tensor.of(ids).reshape(idShape);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> embedding.call(idTensor));

        String expectedIndex = "indices" + org.tensorkit.core.internal.RowGather.position(position, idShape) + " = " + badId
                + " is not in [0, 10)";
        assertTrue(e.getMessage().contains(expectedIndex), e.getMessage() + " should contain " + expectedIndex);
    }

    @Provide
    Arbitrary<DType> idTypes() {
        return Arbitraries.of(List.of(DType.INT32, DType.INT64, DType.FLOAT32, DType.FLOAT64));
    }

    @Provide
    Arbitrary<Long> badIds() {
        return Arbitraries.oneOf(Arbitraries.longs().between(10, 1L << 40), Arbitraries.longs().between(-1000, -1));
    }

    @Property(tries = 100)
    void embeddingOutputShapeIsInputShapePlusOutputDim(@ForAll("shapes") long[] dims,
                                                        @ForAll @IntRange(min = 1, max = 64) int outputDim) {
        Embedding embedding = Embedding.builder().inputDim(3).outputDim(outputDim).build();
        Shape in = Shape.of(dims).with(0, Shape.UNKNOWN);
        assertEquals(in.append(outputDim), embedding.computeOutputShape(in));
        if (dims.length > 1) { // a matching inputLength changes nothing
            long[] lengths = Shape.of(dims).drop(1).toArray();
            Embedding withLength = Embedding.builder().inputDim(3).outputDim(outputDim).inputLength(lengths).build();
            assertEquals(in.append(outputDim), withLength.computeOutputShape(in));
        } else { // a rank-1 input has no sequence axis for an inputLength to describe
            Embedding withLength = Embedding.builder().inputDim(3).outputDim(outputDim).inputLength(1).build();
            assertThrows(IllegalArgumentException.class, () -> withLength.computeOutputShape(in));
        }
    }
}
