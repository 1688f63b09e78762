package org.tensorkit.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;

/** {@code .npy} files numpy 1.24 wrote ({@code core/src/test/python/generate_npy_fixtures.py}), read and rewritten. */
class NpyTest {
    @TempDir
    Path dir;

    static Path fixture(String name) {
        try {
            return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readsEachDtypeWithNumpysValues() throws IOException {
        assertEquals("[[-1.  -0.5  0. ]\n [ 0.5  1.   1.5]]", Tensor.load(fixture("float32_2x3.npy")).toString());
        Tensor f64 = Tensor.load(fixture("float64_2x3.npy"));
        assertEquals(DType.FLOAT64, f64.dtype());
        assertArrayEquals(new double[] {0, 1 / 3.0, 2 / 3.0, 1, 4 / 3.0, 5 / 3.0}, f64.toDoubleArray());
        Tensor f16 = Tensor.load(fixture("float16_2x3.npy"));
        assertEquals(DType.FLOAT16, f16.dtype());
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f, 1, 1.25f}, f16.toFloatArray());
        assertEquals("[[-3 -2 -1]\n [ 0  1  2]]", Tensor.load(fixture("int8_2x3.npy")).toString());
        assertEquals(DType.INT8, Tensor.load(fixture("int8_2x3.npy")).dtype());
        assertArrayEquals(new int[] {0, -1000, -2000, -3000, -4000, -5000},
                Tensor.load(fixture("int16_2x3.npy")).toIntArray());
        assertArrayEquals(new int[] {-7, 99993, 199993, 299993, 399993, 499993},
                Tensor.load(fixture("int32_2x3.npy")).toIntArray());
        long t = 1_000_000_000_000L;
        assertArrayEquals(new long[] {-5, t - 5, 2 * t - 5, 3 * t - 5, 4 * t - 5, 5 * t - 5},
                Tensor.load(fixture("int64_2x3.npy")).toLongArray());
        Tensor u8 = Tensor.load(fixture("uint8_2x3.npy"));
        assertEquals(DType.UINT8, u8.dtype());
        assertArrayEquals(new int[] {0, 50, 100, 150, 200, 250}, u8.toIntArray());
        assertEquals("[[ True False  True]\n [False  True False]]", Tensor.load(fixture("bool_2x3.npy")).toString());
    }

    @Test
    void readsUnicodeAndByteStrings() throws IOException {
        Tensor u = Tensor.load(fixture("unicode_4.npy"));
        assertEquals(DType.STRING, u.dtype());
        assertArrayEquals(new String[] {"a", "d\u00e9", "\u65e5\u672c\u8a9e", "\uD83D\uDE00x"}, u.toStringArray());
        assertArrayEquals(new String[] {"", ""}, Tensor.load(fixture("unicode_empty_strings.npy")).toStringArray());
        assertArrayEquals(new String[] {"ab", "c", ""}, Tensor.load(fixture("bytes_3.npy")).toStringArray());
        Tensor fortran = Tensor.load(fixture("unicode_fortran_2x3.npy"));
        assertEquals(Shape.of(2, 3), fortran.shape());
        assertArrayEquals(new String[] {"a", "bb", "c", "d\u00e9", "", "f"}, fortran.toStringArray());
    }

    @Test
    void readsBigEndianFortranScalarAndEmptyArrays() throws IOException {
        assertEquals(Tensor.load(fixture("float32_2x3.npy")), Tensor.load(fixture("float32_big_endian.npy")));
        assertEquals(Tensor.load(fixture("int64_2x3.npy")), Tensor.load(fixture("int64_big_endian.npy")));
        Tensor f = Tensor.load(fixture("float32_fortran_3x4.npy"));
        assertEquals(Shape.of(3, 4), f.shape());
        assertEquals(Tensor.arange(12, DType.FLOAT32).reshape(3, 4), f);
        Tensor f3 = Tensor.load(fixture("int32_fortran_2x3x4.npy"));
        assertEquals(Tensor.arange(24, DType.INT32).reshape(2, 3, 4), f3);
        Tensor scalar = Tensor.load(fixture("float64_scalar.npy"));
        assertEquals(0, scalar.rank());
        assertEquals(2.5, scalar.item());
        Tensor empty = Tensor.load(fixture("float32_empty.npy"));     // ND4J's reader makes a 0-d scalar of it
        assertEquals(Shape.of(0), empty.shape());
        assertEquals(DType.FLOAT32, empty.dtype());
        assertEquals("array([], dtype=float32)", empty.repr());
        Tensor empty2 = Tensor.load(fixture("int64_empty_2x0.npy"));
        assertEquals(Shape.of(2, 0), empty2.shape());
        assertEquals(DType.INT64, empty2.dtype());
    }

