package org.tensorkit.models;

import java.io.IOException;
import java.nio.file.Path;

import org.tensorkit.models.saving.KerasFiles;

/**
 * Keras's {@code keras.models.load_model}: a saved model back as the {@link Model} or {@link Sequential} it
 * was. Reads the Keras 3 {@code .keras} archives that {@link Network#save} and Keras write.
 *
 * <pre>{@code
 * model.save(Path.of("recommender.keras"));
 * Network served = Models.load(Path.of("recommender.keras"));   // same summary, weights, predictions
 * }</pre>
 */
public final class Models {
    private Models() {
    }

    /**
     * The model saved in {@code path}, with its weights, compiled as it was saved (optimizer state included) when
     * the file has compile settings.
     *
     * @throws IOException              if the file is missing, not a {@code .keras} archive, damaged, or its
     *                                  weights do not fit its architecture, naming the file and the problem
     * @throws IllegalArgumentException if the file is well formed but describes a model tensorkit cannot build
     */
    public static Network load(Path path) throws IOException {
        return KerasFiles.load(path, true);
    }

    /**
     * {@link #load(Path)}, without compiling when {@code compile} is false (Keras's {@code compile=False}: for
     * serving, or a file whose training settings tensorkit does not have).
     */
    public static Network load(Path path, boolean compile) throws IOException {
        return KerasFiles.load(path, compile);
    }

    /**
     * Keras's {@code model_from_json}: the model a {@link Network#toJson()} text describes, with new weights drawn
     * by the layers' initializers, and compiled with a fresh optimizer when the text has compile settings.
     *
     * @throws IllegalArgumentException if the text is not JSON or describes a model tensorkit cannot build
     */
    public static Network fromJson(String json) {
        return KerasFiles.fromJson(json);
    }
}
