package org.tensorkit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.SymbolicTensor;

/**
 * Shape inference through whole models, for random settings: the symbolic {@code outputShape()} of a functional
 * {@code Model} or a {@code Sequential} is the shape {@code predict} returns (batch dimension aside), the values
 * agree with a plain Java lookup, and splitting the data into batches changes nothing.
 */
class ModelShapePropertyTest {
    /** How the model under test is put together. */
    enum Kind { FUNCTIONAL, SEQUENTIAL_WITH_INPUT_LENGTH, SEQUENTIAL_WITH_INPUT_LAYER }

    @Provide
    Arbitrary<long[]> exampleShapes() { // the shape of one example, batch dimension excluded
        return Arbitraries.longs().between(1, 4).array(long[].class).ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<DType> idTypes() {
        return Arbitraries.of(List.of(DType.INT32, DType.INT64, DType.FLOAT32, DType.FLOAT64));
    }

    @Property(tries = 120)
    void outputShapeIsThePredictedShapeAndValuesAreAPlainLookup(
            @ForAll("exampleShapes") long[] example,
            @ForAll @IntRange(min = 1, max = 30) int inputDim,
            @ForAll @IntRange(min = 1, max = 6) int outputDim,
            @ForAll boolean flatten,
            @ForAll Kind kind,
            @ForAll @IntRange(min = 1, max = 70) int rows,
            @ForAll @IntRange(min = 1, max = 70) int batchSize,
            @ForAll("idTypes") DType idType,
            @ForAll long seed) {
        Embedding.Builder eb = Embedding.builder().inputDim(inputDim).outputDim(outputDim).seed(seed);
        if (kind == Kind.SEQUENTIAL_WITH_INPUT_LENGTH) {
            eb.inputLength(example);
        }
        Embedding embedding = eb.build();
        Network model = model(kind, embedding, example, flatten);

        Shape symbolic = model.outputShape();
        Shape perExample = Shape.of(example);
        Shape expectedSymbolic = flatten ? Shape.batchOf(perExample.size() * outputDim)
                : perExample.prepend(Shape.UNKNOWN).append(outputDim);
        assertEquals(expectedSymbolic, symbolic);
        assertEquals(Shape.batchOf(example), model.inputShape());

        int perRow = Math.toIntExact(perExample.size());
        int[] ids = new Random(seed).ints((long) rows * perRow, 0, inputDim).toArray();
        Tensor data = Tensor.of(ids).cast(idType).reshape(perExample.prepend(rows).toArray());

        Tensor whole = model.predict(data, rows);   // one batch
        Tensor split = model.predict(data, batchSize);
        assertEquals(symbolic.with(0, rows), whole.shape());
        assertTrue(symbolic.isCompatibleWith(whole.shape()));
        assertEquals(DType.FLOAT32, whole.dtype());
        assertEquals(whole, split, "batches of " + batchSize + " differ from one batch of " + rows);

        float[] table = embedding.getWeights().get(0).toFloatArray();
        float[] expected = new float[ids.length * outputDim];
        for (int p = 0; p < ids.length; p++) {
            System.arraycopy(table, ids[p] * outputDim, expected, p * outputDim, outputDim);
        }
        assertArrayEquals(expected, whole.toFloatArray());
    }

    private static Network model(Kind kind, Embedding embedding, long[] example, boolean flatten) {
        List<Layer> stack = new ArrayList<>();
        switch (kind) {
            case FUNCTIONAL -> {
                SymbolicTensor x = Input.shape(example);
                SymbolicTensor y = embedding.call(x);
                return Model.of(x, flatten ? Flatten.create().call(y) : y);
            }
            case SEQUENTIAL_WITH_INPUT_LAYER -> stack.add(Input.shape(example).layer());
            case SEQUENTIAL_WITH_INPUT_LENGTH -> { }
        }
        stack.add(embedding);
        if (flatten) {
            stack.add(Flatten.create());
        }
        return Sequential.of(stack);
    }

    /**
     * A deferred Sequential (Flatten first) builds from its first data: afterwards its symbolic shapes are the data's
     * and the result's with the batch dimension unknown, and the values are the data in row-major order.
     */
    @Property(tries = 80)
    void deferredSequentialTakesItsShapesFromTheFirstData(@ForAll("exampleShapes") long[] example,
                                                          @ForAll @IntRange(min = 1, max = 40) int rows) {
        Sequential model = Sequential.of(Flatten.create());
        long[] shape = Shape.of(example).prepend(rows).toArray();
        Tensor data = Tensor.arange(Shape.of(shape).size(), DType.FLOAT32).reshape(shape);

        Tensor out = model.predict(data);

        assertEquals(Shape.of(shape).with(0, Shape.UNKNOWN), model.inputShape());
        assertEquals(model.outputShape().with(0, rows), out.shape());
        assertEquals(Shape.of(example).size(), out.shape().dim(1));
        assertArrayEquals(data.toFloatArray(), out.toFloatArray());
    }
}
