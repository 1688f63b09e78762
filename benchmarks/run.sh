#!/usr/bin/env bash
# Builds the benchmarks through the reactor and runs them with JMH (-prof gc), writing
#   benchmarks/results/<UTC date-time>.json   (JMH's JSON)
#   benchmarks/results/<UTC date-time>.load   (uptime sampled every 20 s during the run)
#   benchmarks/results/summary.md             (tables, ratios to javaCopyBound, targets met or not)
# Usage: benchmarks/run.sh [JMH arguments...]     default: every benchmark of EmbeddingBenchmark and
#                                                 Nd4jThreadsBenchmark, all workloads (~12 minutes)
#   e.g. benchmarks/run.sh 'EmbeddingBenchmark.tensorkit.*' -p workload=medium
# MVN_ARGS (e.g. MVN_ARGS=-o for offline) is passed to Maven; JMH_JAVA_OPTS to the JVM that runs JMH (e.g.
# JMH_JAVA_OPTS=-Djmh.ignoreLock=true when another JMH run holds /tmp/jmh.lock on this shared machine).
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh
build_benchmarks

stamp=$(date -u +%Y-%m-%dT%H%MZ)
out=benchmarks/results
mkdir -p "$out"
start_load_log "$out/$stamp.load"

if [ $# -eq 0 ]; then
    set -- 'EmbeddingBenchmark|Nd4jThreadsBenchmark'
fi
# shellcheck disable=SC2086
java ${JMH_JAVA_OPTS:-} -cp "$cp" org.openjdk.jmh.Main -prof gc -rf json -rff "$out/$stamp.json" "$@"

stop_load_log
java -cp "$cp" org.tensorkit.benchmarks.SummaryWriter "$out/$stamp.json" "$out/summary.md" "$out/$stamp.load"
