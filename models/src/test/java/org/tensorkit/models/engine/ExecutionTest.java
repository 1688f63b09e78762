package org.tensorkit.models.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.SymbolicTensor;

class ExecutionTest {
    private static Graph graph() {
        SymbolicTensor in = Input.shape(1);
        Embedding e = Embedding.builder().inputDim(5).outputDim(2)
                .weights(Tensor.of(new float[][] {{0, 0}, {1, 1}, {2, 2}, {3, 3}, {4, 4}})).build();
        return Graph.trace("m", List.of(in), List.of(Flatten.create().call(e.call(in))));
    }

    /** A training loop's run starts every step afresh: the same graph on other ids gives that step's rows only. */
    @Test
    void aLoopsRunIsMadeReadyAgainAtEveryStep() {
        Graph g = graph();
        try (org.tensorkit.core.internal.StepArena arena = new org.tensorkit.core.internal.StepArena()) {
            Execution run = Execution.forTraining(g, arena);
            for (int[] ids : new int[][] {{1, 2, 3}, {4}, {0, 4}}) {
                arena.enter();
                INDArray x = Nd4j.createFromArray(ids).reshape(ids.length, 1);
                run.forwardTraining(List.of(x), 0, 7);
                INDArray out = run.value(g.outputs().get(0));
                assertEquals(Execution.forward(g, List.of(x), 0, false).value(g.outputs().get(0)), out);
                arena.exit();
                run.release();
            }
        }
    }

    @Test
    void aOneOffRunIsNotSteppedAgain() {
        Graph g = graph();
        Execution once = Execution.forward(g, List.of(Nd4j.createFromArray(new int[][] {{1}})), 0, true);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> once.forwardTraining(List.of(Nd4j.createFromArray(new int[][] {{2}})), 0, 1));
        assertEquals("not a training loop's execution (see forTraining)", e.getMessage());
        assertEquals(Nd4j.createFromArray(new float[][] {{1, 1}}), once.value(g.outputs().get(0)),
                "the refusal changed nothing");
    }
}
