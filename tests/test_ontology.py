"""Checks of the ontology and the vocabulary files.

(a) HermiT (through owlready2) finds ontology/rightsgraph.ttl plus every
    ontology/vocab/*.ttl consistent and no named class unsatisfiable;
(b) every quality-control query ontology/qc/*-violation.rq returns no row over
    the same files plus the crosswalks ontology/crosswalk/*.csv as the build
    reads them (rightsgraph.vocab.model_graph); each row is a defect, printed on
    failure;
(c) the harness itself can fail: the globs find the files, and every query and
    the reasoner run are shown to report a planted defect.

The vocabulary files are globbed, not listed, so files other contributors add
to ontology/vocab/ are checked as soon as they exist.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Namespace
from rdflib.plugins.sparql import prepareQuery

REPO = Path(__file__).resolve().parents[1]
ONTOLOGY = REPO / "ontology" / "rightsgraph.ttl"
VOCAB_DIR = REPO / "ontology" / "vocab"
QC_DIR = REPO / "ontology" / "qc"
CROSSWALK_DIR = REPO / "ontology" / "crosswalk"
RG_NS = Namespace("https://w3id.org/rightsgraph/ontology#")

VOCAB_FILES = sorted(VOCAB_DIR.glob("*.ttl"))
QC_FILES = sorted(QC_DIR.glob("*.rq"))
VIOLATION_QUERIES = sorted(QC_DIR.glob("*-violation.rq"))

# Files this test relies on; other vocabulary files are checked when present.
REQUIRED_VOCAB = {"controlled.ttl", "units.ttl"}

PREFIXES = """
@prefix rg:      <https://w3id.org/rightsgraph/ontology#> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix qudt:    <http://qudt.org/schema/qudt/> .
@prefix wd:      <http://www.wikidata.org/entity/> .
@prefix v:       <https://w3id.org/rightsgraph/vocab/> .
@prefix t:       <https://w3id.org/rightsgraph/vocab/treaty/> .
@prefix r:       <https://w3id.org/rightsgraph/vocab/right/> .
@prefix u:       <https://w3id.org/rightsgraph/vocab/unit/> .
"""

# A well-formed treaty used as the base of the treaty defects below.
_TREATY_OK = """
t:TEST a rg:Treaty , skos:Concept ; skos:inScheme v:treaty ; skos:notation "TEST" ;
    skos:prefLabel "测试公约"@zh , "Test Convention"@en ; rg:abbreviation "TEST" ;
    skos:exactMatch wd:Q1 ; dcterms:source "test" .
v:treaty a skos:ConceptScheme ; skos:prefLabel "条约"@zh , "treaties"@en ;
    skos:definition "test scheme"@en .
