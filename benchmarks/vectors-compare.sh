#!/usr/bin/env bash
# tensorkit's VectorReader against gensim 4.2's KeyedVectors.load_word2vec_format (Debian's python3-gensim,
# installed with apt-get if missing) and against a one-pass Float.parseFloat reader, on a generated word2vec text
# file of COUNT x DIM (default 400,000 x 100, written by gensim itself: benchmarks/vectors_generate.py), interleaved
# over ROUNDS rounds, each Java read a fresh JVM's first read (then warm reads). Writes
#   benchmarks/results/vectors-<UTC date-time>.md
# Usage: benchmarks/vectors-compare.sh [ROUNDS] [COUNT] [DIM]   not part of the build. MVN_ARGS is passed to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
count=${2:-400000}
dim=${3:-100}
if ! /usr/bin/python3 -c 'import gensim' 2>/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-gensim
fi
# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh
build_benchmarks

data=${TENSORKIT_BENCH_DATA:-/tmp/tensorkit-vectors}
file="$data/vectors-${count}x${dim}.txt"
[ -f "$file" ] || /usr/bin/python3 benchmarks/vectors_generate.py "$data" "$count" "$dim"
bytes=$(stat -c %s "$file")

stamp=$(date -u +%Y-%m-%dT%H%MZ)
out=benchmarks/results
report="$out/vectors-$stamp.md"
start_load_log "$out/vectors-$stamp.load"
runs=$(mktemp)
for r in $(seq 1 "$rounds"); do
    /usr/bin/python3 benchmarks/vectors_gensim.py "$file" | sed "s/^/round=$r /" >> "$runs"
    java -cp "$cp" org.tensorkit.benchmarks.VectorReadRun "$file" 3 2>/dev/null | grep -E "^(tensorkit|parseFloat) " \
        | sed "s/^/round=$r /" >> "$runs"
done
stop_load_log

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
gensim=$(sed -n 's/.*gensim seconds=\([0-9.]*\).*/\1/p' "$runs" | median)
first=$(sed -n 's/.*tensorkit round=1 seconds=\([0-9.]*\).*/\1/p' "$runs" | median)
warm=$(sed -n 's/.*tensorkit round=3 seconds=\([0-9.]*\).*/\1/p' "$runs" | median)
plain=$(sed -n 's/.*parseFloat seconds=\([0-9.]*\).*/\1/p' "$runs" | median)
{
    echo "# Reading word vectors: tensorkit vs gensim ($stamp)"
    echo
    echo "File: \`$file\`, $count x $dim, $bytes bytes (word2vec text written by gensim). $(nproc) cores."
    echo
    echo "| reader | median seconds | gensim / reader |"
    echo "|---|---|---|"
    echo "| gensim 4.2 \`load_word2vec_format\` | $gensim | 1.0 |"
    echo "| tensorkit \`VectorReader\`, a fresh JVM's first read | $first | $(awk "BEGIN {printf \"%.1f\", $gensim / $first}") |"
    echo "| tensorkit \`VectorReader\`, third read (warm) | $warm | $(awk "BEGIN {printf \"%.1f\", $gensim / $warm}") |"
    echo "| one pass of \`Float.parseFloat\` (BufferedReader, split) | $plain | $(awk "BEGIN {printf \"%.1f\", $gensim / $plain}") |"
    echo
    echo "Runs:"
    echo
    echo '```'
    cat "$runs"
    echo '```'
    echo
    echo "Load during the runs:"
    echo
    echo '```'
    cat "$out/vectors-$stamp.load"
    echo '```'
} > "$report"
rm -f "$runs" "$out/vectors-$stamp.load"
cat "$report"
