package org.tensorkit.core.internal;

import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;

/**
 * Makes {@link Tensor}s that own their memory: for tensorkit's modules, which hand out arrays they allocated for
 * one result (a predict output, an eager layer call), so that {@link Tensor#close()} releases them at once. A user
 * wraps arrays with {@link Tensor#wrap}, which never frees them.
 */
public final class Tensors {
    /** The door {@link Tensor} opens to this class when it is initialized. */
    public interface Access {
        /** A tensor over {@code array} that owns it. */
        Tensor adopt(INDArray array);
    }

    private static volatile Access access;

    private Tensors() {
    }

    /** Called once, by {@link Tensor}'s class initializer. */
    public static void install(Access tensorAccess) {
        synchronized (Tensors.class) {
            if (access != null) {
                throw new IllegalStateException("Tensors.install is Tensor's, and runs once");
            }
            access = Objects.requireNonNull(tensorAccess, "tensorAccess");
        }
    }

    /**
     * Wraps an array whose memory was allocated for this result and that nothing else references: closing the
     * tensor releases it (back to {@link OutputBuffers}' pool when it came from there).
     */
    public static Tensor adopt(INDArray array) {
        Objects.requireNonNull(array, "array");
        DType.of(array.dataType()); // rejects types tensorkit cannot name
        Access a = access;
        if (a == null) {
            initialize(Tensor.class);
            a = access;
        }
        return a.adopt(array);
    }

    private static void initialize(Class<?> type) {
        try {
            Class.forName(type.getName(), true, type.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
