package org.tensorkit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.internal.OutputBuffers;
import org.tensorkit.core.internal.Tensors;

class TensorCloseTest {
    @Test
    void closingAnAdoptedPooledOutputReturnsItsBufferAtOnce() {
        INDArray a = OutputBuffers.uninitialized(DataType.FLOAT, 1024, 16);
        long address = a.data().address();
        Tensor t = Tensors.adopt(a);
        t.close();
        INDArray b = OutputBuffers.uninitialized(DataType.FLOAT, 1024, 16);
        assertEquals(address, b.data().address(), "the next output of the size reuses the closed one's buffer");
        b.assign(3);
        assertEquals(3.0 * 1024 * 16, b.sumNumber().doubleValue());
        Tensors.adopt(b).close();
    }

    @Test
    void onlyTensorOpensTheAdoptionDoor() {
        Tensors.adopt(Nd4j.createFromArray(1f)).close(); // Tensor has installed its door
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensors.install(Tensor::wrap));
        assertEquals("Tensors.install is Tensor's, and runs once", e.getMessage());
    }

    @Test
    void closeIsIdempotentAndEveryMethodThrowsAfterIt() {
        Tensor t = Tensor.of(new float[][] {{1, 2}, {3, 4}});
        Tensor other = Tensor.of(new float[][] {{1, 2}, {3, 4}});
        assertFalse(t.isClosed());
        t.close();
        t.close();
        assertTrue(t.isClosed());
        List<Consumer<Tensor>> calls = List.of(Tensor::unwrap, Tensor::shape, Tensor::dtype, Tensor::rank,
                Tensor::size, x -> x.get(0), x -> x.reshape(4), x -> x.take(Tensor.of(0)),
                x -> x.cast(DType.FLOAT64), x -> x.dot(other), x -> x.matmul(other), x -> x.allClose(other),
                x -> x.allClose(other, 1, 1), Tensor::toFloatArray, Tensor::toDoubleArray, Tensor::toIntArray,
                Tensor::toLongArray, Tensor::item, Tensor::toString, Tensor::repr, x -> x.equals(other),
                Tensor::hashCode, x -> other.take(x), x -> other.dot(x));
        for (Consumer<Tensor> call : calls) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> call.accept(t));
            assertEquals("tensor is closed", e.getMessage());
        }
        assertEquals(Tensor.of(new float[][] {{1, 2}, {3, 4}}), other);
    }

    @Test
    void closingAWrappedUserArrayLeavesItIntact() {
        INDArray user = Nd4j.createFromArray(1f, 2f, 3f);
        Tensor t = Tensor.wrap(user);
        t.close();
        assertTrue(t.isClosed());
        assertFalse(user.data().wasClosed());
        user.addi(1);
        assertArrayEquals(new float[] {2, 3, 4}, user.toFloatVector());
    }

    @Test
    void closingAWrappedPooledArrayDoesNotRecycleIt() {
        INDArray pooled = OutputBuffers.uninitialized(DataType.FLOAT, 64, 64);
        pooled.assign(7);
        Tensor.wrap(pooled).close();
        INDArray next = OutputBuffers.uninitialized(DataType.FLOAT, 64, 64);
        assertNotEquals(pooled.data().address(), next.data().address());
        next.assign(-1);
        assertEquals(7.0 * 64 * 64, pooled.sumNumber().doubleValue());
    }

    @Test
    void closingATensorkitAllocatedArrayFreesItsNativeBuffer() {
        Tensor t = Tensor.zeros(DType.FLOAT32, 3, 3);
        INDArray array = t.unwrap();
        t.close();
        assertTrue(array.data().wasClosed());
        Tensor reshaped = Tensor.arange(6, DType.INT32).reshape(2, 3); // its own copy
        reshaped.close();
        Tensor.of(new float[0]).close(); // empty: nothing to free
    }
}
