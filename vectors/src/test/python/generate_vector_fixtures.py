"""Writes the word-vector fixtures of tensorkit's vector reader tests (vectors/src/test/resources/vectors).

Run with Debian's gensim and numpy (apt install python3-gensim):
    /usr/bin/python3 vectors/src/test/python/generate_vector_fixtures.py
The build never runs this script; the files it writes are committed. gensim writes the word2vec files (text and
binary) itself, so the tests read what gensim users have; the GloVe file is written as Stanford's files are (no
header, space-separated values); the expected words and vectors are numpy files, and so is what gensim reads back
from each file.
"""
import os

import numpy as np
from gensim.models import KeyedVectors

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "vectors")
WORDS = ["the", "caf\u00e9", "\u65e5\u672c", "king", "queen", "Paris", "paris", "x-ray"]


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(14)
    vectors = rng.normal(0, 1, (len(WORDS), 5)).astype(np.float32)
    vectors[0, 0] = 1e-5
    vectors[1, 1] = -2.5e7
    kv = KeyedVectors(vector_size=5)
    kv.add_vectors(WORDS, vectors)
    kv.save_word2vec_format(os.path.join(OUT, "small.w2v.txt"), binary=False)
    kv.save_word2vec_format(os.path.join(OUT, "small.w2v.bin"), binary=True)
    with open(os.path.join(OUT, "small.glove.txt"), "w", encoding="utf-8") as f:
        for w, v in zip(WORDS, vectors):
            f.write(w + " " + " ".join(repr(float(x)) for x in v) + "\n")
    np.save(os.path.join(OUT, "small_words.npy"), np.array(WORDS))
    np.save(os.path.join(OUT, "small_vectors.npy"), vectors)
    for name, binary, no_header in [("small.w2v.txt", False, False), ("small.w2v.bin", True, False),
                                    ("small.glove.txt", False, True)]:
        back = KeyedVectors.load_word2vec_format(os.path.join(OUT, name), binary=binary, no_header=no_header)
        assert list(back.index_to_key) == WORDS, name
        np.save(os.path.join(OUT, name.replace(".", "_") + "_gensim.npy"), back.vectors)


if __name__ == "__main__":
    main()
