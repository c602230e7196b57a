"""Copies of the plans in every form the reader accepts also pass `rightsgraph build`'s checks.

A node's offsets point into the decoded file, so in a re-wrapped copy or a web page its
``[start, end)`` encloses characters the reader dropped (page numbers, running headers, tags,
the tails of entities).  The build checks each quote against the source's anchor view, where
those characters are layout whitespace.

Every form tests/test_read.py builds is checked here in process, against the same anchor
view the build's validation uses (structure anchors, including lead statements).  A real
``rightsgraph build`` with validation on takes 15–25 s a plan, so it runs on a representative
subset, two copies a plan, chosen so that together they cover every kind of dropped
character and every decoding path:

- 2012 re-wrapped with dashed page numbers and a running header, in UTF-16 with CRLF;
- 2012 as a web page (tags, ``&ldquo;``, ``&nbsp;``), UTF-8, ``.html``;
- 2026 re-wrapped with 第N页 page numbers and a running header, in GB18030 with CR;
- 2026 as a web page in GB18030 (declared), ``.htm``.

The remaining forms (BOM, GBK, UTF-16 without BOM, reflowed) drop nothing inside a node, and
the in-process check covers them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

import variants
from conftest import PLANS, ROOT, plan_path
from rightsgraph.graph import PlanInfo, plan_graph
from rightsgraph.namespaces import OA, RG
from rightsgraph.read import read_source
from rightsgraph.segment import segment, strip_layout


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", "rightsgraph.cli", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)


def original(plan: str) -> str:
    return plan_path(plan).read_text(encoding="utf-8")


def commitments(doc) -> list[tuple[str, str]]:
    return [(n.path, n.text) for n in doc.commitments()]


def anchor_mismatches(graph: Graph, view: str) -> list[str]:
    """Anchors whose quote differs from strip_layout(view[start:end]): the build's quote check."""
    bad = []
    for anchor in set(graph.subjects(RDF.type, RG.TextAnchor)):
        selectors = list(graph.objects(anchor, OA.hasSelector))
        start = next(int(o) for s in selectors for o in graph.objects(s, OA.start))
        end = next(int(o) for s in selectors for o in graph.objects(s, OA.end))
        exact = next(str(o) for s in selectors for o in graph.objects(s, OA.exact))
        if strip_layout(view[start:end]) != exact:
            bad.append(f"{anchor}: [{start}, {end}) reads {strip_layout(view[start:end])[:30]!r}, quote {exact[:30]!r}")
    return bad


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("form", variants.FORMS)
def test_every_form_passes_the_anchor_check(plan, form, tmp_path, documents):
    name, data = variants.form(original(plan), form)
    path = tmp_path / name
    path.write_bytes(data)
    source = read_source(path)
    doc = segment(source)
    assert commitments(doc) == commitments(documents[plan])
    graph = plan_graph(doc, PlanInfo(plan, doc.start_year, doc.end_year, doc.title))
    anchors = set(graph.subjects(RDF.type, RG.TextAnchor))
    assert len(anchors) > 200
    assert anchor_mismatches(graph, source.anchor_view) == []
    if form.startswith(("rewrapped", "web-page")):  # the raw slices do enclose dropped characters
        assert anchor_mismatches(graph, source.text) != []


def _subset() -> list:
    p12, p26 = PLANS
    return [
        pytest.param(p12, "copy.txt", lambda t: variants.rewrapped(t, width=33, style="dash").replace("\n", "\r\n").encode("utf-16"), id="2012-rewrapped-dash-utf16-crlf"),
        pytest.param(p12, "plan.html", lambda t: variants.form(t, "web-page")[1], id="2012-web-page"),
        pytest.param(p26, "copy.txt", lambda t: variants.rewrapped(t, width=29, style="page").replace("\n", "\r").encode("gb18030"), id="2026-rewrapped-page-gb18030-cr"),
        pytest.param(p26, "plan.htm", lambda t: variants.form(t, "web-page-gb18030")[1], id="2026-web-page-gb18030"),
    ]


