#!/usr/bin/env bash
# Before/after in one run: builds the benchmarks of REV (a commit, e.g. the one before a change) in a git
# worktree and of the working tree, then runs the same JMH selection on both, one after the other, and writes
#   benchmarks/results/compare-<UTC date-time>-{before,after}.json   (JMH's JSON of each side)
#   benchmarks/results/compare-<UTC date-time>.load                  (uptime every 20 s during the whole run)
#   benchmarks/results/compare-<UTC date-time>.md                    (both sides side by side, and the ratios)
# Usage: benchmarks/compare.sh REV [JMH arguments...]
#   e.g. benchmarks/compare.sh HEAD~5 'EmbeddingBenchmark.(tensorkitPredict|javaCopyBound)' -prof gc
# MVN_ARGS (e.g. MVN_ARGS=-o for offline) is passed to Maven; JMH_JAVA_OPTS to the JVMs that run JMH.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
    sed -n '2,10p' "$0" >&2
    exit 2
fi
rev=$1
shift

# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh
build_benchmarks
after_cp=$cp

before_dir=benchmarks/target/compare-before
rm -rf "$before_dir"
git worktree prune
git worktree add --detach -f "$before_dir" "$rev" > /dev/null
trap 'git worktree remove --force "$before_dir" 2>/dev/null || true' EXIT
# shellcheck disable=SC2086
(cd "$before_dir" && mvn -B -q ${MVN_ARGS:-} -pl benchmarks -am package -DskipTests)
before_cp="$before_dir/benchmarks/target/classes:$(cat "$before_dir/benchmarks/target/classpath.txt")"

stamp=$(date -u +%Y-%m-%dT%H%MZ)
out=benchmarks/results
mkdir -p "$out"
start_load_log "$out/compare-$stamp.load"
trap 'kill "$sampler" 2>/dev/null || true; git worktree remove --force "$before_dir" 2>/dev/null || true' EXIT
for side in before after; do
    side_cp=$before_cp
    [ "$side" = after ] && side_cp=$after_cp
    echo "== $side ($( [ "$side" = before ] && git rev-parse --short "$rev" || echo working tree))" >&2
    # shellcheck disable=SC2086
    java ${JMH_JAVA_OPTS:-} -cp "$side_cp" org.openjdk.jmh.Main -rf json -rff "$out/compare-$stamp-$side.json" "$@"
done
stop_load_log
java -cp "$after_cp" org.tensorkit.benchmarks.Comparison "$out/compare-$stamp-before.json" \
    "$out/compare-$stamp-after.json" "$out/compare-$stamp.md" "$out/compare-$stamp.load" \
    "$(git rev-parse --short "$rev")" "$(git rev-parse --short HEAD)$(git diff --quiet || echo +changes)"
