"""Wall time and peak memory of validating the built graph, per validation setting.

Why: the build validates before it writes, so validation time is build time; the settings
in rightsgraph.validate (core shapes on rdflib, SHACL-SPARQL on Oxigraph, two processes, no
inference) were chosen on these figures, and this script shows what the alternatives cost.

Each setting runs in a fresh Python process (so peak memory is that setting's own), after
the graph has been parsed there; the table gives the best wall time of --repeat runs, the
CPU time of the process and its forked children, the peak resident memory (the larger of
the process and its children) and what validation added to the memory the parsed graph
already took. Run:
    python bench/bench_validate.py                 # builds the graph into a temporary directory
    python bench/bench_validate.py --graph graph/  # or validates an existing build
The load average is printed too: on a shared machine, wall time rises with it, CPU time not.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: name -> (description, keyword arguments of validate_graph)
SETTINGS: dict[str, tuple[str, dict]] = {
    "chosen": ("the defaults: core on rdflib + SPARQL on Oxigraph + quotes in Python, no inference; 2 processes if a core is idle", {}),
    "one-process": ("as chosen, core shapes in one process", {"jobs": 1}),
    "two-processes": ("as chosen, core shapes split over two processes", {"jobs": 2}),
    "all-rdflib": ("every shape in one pySHACL run on rdflib (SPARQL there too), one process", {"engine": "rdflib", "jobs": 1}),
    "rdfs": ("as one-process, with pySHACL RDFS pre-inference", {"inference": "rdfs", "jobs": 1}),
}


def _rss_mb(ru_maxrss: int) -> float:
    return ru_maxrss / 1024 if sys.platform != "darwin" else ru_maxrss / 1024 / 1024


def worker(graph_path: Path, setting: str, repeat: int) -> dict:
    """Runs in the child process: parse, then validate ``repeat`` times with one setting."""
    from rdflib import Graph

    from rightsgraph.validate import PARALLEL_MIN_TRIPLES, default_jobs, validate_graph

    data = Graph()
    data.parse(graph_path, format="nt" if graph_path.suffix == ".nt" else "turtle")
    baseline = _rss_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    kwargs = SETTINGS[setting][1]
    jobs = kwargs.get("jobs") or (default_jobs() if len(data) >= PARALLEL_MIN_TRIPLES else 1)
    walls = []
    cpu0 = os.times()
    outcome = None
    for _ in range(repeat):
        started = time.perf_counter()
        outcome = validate_graph(data, **kwargs)
        walls.append(time.perf_counter() - started)
    cpu1 = os.times()
    cpu = (cpu1.user + cpu1.system + cpu1.children_user + cpu1.children_system
           - cpu0.user - cpu0.system - cpu0.children_user - cpu0.children_system) / repeat
    peak = max(_rss_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
               _rss_mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
    return {
        "setting": setting,
        "jobs": jobs,
        "wall": min(walls),
        "cpu": cpu,
        "peak_mb": peak,
        "added_mb": peak - baseline,
        "triples": len(data),
        "violations": len(outcome.violations),
        "warnings": len(outcome.warnings),
        "timings": outcome.timings,
    }


def run(graph_path: Path, setting: str, repeat: int) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", setting, "--graph", str(graph_path), "--repeat", str(repeat)],
        capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{setting}: worker failed\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def built_graph(path: str | None) -> Path:
    if path:
        p = Path(path)
        return p / "rightsgraph.nt" if p.is_dir() else p
    from rightsgraph.pipeline import build

    out = Path(tempfile.mkdtemp(prefix="rightsgraph-bench-"))
    build(None, out, validate=False)
    return out / "rightsgraph.nt"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", help="a built graph directory or file (default: build one)")
    parser.add_argument("--repeat", type=int, default=3, help="validations per setting; the best wall time is shown")
    parser.add_argument("--settings", default=",".join(SETTINGS), help="comma-separated subset of: " + ", ".join(SETTINGS))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(Path(args.graph), args.worker, args.repeat)))
        return 0
    graph = built_graph(args.graph)
    names = [s for s in args.settings.split(",") if s]
    unknown = [s for s in names if s not in SETTINGS]
    if unknown:
        parser.error(f"unknown setting(s) {', '.join(unknown)}; expected {', '.join(SETTINGS)}")
    print(f"graph {graph}; {os.cpu_count()} cores; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rows = []
    for name in names:
        repeat = 1 if name in ("rdfs", "all-rdflib") else args.repeat
        rows.append(run(graph, name, repeat))
    print(f"triples {rows[0]['triples']:,}; results with the chosen settings: {rows[0]['violations']} violations, {rows[0]['warnings']} warnings")
    print()
    print(f"| {'setting':<13} | {'procs':>5} | {'wall s':>7} | {'CPU s':>6} | {'peak MB':>7} | {'added MB':>8} | {'viol.':>5} | {'warn.':>5} | what |")
    print(f"|{'-' * 15}|{'-' * 7}|{'-' * 9}|{'-' * 8}|{'-' * 9}|{'-' * 10}|{'-' * 7}|{'-' * 7}|------|")
    for r in rows:
        print(f"| {r['setting']:<13} | {r['jobs']:>5} | {r['wall']:>7.2f} | {r['cpu']:>6.2f} | {r['peak_mb']:>7.0f} | {r['added_mb']:>8.0f} | "
              f"{r['violations']:>5} | {r['warnings']:>5} | {SETTINGS[r['setting']][0]} |")
    print()
    chosen = next((r for r in rows if r["setting"] == "chosen"), None)
    if chosen:
        parts = ", ".join(f"{k} {v:.2f}" for k, v in chosen["timings"].items())
        print(f"chosen, last run, seconds by pass: {parts}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
