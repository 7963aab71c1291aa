#!/usr/bin/env python3
"""Peer comparison for kgraph (issue 6): the same eight queries in Kuzu and networkx.

Inputs, all written by run.sh before this script starts:
  OUT/anchors.json  the graph, the anchor nodes and kg's Cypher (from `cargo bench --bench query -- peers`)
  OUT/kg.json       kg's in-process timings and a digest of each result
  CSV_DIR           the graph as CSV (`kg export --format csv`, or the bench's `dump-csv` fallback)

It converts the CSV into one node table (primary key `name` when names are unique, which gives
Kuzu its hash index for the lookups) and one relationship table per type, loads them with COPY
FROM, runs each query once to warm up and digest the answer, then times N runs. networkx runs
the same queries where they fit (up to --nx-max-rels relationships). It prints the medians side
by side with the ratio kg / Kuzu and writes OUT/peers.md.

Timing: Kuzu "wall" is the Python call `conn.execute(query)` (the query runs to completion in
C++ and its result table is built; rows are not converted to Python objects), Kuzu "engine" is
the compile + execution time Kuzu reports for itself. kg's time is `kgraph::query::execute`
in-process (parse, plan, run, rows materialized as values).
"""

import argparse
import collections
import csv
import hashlib
import json
import os
import shutil
import statistics
import sys
import time

VERBATIM_ROWS = 20


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ----- CSV input ------------------------------------------------------------------------------

def classify(header):
    """Which kind of CSV a header belongs to and where its columns are, or None."""
    low = [h.strip().lower() for h in header]

    def find(*preds):
        for i, h in enumerate(low):
            if any(p(h) for p in preds):
                return i
        return None

    start = find(lambda h: h.startswith(":start_id") or h.endswith(":start_id"), lambda h: h in ("start", "from", "source", "src"))
    end = find(lambda h: h.startswith(":end_id") or h.endswith(":end_id"), lambda h: h in ("end", "to", "target", "dst"))
    if start is not None and end is not None:
        typ = find(lambda h: h.startswith(":type") or h.endswith(":type"), lambda h: h in ("type", "label", "rel_type"))
        return ("rels", {"start": start, "end": end, "type": typ})
    ident = find(lambda h: ":id" in h and not h.endswith("_id"), lambda h: h in ("id", "_id", "node_id"))
    name = find(lambda h: h == "name" or h.startswith("name:"))
    if ident is not None or name is not None:
        labels = find(lambda h: h.startswith(":label") or h.endswith(":label"), lambda h: h in ("labels", "label"))
        return ("nodes", {"id": ident if ident is not None else name, "name": name, "labels": labels})
    return None


def read_graph_csv(csv_dir):
    """Yields ('node', id, name, labels) and then ('rel', start, end, type) from every CSV file."""
    files = sorted(f for f in os.listdir(csv_dir) if f.endswith(".csv"))
    kinds = []
    for f in files:
        with open(os.path.join(csv_dir, f), newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh), None)
        kind = classify(header) if header else None
        if kind is None:
            log(f"peers: skipping {f}: header {header!r} is neither a node nor a relationship file")
            continue
        kinds.append((f, kind))
    if not any(k[1][0] == "nodes" for k in kinds) or not any(k[1][0] == "rels" for k in kinds):
        raise SystemExit(f"peers: {csv_dir} has no node file or no relationship file ({[f for f, _ in kinds]})")
    for want in ("nodes", "rels"):
        for f, (kind, cols) in kinds:
            if kind != want:
                continue
            # A file per type/label without a type column takes its type from the file name.
            default = os.path.splitext(f)[0].split("_", 1)[-1]
            with open(os.path.join(csv_dir, f), newline="", encoding="utf-8") as fh:
                rd = csv.reader(fh)
                next(rd)
                for row in rd:
                    if not row:
                        continue
                    if kind == "nodes":
                        name = row[cols["name"]] if cols["name"] is not None else row[cols["id"]]
                        labels = row[cols["labels"]] if cols["labels"] is not None else default
                        yield ("node", row[cols["id"]], name, labels)
                    else:
                        typ = row[cols["type"]] if cols["type"] is not None else default
                        yield ("rel", row[cols["start"]], row[cols["end"]], typ)


