"""Every named query answers hand-checked questions, through the command users type.

Why: a named query is a promise about what a column means.  The expected rows below were read
off the plans in texts/ and the curated files in ontology/ (line numbers given), not taken
from a run of the code.  `rightsgraph query` runs on the embedded Oxigraph store; engine parity
with rdflib and with a remote endpoint is tested in test_endpoint.py and test_push.py.
"""

from __future__ import annotations

import csv
import io
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from rightsgraph.cli import main
from rightsgraph.query import list_queries

QUERIES = list_queries()
REQUIRED = {
    "commitments", "commitments-by-treaty", "coverage-diff", "documents", "duty-bearers", "group-right",
    "laws", "legislative-agenda", "reporting-obligations", "target-series", "targets", "treaty-articles",
    "treaty-links", "treaty-mentions",
}


def run(graph: Path, *args: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(main, ["query", *args, "--data", str(graph), "--format", "csv"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))


def test_the_named_queries_the_issue_asks_for_exist() -> None:
    assert REQUIRED <= {q.name for q in QUERIES}


@pytest.mark.parametrize("named", QUERIES, ids=[q.name for q in QUERIES])
def test_header_documents_title_description_parameters_and_example(named) -> None:
    assert named.title and named.title != named.name
    assert len(named.description) > 80
    assert named.example.startswith(f"rightsgraph query {named.name}")
    declared = {p.name for p in named.parameters}
    for word in shlex.split(named.example):
        if "=" in word and not word.startswith("-"):
            assert word.split("=", 1)[0] in declared, word
    for param in named.parameters:
        assert param.type and param.description, param.name


@pytest.mark.parametrize("named", QUERIES, ids=[q.name for q in QUERIES])
def test_documented_example_runs(named, built_graph_dir: Path) -> None:
    args = shlex.split(named.example)[2:]
    result = CliRunner().invoke(main, ["query", *args, "--data", str(built_graph_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.strip()


# --- treaties ----------------------------------------------------------------------------------


def test_crc_named_in_both_plans(built_graph_dir: Path) -> None:
    """2012 text l.1343 (5.1.4: CRC 3rd-4th combined report review); 2026 text l.674 (7.4.2:
    CRC 5th-6th combined report review). The OPAC report (2012 l.1349) is another instrument."""
    rows = run(built_graph_dir, "commitments-by-treaty", "--param", "treaty=CRC", "--param", "mode=strict")
    assert [(r["plan"], r["commitment"], r["how"], r["context"]) for r in rows] == [
        ("2012-2015", "5.1.4", "named", "report"),
        ("2026-2030", "7.4.2", "named", "report"),
    ]
    assert rows[1]["quote"].startswith("《儿童权利公约》第五至六次合并报告")


def test_broad_mode_adds_crosswalk_articles(built_graph_dir: Path) -> None:
    """2026 section 4.3 儿童权益 (l.480) gives children's rights to all its 11 bullets, and the
    crosswalk (right-treaty-provision.csv) protects children's rights by CRC art. 3."""
    strict = run(built_graph_dir, "commitments-by-treaty", "--param", "treaty=CRC", "--param", "mode=strict")
    broad = run(built_graph_dir, "commitments-by-treaty", "--param", "treaty=CRC")
    def without_mode(rows):
        return {tuple(v for k, v in r.items() if k != "mode") for r in rows}

    assert without_mode(strict) <= without_mode(broad)
    assert {r["how"] for r in broad if tuple(v for k, v in r.items() if k != "mode") not in without_mode(strict)} == {"crosswalk"}
    named = {(r["plan"], r["commitment"]) for r in broad if r["how"] == "named"}
    assert named == {(r["plan"], r["commitment"]) for r in strict}
    art3 = {r["commitment"] for r in broad if r["how"] == "crosswalk" and r["plan"] == "2026-2030" and r["right"] == "children-rights" and r["article"] == "3"}
    assert {f"4.3.{n}" for n in range(1, 12)} <= art3
    assert all(r["right_link"] in ("section", "text") for r in broad if r["how"] == "crosswalk")


def test_treaty_articles_of_one_commitment(built_graph_dir: Path) -> None:
    """2026 4.3.7 提升儿童健康保障水平 (l.500): children's rights from its section → CRC arts. 2 and 3."""
    rows = run(built_graph_dir, "treaty-articles", "--param", "plan=2026-2030", "--param", "commitment=4.3.7")
    assert {r["commitment"] for r in rows} == {"4.3.7"}
    children = {(r["treaty"], r["article"], r["right_link"]) for r in rows if r["right"] == "children-rights"}
    assert {("CRC", "2", "section"), ("CRC", "3", "section"), ("ICCPR", "24", "section")} <= children
    assert all(r["source"].startswith(f"{r['treaty']} art. ") for r in rows)


def test_treaty_links_graph_names_only_what_the_text_names(built_graph_dir: Path) -> None:
    result = CliRunner().invoke(main, ["query", "treaty-links", "--param", "treaty=CRC", "--data", str(built_graph_dir), "--format", "ttl"])
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.output, format="turtle")
    mentions = URIRef("https://w3id.org/rightsgraph/ontology#mentionsTreaty")
    named = sorted(str(s).rsplit("/id/", 1)[1] for s in graph.subjects(mentions, None))
    assert named == ["cn-nhrap-2012-2015/commitment/5.1.4", "cn-nhrap-2026-2030/commitment/7.4.2"]


def test_reporting_obligations_crc(built_graph_dir: Path) -> None:
    rows = run(built_graph_dir, "reporting-obligations", "--param", "treaty=CRC")
    assert [(r["plan"], r["commitment"], r["cycle"], r["action"]) for r in rows] == [
        ("2012-2015", "5.1.4", "3-4", "review"),
        ("2026-2030", "7.4.2", "5-6", "review"),
    ]


# --- targets -----------------------------------------------------------------------------------


def test_life_expectancy_series(built_graph_dir: Path) -> None:
    """2012 l.363: 到2015年，人均期望寿命达到74.5岁; 2026 l.194: 人均预期寿命提高到80岁."""
    rows = run(built_graph_dir, "target-series", "--param", "indicator_id=life-expectancy")
    assert [(r["plan"], r["year"], r["value"], r["comparator"], r["unit"]) for r in rows] == [
        ("2012-2015", "2015", "74.5", "=", "岁"),
        ("2026-2030", "2030", "80", "=", "岁"),
    ]


def test_target_series_kind_parameter_reaches_the_pairing(built_graph_dir: Path) -> None:
    everything = run(built_graph_dir, "target-series")
    levels = run(built_graph_dir, "target-series", "--param", "kind=level")
    assert levels and all(r["kind"] == "level" for r in levels)
    for rows in (everything, levels):  # a series has a point in each of at least two plans
        plans: dict[tuple[str, str], set[str]] = {}
        for r in rows:
            plans.setdefault((r["indicator_id"], r["kind"]), set()).add(r["plan"])
        assert all(len(p) > 1 for p in plans.values())


def test_targets_life_expectancy_rows(built_graph_dir: Path) -> None:
    rows = [r for r in run(built_graph_dir, "targets") if r["indicator_en"] == "life expectancy"]
    assert [(r["plan"], r["commitment"], r["value"], r["year"], r["year_implied"]) for r in rows] == [
        ("2012-2015", "1.4.2", "74.5", "2015", "false"),
        ("2026-2030", "1.5.2", "80", "2030", "true"),
    ]


EXPORT_COLUMNS = {
    "targets": "plan section commitment indicator indicator_en value value_max unit comparator kind year year_implied baseline_year quote start end",
    "laws": "plan commitment instrument kind action quote start end",
    "treaty-mentions": "plan commitment treaty context report_cycle quote start end",
    "commitments": "plan chapter section commitment path text start end rights groups bodies",
    "documents": "plan commitment document period action quote start end",
}


@pytest.mark.parametrize("name", sorted(EXPORT_COLUMNS))
def test_exports_have_exactly_the_issue_columns(name: str, built_graph_dir: Path) -> None:
    """Issue 4: exactly these columns, in this order, in every format."""
    for fmt in ("csv", "tsv"):
        result = CliRunner().invoke(main, ["query", name, "--data", str(built_graph_dir), "--format", fmt])
        assert result.exit_code == 0, result.output
        header = result.output.splitlines()[0].split("," if fmt == "csv" else "\t")
        assert header == EXPORT_COLUMNS[name].split(), fmt
    result = CliRunner().invoke(main, ["query", name, "--data", str(built_graph_dir), "--format", "json"])
    import json

    rows = json.loads(result.output)
    assert rows and list(rows[0]) == EXPORT_COLUMNS[name].split()


# --- groups, rights, bodies ------------------------------------------------------------------------


def test_group_right_matrix(built_graph_dir: Path) -> None:
    broad = run(built_graph_dir, "group-right", "--param", "plan=2026-2030")
    strict = run(built_graph_dir, "group-right", "--param", "plan=2026-2030", "--param", "mode=strict")
    cells = {(r["group"], r["right"]): int(r["commitments"]) for r in broad}
    assert cells[("children", "children-rights")] >= 11  # the 11 bullets of 4.3 儿童权益
    assert all(r["mode"] == "broad" for r in broad) and all(r["mode"] == "strict" for r in strict)
    for r in strict:
        assert int(r["commitments"]) <= cells[(r["group"], r["right"])]
    assert sum(int(r["commitments"]) for r in strict) < sum(cells.values())


def test_coverage_diff_digital_rights_are_new(built_graph_dir: Path) -> None:
    """2026 section 5.1 创造美好数智生活 (l.548, 9 bullets); the 2012 text has no such section."""
    rows = {r["concept"]: r for r in run(built_graph_dir, "coverage-diff", "--param", "kind=right")}
    digital = rows["digital-rights"]
    assert (digital["count_a"], digital["presence"]) == ("0", "only 2026-2030")
    assert int(digital["count_b"]) >= 9
    assert rows["health"]["presence"] == "both"
    assert all(int(r["count_a"]) + int(r["count_b"]) > 0 for r in rows.values())


def test_duty_bearers_procuratorates_2012(built_graph_dir: Path) -> None:
    """人民检察院 acts in 2012 l.641 (2.1.4), l.689 (2.2.2), l.695 (2.2.3), l.741 (2.3.6);
    at l.933 it is supervised, not an actor."""
    rows = run(built_graph_dir, "duty-bearers", "--param", "plan=2012-2015", "--param", "body=peoples-procuratorates")
    assert len(rows) == 1
    assert rows[0]["commitments"] == "4"
    assert sorted(rows[0]["paths"].split("|")) == ["2.1.4", "2.2.2", "2.2.3", "2.3.6"]


# --- the command -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (["group-right", "--param", "mode=wide"], "expected one of: strict, broad"),
        (["targets", "--format", "ttl"], "needs a CONSTRUCT or DESCRIBE query"),
        (["treaty-links"], "needs --format ttl"),
        (["no-such-query"], "unknown query 'no-such-query'"),
        (["targets", "--param", "colour=red"], "unknown parameter 'colour'"),
    ],
)
def test_bad_query_input_is_one_line(args: list[str], message: str, built_graph_dir: Path) -> None:
    result = CliRunner().invoke(main, ["query", *args, "--data", str(built_graph_dir)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.output
