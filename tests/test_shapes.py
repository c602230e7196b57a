"""Tests of the SHACL shapes (shapes/*.ttl) and of rightsgraph.validate.

(a) Every rule of the shapes has a negative example: tests/shapes/invalid/NAME.ttl is the
    valid minimal plan with exactly that rule broken, and its header says which shape must
    fail, on which focus node and path, with which severity. The test asserts exactly that
    (and that no other rule fails), not merely "does not conform".
(b) Every example in tests/shapes/valid/ conforms; every file in tests/shapes/invalid/ is a
    parametrised case (no orphans) and every rule is covered by one.
(c) The shapes are documented (sh:name, sh:description, sh:message), every class the
    instances use has a shape, and the shapes split cleanly into core and SPARQL.
(d) The built two-plan graph conforms, and no rule other than "at least one right" may fail on
    it even in a build without links.
(e) The command: exit codes 0/1/2, the text report and the W3C report graph.

Examples are validated against the ontology plus only the vocabulary concepts they refer to
(the whole vocabulary is validated once, in test_model_conforms), which keeps each case to a
fraction of a second.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from rightsgraph.cli import RightsgraphGroup
from rightsgraph.namespaces import RG
from rightsgraph.validate import (
    RGSH,
    ValidationOutcome,
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
#: Rules the built graph is allowed to break until the extraction stage is merged.
PENDING_ON_BUILT_GRAPH = {RGSH["Commitment-right"]}
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


def rules(graph: Graph) -> set[URIRef]:
    """Every rule: each named property shape, and each node shape that states a rule itself."""
    found = {s for s in graph.subjects(RDF.type, SH.PropertyShape) if isinstance(s, URIRef)}
    for s in graph.subjects(RDF.type, SH.NodeShape):
        if isinstance(s, URIRef) and any((s, p, None) in graph for p in (SH["or"], SH["not"], SH["and"], SH.xone)):
            found.add(s)
    return found


def load_example(path: Path) -> Graph:
    """The example plus the ontology and the vocabulary concepts it refers to."""
    example = Graph().parse(path, format="turtle")
    full = model()
    graph = Graph()
    graph += example
    graph += ontology()
    frontier = {n for t in example for n in t if isinstance(n, URIRef)}
    seen: set[URIRef] = set()
    for _ in range(3):
        nxt: set[URIRef] = set()
        for node in frontier - seen:
            seen.add(node)
            for p, o in full.predicate_objects(node):
                graph.add((node, p, o))
                if p in _FOLLOW and isinstance(o, URIRef):
                    nxt.add(o)
        frontier = nxt
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
    g = shapes()
    for shape in g.subjects(RDF.type, SH.PropertyShape):
        assert isinstance(shape, URIRef), "property shapes are named, so reports can name them"
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
    roots = lambda graph: {s for p in (SH.targetClass, SH.targetSubjectsOf) for s in graph.subjects(p, None)}  # noqa: E731
    assert roots(core) | roots(sparql) == roots(g) and not roots(core) & roots(sparql)


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
    try:
        build(None, out, validate=False)  # validated below, rule by rule
    except TypeError:  # a build without the validate stage
        build(None, out)
    return Graph().parse(out / "rightsgraph.nt", format="nt")


@pytest.fixture(scope="module")
def built_outcome(built: Graph) -> ValidationOutcome:
    return validate_graph(built, shapes=shapes())


def test_built_graph_conforms(built_outcome: ValidationOutcome) -> None:
    assert built_outcome.conforms, built_outcome.text


def test_built_graph_breaks_only_pending_rules(built_outcome: ValidationOutcome) -> None:
    """Until extraction lands only 'at least one right' may fail; every other rule holds now."""
    other = [f for f in built_outcome.violations if f.shape not in PENDING_ON_BUILT_GRAPH]
    assert not other, built_outcome.text


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


def test_directory_means_its_rightsgraph_ttl(tmp_path: Path) -> None:
    load_example(VALID_DIR / "minimal-plan.ttl").serialize(tmp_path / "rightsgraph.ttl", format="turtle")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path), "--texts", str(VALID_DIR)])
    assert result.exit_code == 0, result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(cli, ["validate", str(empty)])
    assert result.exit_code == 2 and "rightsgraph.ttl: missing" in result.output
