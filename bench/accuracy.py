"""Precision and recall of extraction against the answer keys in tests/keys/, per category and plan.

The keys were built by reading the plans, not by running the code. Run:
    python bench/accuracy.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from accuracy_links import score_links  # noqa: E402
from accuracy_targets import score_targets  # noqa: E402


def main() -> int:
    rows = score_targets() + score_links()
    print(f"{'category':<12} {'plan':<20} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7}")
    for r in rows:
        print(f"{r['category']:<12} {r['plan']:<20} {r['tp']:>4} {r['fp']:>4} {r['fn']:>4} {r['precision']:>9.3f} {r['recall']:>7.3f}")
    below = [r for r in rows if r["precision"] < 0.97 or r["recall"] < 0.97]
    print(f"bar 0.97: {'met' if not below else 'NOT met in ' + str(len(below)) + ' rows'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
