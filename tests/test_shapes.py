"""Tests of the SHACL shapes (shapes/*.ttl) and of rightsgraph.validate.

(a) Every rule of the shapes has a negative example: tests/shapes/invalid/NAME.ttl is the
    valid minimal plan with exactly that rule broken, and its header says which shape must
    fail, on which focus node and path, with which severity. The test asserts exactly that
    (and that no other rule fails), not merely "does not conform".
(b) Every example in tests/shapes/valid/ conforms; every file in tests/shapes/invalid/ is a
    parametrised case (no orphans) and every rule is covered by one.
(c) The shapes are documented (sh:name, sh:description, sh:message), every class the
    instances use has a shape, the shapes split cleanly into core and SPARQL, and they find
    the same with RDFS inference as without.
(d) The built two-plan graph and the model conform; the source pass checks the texts.
(e) The command: exit codes 0/1/2, the text report and the W3C report graph.

Examples are validated against the ontology plus only the vocabulary concepts they refer to
and the ones the shapes name (sh:targetNode); the whole vocabulary is validated once, in
test_model_conforms, which keeps each case to a fraction of a second. A vocabulary node that
an example describes itself (e.g. treaty:ICESCR without its core flag) takes the example's
description instead of the vocabulary's.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from rightsgraph.cli import RightsgraphGroup
from rightsgraph.namespaces import OA, RG
from rightsgraph.validate import (
    RGSH,
    SOURCE_TEXT_COMPONENT,
    TARGET_PREDICATES,
    ValidationOutcome,
    check_sources,
    load_shapes,
    split_shapes,
    validate_graph,
    validate_command,
)
from rightsgraph.vocab import model_graph

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "tests" / "shapes"
VALID_DIR = EXAMPLES / "valid"
INVALID_DIR = EXAMPLES / "invalid"
ONTOLOGY_FILE = REPO / "ontology" / "rightsgraph.ttl"
VALID_FILES = sorted(VALID_DIR.glob("*.ttl"))
INVALID_FILES = sorted(INVALID_DIR.glob("*.ttl"))
#: Predicates along which an example's vocabulary references pull in further concepts.
_FOLLOW = (SKOS.inScheme, RG.monitoringBody, RG.level, RG.provisionOf, RG.instrumentKind)
_HEADER = re.compile(r"^#\s*expect-(shape|focus|path|severity):\s*(.+?)\s*$")


# --- helpers -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def shapes() -> Graph:
    return load_shapes()


@lru_cache(maxsize=1)
def model() -> Graph:
    return model_graph()


@lru_cache(maxsize=1)
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def top_shapes(graph: Graph) -> set[URIRef]:
    """The shapes with a target: where validation starts, and what results can name."""
    return {s for p in TARGET_PREDICATES for s in graph.subjects(p, None) if isinstance(s, URIRef)}


def rules(graph: Graph) -> set[URIRef]:
    """Every rule a report can name: each property shape of a shape with a target, and each
    shape with a target that states a rule itself (sh:or, sh:not ...).

    Property shapes inside the node shapes used through sh:node (rgsh:RightConcept-scheme ...)
    are parts of rules: SHACL reports their failure on the property shape that uses them.
    """
    found: set[URIRef] = set()
    for s in top_shapes(graph):
        found.update(p for p in graph.objects(s, SH.property) if isinstance(p, URIRef))
        if any((s, p, None) in graph for p in (SH["or"], SH["not"], SH["and"], SH.xone)):
            found.add(s)
    return found


def load_example(path: Path, closed: bool = False) -> Graph:
    """The example plus the ontology and the vocabulary concepts it refers to.

    The concepts: those the example names and those the shapes name (sh:targetNode), and
    along _FOLLOW the concepts they point at, three steps deep; with ``closed``, every
    concept any of them points at, until no new one turns up (what RDFS inference needs:
    a concept named but not described would get its type from a range and nothing else).
    A vocabulary node the example describes itself (is the subject of a triple in it) keeps
    only the example's description.
    """
    example = Graph().parse(path, format="turtle")
    full = model()
    graph = Graph()
    graph += example
    graph += ontology()
    described = {s for s in example.subjects() if isinstance(s, URIRef)}
    frontier = {n for t in example for n in t if isinstance(n, URIRef)}
    frontier |= {n for n in shapes().objects(None, SH.targetNode) if isinstance(n, URIRef)}
    seen: set[URIRef] = set()
    depth = 0
    while frontier and (closed or depth < 3):
        depth += 1
        nxt: set[URIRef] = set()
        for node in frontier - seen:
            seen.add(node)
            if node in described:
                continue
            for p, o in full.predicate_objects(node):
                graph.add((node, p, o))
                if isinstance(o, URIRef) and (p in _FOLLOW or (closed and p != RDF.type)):
                    nxt.add(o)
        frontier = nxt - seen
    for prefix, ns in example.namespaces():
        graph.bind(prefix, ns)
    return graph


def validate_example(path: Path) -> ValidationOutcome:
    return validate_graph(load_example(path), shapes=shapes(), texts_dir=VALID_DIR)


def expectation(path: Path) -> dict[str, str]:
    """The expect-* lines of an invalid example's header."""
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def expand(curie: str) -> URIRef:
    prefix, local = curie.split(":", 1)
    assert prefix == "rgsh", f"expect-shape must be an rgsh: name, got {curie}"
    return RGSH[local]


