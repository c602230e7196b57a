"""Shared fixtures: the project root, the two source texts and their parsed documents."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ROOT / "texts"
PLANS = ("cn-nhrap-2012-2015", "cn-nhrap-2026-2030")
sys.path.insert(0, str(Path(__file__).parent))  # the test helpers (variants.py) beside this file


def plan_path(plan_id: str) -> Path:
    return TEXTS / f"{plan_id}.zh.txt"


@pytest.fixture(scope="session")
def structure_key() -> dict:
    return json.loads((ROOT / "tests" / "keys" / "structure.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def documents() -> dict:
    from rightsgraph.read import read_source
    from rightsgraph.segment import segment

    return {plan: segment(read_source(plan_path(plan))) for plan in PLANS}


@pytest.fixture(scope="session")
def built_graph_dir(tmp_path_factory) -> Path:
    """One build of both plans into a temporary directory, shared by the tests that read it."""
    from rightsgraph.pipeline import build

    out = tmp_path_factory.mktemp("graph")
    build(None, out)
    return out