    @ParameterizedTest
    @ValueSource(strings = {"float32_v1.npy", "float32_v2.npy", "float32_v3.npy"})
    void readsEveryFormatVersion(String name) throws IOException {
        assertEquals(Tensor.load(fixture("float32_2x3.npy")), Tensor.load(fixture(name)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"float32_2x3.npy", "float64_2x3.npy", "float16_2x3.npy", "int8_2x3.npy", "int16_2x3.npy",
        "int32_2x3.npy", "int64_2x3.npy", "uint8_2x3.npy", "bool_2x3.npy", "unicode_4.npy",
        "unicode_empty_strings.npy", "float64_scalar.npy", "float32_empty.npy", "int64_empty_2x0.npy",
        "float32_4x64.npy"})
    void writesTheBytesNumpyWrote(String name) throws IOException {
        byte[] numpy = Files.readAllBytes(fixture(name));
        Path out = dir.resolve(name);
        Tensor.load(fixture(name)).save(out);
        assertArrayEquals(numpy, Files.readAllBytes(out));
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        Npy.write(stream, Tensor.load(fixture(name)));
        assertArrayEquals(numpy, stream.toByteArray());
    }

    @Test
    void writesFortranBigEndianAndViewsAsNumpyWouldItsCOrderCopy() throws IOException {
        Path out = dir.resolve("f.npy");
        Tensor.load(fixture("float32_big_endian.npy")).save(out);
        assertArrayEquals(Files.readAllBytes(fixture("float32_2x3.npy")), Files.readAllBytes(out));
        Tensor row = Tensor.load(fixture("float32_4x64.npy")).get(2);      // a copy of one row
        row.save(out);
        assertEquals(row, Tensor.load(out));
    }

    @Test
    void roundTripsArraysLargerThanOneChunkThroughTheNativeBuffer() throws IOException {
        Tensor big = Tensor.arange(3 * 262_149, DType.FLOAT32).reshape(3, 262_149);   // 3 MiB and 60 bytes
        Path out = dir.resolve("big.npy");
        big.save(out);
        assertEquals(big, Tensor.load(out));
        assertEquals(Npy.header("<f4", new long[] {3, 262_149}).length + 12L * 262_149, Files.size(out));
    }

    @Test
    void aLongHeaderMovesToVersionTwo() throws IOException {
        byte[] header = Npy.header("<f4", new long[30_000]);
        assertEquals(2, header[6]);
        assertEquals(0, header.length % 64);
        assertEquals(1, Npy.header("<f4", new long[] {3})[6]);
    }

    @Test
    void roundTripsStringsOfManyWidths() throws IOException {
        Tensor s = Tensor.of(new String[][] {{"", "\uD83D\uDE00"}, {"longer one", "\u00e9"}});
        Path out = dir.resolve("s.npy");
        s.save(out);
        assertEquals(s, Tensor.load(out));
    }

    @Test
    void refusesATruncatedBodyNamingTheFileAndTheSizes() throws IOException {
        byte[] whole = Files.readAllBytes(fixture("float32_4x64.npy"));
        Path cut = dir.resolve("cut.npy");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 10));
        IOException e = assertThrows(IOException.class, () -> Tensor.load(cut));
        assertEquals(cut + " is truncated: its .npy header declares shape (4, 64) of 4-byte elements, 1024 bytes of "
                + "data, and the file holds 1014", e.getMessage());
        Files.write(cut, Arrays.copyOf(whole, 40));
        assertTrue(assertThrows(IOException.class, () -> Tensor.load(cut)).getMessage().contains("header declares 118"));
    }

    @Test
    void refusesUnsupportedDtypesByName() {
        IOException e = assertThrows(IOException.class, () -> Tensor.load(fixture("uint16_unsupported.npy")));
        assertTrue(e.getMessage().endsWith("uint16_unsupported.npy: dtype '<u2' is not one tensorkit reads; expected "
                + "float16, float32, float64, int8, int16, int32, int64, uint8, bool or strings ('<U', '|S'), in "
                + "either byte order"), e.getMessage());
        assertTrue(assertThrows(IOException.class, () -> Tensor.load(fixture("complex64_unsupported.npy")))
                .getMessage().contains("dtype '<c8'"));
    }

    @Test
    void refusesWhatIsNotANpyFile() throws IOException {
        Path text = dir.resolve("vectors.txt");
        Files.writeString(text, "3 2\na 1 2\n");
        assertEquals(text + " is not a .npy file: it does not start with numpy's magic string \\x93NUMPY",
                assertThrows(IOException.class, () -> Tensor.load(text)).getMessage());
        assertTrue(assertThrows(IOException.class, () -> Tensor.load(fixture("two.npz"))).getMessage()
                .endsWith("(it is a zip archive: a .npz file is read with Npz.read)"));
        Path empty = dir.resolve("empty.npy");
        Files.write(empty, new byte[0]);
        assertTrue(assertThrows(IOException.class, () -> Tensor.load(empty)).getMessage().contains("magic"));
        byte[] v4 = Files.readAllBytes(fixture("float32_2x3.npy"));
        v4[6] = 4;
        Path bad = dir.resolve("v4.npy");
        Files.write(bad, v4);
        assertEquals(bad + ": .npy format version 4.0 is not one numpy defines (expected 1.0, 2.0 or 3.0)",
                assertThrows(IOException.class, () -> Tensor.load(bad)).getMessage());
    }

    @Test
    void refusesHeadersThatAreNotNumpysDictionary() {
        for (String header : new String[] {"{'descr': '<f4', 'fortran_order': False}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3), }",
            "{'descr': '<f4', 'fortran_order': 0, 'shape': (3,), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'extra': True}",
            "{'descr': '<f4' 'fortran_order': False, 'shape': (3,)}", "[1, 2]"}) {
            IOException e = assertThrows(IOException.class, () -> Npy.parseHeader(header, "h.npy"), header);
            assertTrue(e.getMessage().startsWith("h.npy: the .npy header "), e.getMessage());
        }
    }

    @Test
    void parsesPythonTwoHeaders() throws IOException {
        Npy.Header h = Npy.parseHeader("{'descr': '<i8', 'fortran_order': True, 'shape': (3L, 4L), }", "h");
        assertArrayEquals(new long[] {3, 4}, h.shape());
        assertTrue(h.fortran());
        assertFalse(h.bigEndian());
        assertEquals(DType.INT64, h.dtype());
    }
}
