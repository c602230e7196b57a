"""Accuracy of responsible-body extraction against the reading-built key tests/keys/bodies.json.

The key lists, for a sample of commitments read in full in both plans, every body the commitment
makes an actor (an empty list: the bodies it names do not act).  Only those commitments are
scored: a record is (plan, path, body notation); an extracted body of a listed commitment that
the key does not list is a false positive, a listed body not extracted a false negative.

A key body whose concept ontology/vocab/bodies.ttl does not have yet (``pending_vocabulary``)
is left out of the score and reported, until the concept exists.

Run: ``.venv/bin/python bench/accuracy_bodies.py`` (exit code 1 when a plan is below the bar).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from accuracy_links import print_table, score_row
from rightsgraph.extract_links import extract_links
from rightsgraph.namespaces import VOCAB
from rightsgraph.read import read_source
from rightsgraph.segment import segment
from rightsgraph.vocab import model_graph, project_root

PLANS = ("2012-2015", "2026-2030")
BAR = 0.97


def _notation(iri) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def compare(root: Path | None = None) -> tuple[list[dict], list[str]]:
    """Score rows {category, plan, tp, fp, fn, precision, recall} and the mismatch lines."""
    root = root or project_root()
    model = model_graph(root)
    known = {_notation(c) for c in model.subjects(None, None) if str(c).startswith(str(VOCAB["body/"]))}
    key = json.loads((root / "tests" / "keys" / "bodies.json").read_text(encoding="utf-8"))
    rows: list[dict] = []
    lines: list[str] = []
    for plan in PLANS:
        entries = [e for e in key["commitments"] if e["plan"] == plan]
        paths = {e["path"] for e in entries}
        want: set[tuple[str, str]] = set()
        for e in entries:
            for body in e["bodies"]:
                if body in e.get("pending_vocabulary", ()) and body not in known:
                    lines.append(f"~ pending  {plan} {e['path']} {body}: not in bodies.ttl yet, not scored")
                    continue
                want.add((e["path"], body))
        doc = segment(read_source(root / "texts" / f"cn-nhrap-{plan}.zh.txt"))
        links = extract_links(doc, model, root)
        got = {(b.path, _notation(b.concept)) for b in links.bodies if b.path in paths}
        tp = len(got & want)
        fp, fn = sorted(got - want), sorted(want - got)
        rows.append(score_row("bodies", plan, tp, len(fp), len(fn)))
        lines += [f"+ extra    {plan} {p} {b}" for p, b in fp] + [f"- missing  {plan} {p} {b}" for p, b in fn]
    return rows, lines


def score_bodies(root: Path | None = None) -> list[dict]:
    """Rows {category, plan, tp, fp, fn, precision, recall} for bench/accuracy.py."""
    return compare(root)[0]


def main() -> int:
    rows, lines = compare()
    print_table(rows)
    if lines:
        print("\n" + "\n".join(lines))
    below = [r for r in rows if r["precision"] < BAR or r["recall"] < BAR]
    print(f"\nbar {BAR}: {'met' if not below else 'NOT met in ' + ', '.join(r['plan'] for r in below)}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
