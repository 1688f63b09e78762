#!/usr/bin/env bash
# tensorkit on Spark, in local[N] on this machine (SparkRun; never part of the tests). Writes
#   benchmarks/results/spark-<UTC date-time>.md    (each measurement's output, its peak RSS and the load)
# Usage: benchmarks/spark.sh [scoring|round|large]...   default: all three (~5 min)
#   scoring: TensorkitSpark.predict rows/s in local[1] and local[2] against single-machine predict (1,000,000 rows)
#   round:   one training round in local[2] against one single-machine epoch (80,000 rows), and its traffic
#   large:   a 10,000,000 x 16 table (1.9 GB with Adam's moments) trained 3 rounds with -Xmx512m, then saved
# MVN_ARGS (e.g. MVN_ARGS=-o for offline) is passed to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh
build_benchmarks
# Spark's Java 17 options, as the parent POM lists them for the tests
opens=$(sed -n '/<spark.java17.options>/,/<\/spark.java17.options>/p' pom.xml | sed 's/<[^>]*>//g' | tr '\n' ' ')

stamp=$(date -u +%Y-%m-%dT%H%MZ)
out=benchmarks/results
mkdir -p "$out"
report="$out/spark-$stamp.md"
start_load_log "$out/spark-$stamp.load"
[ $# -eq 0 ] && set -- scoring round large

run() {
    local heap=$1; shift
    echo "## SparkRun $* (-Xmx$heap)" >> "$report"
    echo '```' >> "$report"
    # shellcheck disable=SC2086
    /usr/bin/time -v java "-Xmx$heap" $opens -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
        -Dorg.slf4j.simpleLogger.logFile=System.err -Dspark.sql.warehouse.dir="${TMPDIR:-/tmp}/spark-warehouse" \
        -cp "$cp" org.tensorkit.benchmarks.SparkRun "$@" \
        2> >(grep -E 'Maximum resident|Elapsed|Exception|Error' >> "$report") | tee -a "$report"
    echo '```' >> "$report"
}
for m in "$@"; do
    case "$m" in
        scoring) run 4g scoring 1000000 ;;
        round) run 4g round 80000 ;;
        large) run 512m large 10000000 1000000 3 ;;
        *) echo "unknown measurement $m" >&2; exit 2 ;;
    esac
done
stop_load_log
{ echo '## load'; echo '```'; cat "$out/spark-$stamp.load"; echo '```'; } >> "$report"
echo "wrote $report"
