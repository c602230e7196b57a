"""Precision and recall of extraction against the answer keys in tests/keys/, per category and plan.

The keys were built by reading the plans, not by running the code. Run:
    python bench/accuracy.py            # print the table (exit 0)
    python bench/accuracy.py --check    # also exit 1 when a category/plan is below the bar (0.97)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from accuracy_bodies import score_bodies  # noqa: E402
from accuracy_links import score_links  # noqa: E402
from accuracy_targets import score_targets  # noqa: E402

BAR = 0.97


def below_bar(rows: list[dict], bar: float = BAR) -> list[dict]:
    """The rows whose precision or recall is below ``bar``."""
    return [r for r in rows if r["precision"] < bar or r["recall"] < bar]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help=f"exit 1 when any category/plan is below {BAR} precision or recall")
    args = parser.parse_args(argv)
    rows = score_targets() + score_links() + score_bodies()
    print(f"{'category':<12} {'plan':<20} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7}")
    for r in rows:
        print(f"{r['category']:<12} {r['plan']:<20} {r['tp']:>4} {r['fp']:>4} {r['fn']:>4} {r['precision']:>9.3f} {r['recall']:>7.3f}")
    below = below_bar(rows)
    if below:
        print(f"bar {BAR}: NOT met in " + ", ".join(f"{r['category']} {r['plan']}" for r in below))
    else:
        print(f"bar {BAR}: met")
    return 1 if args.check and below else 0


if __name__ == "__main__":
    raise SystemExit(main())
