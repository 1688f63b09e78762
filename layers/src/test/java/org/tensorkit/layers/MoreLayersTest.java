package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.testing.LayerChecks;

/**
 * The layers real Keras recommenders add: element-wise merges, Reshape, LeakyReLU, GlobalAveragePooling1D:
 * shapes, values, gradients (numerical checks), Keras's config keys and refusals.
 */
class MoreLayersTest {
    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    @Test
    void elementwiseMergesComputeAndDifferentiate() {
        Tensor a = Tensor.of(new float[][] {{1, 2}, {3, -4}});
        Tensor b = Tensor.of(new float[][] {{5, 6}, {-7, 8}});
        Tensor c = Tensor.of(new float[][] {{0.5f, 1}, {2, 0.25f}});
        assertArrayEquals(new float[] {6.5f, 9, -2, 4.25f}, Add.create().call(a, b, c).toFloatArray());
        assertArrayEquals(new float[] {-4, -4, 10, -12}, Subtract.create().call(a, b).toFloatArray());
        assertArrayEquals(new float[] {2.5f, 12, -42, -8}, Multiply.create().call(a, b, c).toFloatArray());
        assertArrayEquals(new float[] {3, 4, -2, 2}, Average.create().call(a, b).toFloatArray());
        for (Layer merge : List.of(Add.builder().dtype(DType.FLOAT64).build(),
                Multiply.builder().dtype(DType.FLOAT64).build(), Average.builder().dtype(DType.FLOAT64).build(),
                Subtract.builder().dtype(DType.FLOAT64).build())) {
            int n = merge instanceof Subtract ? 2 : 3;
            List<org.nd4j.linalg.api.ndarray.INDArray> inputs = new java.util.ArrayList<>();
            for (int k = 0; k < n; k++) {
                inputs.add(LayerChecks.normal(k + 1, 3, 2, 4));
            }
            LayerChecks.check(merge, inputs, 1e-6, 1e-6);
        }
        assertEquals(Shape.of(Shape.UNKNOWN, 3), Add.create().computeOutputShape(
                List.of(Shape.of(Shape.UNKNOWN, 3), Shape.of(4, Shape.UNKNOWN))).with(0, Shape.UNKNOWN));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Add.create().computeOutputShape(List.of(Shape.batchOf(3), Shape.batchOf(4))));
        assertTrue(e.getMessage().startsWith("Inputs have incompatible shapes. Received shapes [(None, 3), "
                + "(None, 4)]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Add.create().computeOutputShape(List.of(Shape.batchOf(3), Shape.batchOf(1, 3))));
        // axes of length 1 broadcast, as in Keras, and their gradients are summed back
        assertEquals(Shape.batchOf(5, 8), Multiply.create().computeOutputShape(
                List.of(Shape.batchOf(1, 8), Shape.batchOf(5, 8))));
        Tensor row = Tensor.of(new float[][][] {{{1, 2}}});          // (1, 1, 2)
        Tensor grid = Tensor.of(new float[][][] {{{1, 1}, {2, 3}}}); // (1, 2, 2)
        assertArrayEquals(new float[] {2, 3, 3, 5}, Add.create().call(row, grid).toFloatArray());
        assertArrayEquals(new float[] {0, -1, 1, 1}, Subtract.create().call(grid, row).toFloatArray());
        for (Layer merge : List.of(Multiply.builder().dtype(DType.FLOAT64).build(),
                Subtract.builder().dtype(DType.FLOAT64).build(), Average.builder().dtype(DType.FLOAT64).build())) {
            LayerChecks.check(merge, List.of(LayerChecks.normal(7, 3, 1, 4), LayerChecks.normal(8, 3, 5, 4)),
                    1e-6, 1e-6);
        }
        assertThrows(IllegalArgumentException.class,
                () -> Subtract.create().computeOutputShape(List.of(Shape.batchOf(3), Shape.batchOf(3),
                        Shape.batchOf(3))));
    }

    @Test
    void reshapeInfersItsFreeAxisAndKeepsTheValues() {
        Reshape r = Reshape.of(3, -1);
        assertEquals(Shape.of(Shape.UNKNOWN, 3, 4), r.computeOutputShape(Shape.batchOf(12)));
        assertEquals(Shape.of(Shape.UNKNOWN, 3, Shape.UNKNOWN), r.computeOutputShape(Shape.batchOf(Shape.UNKNOWN)));
        Tensor x = Tensor.arange(24, DType.FLOAT32).reshape(2, 12);
        Tensor y = r.call(x);
        assertEquals(Shape.of(2, 3, 4), y.shape());
        assertArrayEquals(x.toFloatArray(), y.toFloatArray());
        LayerChecks.check(Reshape.of(4, 2), List.of(LayerChecks.normal(3, 2, 8)), 1e-6, 1e-8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Reshape.of(5).computeOutputShape(Shape.batchOf(12)));
        assertTrue(e.getMessage().startsWith("total size of new array must be unchanged, input_shape = (12,), "
                + "output_shape = [5]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Reshape.of(-1, -1));
        assertThrows(IllegalArgumentException.class, () -> Reshape.of(0, 2));
    }

    @Test
    void leakyReluFollowsKerasAndReadsBothConfigKeys() {
        Tensor y = LeakyReLU.create().call(Tensor.of(new float[] {-2, 0, 3}));
        assertArrayEquals(new float[] {-0.6f, 0, 3}, y.toFloatArray(), 1e-7f);
        LayerChecks.check(LeakyReLU.builder().negativeSlope(0.2).dtype(DType.FLOAT64).build(),
                List.of(LayerChecks.normal(4, 5, 3)), 1e-6, 1e-6);
        assertEquals(0.1, LeakyReLU.fromConfig(Map.of("name", "l", "alpha", 0.1)).negativeSlope(), 0);
        assertEquals(0.2, LeakyReLU.fromConfig(Map.of("name", "l", "negative_slope", 0.2)).negativeSlope(), 0);
        assertThrows(IllegalArgumentException.class, () -> LeakyReLU.builder().negativeSlope(-1));
    }

    @Test
    void globalAveragePoolingAveragesTheStepsOrTheUnmaskedOnes() {
        Tensor x = Tensor.of(new float[][][] {{{1, 2}, {3, 4}, {5, 9}}});
        assertArrayEquals(new float[] {3, 5}, GlobalAveragePooling1D.create().call(x).toFloatArray());
        Tensor first = GlobalAveragePooling1D.builder().channelsFirst(true).keepDims(true).build().call(x);
        assertEquals(Shape.of(1, 3, 1), first.shape());
        assertArrayEquals(new float[] {1.5f, 3.5f, 7}, first.toFloatArray());
        LayerChecks.check(GlobalAveragePooling1D.create(), List.of(LayerChecks.normal(5, 2, 4, 3)), 1e-2, 1e-3);
        assertThrows(IllegalArgumentException.class,
                () -> GlobalAveragePooling1D.create().computeOutputShape(Shape.batchOf(4)));

        // a model hands the layer its input's mask: only the unmasked steps count, an all-masked row gives zeros
        GlobalAveragePooling1D pool = GlobalAveragePooling1D.create();
        INDArray two = Tensor.of(new float[][][] {{{1, 2}, {3, 4}, {5, 9}}, {{7, 7}, {8, 8}, {9, 9}}}).unwrap();
        INDArray mask = Nd4j.createFromArray(new float[][] {{1, 0, 1}, {0, 0, 0}});
        CallContext context = CallContext.training(0, 1);
        context.setInputMasks(List.of(mask));
        INDArray out = pool.forward(List.of(two), context);
        assertArrayEquals(new float[] {3, 5.5f, 0, 0}, out.data().asFloat());
        INDArray g = Nd4j.createFromArray(new float[][] {{2, 4}, {1, 1}});
        INDArray back = pool.backward(List.of(two), g, context, null).get(0);
        assertArrayEquals(new float[] {1, 2, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0}, back.data().asFloat());
        Embedding masking = Embedding.builder().inputDim(10).outputDim(3).maskZero(true).name("words").build();
        INDArray ids = Nd4j.createFromArray(new int[][] {{4, 0, 2}});
        assertArrayEquals(new float[] {1, 0, 1}, masking.outputMask(List.of(ids), java.util.Arrays.asList(
                (INDArray) null)).data().asFloat());
        assertEquals(null, Flatten.create().outputMask(List.of(ids), List.of(mask)), "Flatten drops the mask");
        assertEquals(mask, Dropout.builder().rate(0.5).build().outputMask(List.of(ids), List.of(mask)));
    }

    @Test
    void batchNormalizationNormalizesBatchesInTrainingAndUsesItsMovingStatisticsOtherwise() {
        BatchNormalization bn = BatchNormalization.builder().momentum(0.5).build();
        SymbolicTensor in = Input.builder().shape(2).build();
        bn.call(in);
        assertEquals(List.of("batch_normalization/gamma:0", "batch_normalization/beta:0",
                "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"),
                bn.weights().stream().map(Weight::name).toList());
        assertEquals(2, bn.trainableWeights().size());
        assertEquals(2, bn.nonTrainableWeights().size());
        org.nd4j.linalg.api.ndarray.INDArray x = org.nd4j.linalg.factory.Nd4j.createFromArray(
                new float[][] {{1, 10}, {3, 10}, {5, 40}});
        CallContext training = CallContext.training(0);
        float[] y = org.tensorkit.core.internal.BulkData.readFloats(bn.forward(List.of(x), training));
        // column 0: mean 3, biased variance 8/3; column 1: mean 20, variance 200
        double s0 = Math.sqrt(8.0 / 3 + 1e-3);
        double s1 = Math.sqrt(200 + 1e-3);
        assertArrayEquals(new float[] {(float) (-2 / s0), (float) (-10 / s1), 0, (float) (-10 / s1),
                (float) (2 / s0), (float) (20 / s1)}, y, 1e-5f);
        // moving = 0.5 * initial + 0.5 * batch
        assertArrayEquals(new float[] {1.5f, 10}, bn.getWeights().get(2).toFloatArray(), 1e-5f);
        assertArrayEquals(new float[] {0.5f + 4f / 3, 100.5f}, bn.getWeights().get(3).toFloatArray(), 1e-4f);
        // inference: the moving statistics
        float[] inferred = org.tensorkit.core.internal.BulkData.readFloats(bn.forward(List.of(x),
                CallContext.inference()));
        assertEquals((float) ((1 - 1.5) / Math.sqrt(0.5 + 4.0 / 3 + 1e-3)), inferred[0], 1e-5f);
        // gradients of the training pass, numerically checked (float64 data through the float32 layer)
        BatchNormalization checked = BatchNormalization.builder().axis(1).build();
        LayerChecks.check(checked, List.of(LayerChecks.normal(6, 5, 3, 2)), 1e-2, 2e-2);
        assertThrows(IllegalArgumentException.class, () -> BatchNormalization.builder().axis(0).build()
                .computeOutputShape(Shape.batchOf(3)));
        assertThrows(IllegalArgumentException.class, () -> BatchNormalization.builder().momentum(2));
        Map<String, Object> keras2 = new java.util.LinkedHashMap<>(BatchNormalization.create().config());
        keras2.put("renorm", false);
        keras2.put("renorm_clipping", null);
        keras2.put("renorm_momentum", 0.99);
        keras2.put("fused", true);
        keras2.put("axis", List.of(-1));
        assertEquals(-1, ((Number) BatchNormalization.fromConfig(keras2).config().get("axis")).intValue());
        keras2.put("renorm", true);
        assertThrows(IllegalArgumentException.class, () -> BatchNormalization.fromConfig(keras2));
    }
}