"""

# One planted defect per violation query: each must make its query return a row.
DEFECTS: dict[str, str] = {
    "missing-zh-label-violation": 'rg:Foo a owl:Class ; rdfs:label "foo"@en ; skos:definition "x"@en .',
    "missing-en-label-violation": 'rg:Foo a owl:Class ; rdfs:label "甲"@zh ; skos:definition "x"@en .',
    "multiple-labels-violation": 'rg:Right rdfs:label "人权"@zh .',
    "untagged-label-violation": 'u:percent skos:altLabel "pct" .',
    "missing-definition-violation": 'rg:Foo a owl:Class ; rdfs:label "甲"@zh , "foo"@en .',
    "concept-without-scheme-violation": 'r:x a rg:Right ; skos:prefLabel "甲"@zh , "x"@en ; skos:notation "x" .',
    "concept-without-notation-violation": 'u:x a rg:Unit , skos:Concept ; skos:inScheme v:unit .',
    "duplicate-label-in-scheme-violation": 'u:ren skos:altLabel "万人"@zh .',
    "treaty-without-abbreviation-violation": _TREATY_OK.replace('rg:abbreviation "TEST" ;', ""),
    "treaty-without-wikidata-or-unverified-violation": _TREATY_OK.replace("skos:exactMatch wd:Q1 ;", ""),
    "treaty-without-monitoring-body-violation": _TREATY_OK + "t:TEST rg:isCoreTreaty true .",
    "undefined-term-violation": "u:percent rg:conversionFactor 0.01 .",
    "dangling-vocab-reference-violation": "u:percent skos:broader u:no-such-unit .",
    "disjoint-types-violation": "u:percent a rg:Right .",
    "concept-in-wrong-scheme-violation": "u:percent a rg:Right .",
    "concept-without-class-violation": 'u:x a skos:Concept ; skos:inScheme v:unit .',
    "controlled-value-out-of-scheme-violation": "t:TEST rg:chinaStatus <https://w3id.org/rightsgraph/vocab/comparator/eq> .",
    "external-fact-without-source-violation": 'r:x a rg:Right ; skos:exactMatch wd:Q8458 .',
    "unit-without-qudt-link-violation": 'u:x a rg:Unit ; qudt:conversionMultiplier 1.0 .',
    "unit-without-multiplier-violation": 'u:x a rg:Unit ; skos:broadMatch <http://qudt.org/vocab/unit/NUM> .',
    "property-kind-mismatch-violation": 'u:percent rg:article u:permille ; rg:monitoringBody "CESCR" .',
    "ontology-header-violation": "",  # the base graph without the ontology file has no header
    "instrument-without-source-or-unverified-violation": (
        '<https://w3id.org/rightsgraph/vocab/instrument/x> a rg:LegalInstrument , skos:Concept ;'
        ' skos:inScheme v:instrument ; skos:prefLabel "某法"@zh , "Some Law"@en .'
    ),
}
# Queries whose defect is the absence of a file rather than an added triple.
BASE_WITHOUT_ONTOLOGY = {"ontology-header-violation"}


def _parse(paths: list[Path], extra: str = "") -> Graph:
    g = Graph()
    for path in paths:
        g.parse(path, format="turtle")
    if extra:
        g.parse(data=PREFIXES + extra, format="turtle")
    return g


def _run(graph: Graph, query_file: Path) -> list[tuple[str, ...]]:
    result = graph.query(query_file.read_text(encoding="utf-8"))
    return [tuple("" if v is None else str(v) for v in row) for row in result]


@pytest.fixture(scope="module")
def full_graph() -> Graph:
    """Ontology, every vocabulary file in ontology/vocab/ and every crosswalk in
    ontology/crosswalk/, loaded the way the build loads them (rightsgraph.vocab.model_graph),
    so that the TreatyProvision concepts and links minted from crosswalk rows are QC'd too."""
    from rightsgraph.vocab import model_graph

    graph = model_graph(REPO)
    assert set(graph.subjects(RDF.type, RG_NS.RightProvisionLink)), "no crosswalk row was loaded"
    return graph


# ---------------------------------------------------------------------------
# (c) the harness finds what it checks
# ---------------------------------------------------------------------------


def test_files_are_found() -> None:
    assert ONTOLOGY.is_file(), ONTOLOGY
    assert REQUIRED_VOCAB <= {p.name for p in VOCAB_FILES}, f"vocab glob found {VOCAB_FILES}"
    assert len(VIOLATION_QUERIES) >= 15, f"qc glob found only {VIOLATION_QUERIES}"
    assert sorted(CROSSWALK_DIR.glob("*.csv")), f"no crosswalk CSV in {CROSSWALK_DIR}"


@pytest.mark.parametrize("query_file", QC_FILES, ids=lambda p: p.stem)
def test_query_is_documented_and_parses(query_file: Path) -> None:
    text = query_file.read_text(encoding="utf-8")
    assert text.startswith("# "), f"{query_file.name} must start with a comment saying what it checks"
    prepareQuery(text)


def test_every_violation_query_has_a_planted_defect() -> None:
    """New queries must come with a defect that proves they can fire."""
    assert {q.stem for q in VIOLATION_QUERIES} == set(DEFECTS)


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_violation_query_catches_planted_defect(name: str) -> None:
    base = [p for p in VOCAB_FILES if p.name in REQUIRED_VOCAB]
    if name not in BASE_WITHOUT_ONTOLOGY:
        base = [ONTOLOGY, *base]
    graph = _parse(base, DEFECTS[name])
    rows = _run(graph, QC_DIR / f"{name}.rq")
    assert rows, f"{name}.rq did not report its planted defect"


