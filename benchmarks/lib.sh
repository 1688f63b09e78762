# Shared by run.sh and training.sh (sourced, not run): building the benchmarks and logging the machine's load.
# MVN_ARGS (e.g. MVN_ARGS=-o for offline) is passed to Maven.

# Builds the benchmarks through the reactor; sets $cp to their runtime classpath.
build_benchmarks() {
    # shellcheck disable=SC2086
    mvn -B -q ${MVN_ARGS:-} -pl benchmarks -am package -DskipTests
    cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
}

load_line() {
    echo "$(date -u +%H:%M:%S) $(uptime | sed 's/.*load average/load average/')"
}

# Samples `uptime` into $1 every 20 s until stop_load_log; the numbers are only as good as the load beside them.
start_load_log() {
    load_file=$1
    ( while true; do load_line; sleep 20; done ) > "$load_file" &
    sampler=$!
    trap 'kill "$sampler" 2>/dev/null || true' EXIT
}

stop_load_log() {
    kill "$sampler" 2>/dev/null || true
    load_line >> "$load_file"
}
