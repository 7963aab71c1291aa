#!/usr/bin/env bash
# Peer comparison (issues 6 and 12): the same `kg gen` graph and the same eight queries in kg,
# Kùzu, LadybugDB, FalkorDB and networkx, in one run on this machine.
#
#   benches/peers/run.sh [SIZE...]      sizes as for the query bench: 100k, 1m, 10m (default: 1m)
#
# Steps per size: the query bench (`cargo bench --bench query -- peers`) generates or reuses the
# graph, picks the anchor nodes and times kg in-process; `kg export --format csv` writes the graph
# as CSV (the bench's `dump-csv` mode stands in if that export is missing or loses rows);
# `peers.py prepare` converts it once for all peers; `peers.py run ENGINE` loads it into each peer
# in a process of its own (Kùzu and LadybugDB with COPY FROM, FalkorDB with batched UNWIND
# CREATE, networkx in Python), runs the queries and digests the answers; `peers.py report` prints
# the medians side by side with the ratio kg / fastest peer. Each peer also loads kg's own export
# as a check of the scale-out path: Kùzu and LadybugDB the CSV export's load-kuzu.cypher,
# FalkorDB the Cypher export (graphs up to CYPHER_CHECK_MAX_RELS relationships). Everything goes
# under target/peers/; the combined markdown is target/peers/RESULTS-peers.md.
#
# Python: target/peers-venv (Python 3, packages kuzu, ladybug, networkx) and
# target/peers-venv-falkor (Python >= 3.12, package falkordblite, which embeds the FalkorDB
# server), made on first use. FalkorDB is left out, with a note, when no Python >= 3.12 is found.
#
# Environment: ENGINES (default "kuzu ladybug falkordb networkx"), RUNS (timed runs per query,
# default 21), BUDGET_S (seconds per query, default 10), KUZU_BUFFER_GB (Kùzu and LadybugDB,
# default 4), NX_MAX_RELS (default 2000000), CYPHER_CHECK_MAX_RELS (default 200000), KG_BENCH_DIR
# (graph cache), CSV_SOURCE=dump (write the CSV with the bench's dump-csv instead of `kg export`),
# PEERS_ARGS (extra `peers.py run` options), PEERS_TAG (write under target/peers/TAG/ and
# RESULTS-peers-TAG.md, e.g. before/after), PYTHON312 (the interpreter for FalkorDB's venv).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
if [ $# -eq 0 ]; then set -- 1m; fi
runs=${RUNS:-21}
budget=${BUDGET_S:-10}
engines=${ENGINES:-kuzu ladybug falkordb networkx}
venv=target/peers-venv
fvenv=target/peers-venv-falkor
peers=benches/peers/peers.py

if ! "$venv/bin/python" -c 'import kuzu, networkx' 2>/dev/null \
    || ! "$venv/bin/python" -c 'import ladybug' 2>/dev/null; then
    echo "peers: making the Python environment in $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'kuzu==0.11.3' 'ladybug==0.22.0' networkx
fi
falkor_note=""
if [[ " $engines " == *" falkordb "* ]] && ! "$fvenv/bin/python" -c 'import redislite.falkordb_client' 2>/dev/null; then
    py312=${PYTHON312:-}
    for candidate in python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python python3.13 "$HOME"/.pyenv/versions/3.1[3-9]*/bin/python; do
        [ -n "$py312" ] && break
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
            py312=$candidate
        fi
    done
    if [ -n "$py312" ]; then
        echo "peers: making the Python environment in $fvenv with $py312" >&2
        "$py312" -m venv "$fvenv"
        "$fvenv/bin/pip" install --quiet falkordblite
    else
        falkor_note="FalkorDB left out: falkordblite needs Python >= 3.12 and none was found (set PYTHON312)."
        engines=${engines//falkordb/}
    fi
fi

cargo build --release --bin kg
kg=${KG_BIN:-target/release/kg}
base=target/peers${PEERS_TAG:+/$PEERS_TAG}
mkdir -p "$base"
report=target/peers/RESULTS-peers${PEERS_TAG:+-$PEERS_TAG}.md
{
    echo "## Peers"
    echo
    echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC') at commit $(git rev-parse --short HEAD): $(nproc) cores visible, $(free -g | awk '/^Mem:/ {print $2}') GiB memory, $(lscpu | sed -n 's/^Model name: *//p' | head -1); load average at the start $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
} >"$report"

dump_csv() { # GRAPH OUT
    rm -rf "$2/csv"
    cargo bench --bench query -- dump-csv "$1" "$2/csv"
}

python_for() { # ENGINE
    if [ "$1" = falkordb ]; then echo "$fvenv/bin/python"; else echo "$venv/bin/python"; fi
}

for size in "$@"; do
    out=$base/$size
    rm -rf "$out"
    mkdir -p "$out"
    KG_BENCH_RUNS=$runs KG_BENCH_BUDGET_S=$budget cargo bench --bench query -- peers --size "$size" --out "$out"
    graph=$("$venv/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["graph"])' "$out/anchors.json")
    rels=$("$venv/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["relationships"])' "$out/anchors.json")
    note=$falkor_note
    export_csv=$out/csv
    if [ "${CSV_SOURCE:-export}" = dump ]; then
        note="$note CSV written by the bench's \`dump-csv\` (CSV_SOURCE=dump), not by \`kg export\`."
        export_csv=""
        dump_csv "$graph" "$out"
    elif ! /usr/bin/time -f "%e s, peak RSS %M kB" -o "$out/export-time.txt" "$kg" export -g "$graph" --format csv -o "$out/csv"; then
        note="$note \`kg export --format csv\` failed on this graph; the bench's \`dump-csv\` wrote the CSV instead."
        export_csv=""
        dump_csv "$graph" "$out"
    fi
    status=0
    "$venv/bin/python" "$peers" prepare --out "$out" --csv "$out/csv" || status=$?
    if [ "$status" -eq 3 ]; then
        # prepare refuses CSV whose relationship count differs from the graph's.
        note="$note \`kg export --format csv\` lost relationships on this graph (see the export checks below); the comparison uses the bench's \`dump-csv\` of the same graph."
        mv "$out/csv" "$out/csv-export"
        export_csv=$out/csv-export
        dump_csv "$graph" "$out"
        "$venv/bin/python" "$peers" prepare --out "$out" --csv "$out/csv"
    elif [ "$status" -ne 0 ]; then
        exit "$status"
    fi
    cypher_check=()
    if [[ " $engines " == *" falkordb "* ]] && [ "$rels" -le "${CYPHER_CHECK_MAX_RELS:-200000}" ] \
        && /usr/bin/time -f "%e s, peak RSS %M kB" -o "$out/export-cypher-time.txt" \
            "$kg" export -g "$graph" --format cypher -o "$out/graph.cypher"; then
        cypher_check=(--export-cypher "$out/graph.cypher")
    fi
    for engine in $engines; do
        extra=()
        case $engine in
            kuzu | ladybug) [ -n "$export_csv" ] && extra=(--export-csv "$export_csv") ;;
            falkordb) extra=("${cypher_check[@]}") ;;
        esac
        # shellcheck disable=SC2086 # PEERS_ARGS is a list of options
        "$(python_for "$engine")" "$peers" run "$engine" --out "$out" --runs "$runs" --budget "$budget" \
            --buffer-gb "${KUZU_BUFFER_GB:-4}" --nx-max-rels "${NX_MAX_RELS:-2000000}" "${extra[@]}" ${PEERS_ARGS:-}
    done
    "$venv/bin/python" "$peers" report --out "$out" --note "$(echo "$note" | sed 's/^ *//')"
    cat "$out/peers.md" >>"$report"
    for kind in csv cypher; do
        f=$out/export-$kind-time.txt
        [ "$kind" = csv ] && f=$out/export-time.txt
        if [ -s "$f" ]; then
            echo "\`kg export --format $kind\` of this graph: $(tail -1 "$f")." >>"$report"
        fi
    done
    echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)." >>"$report"
    echo >>"$report"
    # The converted CSV and the exports are large; the report keeps what matters.
    rm -rf "$out/peer-csv" "$out/graph.cypher"
done
echo "peers: report in $report" >&2
