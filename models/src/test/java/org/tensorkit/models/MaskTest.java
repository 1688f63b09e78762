package org.tensorkit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Dense;
import org.tensorkit.layers.Dropout;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.GlobalAveragePooling1D;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.optimizers.Sgd;
import org.tensorkit.models.training.FitOptions;
import org.tensorkit.models.training.Verbosity;

/** Keras's masks in a model: Embedding(mask_zero) to GlobalAveragePooling1D, through a Dropout. */
class MaskTest {
    private static final Tensor TABLE = Tensor.of(new float[][] {{100, 100}, {1, 2}, {3, 4}, {5, 6}});

    private static Model pooled(Embedding words) {
        SymbolicTensor ids = Input.builder().shape(3).dtype(DType.INT32).build();
        SymbolicTensor x = Dropout.builder().rate(0.5).seed(1).build().call(words.call(ids));
        return Model.of(ids, GlobalAveragePooling1D.create().call(x));
    }

    @Test
    void paddingStepsAreLeftOutOfTheAverage() {
        Model model = pooled(Embedding.builder().inputDim(4).outputDim(2).weights(TABLE).maskZero(true).build());
        Tensor out = model.predict(Tensor.of(new int[][] {{1, 3, 0}, {0, 2, 0}, {0, 0, 0}}));
        assertArrayEquals(new float[] {3, 4, 3, 4, 0, 0}, out.toFloatArray()); // row 0 (100, 100) never counts
        Model unmasked = pooled(Embedding.builder().inputDim(4).outputDim(2).weights(TABLE).build());
        assertArrayEquals(new float[] {106 / 3f, 108 / 3f}, unmasked.predict(Tensor.of(new int[][] {{1, 3, 0}}))
                .toFloatArray(), 1e-4f);
    }

    @Test
    void thePaddingRowGetsNoGradient() {
        Embedding words = Embedding.builder().inputDim(4).outputDim(2).weights(TABLE).maskZero(true).build();
        SymbolicTensor ids = Input.builder().shape(3).dtype(DType.INT32).build();
        SymbolicTensor pooled = GlobalAveragePooling1D.create().call(words.call(ids));
        Model model = Model.of(ids, Dense.builder().units(1).seed(2).build().call(pooled));
        model.compile(Sgd.builder().learningRate(0.1).build(), Losses.mse());
        model.fit(Tensor.of(new int[][] {{1, 0, 0}, {2, 3, 0}}), Tensor.of(1f, -1f), FitOptions.builder()
                .batchSize(2).epochs(3).verbose(Verbosity.SILENT).build());
        float[] table = words.getWeights().get(0).toFloatArray();
        assertArrayEquals(new float[] {100, 100}, new float[] {table[0], table[1]}, "row 0 is padding");
        assertTrue(table[2] != 1 || table[3] != 2, "row 1 trained");
    }
}
