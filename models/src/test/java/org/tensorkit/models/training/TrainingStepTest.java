package org.tensorkit.models.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.layers.CallContext;
import org.tensorkit.layers.Dense;
import org.tensorkit.layers.Dot;
import org.tensorkit.layers.Dropout;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Initializer;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.Regularizers;
import org.tensorkit.layers.Weight;
import org.tensorkit.models.losses.Loss;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.optimizers.Adam;

/**
 * The building blocks together, by hand, as fit will run them: a matrix-factorization recommender (user and
 * item embeddings, dot, dense) trained with Adam; its losses fall and repeat exactly for the same seeds.
 */
class TrainingStepTest {
    private static double[] train(long seed) {
        Embedding users = Embedding.builder().inputDim(20).outputDim(4).inputLength(1).seed(seed)
                .embeddingsRegularizer(Regularizers.l2(1e-4)).build();
        Embedding items = Embedding.builder().inputDim(30).outputDim(4).inputLength(1)
                .initializer(Initializer.uniform(-0.05, 0.05, seed + 1)).build();
        Flatten flatU = Flatten.create();
        Flatten flatI = Flatten.create();
        Dropout dropout = Dropout.builder().rate(0.2).seed(seed).build();
        Dot dot = Dot.of(1);
        Dense out = Dense.builder().units(1).seed(seed + 2).build();
        out.call(Input.shape(1));
        List<Weight> weights = List.of(users.embeddings(), items.embeddings(), out.kernel(), out.bias());

        org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(7);
        INDArray u = Nd4j.rand(rng, 64, 1).muli(20).castTo(org.nd4j.linalg.api.buffer.DataType.INT)
                .castTo(org.nd4j.linalg.api.buffer.DataType.LONG);
        INDArray i = Nd4j.rand(rng, 64, 1).muli(30).castTo(org.nd4j.linalg.api.buffer.DataType.INT)
                .castTo(org.nd4j.linalg.api.buffer.DataType.LONG);
        INDArray ratings = u.add(i).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).muli(0.08).addi(1).reshape(64);

        Adam adam = Adam.builder().learningRate(0.05).build();
        Loss loss = Losses.mse();
        double[] losses = new double[30];
        for (int step = 0; step < losses.length; step++) {
            CallContext[] c = new CallContext[7];
            for (int k = 0; k < c.length; k++) {
                c[k] = CallContext.training(0, step * 31L + k);
            }
            INDArray eu = users.forward(List.of(u), c[0]);
            INDArray ei = items.forward(List.of(i), c[1]);
            INDArray fu = flatU.forward(List.of(eu), c[2]);
            INDArray fi = flatI.forward(List.of(ei), c[3]);
            INDArray du = dropout.forward(List.of(fu), c[4]);
            INDArray score = dot.forward(List.of(du, fi), c[5]);
            INDArray pred = out.forward(List.of(score), c[6]);
            Loss.Result r = loss.compute(ratings, pred);

            GradientAccumulator acc = new GradientAccumulator();
            INDArray gScore = back(out, List.of(score), r.gradient(), c[6], acc).get(0);
            List<INDArray> gDot = back(dot, List.of(du, fi), gScore, c[5], acc);
            INDArray gFu = back(dropout, List.of(fu), gDot.get(0), c[4], acc).get(0);
            INDArray gEu = back(flatU, List.of(eu), gFu, c[2], acc).get(0);
            INDArray gEi = back(flatI, List.of(ei), gDot.get(1), c[3], acc).get(0);
            back(users, List.of(u), gEu, c[0], acc);
            back(items, List.of(i), gEi, c[1], acc);
            losses[step] = r.value() + acc.addRegularization(weights);
            adam.apply(acc.gradients());
        }
        return losses;
    }

    private static List<INDArray> back(Layer layer, List<INDArray> inputs, INDArray grad, CallContext c,
                                       GradientAccumulator acc) {
        return layer.backward(inputs, grad, c, acc);
    }

    @Test
    void lossFallsAndRepeatsExactlyForTheSameSeed() {
        double[] first = train(11);
        double[] again = train(11);
        assertArrayEquals(first, again, 0.0, "same seeds, same losses to the last bit");
        assertTrue(first[first.length - 1] < 0.5 * first[0],
                "loss should fall: first " + first[0] + ", last " + first[first.length - 1]);
    }
}