# --- (a) every rule fails on its own negative example -------------------------------------


@pytest.mark.parametrize("path", INVALID_FILES, ids=lambda p: p.stem)
def test_invalid_example_breaks_exactly_its_rule(path: Path) -> None:
    expect = expectation(path)
    assert set(expect) == {"shape", "focus", "path", "severity"}, f"{path.name}: header needs expect-shape/focus/path/severity"
    outcome = validate_example(path)
    shape = expand(expect["shape"])
    findings = outcome.findings
    assert findings, f"{path.name}: no result at all; expected {expect['shape']}"
    other = {f.shape for f in findings} - {shape}
    assert not other, f"{path.name}: other rules failed too: {sorted(map(str, other))}\n{outcome.text}"
    matching = [f for f in findings if str(f.focus) == expect["focus"]]
    assert matching, f"{path.name}: no result on focus {expect['focus']}\n{outcome.text}"
    assert {f.path for f in matching} == {expect["path"]}, f"{path.name}: paths {[f.path for f in matching]}"
    assert {f.severity for f in findings} == {expect["severity"]}
    assert all(f.message for f in findings), "every result carries a human message"
    assert outcome.conforms == (expect["severity"] != "Violation")


def test_parallel_core_pass_gives_the_same_results() -> None:
    """The core shapes split over two processes find exactly what one process finds."""
    graph = load_example(INVALID_DIR / "Target-range.ttl")
    key = lambda o: sorted((str(f.shape), str(f.focus), f.path or "", str(f.value)) for f in o.findings)  # noqa: E731
    one = validate_graph(graph, shapes=shapes(), texts_dir=VALID_DIR, jobs=1)
    two = validate_graph(graph, shapes=shapes(), texts_dir=VALID_DIR, jobs=2)
    assert key(one) == key(two) and len(one.findings) == 1


SOURCE = URIRef("https://w3id.org/rightsgraph/id/source/sha256-b42820d342465058394b6a49b719506295d65961c211c39ea139278fdbe7d3ed")
TEST_PLAN = "https://w3id.org/rightsgraph/id/test-2026-2030/"
ICESCR = URIRef("https://w3id.org/rightsgraph/vocab/treaty/ICESCR")


def _findings(outcome: ValidationOutcome) -> set[tuple[URIRef, str, str | None, str]]:
    return {(f.shape, str(f.focus), f.path, str(f.value)) for f in outcome.findings}


