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

# shellcheck disable=SC2086
mvn -B -q ${MVN_ARGS:-} -pl benchmarks -am package -DskipTests
cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"

stamp=$(date -u +%Y-%m-%dT%H%MZ)
out=benchmarks/results
mkdir -p "$out"
( while true; do echo "$(date -u +%H:%M:%S) $(uptime | sed 's/.*load average/load average/')"; sleep 20; done ) \
    > "$out/$stamp.load" &
sampler=$!
trap 'kill "$sampler" 2>/dev/null || true' EXIT

if [ $# -eq 0 ]; then
    set -- 'EmbeddingBenchmark|Nd4jThreadsBenchmark'
fi
# shellcheck disable=SC2086
java ${JMH_JAVA_OPTS:-} -cp "$cp" org.openjdk.jmh.Main -prof gc -rf json -rff "$out/$stamp.json" "$@"

kill "$sampler" 2>/dev/null || true
echo "$(date -u +%H:%M:%S) $(uptime | sed 's/.*load average/load average/')" >> "$out/$stamp.load"
java -cp "$cp" org.tensorkit.benchmarks.SummaryWriter "$out/$stamp.json" "$out/summary.md" "$out/$stamp.load"
