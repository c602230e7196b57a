"""The README's model diagram is generated from the ontology, and its commands exist."""

from __future__ import annotations

import re

from conftest import ROOT
from rightsgraph.cli import main, readme_diagram_block


def test_readme_diagram_is_generated_from_the_ontology():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_diagram_block() in readme, "README diagram is stale: run `rightsgraph docs --readme`"


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `rightsgraph (\w+)", readme, flags=re.M))
    assert documented == set(main.commands)


def test_every_named_query_is_in_the_readme_table():
    from rightsgraph.query import list_queries

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [q.name for q in list_queries() if f"| `{q.name}` |" not in readme]
    assert not missing, f"README's query table lacks: {', '.join(missing)}"