@pytest.mark.parametrize("plan, name, make", _subset())
def test_build_of_a_copy_validates_and_gives_the_same_commitments(plan, name, make, tmp_path, documents):
    path = tmp_path / name
    path.write_bytes(make(original(plan)))
    out = tmp_path / "graph"
    result = cli("build", str(path), "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    graph = Graph().parse(out / f"{plan}.ttl", format="turtle")
    built = sorted(
        (str(graph.value(c, RG.path)), str(graph.value(c, RG.text)))
        for c in graph.subjects(RDF.type, RG.Commitment)
    )
    assert built == sorted(commitments(documents[plan]))


# --- a text without a title; the header names the options of the build ------------------------


NO_TITLE = """某部门工作安排

一、第一章

——做一件事。

二、第二章

——做另一件事。
"""


def test_a_text_without_a_title_needs_a_period(tmp_path):
    path = tmp_path / "untitled.txt"
    path.write_text(NO_TITLE, encoding="utf-8")
    out = tmp_path / "graph"
    result = cli("build", str(path), "--out", str(out))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "expected" in lines[0] and "--period" in lines[0]
    assert "Traceback" not in result.stderr and not out.exists()
    result = cli("build", str(path), "--plan-id", "cn-test", "--out", str(out))  # a plan id alone gives no period
    assert result.returncode == 2 and not out.exists()


def test_period_and_plan_id_rescue_a_text_without_a_title(tmp_path):
    path = tmp_path / "untitled.txt"
    path.write_text(NO_TITLE, encoding="utf-8")
    out = tmp_path / "graph"
    args = ["--plan-id", "cn-test-2031-2035", "--period", "2031-2035", "--build-date", "2031-01-01T00:00:00"]
    result = cli("build", str(path), *args, "--no-validate", "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = (out / "cn-test-2031-2035.ttl").read_text(encoding="utf-8")
    # the header reproduces the build, options included
    assert text.splitlines()[1] == "#   rightsgraph build untitled.txt --plan-id cn-test-2031-2035 --period 2031-2035 --build-date 2031-01-01T00:00:00"
    graph = Graph().parse(data=text, format="turtle")
    plan = URIRef("https://w3id.org/rightsgraph/id/cn-test-2031-2035")
    assert graph.value(plan, RG.endYear) == Literal(2035)
    assert len(set(graph.subjects(RDF.type, RG.Commitment))) == 2
    assert graph.value(plan, DCTERMS.title) is None  # not in the text, not in the manifest: not made up


def test_header_command():
    from rightsgraph.pipeline import build_command, default_inputs

    assert build_command(default_inputs(ROOT), root=ROOT) == "rightsgraph build"
    assert build_command([Path("a.txt"), Path("my plan.htm")], ["x", "y"], ["2026-2030", "2031-2035"], None, ROOT) == (
        "rightsgraph build a.txt 'my plan.htm' --plan-id x --plan-id y --period 2026-2030 --period 2031-2035"
    )
    assert build_command(default_inputs(ROOT), (), (), "2026-06-11T00:00:00", ROOT) == "rightsgraph build --build-date 2026-06-11T00:00:00"


def test_lead_statements_are_anchored(documents):
    from rightsgraph.graph import STATEMENT_ANCHOR

    plan = "cn-nhrap-2012-2015"
    doc = documents[plan]
    graph = plan_graph(doc, PlanInfo(plan, doc.start_year, doc.end_year, doc.title))
    with_lead = [n for n in doc.nodes() if n.statement is not None]
    assert len(with_lead) > 20
    for node in with_lead:
        iri = URIRef(f"https://w3id.org/rightsgraph/id/{plan}/{node.kind}/{node.path}")
        anchor = URIRef(f"{iri}/statement-anchor")
        assert (iri, STATEMENT_ANCHOR, anchor) in graph
        assert (anchor, RDF.type, RG.TextAnchor) in graph
        quote = next(graph.objects(URIRef(f"{anchor}/quote"), OA.exact))
        assert str(quote) == node.statement.text
        assert strip_layout(doc.source.text[node.statement.start : node.statement.end]) == node.statement.text
