"""Accuracy of link extraction against the hand-built answer keys.

Compares :func:`rightsgraph.extract_links.extract_links` on the two plans in ``texts/`` with
``tests/keys/references-{period}.json`` and prints precision and recall per category (laws,
treaties, mechanisms, documents) and plan, then every mismatch.

Records are matched on

* laws: (plan, path, instrument concept, action, kind)
* treaties: (plan, path, treaty abbreviation, context, report cycle)
* mechanisms: (plan, path, mechanism abbreviation, context)
* documents: (plan, path, document concept, action, period)

An instrument or document of the key is turned into a concept exactly as extraction does it
(by the @zh labels of ``ontology/vocab/``, else the same minted IRI), so a concept is compared
as a concept, not as a string.  Quotes are not compared: they document the record.

Run: ``.venv/bin/python bench/accuracy_links.py`` (exit code 1 when a category is below the bar).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rightsgraph.extract_links import Links, extract_links, resolve, vocab_index
from rightsgraph.read import read_source
from rightsgraph.segment import segment
from rightsgraph.vocab import model_graph, project_root

PLANS = ("2012-2015", "2026-2030")
CATEGORIES = ("laws", "treaties", "mechanisms", "documents")
BAR = 0.97


def _kind(value: str) -> str:
    return value.replace("_", "-")


def key_records(key: dict, vocab) -> dict[str, set[tuple]]:
    """The key's records as comparable tuples, per category."""
    plan = key["plan"].removeprefix("cn-nhrap-")
    out: dict[str, set[tuple]] = {c: set() for c in CATEGORIES}
    for r in key["laws"]:
        concept, _ = resolve(vocab, "instrument", r["instrument"])
        out["laws"].add((plan, r["path"], str(concept), r["action"], _kind(r["kind"])))
    for r in key["treaties"]:
        out["treaties"].add((plan, r["path"], r["treaty"], r["context"], r.get("report_cycle")))
    for r in key["mechanisms"]:
        out["mechanisms"].add((plan, r["path"], r["mechanism"], r["context"]))
    for r in key["documents"]:
        concept, _ = resolve(vocab, "document", r["document"])
        out["documents"].add((plan, r["path"], str(concept), r["action"], r.get("period")))
    return out


def extracted_records(plan: str, links: Links) -> dict[str, set[tuple]]:
    out: dict[str, set[tuple]] = {c: set() for c in CATEGORIES}
    for l in links.laws:
        out["laws"].add((plan, l.path, str(l.instrument), l.action, l.kind))
    for t in links.treaties:
        if t.mechanism:
            out["mechanisms"].add((plan, t.path, t.abbreviation, t.context))
        else:
            out["treaties"].add((plan, t.path, t.abbreviation, t.context, t.report_cycle))
    for d in links.documents:
        out["documents"].add((plan, d.path, str(d.document), d.action, d.period))
    return out


def report_actions(key: dict, links: Links) -> tuple[int, int, list[str]]:
    """Reporting actions (draft/submit/review) of the key's report records against extraction.

    Not part of the matching (the keys write them as a string or a list); reported for information.
    """
    got = {(t.path, t.abbreviation): set(t.report_actions) for t in links.treaties if t.context == "report"}
    agree, total, lines = 0, 0, []
    for r in key["treaties"] + key["mechanisms"]:
        if r["context"] != "report":
            continue
        total += 1
        want = r.get("report_action") or []
        want = {want} if isinstance(want, str) else set(want)
        have = got.get((r["path"], r.get("treaty") or r.get("mechanism")), set())
        if have == want:
            agree += 1
        else:
            lines.append(f"~ actions   {key['plan']} {r['path']} {r.get('treaty') or r.get('mechanism')}: key {sorted(want)}, extracted {sorted(have)}")
    return agree, total, lines


def compare(root: Path | None = None) -> tuple[list[dict], list[str]]:
    """Score rows and the mismatch lines."""
    root = root or project_root()
    model = model_graph(root)
    vocab = vocab_index(model)
    labels = {}
    for scheme in ("instrument", "document"):
        for label, concept in vocab.labels[scheme]:
            labels.setdefault(str(concept), label)
    rows: list[dict] = []
    lines: list[str] = []
    for plan in PLANS:
        key = json.loads((root / "tests" / "keys" / f"references-{plan}.json").read_text(encoding="utf-8"))
        doc = segment(read_source(root / "texts" / f"cn-nhrap-{plan}.zh.txt"))
        links = extract_links(doc, model, root)
        got = extracted_records(plan, links)
        want = key_records(key, vocab)
        agree, total, action_lines = report_actions(key, links)
        lines.append(f"report actions {plan}: {agree}/{total} as in the key")
        lines.extend(action_lines)
        for category in CATEGORIES:
            tp = len(got[category] & want[category])
            fp = sorted(got[category] - want[category])
            fn = sorted(want[category] - got[category])
            rows.append(score_row(category, plan, tp, len(fp), len(fn)))
            for sign, records in (("+ extra  ", fp), ("- missing", fn)):
                for record in records:
                    shown = tuple(labels.get(v, v) if isinstance(v, str) else v for v in record)
                    lines.append(f"{sign} {category:10} {shown}")
    return rows, lines


def score_row(category: str, plan: str, tp: int, fp: int, fn: int) -> dict:
    """One row of the accuracy table; an empty side counts as perfect (nothing to find or nothing found)."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"category": category, "plan": plan, "tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall}


def print_table(rows: list[dict]) -> None:
    print(f"{'category':12}{'plan':11}{'tp':>4}{'fp':>4}{'fn':>4}{'precision':>11}{'recall':>8}")
    for r in rows:
        print(f"{r['category']:12}{r['plan']:11}{r['tp']:>4}{r['fp']:>4}{r['fn']:>4}{r['precision']:>11.3f}{r['recall']:>8.3f}")


def score_links(root: Path | None = None) -> list[dict]:
    """Rows {category, plan, tp, fp, fn, precision, recall} for both plans and four categories."""
    return compare(root)[0]


def main() -> int:
    rows, lines = compare()
    print_table(rows)
    print("\n" + "\n".join(line for line in lines if line.startswith("report actions")))
    mismatches = [line for line in lines if not line.startswith("report actions")]
    if mismatches:
        print("\nmismatches (+ extracted, not in the key; - in the key, not extracted; ~ differing actions):")
        print("\n".join(mismatches))
    below = [r for r in rows if r["precision"] < BAR or r["recall"] < BAR]
    print(f"\nbar {BAR}: {'met' if not below else 'NOT met in ' + ', '.join(r['category'] + ' ' + r['plan'] for r in below)}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
