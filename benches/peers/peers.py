#!/usr/bin/env python3
"""Peer comparison for kgraph (issues 6 and 12): the same eight queries in Kuzu, LadybugDB, FalkorDB and networkx.

Subcommands, each a separate process (the `kuzu` and `ladybug` packages cannot share one: their
bindings register the same type names; FalkorDB's embedded server needs Python >= 3.12 and has
its own virtual environment):

  prepare --out OUT --csv CSV_DIR      converts the CSV into OUT/peer-csv/ (one node file keyed by
                                       name when names are unique, one file per relationship type)
                                       and OUT/prepared.json; exits 3 when the CSV's relationship
                                       count differs from the graph's
  run ENGINE --out OUT [...]           ENGINE is kuzu, ladybug, falkordb or networkx: loads the
                                       graph, runs each query once (answer digested), times N runs,
                                       writes OUT/ENGINE.json
  report --out OUT [--note TEXT]       writes OUT/peers.md from OUT/anchors.json, OUT/kg.json and
                                       every OUT/ENGINE.json present

Inputs written by run.sh: OUT/anchors.json (the graph, the anchor nodes, kg's Cypher) and
OUT/kg.json (kg's in-process timings and answer digests) from `cargo bench --bench query -- peers`,
and the CSV from `kg export --format csv` (or the bench's `dump-csv`).

Timing. Kuzu and LadybugDB (same Python API): "wall" is `conn.execute(query)` (the query runs to
completion in C++ and its result table is built; rows are not converted to Python objects),
"engine" the compile + execution time the engine reports, CPU the process CPU time of the call
(all threads). FalkorDB runs as a Redis server in a child process: "wall" is the read-only query
round trip through the `falkordb` client (the reply crosses a Unix socket and is parsed into
Python values), "engine" the internal execution time the server reports, CPU the server's own
CPU time (Redis `INFO cpu`, all threads) around the call. networkx answers with its own API.
"""

import argparse
import collections
import csv
import glob
import hashlib
import json
import os
import shutil
import statistics
import sys
import time

VERBATIM_ROWS = 20
ENGINES = ("kuzu", "ladybug", "falkordb", "networkx")
TITLES = {"kuzu": "Kùzu", "ladybug": "LadybugDB", "falkordb": "FalkorDB", "networkx": "networkx"}
# The database peers a ratio is taken against (networkx is a library, shown for reference).
DB_PEERS = ("kuzu", "ladybug", "falkordb")
# Issue 12's bar: no slower than the fastest of Kuzu and LadybugDB, these at least 10x faster.
TEN_X = {1, 3, 7}
FALKOR_BATCH = 10_000


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def remove_db(path):
    for p in (path, path + ".wal"):
        if os.path.isdir(p):
            shutil.rmtree(p)
        elif os.path.exists(p):
            os.remove(p)


def tree_bytes(path):
    if os.path.isdir(path):
        return sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(path) for f in fs)
    return os.path.getsize(path) if os.path.exists(path) else 0


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


def prepare_peer_csv(csv_dir, work):
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


def csv_rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        yield from csv.reader(fh)


# ----- queries --------------------------------------------------------------------------------