def test_anchor_past_the_decoded_text_is_reported_whatever_the_count() -> None:
    """An anchor ending past the source text is found even when rg:characterCount is wrong too.

    The SPARQL rule compares ends with the recorded count (here 200, so an end of 190 passes
    it); the source pass compares them with the decoded text (184 characters) and reports the
    count itself. Two faults, so no single-rule example in invalid/ can show this.
    """
    from rdflib.namespace import XSD  # not at module level: pytest probes module attributes

    graph = load_example(VALID_DIR / "minimal-plan.ttl")
    anchor = URIRef(TEST_PLAN + "commitment/2.1/anchor")
    position = URIRef(TEST_PLAN + "commitment/2.1/anchor/position")
    graph.set((SOURCE, RG.characterCount, Literal(200, datatype=XSD.nonNegativeInteger)))
    graph.set((position, OA.end, Literal(190, datatype=XSD.nonNegativeInteger)))
    outcome = validate_graph(graph, shapes=shapes(), texts_dir=VALID_DIR)
    assert _findings(outcome) == {
        (RGSH["SourceDocument-characterCountMatchesSource"], str(SOURCE), "rg:characterCount", "200"),
        (RGSH["SourceDocument-anchorsWithin"], str(SOURCE), "^oa:hasSource", str(anchor)),
    }, outcome.text
    assert all(f.severity == "Violation" for f in outcome.findings) and not outcome.conforms


def test_source_pass_bounds_anchors_by_the_text() -> None:
    """The source pass itself reports an anchor past the text (it no longer leaves that to the
    SPARQL rule), and the merged report names it once when both find it."""
    path = INVALID_DIR / "SourceDocument-anchorsWithin.ttl"
    graph = load_example(path)
    report = check_sources(graph, texts_dir=VALID_DIR)
    results = list(report.subjects(RDF.type, SH.ValidationResult))
    assert len(results) == 1
    assert report.value(results[0], SH.sourceShape) == RGSH["SourceDocument-anchorsWithin"]
    assert report.value(results[0], SH.sourceConstraintComponent) == SOURCE_TEXT_COMPONENT
    outcome = validate_graph(graph, shapes=shapes(), texts_dir=VALID_DIR)
    assert len(outcome.findings) == 1, outcome.text
    assert outcome.findings[0].component == SH.SPARQLConstraintComponent


def test_core_treaty_without_flag_and_body() -> None:
    """ICESCR stripped of rg:isCoreTreaty and rg:monitoringBody: both missing facts reported."""
    graph = load_example(INVALID_DIR / "CoreTreaty-isCoreTreaty.ttl")
    graph.remove((ICESCR, RG.monitoringBody, None))
    outcome = validate_graph(graph, shapes=shapes(), texts_dir=VALID_DIR)
    assert {(f.shape, str(f.focus), f.path) for f in outcome.findings} == {
        (RGSH["CoreTreaty-isCoreTreaty"], str(ICESCR), "rg:isCoreTreaty"),
        (RGSH["CoreTreaty-monitoringBody"], str(ICESCR), "rg:monitoringBody"),
    }, outcome.text


# --- (b) valid examples, coverage, orphans -------------------------------------------------


@pytest.mark.parametrize("path", VALID_FILES, ids=lambda p: p.stem)
def test_valid_example_conforms(path: Path) -> None:
    outcome = validate_example(path)
    assert outcome.conforms and not outcome.warnings, outcome.text


def test_every_rule_has_a_negative_example() -> None:
    covered = {expand(expectation(p)["shape"]) for p in INVALID_FILES if "shape" in expectation(p)}
    missing = rules(shapes()) - covered
    assert not missing, "rules without a negative example in tests/shapes/invalid/: " + ", ".join(sorted(s.split("#")[1] for s in missing))


