"""`rightsgraph build` and `rightsgraph query`: determinism, atomic writes, clear failures."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, TEXTS, plan_path

GRAPH_FILES = [
    "cn-nhrap-2012-2015.ttl",
    "cn-nhrap-2026-2030.ttl",
    "ontology.ttl",
    "rightsgraph.nt",
    "rightsgraph.trig",
    "rightsgraph.ttl",
]


def cli(*args: str, seed: str = "0", cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run(
        [sys.executable, "-m", "rightsgraph.cli", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300
    )


def test_build_writes_every_file_with_a_generated_header(built_graph_dir):
    assert sorted(p.name for p in built_graph_dir.iterdir()) == GRAPH_FILES
    for name in GRAPH_FILES:
        head = (built_graph_dir / name).read_text(encoding="utf-8").splitlines()[:2]
        assert head[0] == "# GENERATED FILE: do not edit. Rebuild it with:"
        assert "rightsgraph build" in head[1]


def test_two_builds_are_byte_identical(built_graph_dir, tmp_path):
    """A second build in another process, with another hash seed, writes the same bytes."""
    result = cli("build", "--out", str(tmp_path), seed="12345")
    assert result.returncode == 0, result.stderr
    for name in GRAPH_FILES:
        assert (tmp_path / name).read_bytes() == (built_graph_dir / name).read_bytes(), name


def test_committed_graph_is_up_to_date(built_graph_dir):
    """graph/ is the published dataset: it must equal a fresh build. Rebuild with `rightsgraph build`."""
    stale = [n for n in GRAPH_FILES if not (ROOT / "graph" / n).exists() or (ROOT / "graph" / n).read_bytes() != (built_graph_dir / n).read_bytes()]
    assert not stale, f"graph/ is stale ({', '.join(stale)}): run `rightsgraph build` and commit graph/"



def test_no_file_uses_an_invented_prefix(built_graph_dir):
    """Every namespace has a declared prefix: an ``ns1:`` would be numbered by serialisation order."""
    import re

    for name in GRAPH_FILES:
        text = (built_graph_dir / name).read_text(encoding="utf-8")
        assert not re.search(r"^@prefix ns\d+:", text, re.M), name


def test_turtle_ignores_prefixes_bound_by_earlier_stages():
    """Validation binds prefixes of its own (pySHACL's ``sh:``); the published Turtle must not change."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDF, SKOS

    from rightsgraph.publish import turtle

    def sample() -> Graph:
        g = Graph(bind_namespaces="none")
        g.add((URIRef("https://w3id.org/rightsgraph/vocab/right/health"), RDF.type, SKOS.Concept))
        g.add((URIRef("https://w3id.org/rightsgraph/vocab/right/health"), SKOS.prefLabel, Literal("健康权", lang="zh")))
        g.add((URIRef("https://w3id.org/rightsgraph/vocab/right/health"), RDF.value, Literal(1)))
        g.add((URIRef("https://w3id.org/rightsgraph/vocab/right/health"), URIRef("https://schema.org/name"), Literal("health")))
        g.add((URIRef("https://w3id.org/rightsgraph/vocab/right/health"), URIRef("http://example.org/ext#note"), Literal("x")))
        return g

    plain, polluted = sample(), sample()
    polluted.bind("ns1", RDF)
    polluted.bind("sh", URIRef("http://www.w3.org/ns/shacl#"))
    polluted.bind("x", SKOS)
    polluted.bind("s", URIRef("https://schema.org/"))
    polluted.bind("ext", URIRef("http://example.org/ext#"))
    assert turtle(polluted) == turtle(plain)
    assert all(name in turtle(plain) for name in ("skos:prefLabel", "rdf:value", "schema:name"))

def test_serialisations_hold_the_same_graph(built_graph_dir):
    from rdflib import Dataset, Graph
    from rdflib.compare import isomorphic

    ttl = Graph().parse(built_graph_dir / "rightsgraph.ttl")
    nt = Graph().parse(built_graph_dir / "rightsgraph.nt")
    dataset = Dataset()
    dataset.parse(built_graph_dir / "rightsgraph.trig", format="trig")
    union = Graph()
    for graph in dataset.graphs():
        union += graph
    assert len(ttl) > 10000
    assert isomorphic(ttl, nt)
    assert isomorphic(ttl, union)


def test_stable_readable_iris(built_graph_dir):
    text = (built_graph_dir / "cn-nhrap-2026-2030.ttl").read_text(encoding="utf-8")
    assert "<https://w3id.org/rightsgraph/id/cn-nhrap-2026-2030/commitment/1.5.3>" in text
    assert "_:" not in text  # no blank nodes in plan files


def test_build_verbose_reports_what_it_parsed(tmp_path):
    result = cli("build", "-v", "--no-validate", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    report = result.stderr
    assert "cn-nhrap-2012-2015: 6 chapters, 22 sections, 176 commitments" in report
    assert "cn-nhrap-2026-2030: 8 chapters, 32 sections, 207 commitments" in report
    assert "encoding utf-8" in report and "page breaks repaired" in report


def test_query_commitments_lists_every_commitment_with_offsets(built_graph_dir):
    result = cli("query", "commitments", "--data", str(built_graph_dir), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[:8] == ["plan", "chapter", "section", "commitment", "path", "text", "start", "end"]
    assert len(rows) == 176 + 207
    assert {r["plan"] for r in rows} == {"2012-2015", "2026-2030"}
    texts = {p: plan_path(p).read_text(encoding="utf-8") for p in ("cn-nhrap-2012-2015", "cn-nhrap-2026-2030")}
    from rightsgraph.segment import strip_layout

    for row in rows:
        source = texts["cn-nhrap-" + row["plan"]]
        assert strip_layout(source[int(row["start"]) : int(row["end"])]) == row["text"]
    first = rows[0]
    assert (first["plan"], first["path"], first["section"]) == ("2012-2015", "1.1.1", "工作权利")


def test_query_formats(built_graph_dir):
    out = cli("query", "commitments", "--data", str(built_graph_dir), "--format", "json", "--param", "plan=2026-2030")
    rows = json.loads(out.stdout)
    assert len(rows) == 207 and rows[-1]["path"] == "8.4"
    tsv = cli("query", "commitments", "--data", str(built_graph_dir), "--format", "tsv", "--param", "plan=2012-2015")
    assert len(tsv.stdout.splitlines()) == 177
    table = cli("query", "commitments", "--data", str(built_graph_dir), "--param", "plan=2012-2015")
    assert table.stdout.rstrip().endswith("(176 rows)")


def test_query_list_names_every_query_file():
    result = cli("query", "--list")
    assert result.returncode == 0
    for path in (ROOT / "queries").glob("*.rq"):
        assert path.stem in result.stdout


def test_plan_id_and_period_overrides(tmp_path):
    out = tmp_path / "g"
    result = cli("build", str(plan_path("cn-nhrap-2026-2030")), "--plan-id", "cn-test", "--period", "2026-2031", "--no-validate", "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = (out / "cn-test.ttl").read_text(encoding="utf-8")
    assert "rg:endYear 2031" in text and "<https://w3id.org/rightsgraph/id/cn-test/commitment/1.5.3>" in text


def _bad_inputs(tmp_path: Path) -> dict[str, list[str]]:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.bin"
    binary.write_bytes(bytes(range(256)) * 64)
    prose = tmp_path / "prose.txt"
    prose.write_text("这是一段普通的文字。\n\n没有任何章节结构。\n", encoding="utf-8")
    twice = str(plan_path("cn-nhrap-2012-2015"))
    return {
        "missing": [str(tmp_path / "nope.txt")],
        "empty": [str(empty)],
        "binary": [str(binary)],
        "no structure": [str(prose)],
        "plan id twice": [twice, twice],
        "bad period": [twice, "--period", "2015-2012"],
        "bad build date": [twice, "--build-date", "yesterday"],
    }


@pytest.mark.parametrize("case", ["missing", "empty", "binary", "no structure", "plan id twice", "bad period", "bad build date"])
def test_user_errors_get_one_line_exit_2_and_no_output(case, tmp_path):
    args = _bad_inputs(tmp_path)[case]
    out = tmp_path / "out"
    result = cli("build", *args, "--out", str(out))
    assert result.returncode == 2, (case, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("rightsgraph: error: ") and "expected" in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not out.exists()


def test_failed_build_leaves_previous_graph_untouched(tmp_path, built_graph_dir):
    out = tmp_path / "graph"
    shutil.copytree(built_graph_dir, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = cli("build", str(tmp_path / "missing.txt"), "--out", str(out))
    assert result.returncode == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_write_atomically_cleans_up_when_a_file_fails(tmp_path):
    from rightsgraph.publish import write_atomically

    target = tmp_path / "a.ttl"
    target.write_text("old", encoding="utf-8")
    blocker = tmp_path / "sub"
    blocker.write_text("a file where a directory is needed", encoding="utf-8")
    with pytest.raises(OSError):
        write_atomically({target: "new", blocker / "b.ttl": "x"})
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ttl", "sub"]


def test_manifest_refuses_a_changed_text(tmp_path):
    from rightsgraph.errors import InputError
    from rightsgraph.pipeline import check_manifest_hash, load_manifest

    (tmp_path / "texts").mkdir()
    shutil.copy(TEXTS / "manifest.json", tmp_path / "texts")
    changed = tmp_path / "texts" / "cn-nhrap-2026-2030.zh.txt"
    changed.write_bytes(plan_path("cn-nhrap-2026-2030").read_bytes() + b"\n")
    with pytest.raises(InputError, match="does not match texts/manifest.json"):
        check_manifest_hash(changed, tmp_path, load_manifest(tmp_path))


def test_texts_are_byte_identical_to_the_manifest():
    import hashlib

    manifest = json.loads((TEXTS / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["plans"]:
        assert hashlib.sha256((TEXTS / entry["file"]).read_bytes()).hexdigest() == entry["sha256"]


def test_build_refuses_a_graph_that_does_not_conform(tmp_path, monkeypatch):
    """With validation on (the default), a broken contract means exit 1 and nothing written."""
    from rdflib import Literal

    from rightsgraph import pipeline
    from rightsgraph.errors import GraphDoesNotConform
    from rightsgraph.namespaces import RG

    original = pipeline.plan_graph

    def broken(doc, info, build_date=None):
        graph = original(doc, info, build_date)
        graph.add((pipeline.plan_iri(info.plan_id), RG.startYear, Literal(3000)))  # start after end
        return graph

    monkeypatch.setattr(pipeline, "plan_graph", broken)
    out = tmp_path / "out"
    with pytest.raises(GraphDoesNotConform) as caught:
        pipeline.build([plan_path("cn-nhrap-2026-2030")], out)
    assert "startYear" in caught.value.report or "start" in caught.value.report
    assert not out.exists()


@pytest.mark.parametrize("args", [["build", "--bogus"], ["query", "commitments", "--format", "xml"], ["no-such-command"]])
def test_usage_errors_are_one_line(args):
    """click's four-line usage block becomes one line naming the problem and the help to read."""
    result = cli(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rightsgraph: error: ") and "--help" in lines[0], result.stderr
    assert "Traceback" not in result.stderr
