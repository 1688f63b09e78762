package org.tensorkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class OutputBuffersTest {
    @Test
    void pooledArraysAreOrdinaryCOrderedArrays() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE, DataType.INT, DataType.LONG}) {
            INDArray a = OutputBuffers.uninitialized(type, 64, 8, 16);
            assertArrayEquals(new long[] {64, 8, 16}, a.shape());
            assertEquals(type, a.dataType());
            assertEquals('c', a.ordering());
            a.assign(Nd4j.arange(a.length()).castTo(type).reshape(64, 8, 16));
            assertEquals(1234.0, a.getDouble(1234));
            assertEquals(a.length() * (a.length() - 1) / 2.0, a.castTo(DataType.DOUBLE).sumNumber().doubleValue());
            assertEquals(5.0, a.reshape(64, 128).getDouble(0, 5)); // views share the buffer
        }
    }

    @Test
    void smallArraysAndOtherTypesComeFromNd4j() {
        INDArray small = OutputBuffers.uninitialized(DataType.FLOAT, 2, 3);
        assertArrayEquals(new long[] {2, 3}, small.shape());
        INDArray half = OutputBuffers.uninitialized(DataType.HALF, 128, 128);
        assertEquals(DataType.HALF, half.dataType());
    }

    @Test
    void liveArraysNeverShareMemoryAndDeadOnesAreReused() {
        List<INDArray> live = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            INDArray a = OutputBuffers.uninitialized(DataType.FLOAT, 1024, 16);
            a.assign(i);
            live.add(a);
        }
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 200; i++) {
                OutputBuffers.uninitialized(DataType.FLOAT, 1024, 16).assign(-1); // garbage at once
            }
            System.gc();
        }
        for (int i = 0; i < live.size(); i++) {
            assertEquals(i * 16384.0, live.get(i).sumNumber().doubleValue(), "array " + i + " was overwritten");
        }
        assertTrue(OutputBuffers.ownedBytes() > 0);
    }

    /** A buffer given back keeps its DataBuffer for the next output of its own dtype, whatever came back after it. */
    @Test
    void aRecycledBufferGoesToTheNextOutputOfItsDtype() {
        INDArray floats = OutputBuffers.uninitialized(DataType.FLOAT, 3, 1000);
        INDArray ints = OutputBuffers.uninitialized(DataType.INT, 3, 1000); // the same size class
        org.nd4j.linalg.api.buffer.DataBuffer floatBuffer = floats.data();
        org.nd4j.linalg.api.buffer.DataBuffer intBuffer = ints.data();
        OutputBuffers.release(floats);
        OutputBuffers.release(ints); // last in: a single list per size class would hand it to the next float output
        INDArray nextFloats = OutputBuffers.uninitialized(DataType.FLOAT, 3, 1000);
        INDArray nextInts = OutputBuffers.uninitialized(DataType.INT, 3, 1000);
        org.junit.jupiter.api.Assertions.assertSame(floatBuffer, nextFloats.data());
        org.junit.jupiter.api.Assertions.assertSame(intBuffer, nextInts.data());
        OutputBuffers.release(nextFloats);
        OutputBuffers.release(nextInts);
    }
}