def test_no_orphan_examples() -> None:
    """Every file in invalid/ is a .ttl case with a complete header naming an existing rule."""
    names = rules(shapes())
    for path in sorted(INVALID_DIR.iterdir()):
        assert path.suffix == ".ttl" and path in INVALID_FILES, f"{path.name}: not picked up as a test case"
        expect = expectation(path)
        assert set(expect) == {"shape", "focus", "path", "severity"}, f"{path.name}: incomplete expect-* header"
        assert expand(expect["shape"]) in names, f"{path.name}: {expect['shape']} is not a rule of shapes/"
    for path in sorted(VALID_DIR.iterdir()):
        assert path.suffix in (".ttl", ".txt"), f"{path.name}: unexpected file in valid/"


# --- (c) the shapes themselves --------------------------------------------------------------


def test_property_shapes_are_documented() -> None:
    """Every property shape, those used through sh:node included: named, with name, description, message."""
    g = shapes()
    property_shapes = set(g.objects(None, SH.property)) | set(g.subjects(RDF.type, SH.PropertyShape))
    assert len(property_shapes) > 100
    for shape in property_shapes:
        assert isinstance(shape, URIRef), f"an anonymous property shape ({g.value(shape, SH.path)}): property shapes are named, so reports can name them"
        assert (shape, RDF.type, SH.PropertyShape) in g, f"{shape} is not typed sh:PropertyShape"
        for prop in (SH.name, SH.description, SH.message):
            assert (shape, prop, None) in g, f"{shape} lacks {prop}"
    for shape in rules(g) - set(g.subjects(RDF.type, SH.PropertyShape)):
        for prop in (SH.name, SH.description, SH.message):
            assert (shape, prop, None) in g, f"{shape} lacks {prop}"
        assert (shape, RGSH.reportPath, None) in g, f"{shape}: a node-level rule names its rgsh:reportPath"


def test_sparql_only_where_needed() -> None:
    """SHACL-SPARQL shapes are few, each documented, and the split keeps every shape once."""
    g = shapes()
    core, sparql = split_shapes(g)
    sparql_rules = {s for s in rules(sparql) if (s, SH.sparql, None) in g}
    assert sparql_rules == {
        RGSH["SourceDocument-anchorsWithin"], RGSH["Target-targetYear-horizon"],
        RGSH["Target-targetYear-beforePlan"], RGSH["Target-unique"], RGSH["Target-unitAcrossPlans"],
    }
    assert not any((s, SH.sparql, None) in core for s in core.subjects())
    assert top_shapes(core) | top_shapes(sparql) == top_shapes(g) and not top_shapes(core) & top_shapes(sparql)


def _key(outcome: ValidationOutcome) -> list[tuple[str, str, str, str, str]]:
    return sorted((f.severity, str(f.shape), str(f.focus), f.path or "", str(f.value)) for f in outcome.findings)


@pytest.mark.parametrize("path", VALID_FILES, ids=lambda p: p.stem)
def test_rdfs_inference_finds_the_same(path: Path) -> None:
    """pySHACL's RDFS pre-inference (--inference rdfs) finds exactly what no inference finds.

    E.g. rg:sdgIndicator's range makes the UN SDG IRIs skos:Concepts: not the project's to
    put in a scheme. The example is loaded with every concept it leads to, as in a built graph.
    """
    graph = load_example(path, closed=True)
    none = validate_graph(graph, shapes=shapes(), texts_dir=VALID_DIR, inference="none", jobs=1)
    rdfs = validate_graph(graph, shapes=shapes(), texts_dir=VALID_DIR, inference="rdfs", jobs=1)
    assert _key(rdfs) == _key(none), rdfs.text
    assert none.conforms and not none.findings, none.text