def kstr(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def kuzu_queries(a, max_hops):
    """Kuzu's dialect, which LadybugDB (Kuzu's continuation) shares."""
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


FALKOR_NO_Q7 = ("FalkorDB has no undirected shortest path: `shortestPath()` refuses undirected patterns "
                "(\"FalkorDB does not currently support undirected shortestPath traversals\") and "
                "`algo.SPpaths({relDirection: 'both'})` enumerates paths: on the 100k graph, with `maxLen` set to the "
                "pair's distance (5), it had not answered after 2.6 min of server CPU and ignored the query timeout, "
                "so Q7 is not run.")


FALKOR_PARALLEL = ("FalkorDB walks its boolean adjacency matrix when a pattern's relationship is not used "
                   "afterwards, which counts parallel relationships once (`(h)--(m)` gives 2689 rows for the "
                   "hub's 3640 relationships on the 100k graph); Q2, Q3 and Q6 name the relationship and use it, "
                   "which gives Cypher's answer.")


def falkor_queries(a, max_hops):
    """FalkorDB's dialect: kg's Cypher with the label its name index is on, relationships named
    where parallel ones must count (see FALKOR_PARALLEL). Q7 has no FalkorDB form (see
    FALKOR_NO_Q7)."""
    return {
        1: f"MATCH (n:Node {{name: {kstr(a['name'])}}}) RETURN n.name AS name",
        2: f"MATCH (h:Node {{name: {kstr(a['hub'])}}})-[r]-(m) WITH m, r RETURN m.name AS name",
        3: f"MATCH (a:Node {{name: {kstr(a['from'])}}})-->()-[r]->(c) RETURN count(r) AS n",
        4: f"MATCH (a:Node {{name: {kstr(a['from'])}}})-[*1..3]->(c) RETURN count(DISTINCT c) AS n",
        5: "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type",
        6: "MATCH (n:Node)-[r]-() WITH n, count(r) AS degree ORDER BY degree DESC, n.name LIMIT 10 "
           "RETURN n.name AS name, degree",
        7: None,
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


def time_query(first, once, runs, budget):
    """Runs `first()` for the answer, then times `once()` (which returns (engine_us, cpu_us) or
    None for either) up to `runs` times within `budget` seconds (at least 3 runs)."""
    try:
        dig = digest(first())
        samples, engine, cpu = [], [], []
        start = time.perf_counter()
        while len(samples) < runs and (len(samples) < 3 or time.perf_counter() - start < budget):
            t = time.perf_counter()
            e, c = once()
            samples.append((time.perf_counter() - t) * 1e6)
            if e is not None:
                engine.append(e)
            if c is not None:
                cpu.append(c)
        med, p90 = summarize(samples)
        out = {"median_us": med, "p90_us": p90, "runs": len(samples), "digest": dig}
        if engine:
            out["engine_median_us"] = statistics.median(engine)
        if cpu:
            out["cpu_median_us"] = statistics.median(cpu)
        return out
    except Exception as e:  # a peer's failure is reported in the table, not fatal
        return {"error": str(e).splitlines()[0] if str(e) else type(e).__name__}


# ----- engines --------------------------------------------------------------------------------

def kuzu_like(module, ctx):
    """Kuzu or LadybugDB: one node table keyed by name, one relationship table per type, COPY FROM."""
    mod = __import__(module)
    work, args = ctx["work"], ctx["args"]
    db_dir = os.path.join(args.out, f"{module}-db")
    remove_db(db_dir)
    db = mod.Database(db_dir, buffer_pool_size=int(args.buffer_gb * 2**30), max_num_threads=args.threads)
    conn = mod.Connection(db, num_threads=args.threads)
    # node.csv's first column is the primary key: the name when names are unique, else the id.
    if ctx["unique"]:
        conn.execute("CREATE NODE TABLE Node(name STRING, id STRING, labels STRING, PRIMARY KEY(name))")
    else:
        conn.execute("CREATE NODE TABLE Node(id STRING, name STRING, labels STRING, PRIMARY KEY(id))")
    t = time.perf_counter()
    conn.execute(f"COPY Node FROM '{os.path.join(work, 'node.csv')}' (header=false)")
    for typ in ctx["rel_types"]:
        conn.execute(f"CREATE REL TABLE `{typ}`(FROM Node TO Node)")
        conn.execute(f"COPY `{typ}` FROM '{os.path.join(work, 'rel_' + typ + '.csv')}' (header=false)")
    load_s = time.perf_counter() - t
    queries = kuzu_queries(ctx["anchors"], ctx["max_hops"])
    results = {}
    for qid, q in queries.items():
        log(f"[{module}] Q{qid}")

        def once(q=q):
            c = time.process_time()
            r = conn.execute(q)
            r.get_num_tuples()
            cpu = (time.process_time() - c) * 1e6
            return (r.get_compiling_time() + r.get_execution_time()) * 1e3, cpu

        results[qid] = time_query(lambda q=q: conn.execute(q).get_all(), once, args.runs, args.budget)
    check = None
    if args.export_csv:
        log(f"[{module}] loading the export's load-kuzu.cypher as a check")
        try:
            check = load_kuzu_script(mod, args.export_csv, os.path.join(args.out, f"{module}-export-db"), args)
        except Exception as e:
            check = str(e).splitlines()[0]
    return {"version": mod.__version__, "load_s": load_s, "bytes": tree_bytes(db_dir),
            "load_how": f"`COPY FROM`, {args.threads} threads, buffer pool {args.buffer_gb:g} GiB, primary key "
                        f"`{'name' if ctx['unique'] else 'id'}`",
            "queries": queries, "results": results, "export_check": check,
            "cleanup": [db_dir, db_dir + ".wal"]}


def load_kuzu_script(mod, csv_dir, db_dir, args):
    """Loads the export's own load-kuzu.cypher into a fresh database: seconds, nodes, relationships."""
    script = os.path.join(csv_dir, "load-kuzu.cypher")
    if not os.path.exists(script):
        return None
    with open(script, encoding="utf-8") as fh:
        text = fh.read()
    remove_db(db_dir)
    db = mod.Database(os.path.abspath(db_dir), buffer_pool_size=int(args.buffer_gb * 2**30), max_num_threads=args.threads)
    conn = mod.Connection(db, num_threads=args.threads)
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
    remove_db(db_dir)
    return {"what": "load-kuzu.cypher", "seconds": secs, "nodes": nodes, "relationships": rels}


def falkor_server(path):
    from redislite.falkordb_client import FalkorDB

    for p in glob.glob(path + "*"):
        os.remove(p)
    # redis-py 8 reads replies with a 5 s timeout by default; a big batch or scan takes longer.
    # No periodic RDB snapshots: a fork mid-run would be timed with the queries.
    return FalkorDB(path, socket_timeout=None, serverconfig={"save": '""'})


def falkor_cpu(db):
    info = db.client.info("cpu")
    return (info["used_cpu_user"] + info["used_cpu_sys"]) * 1e6


def load_falkor_script(script, path, graph="kg"):
    """Runs a Cypher export in a fresh embedded FalkorDB, with the indexes the script's header
    recommends: seconds, nodes, relationships."""
    from scale_out import statements_of  # beside this script

    db = falkor_server(path)
    g = db.select_graph(graph)
    t = time.perf_counter()
    g.query("CREATE INDEX FOR (n:_KgExport) ON (n.name)")
    g.query("CREATE INDEX FOR (n:_KgExport) ON (n._kgid)")
    for stmt in statements_of(script):
        g.query(stmt)
    secs = time.perf_counter() - t
    nodes = g.query("MATCH (n) RETURN count(n)").result_set[0][0]
    rels = g.query("MATCH ()-[r]->() RETURN count(r)").result_set[0][0]
    db.close()
    return {"what": "the Cypher export", "seconds": secs, "nodes": nodes, "relationships": rels}


def falkordb(ctx):
    """FalkorDB embedded (falkordblite): nodes and relationships created with batched UNWIND
    from the same CSV, the name indexed before the relationships are matched by it."""
    import falkordb as client

    work, args = ctx["work"], ctx["args"]
    path = os.path.join(args.out, "falkordb.rdb")
    db = falkor_server(path)
    mem0 = db.client.info("memory")["used_memory"]
    g = db.select_graph("kg")

    def batches(rows):
        batch = []
        for r in rows:
            batch.append(r)
            if len(batch) == FALKOR_BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    t = time.perf_counter()
    key = "name" if ctx["unique"] else "id"
    other = "id" if ctx["unique"] else "name"
    # The index exists before the first relationship query is planned: FalkorDB builds an index
    # on existing nodes in the background and caches the plan of a query text, so a plan made
    # before the index is operational scans all nodes for every row of every later batch.
    g.query(f"CREATE INDEX FOR (n:Node) ON (n.{key})")
    for b in batches(csv_rows(os.path.join(work, "node.csv"))):
        g.query(f"UNWIND $rows AS r CREATE (:Node {{{key}: r[0], {other}: r[1], labels: r[2]}})", {"rows": b})
    for typ in ctx["rel_types"]:
        for b in batches(csv_rows(os.path.join(work, f"rel_{typ}.csv"))):
            g.query(f"UNWIND $rows AS r MATCH (a:Node {{{key}: r[0]}}), (b:Node {{{key}: r[1]}}) "
                    f"CREATE (a)-[:`{typ}`]->(b)", {"rows": b})
    load_s = time.perf_counter() - t
    log(f"[falkordb] loaded in {load_s:.1f} s")
    mem = db.client.info("memory")["used_memory"] - mem0
    queries = falkor_queries(ctx["anchors"], ctx["max_hops"])
    results = {}
    for qid, q in queries.items():
        if q is None:
            results[qid] = {"not_run": True}
            continue
        log(f"[falkordb] Q{qid}")

        def once(q=q):
            c = falkor_cpu(db)
            r = g.ro_query(q)
            return r.run_time_ms * 1e3, falkor_cpu(db) - c

        results[qid] = time_query(lambda q=q: g.ro_query(q).result_set, once, args.runs, args.budget)
    modules = {m["name"]: m["ver"] for m in db.client.execute_command("MODULE", "LIST")}
    ver = modules.get("graph", 0)
    db.close()
    check = None
    if args.export_cypher:
        log("[falkordb] loading the Cypher export as a check")
        try:
            check = load_falkor_script(args.export_cypher, os.path.join(args.out, "falkordb-export.rdb"))
        except Exception as e:
            check = str(e).splitlines()[0]
    from importlib.metadata import version

    return {"version": f"{ver // 10000}.{ver // 100 % 100}.{ver % 100} (falkordblite {version('falkordblite')}, "
                       f"client {client.__version__ if hasattr(client, '__version__') else version('falkordb')})",
            "load_s": load_s, "bytes": mem,
            "load_how": f"batched `UNWIND … CREATE` ({FALKOR_BATCH} rows a query), index on `:Node({key})`",
            "bytes_what": "server memory", "queries": queries, "results": results, "export_check": check,
            "notes": [FALKOR_NO_Q7, FALKOR_PARALLEL],
            "cleanup": glob.glob(path + "*") + glob.glob(os.path.join(args.out, "falkordb-export.rdb*"))}


def networkx_engine(ctx):
    import networkx as nx

    work, args = ctx["work"], ctx["args"]
    if ctx["relationships"] > args.nx_max_rels:
        return {"version": nx.__version__, "skipped": f"more than {args.nx_max_rels} relationships", "results": {}}
    t = time.perf_counter()
    G = nx.MultiDiGraph()
    for row in csv_rows(os.path.join(work, "node.csv")):
        G.add_node(row[0])
    for typ in ctx["rel_types"]:
        for s, e in csv_rows(os.path.join(work, f"rel_{typ}.csv")):
            G.add_edge(s, e, type=typ)
    UG = G.to_undirected(as_view=True)
    build_s = time.perf_counter() - t
    results = {}
    for qid, fn in nx_queries(G, UG, ctx["anchors"]).items():
        log(f"[networkx] Q{qid}")

        def once(fn=fn):
            c = time.process_time()
            fn()
            return None, (time.process_time() - c) * 1e6

        results[qid] = time_query(fn, once, args.runs, args.budget)
    return {"version": nx.__version__, "load_s": build_s, "load_how": "graph built from the CSV in Python",
            "results": results}


# ----- report ---------------------------------------------------------------------------------

def fmt(us):
    if us is None:
        return "—"
    if us < 1000:
        return f"{us:.1f} µs"
    if us < 1e6:
        return f"{us / 1e3:.2f} ms"
    return f"{us / 1e6:.2f} s"


def cell(r, field="median_us"):
    if not r:
        return "—"
    if r.get("not_run"):
        return "not run¹"
    if "error" in r:
        return f"error: `{r['error'][:60]}`"
    return fmt(r.get(field))


def same(d1, d2):
    if not d1 or not d2:
        return "—"
    return "✓" if d1["sha256"] == d2["sha256"] else f"✗ ({d1['rows']} vs {d2['rows']} rows)"


def fastest(per_engine, qid, engines, kg_digest, field="median_us"):
    """(engine, value) of the smallest `field` among `engines` that gave kg's answer to `qid`."""
    best = None
    for e in engines:
        r = per_engine.get(e, {}).get("results", {}).get(str(qid), {})
        if not kg_digest or r.get("digest", {}).get("sha256") != kg_digest["sha256"]:
            continue
        v = r.get(field)
        if v is not None and (best is None or v < best[1]):
            best = (e, v)
    return best


def report(args):
    anchors = json.load(open(os.path.join(args.out, "anchors.json"), encoding="utf-8"))
    kg = {str(r["id"]): r for r in json.load(open(os.path.join(args.out, "kg.json"), encoding="utf-8"))["results"]}
    per = {}
    for e in ENGINES:
        p = os.path.join(args.out, f"{e}.json")
        if os.path.exists(p):
            per[e] = json.load(open(p, encoding="utf-8"))
    shown = [e for e in ENGINES if e in per]
    peers = [e for e in DB_PEERS if e in per]
    a = anchors["anchors"]
    L = []
    L.append(f"### {anchors['size']} relationships ({anchors['nodes']} nodes, {anchors['relationships']} relationships)\n")
    load = [f"kg file {anchors['file_bytes'] / 1e6:.1f} MB, kg load {anchors['load_ms'] / 1e3:.2f} s"]
    for e in shown:
        p = per[e]
        if "skipped" in p:
            load.append(f"{TITLES[e]} {p['version']} skipped ({p['skipped']})")
            continue
        if "error" in p:
            load.append(f"{TITLES[e]} failed: `{p['error']}`")
            continue
        size = f", {p.get('bytes_what', 'database')} {p['bytes'] / 1e6:.1f} MB" if p.get("bytes") else ""
        load.append(f"{TITLES[e]} {p['version']} loaded in {p['load_s']:.2f} s ({p['load_how']}{size})")
    L.append("; ".join(load) + ".\n")
    if args.note:
        L.append(args.note + "\n")
    for e in shown:
        c = per[e].get("export_check")
        if isinstance(c, dict):
            ok = c["nodes"] == anchors["nodes"] and c["relationships"] == anchors["relationships"]
            L.append(f"{TITLES[e]} loaded {c['what']} of `kg export` in {c['seconds']:.2f} s: {c['nodes']} nodes, "
                     f"{c['relationships']} relationships ({'counts match kg' if ok else 'COUNTS DIFFER from kg'}).\n")
        elif c:
            L.append(f"{TITLES[e]} failed to load the export: `{c}`.\n")
    L.append(f"Anchors: hub `{a['hub']}` (degree {a['hub_degree']}), from-node `{a['from']}` "
             f"(out-degree {a['from_out_degree']}), far node `{a['far']}` ({a['far_hops']} hops), "
             f"needle `{a['needle']}` ({a['needle_matches']} names).\n")
    L.append("Wall-clock medians (see Method for what each engine's time covers); the fastest peer is the "
             "fastest that returned kg's rows:\n")
    L.append("| # | query | class | kg | " + " | ".join(TITLES[e] for e in shown) +
             " | fastest peer | kg / fastest peer | issue 12 bar (vs Kùzu, LadybugDB) |")
    L.append("|---|---|---|---:|" + "---:|" * len(shown) + "---|---:|---|")
    for q in anchors["queries"]:
        i = str(q["id"])
        k = kg.get(i, {})
        best = fastest(per, i, peers, k.get("digest"))
        ratio = k["median_us"] / best[1] if best and "median_us" in k else None
        bar = fastest(per, i, ("kuzu", "ladybug"), k.get("digest"))
        if bar and "median_us" in k:
            r12 = k["median_us"] / bar[1]
            limit = 0.1 if q["id"] in TEN_X else 1.0
            target = f"{'met' if r12 <= limit else 'missed'} ({r12:.3g} vs ≤ {limit:g})"
        else:
            target = "—"
        cells = [cell(per[e].get("results", {}).get(i)) if "skipped" not in per[e] else "skipped" for e in shown]
        L.append(f"| {i} | {q['title']} | {q['class']} | {cell(k)} | " + " | ".join(cells) +
                 f" | {TITLES[best[0]] if best else '—'} | {f'{ratio:.3g}' if ratio is not None else '—'} | {target} |")
    notes = [n for e in shown for n in per[e].get("notes", [])]
    if notes:
        L.append("\n" + "\n\n".join(f"{'¹ ' if i == 0 else ''}{n}" for i, n in enumerate(notes)))
    L.append("\nCPU time per run (medians; kg: its thread, Kùzu/LadybugDB/networkx: the process, all threads; "
             "FalkorDB: the server process, all threads), the engines' own timings, and whether each peer "
             "returned exactly kg's rows:\n")
    cpu_engines = [e for e in shown if e != "networkx" or "skipped" not in per[e]]
    eng = [e for e in DB_PEERS if e in per]
    L.append("| # | kg CPU | " + " | ".join(f"{TITLES[e]} CPU" for e in cpu_engines) + " | kg / fastest peer (CPU) | " +
             " | ".join(f"{TITLES[e]} engine" for e in eng) + " | same answer (" + ", ".join(TITLES[e] for e in shown) + ") |")
    L.append("|---|---:|" + "---:|" * len(cpu_engines) + "---:|" + "---:|" * len(eng) + "---|")
    for q in anchors["queries"]:
        i = str(q["id"])
        k = kg.get(i, {})
        best = fastest(per, i, peers, k.get("digest"), "cpu_median_us")
        ratio = k["cpu_median_us"] / best[1] if best and k.get("cpu_median_us") else None
        res = {e: per[e].get("results", {}).get(i, {}) for e in shown}
        L.append(f"| {i} | {cell(k, 'cpu_median_us')} | " +
                 " | ".join(cell(res[e], "cpu_median_us") for e in cpu_engines) +
                 f" | {f'{ratio:.3g}' if ratio is not None else '—'} | " +
                 " | ".join(cell(res[e], "engine_median_us") for e in eng) + " | " +
                 ", ".join(same(k.get("digest"), res[e].get("digest")) for e in shown) + " |")
    L.append("\nQueries as run:\n")
    kuzu_dialect = next((per[e]["queries"] for e in ("kuzu", "ladybug") if per.get(e, {}).get("queries")), {})
    falkor_dialect = per.get("falkordb", {}).get("queries", {})
    for q in anchors["queries"]:
        i = str(q["id"])
        forms = [f"- Q{i} kg: `{q['kg']}`"]
        if kuzu_dialect.get(i):
            forms.append(f"  Kùzu, LadybugDB: `{kuzu_dialect[i]}`")
        if falkor_dialect.get(i):
            forms.append(f"  FalkorDB: `{falkor_dialect[i]}`")
        L.append("  \n".join(forms))
    md = "\n".join(L) + "\n"
    with open(os.path.join(args.out, "peers.md"), "w", encoding="utf-8") as fh:
        fh.write(md)
    print(md)


# ----- main -----------------------------------------------------------------------------------

def prepare(args):
    anchors = json.load(open(os.path.join(args.out, "anchors.json"), encoding="utf-8"))
    t = time.perf_counter()
    unique, rel_counts = prepare_peer_csv(args.csv, os.path.join(args.out, "peer-csv"))
    log(f"peers: converted CSV in {time.perf_counter() - t:.1f} s; names unique: {unique}; types: {rel_counts}")
    n_rels = sum(rel_counts.values())
    if n_rels != anchors["relationships"]:
        log(f"peers: the CSV in {args.csv} holds {n_rels} relationships, the graph {anchors['relationships']}; "
            "refusing to compare different graphs")
        sys.exit(3)
    with open(os.path.join(args.out, "prepared.json"), "w", encoding="utf-8") as fh:
        json.dump({"unique": unique, "rel_counts": rel_counts}, fh)


def run(args):
    anchors = json.load(open(os.path.join(args.out, "anchors.json"), encoding="utf-8"))
    prep = json.load(open(os.path.join(args.out, "prepared.json"), encoding="utf-8"))
    ctx = {"args": args, "work": os.path.abspath(os.path.join(args.out, "peer-csv")), "unique": prep["unique"],
           "rel_types": sorted(prep["rel_counts"]), "anchors": anchors["anchors"], "max_hops": anchors["max_hops"],
           "relationships": anchors["relationships"]}
    runners = {"kuzu": lambda: kuzu_like("kuzu", ctx), "ladybug": lambda: kuzu_like("ladybug", ctx),
               "falkordb": lambda: falkordb(ctx), "networkx": lambda: networkx_engine(ctx)}
    try:
        out = runners[args.engine]()
    except Exception as e:  # an engine that cannot load is a row of the report, not the end of the run
        out = {"version": "?", "error": str(e).splitlines()[0] if str(e) else type(e).__name__, "results": {}}
    # The databases are large; the report keeps what matters.
    for p in out.pop("cleanup", []):
        remove_db(p)
    with open(os.path.join(args.out, f"{args.engine}.json"), "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=1, ensure_ascii=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare", help="convert the CSV export for the peers")
    p.add_argument("--out", required=True, help="directory with anchors.json")
    p.add_argument("--csv", required=True, help="directory of the exported CSV files")
    r = sub.add_parser("run", help="load the graph into one peer and time the queries")
    r.add_argument("engine", choices=ENGINES)
    r.add_argument("--out", required=True, help="directory with anchors.json and prepared.json")
    r.add_argument("--runs", type=int, default=21)
    r.add_argument("--budget", type=float, default=10.0, help="seconds per query (at least 3 runs)")
    r.add_argument("--buffer-gb", type=float, default=4.0, help="Kùzu/LadybugDB buffer pool size")
    r.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="Kùzu/LadybugDB worker threads")
    r.add_argument("--export-csv", help="a `kg export --format csv` directory whose load-kuzu.cypher Kùzu and "
                   "LadybugDB load as a check")
    r.add_argument("--export-cypher", help="a `kg export --format cypher` file FalkorDB loads as a check")
    r.add_argument("--nx-max-rels", type=int, default=2_000_000, help="skip networkx above this many relationships")
    o = sub.add_parser("report", help="write OUT/peers.md")
    o.add_argument("--out", required=True)
    o.add_argument("--note", default="", help="a sentence to add under the table's heading")
    args = ap.parse_args()
    {"prepare": prepare, "run": run, "report": report}[args.cmd](args)


if __name__ == "__main__":
    main()
