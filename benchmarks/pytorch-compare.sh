#!/usr/bin/env bash
# tensorkit against PyTorch on the same training workload, interleaved, with each process's peak RSS:
# AnchorRun (Java, default JVM flags) and pytorch_anchor.py (Debian's python3-torch, installed here with apt-get
# if missing; PyTorch on 2 threads), ROUNDS rounds of (tensorkit, PyTorch) per batch size. Writes
#   benchmarks/results/pytorch-<UTC date-time>.md     (the runs, the median ratios, the load)
# Usage: benchmarks/pytorch-compare.sh [ROUNDS]   default 3; not part of the build. MVN_ARGS is passed to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch
fi
[ -x /usr/bin/time ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -q time

# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh
build_benchmarks

stamp=$(date -u +%Y-%m-%dT%H%MZ)
out=benchmarks/results
report="$out/pytorch-$stamp.md"
start_load_log "$out/pytorch-$stamp.load"
runs=$(mktemp)

# one measured process: prints "<name> batch ms_per_step peak_rss_kb"
measure() {
    local name=$1 batch=$2 warmup=$3 steps=$4 log
    log=$(mktemp)
    if [ "$name" = tensorkit ]; then
        /usr/bin/time -v java -cp "$cp" org.tensorkit.benchmarks.AnchorRun "$batch" "$warmup" "$steps" \
            > "$log.out" 2> "$log"
    else
        /usr/bin/time -v /usr/bin/python3 benchmarks/pytorch_anchor.py "$batch" "$warmup" "$steps" \
            > "$log.out" 2> "$log"
    fi
    local ms rss
    ms=$(sed -n 's/.*ms_per_step=\([0-9.]*\).*/\1/p' "$log.out")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$log")
    echo "$name $batch $ms $rss"
    rm -f "$log" "$log.out"
}

for r in $(seq 1 "$rounds"); do
    for spec in "64 500 3000" "4096 50 300"; do
        # shellcheck disable=SC2086
        set -- $spec
        measure tensorkit "$@" | tee -a "$runs"
        measure torch "$@" | tee -a "$runs"
    done
done
stop_load_log

{
    echo "# tensorkit vs PyTorch ($stamp)"
    echo
    echo "\`benchmarks/pytorch-compare.sh $rounds\`: two Embedding(100000, 64) tables, dot, MSE, Adam lr 1e-3 (PyTorch:"
    echo "\`sparse=True\` + \`SparseAdam\`), ids over 64 batches, targets over 65 sets; $rounds interleaved rounds;"
    echo "tensorkit with default JVM flags, PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') on 2 threads."
    echo
    echo "| run | batch | ms per step | peak RSS (MB) |"
    echo "|---|---:|---:|---:|"
    awk '{printf "| %s | %s | %s | %.0f |\n", $1, $2, $3, $4 / 1024}' "$runs"
    echo
    echo "Medians, tensorkit / PyTorch:"
    echo
    for b in 64 4096; do
        tk_ms=$(awk -v b=$b '$1=="tensorkit" && $2==b {print $3}' "$runs" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
        pt_ms=$(awk -v b=$b '$1=="torch" && $2==b {print $3}' "$runs" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
        tk_rss=$(awk -v b=$b '$1=="tensorkit" && $2==b {print $4}' "$runs" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
        pt_rss=$(awk -v b=$b '$1=="torch" && $2==b {print $4}' "$runs" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
        awk -v b=$b -v a="$tk_ms" -v p="$pt_ms" -v ar="$tk_rss" -v pr="$pt_rss" \
            'BEGIN {printf "- batch %s: step %.3f ms vs %.3f ms (**%.2fx**); peak RSS %.0f MB vs %.0f MB (**%.2fx**)\n", b, a, p, a / p, ar / 1024, pr / 1024, ar / pr}'
    done
    echo
    echo "Load during the run (\`uptime\` every 20 s):"
    echo
    echo '```'
    cat "$out/pytorch-$stamp.load"
    echo '```'
} > "$report"
rm -f "$runs"
cat "$report"