def test_core_treaties_named_once() -> None:
    """The nine core treaties of rgsh:CoreTreatyShape are the ones rgsh:CoreTreatyMonitoringShape
    leaves to it, and each is an rg:Treaty of ontology/vocab/treaties.ttl."""
    g = shapes()
    nine = set(g.objects(RGSH.CoreTreatyShape, SH.targetNode))
    assert len(nine) == 9
    (disjuncts,) = g.objects(RGSH.CoreTreatyMonitoringShape, SH["or"])
    listed = [set(Collection(g, lst)) for d in Collection(g, disjuncts) for lst in g.objects(d, SH["in"])]
    assert listed == [nine]
    assert all((t, RDF.type, RG.Treaty) in model() for t in nine), sorted(t for t in nine if (t, RDF.type, RG.Treaty) not in model())


def _instance_classes(graph: Graph) -> set[URIRef]:
    meta = (str(OWL), str(RDFS), str(RDF), str(SH))
    return {c for c in graph.objects(None, RDF.type) if isinstance(c, URIRef) and not str(c).startswith(meta)}


def _targeted(classes: set[URIRef], graph: Graph) -> set[URIRef]:
    """Classes some shape targets, directly or through rdfs:subClassOf* (SHACL's class targets)."""
    targets = set(shapes().objects(None, SH.targetClass))
    return {c for c in classes if targets & set(graph.transitive_objects(c, RDFS.subClassOf))}


def test_every_instance_class_has_a_shape(built: Graph) -> None:
    example = load_example(VALID_DIR / "minimal-plan.ttl")
    classes = _instance_classes(built) | _instance_classes(example)
    both = built + example
    missing = classes - _targeted(classes, both)
    assert not missing, f"classes with instances but no shape: {sorted(missing)}"
    for cls in (RG.Target, RG.Mention, RG.LegislativeAction, RG.ReportingObligation, RG.LegalInstrument,
                RG.PolicyDocument, RG.Indicator, RG.BeneficiaryGroup, RG.ResponsibleBody, RG.Commitment):
        assert cls in classes, f"{cls}: the valid example should have an instance"


# --- (d) the built graph and the vocabularies ----------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    from rightsgraph.pipeline import build

    out = tmp_path_factory.mktemp("graph")
    build(None, out, validate=False)  # validated here, so a failure shows the report
    return Graph().parse(out / "rightsgraph.nt", format="nt")


@pytest.fixture(scope="module")
def built_outcome(built: Graph) -> ValidationOutcome:
    return validate_graph(built, shapes=shapes())


def test_built_graph_conforms(built_outcome: ValidationOutcome) -> None:
    assert built_outcome.conforms, built_outcome.text
    # the texts were found and checked: no "source not found" warning
    assert not [f for f in built_outcome.findings if f.component == SOURCE_TEXT_COMPONENT], built_outcome.text


def test_model_conforms() -> None:
    """The ontology, every vocabulary and the crosswalk, as the build publishes them."""
    outcome = validate_graph(model_graph(), shapes=shapes(), check_source_texts=False)
    assert outcome.conforms, outcome.text


# --- (e) the command -------------------------------------------------------------------------


@click.group(cls=RightsgraphGroup)
def cli() -> None:
    """The command as the rightsgraph CLI registers it (InputError -> exit 2)."""


cli.add_command(validate_command)


def _write(tmp_path: Path, source: Path) -> Path:
    path = tmp_path / source.name
    load_example(source).serialize(path, format="turtle")
    return path


