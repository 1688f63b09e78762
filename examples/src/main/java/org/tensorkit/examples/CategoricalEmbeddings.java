package org.tensorkit.examples;

import java.util.List;

import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.models.Model;
import org.tensorkit.models.Sequential;

/**
 * The "Categorical Embeddings" notebook, cell by cell: a pretrained 10x4 matrix looked up by indexing and by a
 * one-hot dot product, then the same matrix inside an Embedding layer shared by three models. Its standard
 * output is the notebook's output (numpy and Keras formats), then {@code model3.summary()}.
 */
public final class CategoricalEmbeddings {
    private CategoricalEmbeddings() {
    }

    public static void main(String[] args) {
        NotebookOutput out = new NotebookOutput();
        Names.reset(); // a fresh session, so the models are "model", "model_1" and "sequential"

        // Define an embedding matrix
        final int EMBEDDING_SIZE = 4;
        final int VOCAB_SIZE = 10;

        Tensor embeddingMatrix = Tensor.arange(EMBEDDING_SIZE * VOCAB_SIZE, DType.FLOAT32);
        embeddingMatrix = embeddingMatrix.reshape(VOCAB_SIZE, EMBEDDING_SIZE);
        out.print(embeddingMatrix);

        // simply index (slice) the embedding matrix by i
        int idx = 3;
        out.print(embeddingMatrix.get(idx));

        // compute a one-hot encoding vector v of i, then compute a dot product with the embedding matrix
        Tensor onehotIdx = onehotEncode(VOCAB_SIZE, idx);
        out.print(onehotIdx);

        out.print(onehotIdx.dot(embeddingMatrix));

        // Define an embedding layer
        Embedding embeddingLayer = Embedding.builder()
                .outputDim(EMBEDDING_SIZE)
                .inputDim(VOCAB_SIZE)
                .weights(embeddingMatrix)
                .inputLength(1)
                .name("My_embedding")
                .build();

        // Define a Keras model using this embedding
        SymbolicTensor x = Input.builder().shape(1).name("Input").build();
        SymbolicTensor embedding = embeddingLayer.call(x);
        Model model = Model.of(x, embedding);

        out.display(model.outputShape());

        out.display(model.getWeights());

        out.nextCell();
        model.summary();

        Tensor labelsToEncode = Tensor.of(new int[][] {{3}});
        out.display(model.predict(labelsToEncode));

        labelsToEncode = Tensor.of(new int[][] {{3}, {3}, {0}, {9}});
        out.display(model.predict(labelsToEncode));

        // Remove the sequence dimension with Flatten
        x = Input.builder().shape(1).name("Input").build();
        SymbolicTensor y = Flatten.create().call(embeddingLayer.call(x));
        Model model2 = Model.of(x, y);

        out.display(model2.outputShape());

        out.display(model2.predict(Tensor.of(new int[] {3})));

        out.nextCell();
        model2.summary();

        // model and model2 share embeddingLayer, so they share its weights
        model2.setWeights(List.of(Tensor.ones(VOCAB_SIZE, EMBEDDING_SIZE)));

        labelsToEncode = Tensor.of(new int[][] {{3}});
        out.display(model2.predict(labelsToEncode));

        out.display(model.predict(labelsToEncode));

        // The same stack as a Sequential model, sharing the layer again
        Sequential model3 = Sequential.of(embeddingLayer, Flatten.create());

        out.display(model3.predict(labelsToEncode));

        out.nextCell();
        model3.summary();
    }

    static Tensor onehotEncode(int dim, int label) {
        return Tensor.eye(dim).get(label);
    }
}
