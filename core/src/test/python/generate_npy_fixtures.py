"""Writes the .npy and .npz fixtures of tensorkit's numpy-file tests (core/src/test/resources/npy).

Run with Debian's numpy (python3-numpy, 1.24 here): /usr/bin/python3 core/src/test/python/generate_npy_fixtures.py
The build never runs this script; the files it writes are committed. Each array's values are printed by the
test that reads it, so a change of numpy that changed a file would show as a failing comparison.
"""
import os

import numpy as np
import numpy.lib.format as fmt

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "npy")


def save(name, a):
    np.save(os.path.join(OUT, name), a)


def main():
    os.makedirs(OUT, exist_ok=True)
    base = np.arange(6).reshape(2, 3)
    save("float32_2x3.npy", (base * 0.5 - 1).astype(np.float32))
    save("float64_2x3.npy", (base / 3).astype(np.float64))
    save("float16_2x3.npy", (base * 0.25).astype(np.float16))
    save("int8_2x3.npy", (base - 3).astype(np.int8))
    save("int16_2x3.npy", (base * -1000).astype(np.int16))
    save("int32_2x3.npy", (base * 100000 - 7).astype(np.int32))
    save("int64_2x3.npy", (base * 10**12 - 5).astype(np.int64))
    save("uint8_2x3.npy", (base * 50).astype(np.uint8))
    save("bool_2x3.npy", base % 2 == 0)
    save("unicode_4.npy", np.array(["a", "d\u00e9", "\u65e5\u672c\u8a9e", "\U0001F600x"]))
    save("unicode_empty_strings.npy", np.array(["", ""]))
    save("bytes_3.npy", np.array([b"ab", b"c", b""]))
    save("float32_big_endian.npy", (base * 0.5 - 1).astype(">f4"))
    save("int64_big_endian.npy", (base * 10**12 - 5).astype(">i8"))
    save("float32_fortran_3x4.npy", np.asfortranarray(np.arange(12, dtype=np.float32).reshape(3, 4)))
    save("int32_fortran_2x3x4.npy", np.asfortranarray(np.arange(24, dtype=np.int32).reshape(2, 3, 4)))
    save("unicode_fortran_2x3.npy", np.asfortranarray(np.array([["a", "bb", "c"], ["d\u00e9", "", "f"]])))
    save("float64_scalar.npy", np.float64(2.5))
    save("float32_empty.npy", np.zeros((0,), np.float32))
    save("int64_empty_2x0.npy", np.zeros((2, 0), np.int64))
    save("float32_4x64.npy", np.linspace(-1, 1, 256, dtype=np.float32).reshape(4, 64))
    for version in [(1, 0), (2, 0), (3, 0)]:
        with open(os.path.join(OUT, "float32_v%d.npy" % version[0]), "wb") as f:
            fmt.write_array(f, (base * 0.5 - 1).astype(np.float32), version=version)
    # dtypes tensorkit refuses, by name
    save("uint16_unsupported.npy", base.astype(np.uint16))
    save("complex64_unsupported.npy", base.astype(np.complex64))
    np.savez(os.path.join(OUT, "two.npz"), embeddings=(base * 0.5).astype(np.float32), ids=np.array([3, 1, 2]))
    np.savez_compressed(os.path.join(OUT, "two_compressed.npz"),
                        embeddings=(base * 0.5).astype(np.float32), ids=np.array([3, 1, 2]))
    np.savez(os.path.join(OUT, "positional.npz"), np.arange(3, dtype=np.int32), np.array(["x", "yz"]))


if __name__ == "__main__":
    main()
