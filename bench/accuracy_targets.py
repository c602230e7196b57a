"""Accuracy of target extraction against the hand-built answer keys.

Builds both plans from ``texts/`` (read_source + segment), runs
:func:`rightsgraph.extract_targets.extract_targets` and compares with
``tests/keys/targets-{period}.json``.  A record matches a key record when plan, path, value,
value_max, unit, comparator, kind, year, year_implied, baseline_year agree and the indicator is
the same concept: the key's indicator wording is resolved through the catalogue's @zh labels
(matching form), else to the IRI extraction would mint for it.  Quotes are not compared: they
document the record.

Indicator linking is also scored on its own: of the key records whose other fields are matched
by an extracted record, the share whose indicator is the same concept.

Run: ``.venv/bin/python bench/accuracy_targets.py`` (exit code 1 when a plan is below the bar).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from decimal import Decimal

from rightsgraph.extract_targets import catalogue, extract_targets, minted_indicator
from rightsgraph.read import read_source
from rightsgraph.segment import segment
from rightsgraph.textnorm import matching_text
from rightsgraph.vocab import model_graph, project_root

PLANS = ("2012-2015", "2026-2030")
BAR = 0.97


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).normalize()


def _fields(plan, path, value, value_max, unit, comparator, kind, year, implied, baseline) -> tuple:
    return (plan, path, _number(value), _number(value_max), unit, comparator, kind.replace("-", "_"), int(year), bool(implied), baseline)


def key_records(key: dict, labels: dict) -> list[tuple[tuple, str, str]]:
    """(fields, indicator concept, quote) per key record."""
    plan = key["plan"].removeprefix("cn-nhrap-")
    out = []
    for r in key["targets"]:
        wording = matching_text(r["indicator"])
        concept = labels.get(wording) or minted_indicator(wording)
        f = _fields(plan, r["path"], r["value"], r["value_max"], r["unit"], r["comparator"], r["kind"], r["year"], r["year_implied"], r["baseline_year"])
        out.append((f, str(concept), r["quote"]))
    return out


def extracted_records(plan: str, records) -> list[tuple[tuple, str, str]]:
    return [
        (
            _fields(plan, r.path, r.value, r.value_max, r.unit_notation, r.comparator, r.kind, r.year, r.year_implied, r.baseline_year),
            str(r.indicator),
            r.quote.text,
        )
        for r in records
    ]


def compare(key: list, got: list) -> dict:
    """True positives, false positives, false negatives and indicator-linking agreement."""
    want = Counter((f, c) for f, c, _ in key)
    have = Counter((f, c) for f, c, _ in got)
    tp = sum((want & have).values())
    missing = want - have
    extra = have - want
    # indicator linking: key records whose fields are matched, compared on the concept
    fields_want = Counter(f for f, _, _ in key)
    fields_have = Counter(f for f, _, _ in got)
    matched_fields = fields_want & fields_have
    same = sum(min(n, have[(f, c)]) for (f, c), n in want.items() if matched_fields[f])
    linked_total = sum(matched_fields.values())
    return {
        "tp": tp,
        "fp": sum(extra.values()),
        "fn": sum(missing.values()),
        "missing": sorted(missing.elements(), key=str),
        "extra": sorted(extra.elements(), key=str),
        "link_same": same,
        "link_total": linked_total,
    }


def run() -> list[dict]:
    root = project_root()
    model = model_graph(root)
    cat = catalogue(model)
    rows = []
    for plan in PLANS:
        key = json.loads((root / "tests" / "keys" / f"targets-{plan}.json").read_text(encoding="utf-8"))
        doc = segment(read_source(root / "texts" / f"cn-nhrap-{plan}.zh.txt"))
        got = extracted_records(plan, extract_targets(doc, model, root))
        want = key_records(key, cat.labels)
        result = compare(want, got)
        quotes = {(f, c): q for f, c, q in want + got}
        result.update(plan=plan, quotes=quotes)
        rows.append(result)
    return rows


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def score_targets() -> list[dict]:
    """Rows {category, plan, tp, fp, fn, precision, recall} for bench/accuracy.py."""
    return [
        {
            "category": "targets",
            "plan": r["plan"],
            "tp": r["tp"],
            "fp": r["fp"],
            "fn": r["fn"],
            "precision": _ratio(r["tp"], r["tp"] + r["fp"]),
            "recall": _ratio(r["tp"], r["tp"] + r["fn"]),
        }
        for r in run()
    ]


def _show(record, quotes) -> str:
    f, concept = record
    plan, path, value, value_max, unit, comparator, kind, year, implied, baseline = f
    value = format(value, "f")
    rng = f"-{format(value_max, 'f')}" if value_max is not None else ""
    base = f" base {baseline}" if baseline else ""
    return f"{path:<8} {comparator}{value}{rng} {unit or ''} {kind} {year}{'*' if implied else ''}{base}  {concept.rsplit('/', 1)[1]}  「{quotes.get(record, '')}」"


def main() -> int:
    rows = run()
    print(f"{'plan':<12} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7} {'indicator linking':>18}")
    below = False
    for r in rows:
        p, rc = _ratio(r["tp"], r["tp"] + r["fp"]), _ratio(r["tp"], r["tp"] + r["fn"])
        below |= p < BAR or rc < BAR
        link = f"{r['link_same']}/{r['link_total']} = {_ratio(r['link_same'], r['link_total']):.3f}"
        print(f"{r['plan']:<12} {r['tp']:>4} {r['fp']:>4} {r['fn']:>4} {p:>9.3f} {rc:>7.3f} {link:>18}")
    for r in rows:
        if r["missing"] or r["extra"]:
            print(f"\n{r['plan']}: mismatches (* = year implied)")
            for rec in r["missing"]:
                print("  key only   ", _show(rec, r["quotes"]))
            for rec in r["extra"]:
                print("  extracted  ", _show(rec, r["quotes"]))
    print(f"\nbar {BAR}: {'NOT met' if below else 'met'}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