def test_command_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    good = _write(tmp_path, VALID_DIR / "minimal-plan.ttl")
    bad = _write(tmp_path, INVALID_DIR / "Commitment-right.ttl")
    ok = runner.invoke(cli, ["validate", str(good), "--texts", str(VALID_DIR)])
    assert ok.exit_code == 0, ok.output
    assert ok.output.strip().splitlines()[-1].startswith("conforms: 0 violations")
    fail = runner.invoke(cli, ["validate", str(bad), "--texts", str(VALID_DIR)])
    assert fail.exit_code == 1
    assert "rgsh:Commitment-right" in fail.output and "p:commitment/2.1" in fail.output
    assert "quote “开展人权教育。”" in fail.output
    assert fail.output.strip().splitlines()[-1].startswith("does not conform: 1 violation of 1 rule")
    missing = runner.invoke(cli, ["validate", str(tmp_path / "nope.ttl")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    usage = runner.invoke(cli, ["validate", "--format", "xml"])
    assert usage.exit_code == 2


def test_command_writes_w3c_report(tmp_path: Path) -> None:
    bad = _write(tmp_path, INVALID_DIR / "Target-range.ttl")
    result = CliRunner().invoke(cli, ["validate", str(bad), "--texts", str(VALID_DIR), "--format", "ttl"])
    assert result.exit_code == 1
    report = Graph().parse(data=result.stdout, format="turtle")  # the summary line goes to stderr
    (top,) = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(top, SH.conforms).toPython() is False
    (res,) = report.objects(top, SH.result)
    assert report.value(res, SH.sourceShape) == RGSH["Target-range"]
    assert report.value(res, SH.resultPath) == RG.value
    assert report.value(res, SH.resultSeverity) == SH.Violation


def test_command_warnings_only_conform(tmp_path: Path) -> None:
    """Warnings alone: exit 0, listed in their own section, counted in the summary."""
    path = _write(tmp_path, INVALID_DIR / "MortalityPercentShape.ttl")
    result = CliRunner().invoke(cli, ["validate", str(path), "--texts", str(VALID_DIR)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "WARNINGS (1)" and "VIOLATIONS" not in result.output
    assert any("rgsh:MortalityPercentShape" in line for line in lines)
    assert any("p:commitment/1.1.1/target/2" in line and "path rg:unit" in line for line in lines), result.output
    assert lines[-1].startswith("conforms: 0 violations, 1 warning of 1 rule")


def test_command_violations_fail_with_the_report(tmp_path: Path) -> None:
    """A violation: exit 1, the report names rule, focus node, path, value and quote."""
    path = _write(tmp_path, INVALID_DIR / "Target-range.ttl")
    result = CliRunner().invoke(cli, ["validate", str(path), "--texts", str(VALID_DIR)])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "VIOLATIONS (1)" and "WARNINGS" not in result.output
    assert any(line.strip().startswith("rgsh:Target-range — range order (1)") for line in lines), result.output
    (item,) = [line for line in lines if line.strip().startswith("• ")]
    assert "p:commitment/1.1.1/target/1" in item and "path rg:value" in item and "[LessThanOrEquals]" in item
    assert any(line.strip().startswith("quote “") for line in lines)
    assert lines[-1].startswith("does not conform: 1 violation of 1 rule")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "no triples (empty graph); expected a graph built by `rightsgraph build`"),
        ("# only a comment\n", "no triples (empty graph); expected a graph built by `rightsgraph build`"),
        (None, "no rg:ActionPlan in the graph; expected a built graph with at least one action plan"),
    ],
    ids=["empty", "comment-only", "no-plan"],
)
def test_command_refuses_input_without_plans(tmp_path: Path, content: str | None, expected: str) -> None:
    """Nothing to validate is an input error (exit 2, one line), not "conforms"."""
    if content is None:  # a real graph, but only the ontology: no plan in it
        path = tmp_path / "ontology.ttl"
        path.write_text(ONTOLOGY_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    else:
        path = tmp_path / "graph.ttl"
        path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path), "--texts", str(VALID_DIR)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), "no traceback"
    assert result.output.strip().splitlines() == [f"rightsgraph: error: {path}: {expected}"]


def test_directory_means_its_rightsgraph_nt(tmp_path: Path) -> None:
    load_example(VALID_DIR / "minimal-plan.ttl").serialize(tmp_path / "rightsgraph.nt", format="nt", encoding="utf-8")
    (tmp_path / "rightsgraph.ttl").write_text("this is not read", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path), "--texts", str(VALID_DIR)])
    assert result.exit_code == 0, result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(cli, ["validate", str(empty)])
    assert result.exit_code == 2 and "rightsgraph.nt: missing" in result.output
