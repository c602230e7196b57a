"""Every named query on the embedded Oxigraph store, against the 100 ms target.

Why: the project promises each named query answers in at most 100 ms (median) on the
embedded store for the two-plan graph; this measures it, per query and per documented
example, and exits 1 when a query misses the target (``--check``), so a slow query is seen
when it is written, not when a user waits.  ``--serve`` also measures the same queries over
HTTP through ``rightsgraph serve`` (a real server process on a free loopback port), which adds
the protocol, the worker round trip and serialisation.

    python bench/bench_queries.py                    # builds the graph into a temporary directory
    python bench/bench_queries.py --data graph/ --runs 20 --serve --check
"""

from __future__ import annotations

import argparse
import re
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

TARGET_MS = 100.0


def example_params(example: str) -> dict[str, str]:
    words = shlex.split(example) if example else []
    return dict(words[i + 1].split("=", 1) for i, w in enumerate(words[:-1]) if w == "--param" and "=" in words[i + 1])


def timed(call, runs: int) -> tuple[list[float], object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def start_server(data: Path, timeout: float) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "rightsgraph.serve", "--data", str(data), "--port", "0", "--timeout", str(timeout), "--max-rows", "1000000"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    line = process.stdout.readline()  # type: ignore[union-attr]
    match = re.search(r"(http://\S+/sparql)", line)
    if not match:
        process.kill()
        raise SystemExit(f"rightsgraph serve did not start: {line!r}")
    return process, match.group(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="a build directory (default: build one into a temporary directory)")
    parser.add_argument("--runs", type=int, default=20, help="runs per query (median, p90, max)")
    parser.add_argument("--serve", action="store_true", help="also time the queries over HTTP through rightsgraph serve")
    parser.add_argument("--check", action="store_true", help=f"exit 1 if a query's embedded median exceeds {TARGET_MS:g} ms")
    args = parser.parse_args()

    from rightsgraph import store
    from rightsgraph.errors import InputError
    from rightsgraph.query import bind_parameters, list_queries

    if args.data is None:
        from rightsgraph.pipeline import build

        args.data = Path(tempfile.mkdtemp(prefix="rightsgraph-bench-"))
        build(None, args.data)
    started = time.perf_counter()
    embedded = store.load_store([args.data])
    load_ms = (time.perf_counter() - started) * 1000
    server = url = None
    if args.serve:
        server, url = start_server(args.data, 120)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    print(f"\nnamed queries on the embedded store — {args.data} ({store.count_triples(embedded):,} triples, loaded in {load_ms:,.0f} ms), {args.runs} runs, ms\n")
    columns = ["query", "params", "rows", "median", "p90", "max", "≤100ms"] + (["HTTP median"] if url else [])
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("---" for _ in columns) + "|")
    misses = []
    try:
        for named in list_queries():
            for params in [{}] + ([p] if (p := example_params(named.example)) else []):
                label = " ".join(f"{k}={v}" for k, v in params.items()) or "(defaults)"
                try:
                    if named.form == "SELECT":
                        times, result = timed(lambda: store.run(named, embedded, params), args.runs)
                    else:  # the query and its triples; the Turtle rendering (rdflib, sorted) is output formatting
                        bindings = bind_parameters(named, params)
                        times, result = timed(lambda: list(store.evaluate(embedded, named.text, bindings)), args.runs)
                except InputError as exc:
                    print(f"| {named.name} | {label} | error: {exc} |")
                    misses.append(named.name)
                    continue
                times.sort()
                median = statistics.median(times)
                p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
                ok = median <= TARGET_MS
                if not ok:
                    misses.append(f"{named.name} {label}")
                size = len(result[1]) if isinstance(result, tuple) else len(result)  # rows, or triples
                cells = [named.name, label, str(size), f"{median:,.1f}", f"{p90:,.1f}", f"{times[-1]:,.1f}", "yes" if ok else "NO"]  # type: ignore[index]
                if url and not params:
                    request = lambda: opener.open(urllib.request.Request(url, data=named.text.encode(), headers={"Content-Type": "application/sparql-query"}), timeout=300).read()  # noqa: E731
                    http_times, _ = timed(request, args.runs)
                    cells.append(f"{statistics.median(http_times):,.1f}")
                elif url:
                    cells.append("")
                print("| " + " | ".join(cells) + " |")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(10)
    print()
    if misses:
        print(f"over the {TARGET_MS:g} ms target: " + ", ".join(misses))
    else:
        print(f"every named query is within the {TARGET_MS:g} ms target")
    return 1 if args.check and misses else 0


if __name__ == "__main__":
    sys.exit(main())
