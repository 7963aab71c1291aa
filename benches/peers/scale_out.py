#!/usr/bin/env python3
"""Loads a kgraph export into another engine as it stands and answers one query (issue 12, item 5).

  scale_out.py falkordb --cypher FILE --db DIR --query Q   the Cypher export, statement by statement,
                                                           into an embedded FalkorDB (falkordblite)
  scale_out.py falkordb --cypher FILE --url redis://HOST:PORT --graph NAME --query Q
                                                           the same into a FalkorDB server's graph NAME
  scale_out.py ladybug --csv DIR --db DIR --query Q        the CSV export's load-kuzu.cypher into
                                                           LadybugDB (its COPY FROM)

Prints one JSON document on stdout: {"nodes": N, "relationships": M, "columns": [...],
"rows": [[...], ...]}, the rows as the engine returned them. tests/scale_out.rs compares it with
kg's own answer; docs/SCALE_OUT.md shows the same steps by hand. DIR is created and left behind;
a server's graph NAME should be empty (or absent) before the load.
"""

import argparse
import json
import os
import sys


def falkordb(args):
    # redis-py 8 reads replies with a 5 s timeout by default; a big export's statements are small,
    # but the counts of a big graph may take longer.
    if args.url:
        from falkordb import FalkorDB

        db = FalkorDB.from_url(args.url, socket_timeout=None)
    else:
        from redislite.falkordb_client import FalkorDB

        os.makedirs(args.db, exist_ok=True)
        db = FalkorDB(os.path.join(args.db, "falkordb.rdb"), socket_timeout=None)
    try:
        g = db.select_graph(args.graph)
        # The export's header asks for these two indexes: each relationship statement finds its
        # endpoints by name or by the temporary _kgid.
        g.query("CREATE INDEX FOR (n:_KgExport) ON (n.name)")
        g.query("CREATE INDEX FOR (n:_KgExport) ON (n._kgid)")
        statements = 0
        for stmt in statements_of(args.cypher):
            g.query(stmt)
            statements += 1
        nodes = g.query("MATCH (n) RETURN count(n)").result_set[0][0]
        rels = g.query("MATCH ()-[r]->() RETURN count(r)").result_set[0][0]
        res = g.ro_query(args.query)
        columns = [c[1] if isinstance(c, (list, tuple)) else c for c in res.header]
        return {"statements": statements, "nodes": nodes, "relationships": rels, "columns": columns,
                "rows": res.result_set}
    finally:
        db.close()


def statements_of(path):
    """The statements of a `kg export --format cypher` script: `//` comment lines skipped, a
    statement ends with `;` at the end of a line (the export writes one per line)."""
    buf = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not buf and (not line.strip() or line.lstrip().startswith("//")):
                continue
            buf.append(line)
            if line.rstrip().endswith(";"):
                yield "".join(buf).rstrip()[:-1]
                buf = []
    if "".join(buf).strip():
        yield "".join(buf)


def ladybug(args):
    import ladybug as lb

    script = os.path.join(args.csv, "load-kuzu.cypher")
    with open(script, encoding="utf-8") as fh:
        text = fh.read()
    os.makedirs(args.db, exist_ok=True)
    db = lb.Database(os.path.abspath(os.path.join(args.db, "ladybug.db")))
    conn = lb.Connection(db)
    # The script names its CSV files relative to the export directory.
    cwd = os.getcwd()
    os.chdir(args.csv)
    try:
        conn.execute(text)
    finally:
        os.chdir(cwd)
    nodes = conn.execute("MATCH (n) RETURN count(n)").get_all()[0][0]
    rels = conn.execute("MATCH ()-[r]->() RETURN count(r)").get_all()[0][0]
    res = conn.execute(args.query)
    return {"nodes": nodes, "relationships": rels, "columns": res.get_column_names(), "rows": res.get_all()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("engine", choices=("falkordb", "ladybug"))
    ap.add_argument("--cypher", help="a `kg export --format cypher` file (falkordb)")
    ap.add_argument("--csv", help="a `kg export --format csv` directory (ladybug)")
    ap.add_argument("--db", help="a directory for the embedded database")
    ap.add_argument("--url", help="a FalkorDB server, e.g. redis://localhost:6379 (instead of --db)")
    ap.add_argument("--graph", default="kg", help="the FalkorDB graph's name")
    ap.add_argument("--query", required=True, help="the Cypher query to answer after the load")
    args = ap.parse_args()
    if (args.engine == "falkordb") != bool(args.cypher) or (args.engine == "ladybug") != bool(args.csv):
        ap.error("falkordb takes --cypher FILE, ladybug takes --csv DIR")
    if not args.db and not (args.url and args.engine == "falkordb"):
        ap.error("--db DIR is needed (or, for falkordb, --url)")
    out = falkordb(args) if args.engine == "falkordb" else ladybug(args)
    json.dump(out, sys.stdout, ensure_ascii=False, default=str)
    print()


if __name__ == "__main__":
    main()
