#!/usr/bin/env bash
# tensorkit's Neighbours against numpy's argpartition on the same workload (the 10 nearest rows by cosine of 1,000
# query rows, and of a single one, in a 100,000 x 64 float32 table): NeighboursBenchmark (JMH) and
# neighbours_numpy.py (Debian's numpy), one after the other. Writes benchmarks/results/neighbours-<UTC>.md
# Usage: benchmarks/neighbours-compare.sh   not part of the build. MVN_ARGS is passed to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh
build_benchmarks
stamp=$(date -u +%Y-%m-%dT%H%MZ)
out=benchmarks/results
report="$out/neighbours-$stamp.md"
start_load_log "$out/neighbours-$stamp.load"
jmh=$(mktemp)
java -cp "$cp" org.openjdk.jmh.Main NeighboursBenchmark -wi 3 -w 2 -i 8 -r 2 -rf text -rff "$jmh" > /dev/null 2>&1
numpy=$(/usr/bin/python3 benchmarks/neighbours_numpy.py)
stop_load_log
tk() { awk -v q="$1" '$1 ~ /NeighboursBenchmark.nearest/ && $2 == q {print $5}' "$jmh"; }
np() { echo "$numpy" | sed -n "s/numpy queries=$1 ms=\([0-9.]*\)/\1/p"; }
{
    echo "# Nearest neighbours: tensorkit vs numpy ($stamp)"
    echo
    echo "10 nearest rows by cosine (queries excluded), 100,000 x 64 float32 table, $(nproc) cores."
    echo
    echo "| queries | tensorkit ms | numpy ms (argpartition) | tensorkit / numpy |"
    echo "|---|---|---|---|"
    for q in 1000 1; do
        echo "| $q | $(tk $q) | $(np $q) | $(awk "BEGIN {printf \"%.2f\", $(tk $q) / $(np $q)}") |"
    done
    echo
    echo '```'
    cat "$jmh"
    echo "$numpy"
    echo '```'
    echo
    echo '```'
    cat "$out/neighbours-$stamp.load"
    echo '```'
} > "$report"
rm -f "$jmh" "$out/neighbours-$stamp.load"
cat "$report"
