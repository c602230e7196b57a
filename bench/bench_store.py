"""rdflib against the embedded Oxigraph store on the built two-plan graph.

Why: ``rightsgraph query`` runs on rdflib today; this measures whether the embedded store
(``rightsgraph.store``) is worth switching to.  For each engine, in a fresh process of its
own so memory figures do not mix: the time to load the build's ``rightsgraph.nt``, each named
query's median over ``--runs`` runs (default parameters), its row count, and the peak
resident memory of the process above its size after imports (``ru_maxrss``: Oxigraph
allocates outside Python's heap, where tracemalloc cannot see).

    python bench/bench_store.py                 # builds the graph into a temporary directory
    python bench/bench_store.py --data graph/   # or uses an existing build
    python bench/bench_store.py --runs 5 --engines oxigraph
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENGINES = ("rdflib", "oxigraph")


def rss_mib() -> float:
    """Current resident set size, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(engine: str, data: Path, runs: int) -> dict:
    """Run in a child process: load, run every named query ``runs`` times, report."""
    from rightsgraph import query as q
    from rightsgraph import store

    baseline = rss_mib()
    started = time.perf_counter()
    graph = q.load_data([data]) if engine == "rdflib" else store.load_store([data])
    load = time.perf_counter() - started
    queries = {}
    for named in q.list_queries():
        if named.form != "SELECT":  # rows are compared here; CONSTRUCT queries are timed in bench_queries.py
            continue
        times, rows, error = [], None, None
        for _ in range(runs):
            started = time.perf_counter()
            try:
                _, result = q.run(named, graph, {}) if engine == "rdflib" else store.run(named, graph, {})
            except Exception as exc:  # report, do not stop the benchmark
                error = f"{type(exc).__name__}: {exc}"
                break
            times.append(time.perf_counter() - started)
            rows = len(result)
        queries[named.name] = {"median": statistics.median(times) if times else None, "min": min(times) if times else None, "rows": rows, "error": error}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"engine": engine, "load": load, "queries": queries, "baseline_mib": baseline, "peak_mib": peak}


def build_graph() -> Path:
    from rightsgraph.pipeline import build

    out = Path(tempfile.mkdtemp(prefix="rightsgraph-bench-"))
    build(None, out)
    return out


def fmt_ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="a build directory (default: build one into a temporary directory)")
    parser.add_argument("--runs", type=int, default=5, help="runs per query for the median (at least 5)")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.data, args.runs)))
        return 0
    if args.runs < 5:
        parser.error("--runs must be at least 5 for a median worth reporting")
    data = args.data or build_graph()
    triples = sum(1 for line in (data / "rightsgraph.nt").open(encoding="utf-8") if line.strip() and not line.startswith("#"))
    results = {}
    for engine in args.engines:
        print(f"measuring {engine} …", file=sys.stderr, flush=True)
        done = subprocess.run([sys.executable, __file__, "--child", engine, "--data", str(data), "--runs", str(args.runs)], capture_output=True, text=True, check=True)
        results[engine] = json.loads(done.stdout)

    engines = list(results)
    print(f"\nrightsgraph store benchmark — {data} ({triples:,} triples), median of {args.runs} runs, times in ms\n")
    header = f"| {'':28} | " + " | ".join(f"{e:>12}" for e in engines) + (" | speed-up |" if len(engines) == 2 else " |")
    print(header)
    print("|" + "|".join("-" * (len(cell) + 0) for cell in header.split("|")[1:-1]) + "|")

    def line(label: str, values: list[str], ratio: str = "") -> None:
        print(f"| {label:28} | " + " | ".join(f"{v:>12}" for v in values) + (f" | {ratio:>8} |" if len(engines) == 2 else " |"))

    def speedup(a: float | None, b: float | None) -> str:
        if not (a and b):
            return "—"
        ratio = a / b
        return f"{ratio:,.0f}×" if ratio >= 10 else f"{ratio:.2g}×"

    line("load rightsgraph.nt", [fmt_ms(results[e]["load"]) for e in engines], speedup(*(results[e]["load"] for e in engines)) if len(engines) == 2 else "")
    names = list(results[engines[0]]["queries"])
    for name in names:
        cells, medians = [], []
        for e in engines:
            entry = results[e]["queries"][name]
            medians.append(entry["median"])
            cells.append("error" if entry["error"] else fmt_ms(entry["median"]))
        line(f"query {name}", cells, speedup(*medians) if len(engines) == 2 else "")
    line("peak RSS above imports (MiB)", [f"{results[e]['peak_mib'] - results[e]['baseline_mib']:,.1f}" for e in engines])
    line("peak RSS of process (MiB)", [f"{results[e]['peak_mib']:,.1f}" for e in engines])
    print()
    for name in names:
        rows = {e: results[e]["queries"][name]["rows"] for e in engines}
        errors = {e: results[e]["queries"][name]["error"] for e in engines if results[e]["queries"][name]["error"]}
        if errors:
            print(f"  {name}: " + "; ".join(f"{e} failed: {msg}" for e, msg in errors.items()))
        elif len(set(rows.values())) > 1:
            print(f"  {name}: row counts differ: {rows}")
    print("  row counts: " + ", ".join(f"{n} {results[engines[0]]['queries'][n]['rows']}" for n in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
