#!/usr/bin/env bash
# SparkMovieLens on real ratings this machine can get: MovieLens "latest-small" (the 2016 release, 100,004 ratings
# of 9,066 movies by 671 users, half stars), as Debian's r-cran-dslabs ships it (dslabs::movielens). MovieLens 100k
# itself cannot be downloaded here, and neither data set may be redistributed, so nothing is committed but this
# script. Never part of the tests. Writes
#   benchmarks/results/movielens-latest-<UTC date-time>.md   (each run's MAE lines, and the load)
# Usage: benchmarks/movielens-latest.sh            needs Rscript and dslabs: apt-get install r-cran-dslabs
# The ratings are written in u.data/u.item form to ${TMPDIR:-/tmp}/movielens-latest-small (movie ids renumbered
# 1..9066 in id order, so the join keeps MovieLens's item order). MVN_ARGS (e.g. -o) is passed to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh
command -v Rscript >/dev/null && Rscript -e 'library(dslabs)' >/dev/null 2>&1 || {
    echo "needs R's dslabs package: apt-get install r-cran-dslabs" >&2
    exit 1
}
data="${TMPDIR:-/tmp}/movielens-latest-small"
mkdir -p "$data"
DATA="$data" Rscript - <<'R'
library(dslabs)
data(movielens)
m <- movielens
dir <- Sys.getenv("DATA")
ids <- sort(unique(m$movieId))
write.table(data.frame(m$userId, match(m$movieId, ids), m$rating, m$timestamp), file.path(dir, "u.data"),
            sep = "\t", row.names = FALSE, col.names = FALSE, quote = FALSE)
first <- match(ids, m$movieId)
titles <- iconv(gsub("|", "/", m$title[first], fixed = TRUE), "UTF-8", "latin1", sub = "?")
years <- m$year[first]
write.table(data.frame(seq_along(ids), titles, ifelse(is.na(years), "", paste0("01-Jan-", years)), "", "-", 0),
            file.path(dir, "u.item"), sep = "|", row.names = FALSE, col.names = FALSE, quote = FALSE,
            fileEncoding = "latin1")
R
# shellcheck disable=SC2086
mvn -B -q ${MVN_ARGS:-} -pl examples-spark -am package -DskipTests

stamp=$(date -u +%Y-%m-%dT%H%MZ)
out=benchmarks/results
mkdir -p "$out"
report="$out/movielens-latest-$stamp.md"
start_load_log "$out/movielens-latest-$stamp.load"
echo "# SparkMovieLens on MovieLens latest-small (dslabs), $(wc -l < "$data/u.data") ratings" > "$report"
run() {
    echo "## --local $1 --rounds $2 --epochs $3" >> "$report"
    echo '```' >> "$report"
    java -jar examples-spark/target/tensorkit-examples-spark.jar --data "$data" --local "$1" --rounds "$2" \
        --epochs "$3" --output "${TMPDIR:-/tmp}/movielens-latest-recommendations" 2>/dev/null \
        | grep 'Test MAE' | tee -a "$report"
    echo '```' >> "$report"
}
run 2 20 10   # the defaults: 20 rounds on 2 partitions against the lab's 10 epochs
run 2 20 20   # the same rounds against as many epochs
run 1 20 20   # one partition: a round is an epoch
run 2 30 30
stop_load_log
cat "$out/movielens-latest-$stamp.load" >> "$report"
echo "wrote $report"