# ---------------------------------------------------------------------------
# (b) quality control over the real files
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("query_file", VIOLATION_QUERIES, ids=lambda p: p.stem)
def test_no_violations(full_graph: Graph, query_file: Path) -> None:
    rows = _run(full_graph, query_file)
    if rows:
        variables = [str(v) for v in full_graph.query(query_file.read_text(encoding="utf-8")).vars or []]
        shown = "\n".join("  " + " | ".join(row) for row in rows[:50])
        more = f"\n  ... and {len(rows) - 50} more" if len(rows) > 50 else ""
        pytest.fail(
            f"{query_file.name}: {len(rows)} violation(s) ({' | '.join(variables)}):\n{shown}{more}",
            pytrace=False,
        )


# ---------------------------------------------------------------------------
# (a) OWL reasoning with HermiT
# ---------------------------------------------------------------------------


def _reason(extra: str = "") -> tuple[bool, list[str]]:
    """Run HermiT over ontology + vocabulary (+ extra Turtle).

    Returns (consistent, unsatisfiable class IRIs). owlready2 reads RDF/XML or
    N-Triples only, so the Turtle is merged and converted with rdflib first.
    Datatypes outside the OWL 2 datatype map (xsd:date, xsd:gYear in the
    vocabulary) are legitimate RDF, so HermiT is told to ignore them rather
    than abort.
    """
    owlready2 = pytest.importorskip("owlready2")
    if shutil.which(owlready2.JAVA_EXE) is None:
        pytest.fail("HermiT needs Java: install a JRE (e.g. apt-get install default-jre-headless)")
    graph = _parse([ONTOLOGY, *VOCAB_FILES], extra)
    fd, name = tempfile.mkstemp(suffix=".nt")
    os.close(fd)
    path = Path(name)
    try:
        graph.serialize(destination=path, format="nt", encoding="utf-8")
        world = owlready2.World()
        world.get_ontology(path.as_uri()).load()
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True)
        except owlready2.OwlReadyInconsistentOntologyError:
            return False, []
        unsat = sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)
        return True, unsat
    finally:
        path.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def reasoned() -> tuple[bool, list[str]]:
    return _reason()


def test_ontology_and_vocab_are_consistent(reasoned: tuple[bool, list[str]]) -> None:
    consistent, _ = reasoned
    assert consistent, (
        "HermiT: ontology + vocab are inconsistent; "
        "qc/disjoint-types-violation.rq usually names the culprit"
    )


def test_no_unsatisfiable_class(reasoned: tuple[bool, list[str]]) -> None:
    _, unsat = reasoned
    assert not unsat, f"unsatisfiable classes: {unsat}"


def test_reasoner_detects_planted_inconsistency() -> None:
    consistent, _ = _reason("r:planted a rg:Right , rg:Treaty .")
    assert not consistent


def test_reasoner_detects_planted_unsatisfiable_class() -> None:
    consistent, unsat = _reason("rg:Planted a owl:Class ; rdfs:subClassOf rg:Right , rg:Unit .")
    assert consistent and unsat == ["https://w3id.org/rightsgraph/ontology#Planted"]



# ---------------------------------------------------------------------------
# Generated documentation (rightsgraph.docs)
# ---------------------------------------------------------------------------


def _ontology_terms(kind: str) -> list[str]:
    g = _parse([ONTOLOGY])
    rows = g.query(
        f"""PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?t WHERE {{ ?t a owl:{kind} .
          FILTER(STRSTARTS(STR(?t), "https://w3id.org/rightsgraph/ontology#")) }}"""
    )
    return sorted(str(r[0]).split("#", 1)[1] for r in rows)


def test_mermaid_diagram_is_generated_from_the_ontology() -> None:
    from rightsgraph.docs import load_ontology, mermaid_diagram

    graph = load_ontology(ONTOLOGY)
    diagram = mermaid_diagram(graph)
    assert diagram.startswith("classDiagram\n")
    lines = diagram.splitlines()
    for cls in _ontology_terms("Class"):
        assert any(line.strip().startswith(f"class {cls}") for line in lines), cls
    assert "    ActionPlan --> Chapter : hasChapter" in lines
    assert "    PlanElement <|-- Commitment" in lines
    assert "    Target --> Unit : unit" in lines
    # a property added to the ontology shows up without touching the code
    graph.parse(
        data=PREFIXES + "rg:planted a owl:ObjectProperty ; rdfs:domain rg:Target ; rdfs:range rg:Right .",
        format="turtle",
    )
    assert "    Target --> Right : planted" in mermaid_diagram(graph).splitlines()
    assert mermaid_diagram(graph) == mermaid_diagram(graph), "output must be deterministic"