def prepare_kuzu_csv(csv_dir, work):
    """Writes work/node.csv and work/rel_TYPE.csv keyed by name (or id when names repeat)."""
    os.makedirs(work, exist_ok=True)
    names = {}
    seen = collections.Counter()
    rel_files, rel_writers, rel_counts = {}, {}, collections.Counter()
    node_rows = []
    unique, key = True, None

    def flush_nodes():
        nonlocal unique, key
        unique = all(c == 1 for c in seen.values())
        key = (lambda i: names[i]) if unique else (lambda i: i)
        with open(os.path.join(work, "node.csv"), "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            for ident, name, labels in node_rows:
                w.writerow([name, ident, labels] if unique else [ident, name, labels])
        node_rows.clear()

    for item in read_graph_csv(csv_dir):
        if item[0] == "node":
            _, ident, name, labels = item
            names[ident] = name
            seen[name] += 1
            node_rows.append((ident, name, labels))
            continue
        if key is None:
            flush_nodes()
        _, start, end, typ = item
        if typ not in rel_writers:
            rel_files[typ] = open(os.path.join(work, f"rel_{typ}.csv"), "w", newline="", encoding="utf-8")
            rel_writers[typ] = csv.writer(rel_files[typ])
        rel_writers[typ].writerow([key(start), key(end)])
        rel_counts[typ] += 1
    if key is None:
        flush_nodes()
    for fh in rel_files.values():
        fh.close()
    return unique, dict(rel_counts)


# ----- queries --------------------------------------------------------------------------------

def kstr(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def kuzu_queries(a, max_hops):
    return {
        1: f"MATCH (n:Node) WHERE n.name = {kstr(a['name'])} RETURN n.name AS name",
        2: f"MATCH (h:Node)-[]-(m:Node) WHERE h.name = {kstr(a['hub'])} RETURN m.name AS name",
        3: f"MATCH (a:Node)-[]->(:Node)-[]->(c:Node) WHERE a.name = {kstr(a['from'])} RETURN count(c) AS n",
        4: f"MATCH (a:Node)-[*1..3]->(c:Node) WHERE a.name = {kstr(a['from'])} RETURN count(DISTINCT c) AS n",
        5: "MATCH ()-[r]->() RETURN label(r) AS type, count(*) AS n ORDER BY type",
        6: "MATCH (n:Node)-[]-() WITH n, count(*) AS degree ORDER BY degree DESC, n.name LIMIT 10 "
           "RETURN n.name AS name, degree",
        7: f"MATCH p = (a:Node)-[* SHORTEST 1..{max_hops}]-(b:Node) WHERE a.name = {kstr(a['from'])} "
           f"AND b.name = {kstr(a['far'])} RETURN length(p) AS hops",
        8: f"MATCH (n:Node) WHERE n.name CONTAINS {kstr(a['needle'])} RETURN count(*) AS n",
    }


def nx_queries(G, UG, a):
    import networkx as nx

    def q1():
        return [[a["name"]]] if a["name"] in G else []

    def q2():
        h = a["hub"]
        out = [[v] for _, v in G.out_edges(h)]
        return out + [[u] for u, _ in G.in_edges(h) if u != h]

    def q3():
        return [[sum(G.out_degree(b) for _, b in G.out_edges(a["from"]))]]

    def q4():
        reached, frontier = set(), {a["from"]}
        for _ in range(3):
            frontier = {v for u in frontier for v in G.successors(u)} - reached
            reached |= frontier
        return [[len(reached)]]

    def q5():
        c = collections.Counter(t for _, _, t in G.edges(data="type"))
        return [[t, n] for t, n in sorted(c.items())]

    def q6():
        top = sorted(G.degree(), key=lambda x: (-x[1], x[0]))[:10]
        return [[n, d] for n, d in top]

    def q7():
        return [[nx.shortest_path_length(UG, a["from"], a["far"])]]

    def q8():
        needle = a["needle"]
        return [[sum(1 for n in G if needle in n)]]

    return {1: q1, 2: q2, 3: q3, 4: q4, 5: q5, 6: q6, 7: q7, 8: q8}


# ----- timing ---------------------------------------------------------------------------------

def digest(rows):
    lines = sorted(json.dumps(r, separators=(",", ":"), ensure_ascii=False) for r in rows)
    d = {"rows": len(lines), "sha256": hashlib.sha256("\n".join(lines).encode()).hexdigest()}
    if len(lines) <= VERBATIM_ROWS:
        d["sorted"] = lines
    return d


def summarize(samples):
    s = sorted(samples)
    p90 = s[max(1, min(len(s), -(-len(s) * 9 // 10))) - 1]
    return statistics.median(s), p90


def time_loop(fn, runs, budget, cpu=None):
    """Times fn; `cpu`, when a list, gets the process CPU time (all threads) of each run in µs."""
    samples, extra = [], []
    start = time.perf_counter()
    while len(samples) < runs and (len(samples) < 3 or time.perf_counter() - start < budget):
        c = time.process_time()
        t = time.perf_counter()
        x = fn()
        samples.append((time.perf_counter() - t) * 1e6)
        if cpu is not None:
            cpu.append((time.process_time() - c) * 1e6)
        if x is not None:
            extra.append(x)
    return samples, extra


def run_kuzu(work, db_dir, unique, rel_types, queries, runs, budget, buffer_gb, threads):
    import kuzu

    for path in (db_dir, db_dir + ".wal"):
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)
    db = kuzu.Database(db_dir, buffer_pool_size=int(buffer_gb * 2**30), max_num_threads=threads)
    conn = kuzu.Connection(db, num_threads=threads)
    # node.csv's first column is the primary key: the name when names are unique, else the id.
    if unique:
        conn.execute("CREATE NODE TABLE Node(name STRING, id STRING, labels STRING, PRIMARY KEY(name))")
    else:
        conn.execute("CREATE NODE TABLE Node(id STRING, name STRING, labels STRING, PRIMARY KEY(id))")
    t = time.perf_counter()
    conn.execute(f"COPY Node FROM '{os.path.join(work, 'node.csv')}' (header=false)")
    for typ in rel_types:
        conn.execute(f"CREATE REL TABLE `{typ}`(FROM Node TO Node)")
        conn.execute(f"COPY `{typ}` FROM '{os.path.join(work, 'rel_' + typ + '.csv')}' (header=false)")
    load_s = time.perf_counter() - t
    results = {}
    for qid, q in queries.items():
        log(f"[kuzu] Q{qid}")
        try:
            first = conn.execute(q)
            rows = first.get_all()
            dig = digest(rows)

            def once():
                r = conn.execute(q)
                r.get_num_tuples()
                return r.get_compiling_time() + r.get_execution_time()

            cpu = []
            samples, engine_ms = time_loop(once, runs, budget, cpu)
            med, p90 = summarize(samples)
            results[qid] = {"median_us": med, "p90_us": p90, "runs": len(samples),
                            "cpu_median_us": statistics.median(cpu),
                            "engine_median_us": statistics.median(engine_ms) * 1e3, "digest": dig}
        except Exception as e:  # a peer's failure is reported in the table, not fatal
            results[qid] = {"error": str(e).splitlines()[0]}
    size = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(db_dir) for f in fs) \
        if os.path.isdir(db_dir) else os.path.getsize(db_dir)
    return results, load_s, size


def run_networkx(work, unique, rel_types, a, runs, budget):
    import networkx as nx

    t = time.perf_counter()
    G = nx.MultiDiGraph()
    with open(os.path.join(work, "node.csv"), newline="", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            G.add_node(row[0])
    for typ in rel_types:
        with open(os.path.join(work, f"rel_{typ}.csv"), newline="", encoding="utf-8") as fh:
            for s, e in csv.reader(fh):
                G.add_edge(s, e, type=typ)
    UG = G.to_undirected(as_view=True)
    build_s = time.perf_counter() - t
    results = {}
    for qid, fn in nx_queries(G, UG, a).items():
        log(f"[networkx] Q{qid}")
        try:
            dig = digest(fn())
            samples, _ = time_loop(lambda: (fn(), None)[1], runs, budget)
            med, p90 = summarize(samples)
            results[qid] = {"median_us": med, "p90_us": p90, "runs": len(samples), "digest": dig}
        except Exception as e:
            results[qid] = {"error": str(e).splitlines()[0] if str(e) else type(e).__name__}
    return results, build_s


def check_export_script(csv_dir, db_dir, buffer_gb, threads):
    """Loads the export's own load-kuzu.cypher into a fresh database: seconds, nodes, relationships."""
    import kuzu

    script = os.path.join(csv_dir, "load-kuzu.cypher")
    if not os.path.exists(script):
        return None
    with open(script, encoding="utf-8") as fh:
        text = fh.read()
    for path in (db_dir, db_dir + ".wal"):
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)
    db = kuzu.Database(os.path.abspath(db_dir), buffer_pool_size=int(buffer_gb * 2**30), max_num_threads=threads)
    conn = kuzu.Connection(db, num_threads=threads)
    cwd = os.getcwd()
    os.chdir(csv_dir)
    try:
        t = time.perf_counter()
        conn.execute(text)
        secs = time.perf_counter() - t
    finally:
        os.chdir(cwd)
    nodes = conn.execute("MATCH (n) RETURN count(*)").get_all()[0][0]
    rels = conn.execute("MATCH ()-[r]->() RETURN count(*)").get_all()[0][0]
    del conn, db
    for path in (db_dir, db_dir + ".wal"):
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)
    return secs, nodes, rels


# ----- report ---------------------------------------------------------------------------------

def fmt(us):
    if us is None:
        return "—"
    if us < 1000:
        return f"{us:.1f} µs"
    if us < 1e6:
        return f"{us / 1e3:.2f} ms"
    return f"{us / 1e6:.2f} s"


def cpu_ratio(k, z):
    if k.get("cpu_median_us") and z.get("cpu_median_us"):
        return f"{k['cpu_median_us'] / z['cpu_median_us']:.3f}"
    return "—"


def same(d1, d2):
    if not d1 or not d2:
        return "—"
    return "✓" if d1["sha256"] == d2["sha256"] else f"✗ ({d1['rows']} vs {d2['rows']} rows)"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="directory with anchors.json and kg.json")
    ap.add_argument("--csv", required=True, help="directory of the exported CSV files")
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--budget", type=float, default=10.0, help="seconds per query (at least 3 runs)")
    ap.add_argument("--buffer-gb", type=float, default=4.0, help="Kuzu buffer pool size")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="Kuzu worker threads")
    ap.add_argument("--export-csv", help="the `kg export --format csv` directory whose load-kuzu.cypher is checked "
                    "(default: --csv)")
    ap.add_argument("--note", default="", help="a sentence to add under the table's heading")
    ap.add_argument("--skip-export-script", action="store_true", help="do not check the export's load-kuzu.cypher")
    ap.add_argument("--nx-max-rels", type=int, default=2_000_000, help="skip networkx above this many relationships")
    args = ap.parse_args()

    anchors = json.load(open(os.path.join(args.out, "anchors.json"), encoding="utf-8"))
    kg = {r["id"]: r for r in json.load(open(os.path.join(args.out, "kg.json"), encoding="utf-8"))["results"]}
    a = anchors["anchors"]
    work = os.path.join(args.out, "kuzu-csv")
    t = time.perf_counter()
    unique, rel_counts = prepare_kuzu_csv(args.csv, work)
    log(f"peers: converted CSV in {time.perf_counter() - t:.1f} s; names unique: {unique}; types: {rel_counts}")
    n_rels = sum(rel_counts.values())
    if n_rels != anchors["relationships"]:
        log(f"peers: the CSV in {args.csv} holds {n_rels} relationships, the graph {anchors['relationships']}; "
            "refusing to compare different graphs")
        sys.exit(3)
    rel_types = sorted(rel_counts)
    kq = kuzu_queries(a, anchors["max_hops"])
    kz, kz_load_s, kz_bytes = run_kuzu(work, os.path.join(args.out, "kuzu-db"), unique, rel_types, kq,
                                       args.runs, args.budget, args.buffer_gb, args.threads)
    script_check = None
    if not args.skip_export_script:
        log("peers: loading the export's load-kuzu.cypher as a check")
        try:
            script_check = check_export_script(args.export_csv or args.csv, os.path.join(args.out, "kuzu-export-db"), args.buffer_gb,
                                               args.threads)
        except Exception as e:
            script_check = str(e).splitlines()[0]
    nxr, nx_build_s = ({}, None)
    if anchors["relationships"] <= args.nx_max_rels:
        nxr, nx_build_s = run_networkx(work, unique, rel_types, a, args.runs, args.budget)

    import kuzu
    import networkx
    lines = []
    lines.append(f"### {anchors['size']} relationships ({anchors['nodes']} nodes, {anchors['relationships']} relationships)\n")
    lines.append(f"kg file {anchors['file_bytes'] / 1e6:.1f} MB, kg load {anchors['load_ms'] / 1e3:.2f} s; "
                 f"Kùzu {kuzu.__version__} COPY FROM {kz_load_s:.2f} s, database {kz_bytes / 1e6:.1f} MB, "
                 f"{args.threads} threads, buffer pool {args.buffer_gb:g} GiB, primary key "
                 f"`{'name' if unique else 'id'}`"
                 + (f"; networkx {networkx.__version__} graph built in {nx_build_s:.1f} s" if nx_build_s is not None
                    else f"; networkx skipped (> {args.nx_max_rels} relationships)") + ".\n")
    if args.note:
        lines.append(args.note + "\n")
    if isinstance(script_check, tuple):
        secs, n, r = script_check
        ok = n == anchors["nodes"] and r == anchors["relationships"]
        lines.append(f"The export's own `load-kuzu.cypher` (one table per label set and per type, `kg_id` keys) loaded "
                     f"in {secs:.2f} s: {n} nodes, {r} relationships ({'counts match kg' if ok else 'COUNTS DIFFER from kg'}).\n")
    elif script_check:
        lines.append(f"The export's own `load-kuzu.cypher` failed in Kùzu: `{script_check}`.\n")
    lines.append(f"Anchors: hub `{a['hub']}` (degree {a['hub_degree']}), from-node `{a['from']}` "
                 f"(out-degree {a['from_out_degree']}), far node `{a['far']}` ({a['far_hops']} hops), "
                 f"needle `{a['needle']}` ({a['needle_matches']} names).\n")
    lines.append("| # | query | class | kg median | kg p90 | Kùzu median (wall) | Kùzu engine | networkx | "
                 "kg / Kùzu | target | kg CPU | Kùzu CPU (all threads) | CPU kg / Kùzu | same answer (Kùzu, nx) |")
    lines.append("|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|")
    for q in anchors["queries"]:
        i = q["id"]
        k, z, n = kg.get(i, {}), kz.get(i, {}), nxr.get(i, {})
        ratio = k["median_us"] / z["median_us"] if "median_us" in k and "median_us" in z else None
        if ratio is None:
            target = "—"
        elif q["class"] == "anchored":
            target = "met (≥ 10×)" if ratio <= 0.1 else "missed (< 10×)"
        else:
            target = "met (≤ 1×)" if ratio <= 1.0 else "missed (> 1×)"
        kcell = fmt(k.get("median_us")) if "error" not in k else f"error: `{k['error'][:60]}`"
        zcell = fmt(z.get("median_us")) if "error" not in z else f"error: `{z['error'][:60]}`"
        ncell = fmt(n.get("median_us")) if "error" not in n else f"error: `{n['error'][:40]}`"
        lines.append(f"| {i} | {q['title']} | {q['class']} | {kcell} | {fmt(k.get('p90_us'))} | {zcell} | "
                     f"{fmt(z.get('engine_median_us'))} | {ncell if nxr else 'skipped'} | "
                     f"{f'{ratio:.3f}' if ratio is not None else '—'} | {target} | "
                     f"{fmt(k.get('cpu_median_us'))} | {fmt(z.get('cpu_median_us'))} | "
                     f"{cpu_ratio(k, z)} | "
                     f"{same(k.get('digest'), z.get('digest'))}, {same(k.get('digest'), n.get('digest'))} |")
    lines.append("\nQueries as run:\n")
    for q in anchors["queries"]:
        lines.append(f"- Q{q['id']} kg: `{q['kg']}`  \n  Kùzu: `{kq[q['id']]}`")
    md = "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "peers.md"), "w", encoding="utf-8") as fh:
        fh.write(md)
    with open(os.path.join(args.out, "peers.json"), "w", encoding="utf-8") as fh:
        json.dump({"kuzu": kz, "networkx": nxr, "kuzu_load_s": kz_load_s, "kuzu_bytes": kz_bytes,
                   "nx_build_s": nx_build_s}, fh, indent=1)
    print(md)


if __name__ == "__main__":
    main()
