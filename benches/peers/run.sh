#!/usr/bin/env bash
# Peer comparison (issue 6): the same `kg gen` graph and the same eight queries in kg, Kùzu and
# networkx, in one run on this machine.
#
#   benches/peers/run.sh [SIZE...]      sizes as for the query bench: 100k, 1m, 10m (default: 1m)
#
# Steps per size: the query bench (`cargo bench --bench query -- peers`) generates or reuses the
# graph, picks the anchor nodes and times kg in-process; `kg export --format csv` writes the graph
# as CSV (the bench's `dump-csv` mode stands in if that export is missing); peers.py loads the
# CSV into Kùzu with COPY FROM and into networkx, runs the queries and prints the medians side by
# side with the ratio kg / Kùzu. Everything goes under target/peers/; the combined markdown is
# target/peers/RESULTS-peers.md.
#
# Environment: RUNS (timed runs per query, default 21), BUDGET_S (seconds per query, default 10),
# KUZU_BUFFER_GB (default 4), NX_MAX_RELS (default 2000000), KG_BENCH_DIR (graph cache),
# CSV_SOURCE=dump (write the CSV with the bench's dump-csv instead of `kg export`), PEERS_ARGS
# (extra peers.py options, e.g. --skip-export-script).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
if [ $# -eq 0 ]; then set -- 1m; fi
runs=${RUNS:-21}
budget=${BUDGET_S:-10}
venv=target/peers-venv

if ! "$venv/bin/python" -c 'import kuzu, networkx' 2>/dev/null; then
    echo "peers: making the Python environment in $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'kuzu==0.11.3' networkx
fi

cargo build --release --bin kg
kg=${KG_BIN:-target/release/kg}
mkdir -p target/peers
report=target/peers/RESULTS-peers.md
{
    echo "## Peers"
    echo
    echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC'): $(nproc) cores visible, $(free -g | awk '/^Mem:/ {print $2}') GiB memory, $(lscpu | sed -n 's/^Model name: *//p' | head -1)."
    echo
} >"$report"

dump_csv() { # GRAPH OUT
    rm -rf "$2/csv"
    cargo bench --bench query -- dump-csv "$1" "$2/csv"
}

run_peers() { # OUT NOTE [EXTRA...]
    local out=$1 note=$2
    shift 2
    "$venv/bin/python" benches/peers/peers.py --out "$out" --csv "$out/csv" --runs "$runs" --budget "$budget" \
        --buffer-gb "${KUZU_BUFFER_GB:-4}" --nx-max-rels "${NX_MAX_RELS:-2000000}" --note "$note" ${PEERS_ARGS:-} "$@"
}

for size in "$@"; do
    out=target/peers/$size
    rm -rf "$out"
    mkdir -p "$out"
    KG_BENCH_RUNS=$runs KG_BENCH_BUDGET_S=$budget cargo bench --bench query -- peers --size "$size" --out "$out"
    graph=$("$venv/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["graph"])' "$out/anchors.json")
    note=""
    if [ "${CSV_SOURCE:-export}" = dump ]; then
        note="CSV written by the bench's \`dump-csv\` (CSV_SOURCE=dump), not by \`kg export\`."
        dump_csv "$graph" "$out"
    elif ! /usr/bin/time -f "%e s, peak RSS %M kB" -o "$out/export-time.txt" "$kg" export -g "$graph" --format csv -o "$out/csv"; then
        note="\`kg export --format csv\` failed on this graph; the bench's \`dump-csv\` wrote the CSV instead."
        dump_csv "$graph" "$out"
    fi
    status=0
    run_peers "$out" "$note" || status=$?
    if [ "$status" -eq 3 ]; then
        # peers.py refuses CSV whose relationship count differs from the graph's.
        note="\`kg export --format csv\` lost relationships on this graph (see the export check below); the comparison uses the bench's \`dump-csv\` of the same graph."
        mv "$out/csv" "$out/csv-export"
        dump_csv "$graph" "$out"
        run_peers "$out" "$note" --export-csv "$out/csv-export"
    elif [ "$status" -ne 0 ]; then
        exit "$status"
    fi
    cat "$out/peers.md" >>"$report"
    if [ -s "$out/export-time.txt" ]; then
        echo "\`kg export --format csv\` of this graph: $(tail -1 "$out/export-time.txt")." >>"$report"
    fi
    echo >>"$report"
    # The converted CSV and the Kùzu database are large; the report keeps what matters.
    rm -rf "$out/kuzu-csv" "$out/kuzu-db" "$out/kuzu-db.wal"
done
echo "peers: report in $report" >&2
