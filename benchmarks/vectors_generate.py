"""Generates the vector-reading benchmark's input: COUNT x DIM word2vec text and binary files written by gensim.

Usage: /usr/bin/python3 benchmarks/vectors_generate.py OUT_DIR [COUNT] [DIM]   (defaults 400000 x 100)
Writes OUT_DIR/vectors-COUNTxDIM.txt and .bin. Values are N(0, 0.4) float32, written by gensim's own
save_word2vec_format (repr of each float32, as gensim users' files have them); words are w0, w1, ...
plus a few non-ASCII ones. Not part of the build.
"""
import os
import sys

import numpy as np
from gensim.models import KeyedVectors


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 400_000
    dim = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(400)
    words = ["w%d" % i for i in range(count)]
    words[1] = "caf\u00e9"
    words[2] = "\u65e5\u672c"
    vectors = rng.normal(0, 0.4, (count, dim)).astype(np.float32)
    kv = KeyedVectors(vector_size=dim)
    kv.add_vectors(words, vectors)
    base = os.path.join(out, "vectors-%dx%d" % (count, dim))
    kv.save_word2vec_format(base + ".txt", binary=False)
    kv.save_word2vec_format(base + ".bin", binary=True)
    print(base + ".txt", os.path.getsize(base + ".txt"), "bytes")


if __name__ == "__main__":
    main()