@pytest.mark.parametrize("engine", ["builtin", "auto"])
def test_write_docs(tmp_path: Path, engine: str) -> None:
    from rightsgraph.docs import write_docs

    written = write_docs(tmp_path / "docs", ontology_path=ONTOLOGY, engine=engine)  # type: ignore[arg-type]
    assert [p.name for p in written] == ["index.html", "model.mmd"]
    page = (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")
    for term in _ontology_terms("Class") + _ontology_terms("ObjectProperty"):
        assert term in page, term
    if engine == "builtin":
        assert "人权行动计划" in page, "the built-in page shows the Chinese labels too"
    assert not [p for p in (tmp_path / "docs").iterdir() if p.name.endswith(".tmp")], "temp files left behind"


def test_docs_are_world_readable(tmp_path: Path) -> None:
    """Docs are published like the graph files (publish.py writes 0644), not left 0600 by mkstemp."""
    from rightsgraph.docs import write_docs

    for path in write_docs(tmp_path / "docs", ontology_path=ONTOLOGY, engine="builtin"):
        assert path.stat().st_mode & 0o777 == 0o644, f"{path.name}: {oct(path.stat().st_mode & 0o777)}"


# ---------------------------------------------------------------------------
# Broken curated files are one-line input errors (rightsgraph.vocab.model_graph)
# ---------------------------------------------------------------------------

CROSSWALK = CROSSWALK_DIR / "right-treaty-provision.csv"


@pytest.fixture()
def ontology_copy(tmp_path: Path) -> Path:
    """A project root holding a copy of the real ontology/ (model_graph(root) reads only that)."""
    shutil.copytree(REPO / "ontology", tmp_path / "ontology")
    return tmp_path


def _model_error(root: Path) -> str:
    from rightsgraph.errors import InputError
    from rightsgraph.vocab import model_graph

    with pytest.raises(InputError) as info:
        model_graph(root)
    message = str(info.value)
    assert "\n" not in message, f"error is not one line: {message!r}"
    assert "Traceback" not in message
    return message


def _write_crosswalk(root: Path, text: str) -> Path:
    path = root / "ontology" / "crosswalk" / "right-treaty-provision.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_crosswalk_without_source_column_is_a_one_line_error(ontology_copy: Path) -> None:
    lines = CROSSWALK.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "right,treaty,article,label_en,source"
    path = _write_crosswalk(ontology_copy, "right,treaty,article,label_en\nwork,ICESCR,6,Right to work\n")
    message = _model_error(ontology_copy)
    assert message.startswith(f"{path}, line 1: missing column(s) source"), message


def test_crosswalk_short_row_is_a_one_line_error(ontology_copy: Path) -> None:
    lines = CROSSWALK.read_text(encoding="utf-8").splitlines()
    text = "\n".join([*lines[:3], "work,ICESCR,6", *lines[3:]]) + "\n"
    path = _write_crosswalk(ontology_copy, text)
    message = _model_error(ontology_copy)
    assert message.startswith(f"{path}, line 4: wrong number of fields (expected 5: right, treaty, article, label_en, source"), message


def test_crosswalk_row_without_source_is_a_one_line_error(ontology_copy: Path) -> None:
    lines = CROSSWALK.read_text(encoding="utf-8").splitlines()
    text = "\n".join([*lines[:2], "work,ICESCR,6,Right to work,", *lines[2:]]) + "\n"
    path = _write_crosswalk(ontology_copy, text)
    message = _model_error(ontology_copy)
    assert message.startswith(f"{path}, line 3: empty source (expected a value"), message


def test_vocabulary_that_does_not_parse_is_a_one_line_error(ontology_copy: Path) -> None:
    path = ontology_copy / "ontology" / "vocab" / "rights.ttl"
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n\n<urn:x:broken> <urn:x:p> .\n"  # no object
    path.write_text(text, encoding="utf-8")
    line = text.count("\n")  # the planted line is the last one
    message = _model_error(ontology_copy)
    assert message.startswith(f"{path}, line {line}: not valid Turtle ("), message
    assert "expected" in message, message
