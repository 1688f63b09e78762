"""Times gensim's KeyedVectors.load_word2vec_format on a file: prints 'gensim seconds=S vectors=N'.

Usage: /usr/bin/python3 benchmarks/vectors_gensim.py FILE [binary]   (Debian's python3-gensim; not part of the build)
"""
import sys
import time

from gensim.models import KeyedVectors


def main():
    path = sys.argv[1]
    binary = len(sys.argv) > 2 and sys.argv[2] == "binary"
    start = time.perf_counter()
    kv = KeyedVectors.load_word2vec_format(path, binary=binary)
    seconds = time.perf_counter() - start
    print("gensim seconds=%.3f vectors=%d" % (seconds, len(kv.index_to_key)))


if __name__ == "__main__":
    main()
