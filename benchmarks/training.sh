#!/usr/bin/env bash
# Builds the benchmarks through the reactor and runs TrainingBenchmark with JMH, writing
#   benchmarks/results/training-<UTC date-time>.json   (JMH's JSON)
#   benchmarks/results/training-<UTC date-time>.load   (uptime before, every 20 s during, and after the run)
# Usage: benchmarks/training.sh [JMH arguments...]   default: step at batch 64 and 4,096, and one epoch (~3 min)
#   e.g. benchmarks/training.sh 'TrainingBenchmark.step' -p batch=64 -prof stack
# MVN_ARGS (e.g. MVN_ARGS=-o for offline) is passed to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh
build_benchmarks

stamp=$(date -u +%Y-%m-%dT%H%MZ)
out=benchmarks/results
mkdir -p "$out"
start_load_log "$out/training-$stamp.load"

if [ $# -eq 0 ]; then
    set -- 'TrainingBenchmark'
fi
java -cp "$cp" org.openjdk.jmh.Main -rf json -rff "$out/training-$stamp.json" "$@"

stop_load_log
