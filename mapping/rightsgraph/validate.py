"""Stage 5 — validate: check a graph against the SHACL shapes in ``shapes/`` before it is published.

``validate_graph`` is what ``rightsgraph build`` calls before it writes (a graph with a
violation is refused unless ``--no-validate``); ``rightsgraph validate`` runs the same on
files.  pySHACL is the reference engine; the result is one standard W3C validation report.

How the rules are run, and why
------------------------------
The shapes are run in three passes whose results are merged into one report:

1. **Core SHACL on rdflib** — every shape without ``sh:sparql``, in pySHACL with
   ``inference="none"``.  SHACL itself follows ``rdfs:subClassOf`` in the data graph for
   ``sh:targetClass`` and ``sh:class``, and the ontology is in the data graph, so nothing
   needs inferring; RDFS inference costs about ten times more (``bench/bench_validate.py``)
   and finds the same (the shapes are written so: e.g. ``rg:sdgIndicator``'s range types
   the UN SDG IRIs as ``skos:Concept``, so the scheme rule covers only the project's own
   concept IRIs; tests/test_shapes.py compares the two).  Data without the model (a per-plan
   file) gets ``vocab.model_graph()`` mixed in once.  That is what pySHACL's ``ont_graph`` is
   for, but pySHACL's ``ont_graph`` copies only RDFS/OWL axioms (classes, properties) into
   the data, not the SKOS concepts of ontology/vocab that the link rules need; and the
   build's graph and the all-in-one ``rightsgraph.nt`` already hold the model.  The shapes
   graphs handed to pySHACL use rdflib's ``SimpleMemory`` store (see ``_closure``).  On a graph of
   ``PARALLEL_MIN_TRIPLES`` or more, on a machine that can fork and has a core to spare
   (``default_jobs``), the core shapes are split in two groups of about equal cost and one
   group runs in a forked process (the data is shared, not copied; the report comes back
   as N-Triples).
2. **SHACL-SPARQL on Oxigraph** — the few shapes with ``sh:sparql``, each a rule that
   compares values of different nodes (anchors' ends with their source's length, a target's
   year with its plan's period, a target with its element's other targets, units across
   plans), which core SHACL cannot express.  pySHACL runs a SPARQL constraint once per
   focus node: on rdflib's store that is milliseconds per node, on a ``pyoxigraph.Store``
   (which pySHACL ≥ 0.30 accepts as a data graph directly; oxrdflib is not needed)
   a fraction of one.  Core shapes are *not* run on Oxigraph: through pySHACL they are two
   orders of magnitude slower there, and Oxigraph stores ``xsd:nonNegativeInteger`` (and the
   other integer subtypes) as ``xsd:integer``, so ``sh:datatype`` checks would fail on
   correct data; the SPARQL rules only compare numbers, which that does not change.
3. **Source text in Python** — the quote of a text anchor must equal the source's code
   points ``[start, end)`` with layout whitespace removed, the source's ``rg:characterCount``
   must be the decoded text's length, and no anchor may end past that length; SHACL cannot
   see the file.
   The alternative, a SHACL-SPARQL constraint over a literal holding the source text, was
   rejected: (a) the offsets index the *raw* file, so the literal would have to be the
   whole raw text (28 000 characters per plan), put into the published graph or injected
   into it for validation, duplicating ``texts/``; (b) the normalisation
   (``segment.strip_layout``) keeps a space between two ASCII letters or digits and drops
   all other whitespace, which needs look-around that SPARQL's XPath regular expressions
   lack, so SPARQL would need a second, approximate implementation that could drift from
   the build's; (c) the file's SHA-256 must be checked anyway before its offsets mean
   anything.  So this step finds each ``rg:SourceDocument``'s text (passed in by the build,
   else ``texts/`` by ``rg:fileName`` or ``texts/manifest.json`` by digest), checks the
   file's SHA-256, decodes it with ``read.read_source`` exactly as the build did, compares
   ``rg:characterCount`` and every anchor's end with the text's length, and compares
   ``strip_layout`` of each slice with ``oa:exact``.  Its results name the documentation
   shapes ``rgsh:TextAnchor-quoteMatchesSource``, ``rgsh:SourceDocument-characterCountMatchesSource``,
   ``rgsh:SourceDocument-file`` and ``rgsh:SourceDocument-available`` (``sh:deactivated`` in
   shapes/, so SHACL engines skip them), with ``sh:sourceConstraintComponent
   rgsh:SourceTextConstraintComponent``; an anchor past the end of the text is reported with
   the SPARQL rule's shape ``rgsh:SourceDocument-anchorsWithin`` (once, if that rule found it
   too).  A source that cannot be found is a warning: a published graph may be validated
   without the texts.  It costs about 0.2 s for the two plans.

Conditional rules (a level target in percent lies in [0, 100]; a commitment names its
section when its chapter has sections; the plausibility warnings on targets) are core
node-level ``sh:or`` shapes.  SHACL gives their results no path; such a shape names its
property with ``rgsh:reportPath`` and the merged report carries it as ``sh:resultPath``,
so every result names focus node, path and value.  Conformance is decided here, on the
merged report: no result of severity ``sh:Violation`` (warnings and infos never fail).

Two work-arounds for pySHACL's speed, both without changing what it computes:
``_ParameterList`` gives its constraint-parameter list O(1) membership (it scans the list
for every shape evaluation), and ``_oxigraph_data_graph`` stops it counting the whole
Oxigraph store each time it describes a result.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import click
import pyshacl
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node
from rdflib.util import guess_format

from rightsgraph.errors import InputError
from rightsgraph.graph import bind_prefixes
from rightsgraph.namespaces import OA, ONTOLOGY, RG
from rightsgraph.read import read_source
from rightsgraph.segment import strip_layout
from rightsgraph.vocab import model_graph, project_root

RGSH = Namespace("https://w3id.org/rightsgraph/shapes#")
#: The sh:sourceConstraintComponent of the results made in Python from the source files.
SOURCE_TEXT_COMPONENT = RGSH.SourceTextConstraintComponent
QUOTE_SHAPE = RGSH["TextAnchor-quoteMatchesSource"]
SOURCE_FILE_SHAPE = RGSH["SourceDocument-file"]
SOURCE_AVAILABLE_SHAPE = RGSH["SourceDocument-available"]
CHARACTER_COUNT_SHAPE = RGSH["SourceDocument-characterCountMatchesSource"]
#: The SHACL-SPARQL rule "anchors end within the source's rg:characterCount"; the source pass
#: reports an anchor past the end of the decoded text with it too.
ANCHORS_WITHIN_SHAPE = RGSH["SourceDocument-anchorsWithin"]
TARGET_PREDICATES = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
ENGINES = ("split", "rdflib")
#: Below this many triples (data with the model) the core pass runs in one process.
PARALLEL_MIN_TRIPLES = 20_000
INFERENCE = ("none", "rdfs")


@dataclass(frozen=True)
class Finding:
    """One validation result, flattened for people and tests.

    ``value`` is the result's sh:value, except for node-level rules (whose sh:value is the
    focus node itself): there it is the focus node's value at the rule's rgsh:reportPath.
    """

    severity: str  # "Violation", "Warning" or "Info"
    shape: Node
    focus: Node
    path: str | None  # SPARQL property-path syntax with the project's prefixes
    value: Node | None
    message: str
    component: Node | None
    quote: str | None = None


@dataclass
class ValidationOutcome:
    """What ``validate_graph`` found: the W3C report graph plus the same results as findings."""

    conforms: bool
    report: Graph
    violations: list[Finding]
    warnings: list[Finding]
    infos: list[Finding] = field(default_factory=list)
    text: str = ""
    triples: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def findings(self) -> list[Finding]:
        return [*self.violations, *self.warnings, *self.infos]


# --- pySHACL speed-up ----------------------------------------------------------------------


class _ParameterList(list):
    """pySHACL's list of constraint parameters with O(1) membership.

    pySHACL scans this list (``p in CONSTRAINT_PARAMETERS``, some 40 URIRef comparisons)
    for every predicate of every shape at every evaluation, nested shapes included; on the
    built graph that is about a third of its run time. Same elements, same order; a copy is
    an ordinary list, so pySHACL's advanced and JS modes, which copy and append, still work.
    """

    def __init__(self, items: Iterable[URIRef]) -> None:
        super().__init__(items)
        self._members = frozenset(self)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def _speed_up_pyshacl() -> None:
    """Pre-fill the cache pySHACL's shape module keeps of its parameter list (``CONSTRAINT_PARAMS``)."""
    try:
        import pyshacl.shape
        from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
    except ImportError:  # pragma: no cover - depends on the installed pySHACL
        return
    if not isinstance(getattr(pyshacl.shape, "CONSTRAINT_PARAMS", (None, None))[0], _ParameterList):
        pyshacl.shape.CONSTRAINT_PARAMS = (_ParameterList(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP)


_speed_up_pyshacl()


# --- shapes ------------------------------------------------------------------------------


def shapes_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "shapes"


@lru_cache(maxsize=4)
def _load_shapes(directory: Path, stamp: tuple[tuple[str, float], ...]) -> Graph:
    graph = Graph()
    for name, _ in stamp:
        path = directory / name
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # a shapes file that does not parse is a data error
            raise InputError(f"{path}: not valid Turtle ({exc})") from exc
    return graph


def load_shapes(directory: Path | None = None) -> Graph:
    """Every ``*.ttl`` of the shapes directory as one graph (cached until a file changes)."""
    directory = (directory or shapes_dir()).resolve()
    files = sorted(directory.glob("*.ttl"))
    if not files:
        raise InputError(f"{directory}: no shapes (*.ttl) found; expected the project's shapes/ directory")
    stamp = tuple((p.name, p.stat().st_mtime) for p in files)
    copy = Graph()
    copy += _load_shapes(directory, stamp)
    return copy


def _closure(graph: Graph, roots: Iterable[Node]) -> Graph:
    """The roots' triples and, recursively, those of every node they point at.

    Objects that are shapes, lists or blank nodes are followed; nodes with no triples in the
    shapes graph (rg:… terms, literals) simply add nothing.

    The result is held in rdflib's ``SimpleMemory`` store, not the default ``Memory``: pySHACL
    reads the shapes graph at every evaluation of a shape on a focus node (the shape's
    parameters, its constraint values, the members of a path list), tens of thousands of
    look-ups on the built graph, and ``Memory`` spends most of each look-up on named-graph
    bookkeeping that a shapes graph does not use.  Same triples, same results; the core
    pass takes about a fifth less CPU time (``bench/bench_validate.py``).
    """
    out = Graph(store="SimpleMemory")
    seen: set[Node] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node in seen or isinstance(node, Literal):
            continue
        seen.add(node)
        for p, o in graph.predicate_objects(node):
            out.add((node, p, o))
            stack.append(o)
    return out


def split_shapes(shapes: Graph) -> tuple[Graph, Graph]:
    """Split into (core shapes, SHACL-SPARQL shapes), each self-contained.

    A top-level shape (one with a target) goes to the SPARQL side when it or one of its
    property shapes has ``sh:sparql``.  Splitting the graph, rather than pySHACL's
    ``use_shapes`` option, keeps each pass an ordinary validation of an ordinary shapes graph.
    """
    roots = _roots(shapes)
    sparql_roots = {
        s for s in roots
        if (s, SH.sparql, None) in shapes or any((ps, SH.sparql, None) in shapes for ps in shapes.objects(s, SH.property))
    }
    core = _closure(shapes, roots - sparql_roots)
    sparql = _closure(shapes, sparql_roots)
    for g in (core, sparql):
        for prefix, ns in shapes.namespaces():
            g.bind(prefix, ns)
    return core, sparql


def _roots(shapes: Graph) -> set[Node]:
    return {s for p in TARGET_PREDICATES for s in shapes.subjects(p, None)}


def _estimated_cost(data: Graph, shapes: Graph, root: Node) -> int:
    """Focus nodes × (property shapes + 1): roughly what a top-level shape costs pySHACL."""
    focus: set[Node] = set()
    for cls in shapes.objects(root, SH.targetClass):
        for sub in data.transitive_subjects(RDFS.subClassOf, cls):
            focus.update(data.subjects(RDF.type, sub))
    for prop in shapes.objects(root, SH.targetSubjectsOf):
        focus.update(data.subjects(prop, None))
    for prop in shapes.objects(root, SH.targetObjectsOf):
        focus.update(data.objects(None, prop))
    focus.update(shapes.objects(root, SH.targetNode))
    return len(focus) * (1 + len(list(shapes.objects(root, SH.property))))


#: Share of the core cost the first group starts with: the process that runs it (this one)
#: also runs the SPARQL and source passes, about 40 % of the core pass's time.
_FIRST_GROUP_HANDICAP = 0.4


def partition_shapes(core: Graph, data: Graph, parts: int) -> list[Graph]:
    """Split core shapes into ``parts`` self-contained graphs of about equal estimated cost.

    The first group, which this process runs, is kept lighter by ``_FIRST_GROUP_HANDICAP``.
    """
    roots = sorted(_roots(core), key=str)
    if parts <= 1 or len(roots) < 2:
        return [core]
    costs = {r: _estimated_cost(data, core, r) for r in roots}
    bins: list[list[Node]] = [[] for _ in range(parts)]
    loads = [0.0] * parts
    loads[0] = _FIRST_GROUP_HANDICAP * sum(costs.values())
    for root in sorted(roots, key=lambda r: (-costs[r], str(r))):
        i = loads.index(min(loads))
        bins[i].append(root)
        loads[i] += costs[root]
    out = []
    for group in bins:
        if group:
            g = _closure(core, group)
            for prefix, ns in core.namespaces():
                g.bind(prefix, ns)
            out.append(g)
    return out


def _fork_available() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def default_jobs() -> int:
    """Processes for the core pass: two where the machine can fork and has a core to spare.

    A core is to spare when the one-minute load average is below the number of cores less
    one. On a busy machine the second process only competes for the same core (measured:
    slower than one process, and about 0.7 s more CPU for forking and the split), so the
    default follows the load; the results are the same either way.
    """
    cores = os.cpu_count() or 1
    if cores < 2 or not _fork_available():
        return 1
    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover - no load average on this platform
        return 1
    return 2 if load < cores - 1 else 1


def _child(conn, fn, args) -> None:  # runs in the forked process
    try:
        conn.send_bytes(fn(*args).serialize(format="nt11", encoding="utf-8"))
    finally:
        conn.close()


def _in_forked_process(fn, *args):
    """Start ``fn(*args)`` (which returns a Graph) in a forked process; return a getter.

    Fork, because the child then shares the parsed data graph with the parent instead of
    receiving a pickled copy; the report comes back as N-Triples. If the child cannot be
    started or fails, the getter runs ``fn`` in this process instead (and so raises there).
    """
    import multiprocessing

    try:
        ctx = multiprocessing.get_context("fork")
        recv, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(send, fn, args), daemon=True)
        gc.freeze()  # the child's garbage collector then leaves the shared pages alone
        try:
            proc.start()
        finally:
            gc.unfreeze()
        send.close()
    except (OSError, ValueError, AssertionError):  # e.g. no fork here, or called from a daemon process
        return lambda: fn(*args)

    def result() -> Graph:
        try:
            payload = recv.recv_bytes()
        except EOFError:
            payload = None
        finally:
            recv.close()
        proc.join()
        if payload is None or proc.exitcode != 0:
            return fn(*args)
        graph = Graph()
        graph.parse(data=payload, format="nt")
        return graph

    return result


# --- the three passes --------------------------------------------------------------------


def _has_ontology(graph: Graph) -> bool:
    return (ONTOLOGY, RDF.type, OWL.Ontology) in graph


def to_oxigraph(graph: Graph):
    """The graph in an in-memory pyoxigraph Store (N-Triples through Oxigraph's parser)."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(graph.serialize(format="nt11", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def _oxigraph_data_graph(store):
    """pySHACL's own Oxigraph data graph, made truthy without counting its triples.

    pySHACL writes ``datagraph or shapes_graph`` when it describes each result; on an
    Oxigraph store that truth test is ``len()``, a full count (about 0.1 s at 40 000
    triples, three times per result). Falls back to the bare store if pySHACL's internals
    change.
    """
    try:
        from pyshacl.graph_abstraction import OxigraphDataGraph
    except ImportError:  # pragma: no cover - depends on the installed pySHACL
        return store

    class _Truthy(OxigraphDataGraph):
        def __bool__(self) -> bool:
            return True

    return _Truthy(store)


def _pyshacl(data, shapes: Graph, ont: Graph | None, inference: str) -> Graph:
    """One pySHACL run; warnings and infos allowed (conformance is decided on the merged report)."""
    _, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ont,
        inference=inference,
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
        debug=False,
    )
    return report


def _add_result(report: Graph, severity: URIRef, shape: URIRef, focus: Node, path: Node, value: Node | None, message: str) -> BNode:
    result = BNode()
    report.add((result, RDF.type, SH.ValidationResult))
    report.add((result, SH.resultSeverity, severity))
    report.add((result, SH.sourceShape, shape))
    report.add((result, SH.sourceConstraintComponent, SOURCE_TEXT_COMPONENT))
    report.add((result, SH.focusNode, focus))
    report.add((result, SH.resultPath, path))
    if value is not None:
        report.add((result, SH.value, value))
    report.add((result, SH.resultMessage, Literal(message, lang="en")))
    return result


def _manifest_files(texts_dir: Path) -> dict[str, Path]:
    path = texts_dir / "manifest.json"
    if not path.is_file():
        return {}
    try:
        plans = json.loads(path.read_text(encoding="utf-8")).get("plans", [])
    except (ValueError, AttributeError):
        return {}
    return {entry["sha256"]: texts_dir / entry["file"] for entry in plans if "sha256" in entry and "file" in entry}


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _as_int(node: Node) -> int | None:
    """An integer literal's value; None for anything else (the datatype rules report those)."""
    value = node.toPython() if isinstance(node, Literal) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def check_sources(data: Graph, sources: Mapping[str, str] | None = None, texts_dir: Path | None = None) -> Graph:
    """Pass 3: each source's length and each anchor against its source file; returns a report graph.

    ``sources`` maps SHA-256 to decoded text (what the build has in memory); otherwise the
    file is looked up in ``texts_dir`` by ``rg:fileName`` and through its manifest by digest,
    and is used only if its bytes have the recorded SHA-256.  With the text in hand:
    ``rg:characterCount`` must be its length (``SourceDocument-characterCountMatchesSource``),
    every anchor must end within it (``SourceDocument-anchorsWithin``, the rule the SPARQL
    pass checks against the recorded count: a wrong count must not hide an anchor past the
    end), and every quote must match its slice (``TextAnchor-quoteMatchesSource``).
    """
    report = Graph()
    manifest = _manifest_files(texts_dir) if texts_dir else {}
    for source in sorted(set(data.subjects(RDF.type, RG.SourceDocument))):
        sha = str(data.value(source, RG.sha256) or "")
        name = str(data.value(source, RG.fileName) or "")
        text: str | None = sources.get(sha) if sources else None
        mismatch: tuple[Path, str] | None = None
        if text is None and texts_dir is not None:
            candidates = [texts_dir / name] if name else []
            if sha in manifest:
                candidates.append(manifest[sha])
            for path in candidates:
                if not path.is_file():
                    continue
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                if digest == sha:
                    text = read_source(path).anchor_view
                    break
                mismatch = (path, digest)
        if text is None:
            if mismatch:
                path, digest = mismatch
                _add_result(report, SH.Violation, SOURCE_FILE_SHAPE, source, RG.sha256, Literal(sha),
                            f"{path.name} has SHA-256 {digest[:12]}…, the graph says {sha[:12]}…: it was built from other bytes; quotes not checked")
            else:
                where = f"{texts_dir}" if texts_dir else "the sources given"
                _add_result(report, SH.Warning, SOURCE_AVAILABLE_SHAPE, source, RG.fileName, Literal(name),
                            f"source {name or sha[:12]} not found in {where}; the quotes of its anchors were not checked")
            continue
        length = len(text)
        for count in sorted(data.objects(source, RG.characterCount), key=str):
            recorded = _as_int(count)
            if recorded is not None and recorded != length:  # a missing or ill-typed count: rgsh:SourceDocument-characterCount
                _add_result(report, SH.Violation, CHARACTER_COUNT_SHAPE, source, RG.characterCount, count,
                            f"rg:characterCount is {recorded}, but {name or sha[:12]} decodes to {length} characters")
        for anchor in sorted(set(data.subjects(OA.hasSource, source))):
            starts, ends, quotes = [], [], []
            for selector in data.objects(anchor, OA.hasSelector):
                starts += list(data.objects(selector, OA.start))
                ends += list(data.objects(selector, OA.end))
                quotes += list(data.objects(selector, OA.exact))
            past_end = [e for e in ends if (_as_int(e) or 0) > length]
            for end_node in past_end:
                inverse = BNode()  # the path ^oa:hasSource, as the SPARQL rule names it
                report.add((inverse, SH.inversePath, OA.hasSource))
                _add_result(report, SH.Violation, ANCHORS_WITHIN_SHAPE, source, inverse, anchor,
                            f"Anchor {_short(str(anchor).rsplit('/id/', 1)[-1], 60)} ends at {_as_int(end_node)}, "
                            f"beyond the {length} characters of the decoded source {name or sha[:12]}")
            if past_end or len(starts) != 1 or len(ends) != 1 or len(quotes) != 1:
                continue  # no slice to compare; a missing or extra selector: the anchor's shapes
            start, end = _as_int(starts[0]), _as_int(ends[0])
            if start is None or end is None or not 0 <= start < end:
                continue  # reported by the datatype rules / rgsh:TextPositionSelector-order
            expected = strip_layout(text[start:end])
            exact = str(quotes[0])
            if expected != exact:
                exact_path = BNode()  # the path (oa:hasSelector oa:exact) as an RDF list
                Collection(report, exact_path, [OA.hasSelector, OA.exact])
                _add_result(report, SH.Violation, QUOTE_SHAPE, anchor, exact_path, quotes[0],
                            f"quote “{_short(exact)}” differs from the source at [{start}, {end}), which reads “{_short(expected)}”")
    return report


def _path_key(graph: Graph, path: Node | None) -> object:
    """A SHACL path as a hashable value that does not depend on blank-node ids or prefixes."""
    if path is None or isinstance(path, URIRef):
        return path
    if (path, RDF.first, None) in graph:
        return ("seq", *(_path_key(graph, p) for p in Collection(graph, path)))
    for prop in (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
        inner = graph.value(path, prop)
        if inner is not None:
            return (prop, _path_key(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return ("alt", *(_path_key(graph, p) for p in Collection(graph, alternatives)))
    return path


def _result_key(graph: Graph, result: Node) -> tuple:
    return (graph.value(result, SH.sourceShape), graph.value(result, SH.focusNode),
            _path_key(graph, graph.value(result, SH.resultPath)), graph.value(result, SH.value))


def _merge(reports: Iterable[Graph], shapes: Graph) -> tuple[Graph, BNode]:
    """One sh:ValidationReport from several; node-level results get their rgsh:reportPath.

    A result made in Python that repeats a SHACL result (same shape, focus node, path and
    value: an anchor past the end of its source, found by the SPARQL rule against the
    recorded count and by the source pass against the text) is kept once, as SHACL's.
    """
    merged = bind_prefixes(Graph(bind_namespaces="none"))
    merged.bind("sh", SH)
    merged.bind("rdf", RDF)
    merged.bind("rgsh", RGSH)
    top = BNode()
    merged.add((top, RDF.type, SH.ValidationReport))
    seen: set[tuple] = set()
    made_in_python: list[Graph] = []
    for report in reports:
        tops = set(report.subjects(RDF.type, SH.ValidationReport))
        if not tops:
            made_in_python.append(report)
            continue
        for s, p, o in report:
            if s in tops:
                if p == SH.result:
                    merged.add((top, SH.result, o))
                    seen.add(_result_key(report, o))
                continue
            merged.add((s, p, o))
    for report in made_in_python:  # every result is top-level (pySHACL's sh:detail ones are not)
        for result in sorted(report.subjects(RDF.type, SH.ValidationResult), key=str):
            key = _result_key(report, result)
            if key in seen:
                continue
            seen.add(key)
            merged += _closure(report, [result])
            merged.add((top, SH.result, result))
    for result in list(merged.objects(top, SH.result)):
        if (result, SH.resultPath, None) in merged:
            continue
        shape = merged.value(result, SH.sourceShape)
        path = shapes.value(shape, RGSH.reportPath) if shape is not None else None
        if isinstance(path, URIRef):
            merged.add((result, SH.resultPath, path))
    return merged, top


# --- findings and the human report -------------------------------------------------------


def _label(graph: Graph, node: Node | None) -> str:
    """A node as people read it: a prefixed name where a project prefix fits, else <IRI>."""
    if node is None:
        return "—"
    if isinstance(node, Literal):
        return f"“{_short(str(node), 60)}”" + (f"@{node.language}" if node.language else "")
    if isinstance(node, URIRef):
        iri = str(node)
        best = ""
        prefix_of = ""
        for prefix, ns in graph.namespaces():
            if prefix and iri.startswith(str(ns)) and len(str(ns)) > len(best):
                best, prefix_of = str(ns), prefix
        if best and iri != best:
            return f"{prefix_of}:{iri[len(best):]}"
        return f"<{iri}>"
    return f"_:{node}"


def render_path(graph: Graph, path: Node | None) -> str | None:
    """A SHACL property path in SPARQL syntax (rg:a/rg:b, ^rg:p, (a|b), p*)."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return _label(graph, path)
    if (path, RDF.first, None) in graph:
        parts = [render_path(graph, p) or "" for p in Collection(graph, path)]
        return "/".join(parts)
    for prop, fmt in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "({})*"), (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
        inner = graph.value(path, prop)
        if inner is not None:
            text = render_path(graph, inner) or ""
            if prop == SH.inversePath and "/" in text:
                text = f"({text})"
            return fmt.format(text)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(render_path(graph, p) or "" for p in Collection(graph, alternatives)) + ")"
    return _label(graph, path)


def _quote(data: Graph, focus: Node) -> str | None:
    """The source quote of a node that has a text anchor (commitments, targets, mentions …)."""
    anchor = focus if (focus, RDF.type, RG.TextAnchor) in data else data.value(focus, RG.anchor)
    if anchor is None:
        return None
    for selector in data.objects(anchor, OA.hasSelector):
        exact = data.value(selector, OA.exact)
        if exact is not None:
            return str(exact)
    return None


def _message(report: Graph, result: Node) -> str:
    messages = list(report.objects(result, SH.resultMessage))
    messages.sort(key=lambda m: (getattr(m, "language", None) not in (None, "en"), str(m)))
    return str(messages[0]) if messages else ""


def findings_of(report: Graph, top: Node, data: Graph) -> list[Finding]:
    out: list[Finding] = []
    for result in report.objects(top, SH.result):
        severity = SEVERITY_NAMES.get(report.value(result, SH.resultSeverity), "Violation")
        focus = report.value(result, SH.focusNode)
        value = report.value(result, SH.value)
        path = report.value(result, SH.resultPath)
        if value == focus and isinstance(path, URIRef) and focus is not None:
            # a node-level rule (rgsh:reportPath): show the value the rule is about
            value = data.value(focus, path) or value
        quote = _quote(data, focus) if focus is not None else None
        if quote is None and isinstance(value, URIRef):  # e.g. an anchor named as the value
            quote = _quote(data, value)
        out.append(
            Finding(
                severity=severity,
                shape=report.value(result, SH.sourceShape),
                focus=focus,
                path=render_path(report, path),
                value=value,
                message=_message(report, result),
                component=report.value(result, SH.sourceConstraintComponent),
                quote=quote,
            )
        )
    out.sort(key=lambda f: (str(f.shape), str(f.focus), f.path or "", str(f.value)))
    return out


def _summary(outcome: ValidationOutcome) -> str:
    def count(items: list[Finding], word: str) -> str:
        rules = len({f.shape for f in items})
        return f"{len(items)} {word}{'' if len(items) == 1 else 's'} of {rules} rule{'' if rules == 1 else 's'}" if items else f"0 {word}s"

    verdict = "conforms" if outcome.conforms else "does not conform"
    parts = [count(outcome.violations, "violation"), count(outcome.warnings, "warning")]
    if outcome.infos:
        parts.append(count(outcome.infos, "info"))
    seconds = outcome.timings.get("total", 0.0)
    return f"{verdict}: {', '.join(parts)} ({outcome.triples:,} triples, {seconds:.2f} s)"


def render_text(outcome: ValidationOutcome, names: Graph, shapes: Graph | None = None, limit: int = 10) -> str:
    """The human report: grouped by severity, then by shape; a one-line summary last."""
    lines: list[str] = []
    for title, items in (("VIOLATIONS", outcome.violations), ("WARNINGS", outcome.warnings), ("INFOS", outcome.infos)):
        if not items:
            continue
        lines.append(f"{title} ({len(items)})")
        by_shape: dict[Node, list[Finding]] = defaultdict(list)
        for f in items:
            by_shape[f.shape].append(f)
        for shape, group in sorted(by_shape.items(), key=lambda kv: (-len(kv[1]), str(kv[0]))):
            name = shapes.value(shape, SH.name) if shapes is not None and shape is not None else None
            lines.append("")
            lines.append(f"  {_label(names, shape)}" + (f" — {name}" if name else "") + f" ({len(group)})")
            messages = {f.message for f in group}
            shared = len(messages) == 1
            if shared:
                lines.append(f"    {group[0].message}")
            shown = group if limit <= 0 else group[:limit]
            for f in shown:
                detail = f"path {f.path}" if f.path else "no path"
                if f.value is not None and f.value != f.focus:
                    detail += f"  value {_label(names, f.value)}"
                component = _label(names, f.component).split(":")[-1].replace("ConstraintComponent", "") if f.component is not None else ""
                lines.append(f"    • {_label(names, f.focus)}  {detail}" + (f"  [{component}]" if component else ""))
                if not shared:
                    lines.append(f"        {f.message}")
                if f.quote:
                    lines.append(f"        quote “{_short(f.quote, 70)}”")
            if len(group) > len(shown):
                lines.append(f"    … and {len(group) - len(shown)} more (--limit 0 shows all)")
        lines.append("")
    lines.append(_summary(outcome))
    return "\n".join(lines) + "\n"


# --- the entry point ---------------------------------------------------------------------


def validate_graph(
    data_graph: Graph,
    *,
    ontology: Graph | None = None,
    shapes: Graph | None = None,
    sources: Mapping[str, str] | None = None,
    texts_dir: Path | None = None,
    check_source_texts: bool = True,
    inference: str = "none",
    engine: str = "split",
    jobs: int | None = None,
    limit: int = 10,
) -> ValidationOutcome:
    """Validate a graph against the project's shapes; never raises on a non-conforming graph.

    ``data_graph``: the graph to check (plans, with or without the model).  ``ontology``:
    the ontology and vocabularies (default ``vocab.model_graph()``; used only if the data
    lacks them).  ``sources``: SHA-256 → decoded text of the source files, as the build holds
    them; without it the texts are looked up in ``texts_dir`` (default ``texts/``).
    ``jobs``: processes for the core pass (default: ``default_jobs()`` for a graph of
    ``PARALLEL_MIN_TRIPLES`` or more, else one; the core shapes are split in groups of about
    equal cost, one per process).
    ``inference`` and ``engine="rdflib"`` (all shapes in one pySHACL run on rdflib, one
    process) exist for the benchmark; the defaults are the fast, exact settings.
    """
    if inference not in INFERENCE:
        raise InputError(f"inference {inference!r}: expected one of {', '.join(INFERENCE)}")
    if engine not in ENGINES:
        raise InputError(f"engine {engine!r}: expected one of {', '.join(ENGINES)}")
    started = time.perf_counter()
    timings: dict[str, float] = {}
    shapes = shapes if shapes is not None else load_shapes()
    data = data_graph
    if not _has_ontology(data_graph):
        tick = time.perf_counter()
        data = Graph()
        data += data_graph
        data += ontology if ontology is not None else model_graph()
        timings["mix-model"] = time.perf_counter() - tick
    reports: list[Graph] = []
    if engine == "rdflib":
        tick = time.perf_counter()
        reports.append(_pyshacl(data, shapes, None, inference))
        timings["shacl"] = time.perf_counter() - tick
    else:
        core, sparql = split_shapes(shapes)
        tick = time.perf_counter()
        if jobs is None:  # forking costs more than it saves on a small graph
            jobs = default_jobs() if len(data) >= PARALLEL_MIN_TRIPLES else 1
        jobs = max(1, jobs)
        groups = partition_shapes(core, data, jobs)
        pending = [_in_forked_process(_pyshacl, data, group, None, inference) for group in groups[1:]]
        reports.append(_pyshacl(data, groups[0], None, inference))
        timings["core"] = time.perf_counter() - tick
        if len(sparql):
            tick = time.perf_counter()
            store = to_oxigraph(data)
            timings["oxigraph-load"] = time.perf_counter() - tick
            tick = time.perf_counter()
            reports.append(_pyshacl(_oxigraph_data_graph(store), sparql, None, "none"))
            timings["sparql"] = time.perf_counter() - tick
    if check_source_texts:
        tick = time.perf_counter()
        if sources is None and texts_dir is None:
            texts_dir = project_root() / "texts"
        reports.append(check_sources(data_graph, sources, texts_dir))
        timings["sources"] = time.perf_counter() - tick
    if engine != "rdflib":
        tick = time.perf_counter()
        reports.extend(get() for get in pending)
        timings["wait-core"] = time.perf_counter() - tick
    report, top = _merge(reports, shapes)
    findings = findings_of(report, top, data_graph)
    violations = [f for f in findings if f.severity == "Violation"]
    conforms = not violations
    report.add((top, SH.conforms, Literal(conforms)))
    timings["total"] = time.perf_counter() - started
    outcome = ValidationOutcome(
        conforms=conforms,
        report=report,
        violations=violations,
        warnings=[f for f in findings if f.severity == "Warning"],
        infos=[f for f in findings if f.severity == "Info"],
        triples=len(data_graph),
        timings=timings,
    )
    names = bind_prefixes(Graph(bind_namespaces="none"))
    names.bind("rgsh", RGSH)
    names.bind("sh", SH)
    names.bind("rdf", RDF)
    for prefix, ns in data_graph.namespaces():
        if prefix not in dict(names.namespaces()):
            names.bind(prefix, ns)
    outcome.text = render_text(outcome, names, shapes, limit)
    return outcome


# --- files and the command ---------------------------------------------------------------


#: The file of a built graph directory that ``validate`` reads: the whole graph, as N-Triples
#: (line-based; rdflib parses the two-plan graph in about 1.5 s of CPU, the same graph in
#: Turtle, rightsgraph.ttl, in about 1.9 s).
BUILT_GRAPH_FILE = "rightsgraph.nt"


def load_data(paths: Iterable[Path]) -> Graph:
    """Parse graph files (a directory means its rightsgraph.nt) into one graph.

    A file without a single triple is an input error: validating nothing would "conform".
    """
    graph = bind_prefixes(Graph(bind_namespaces="none"))
    for path in paths:
        if path.is_dir():
            path = path / BUILT_GRAPH_FILE
            if not path.is_file():
                raise InputError(f"{path}: missing; expected a built graph directory (run `rightsgraph build`)")
        if not path.exists():
            raise InputError(f"{path}: no such file (expected an RDF graph or a built graph directory)")
        fmt = guess_format(str(path))
        if fmt is None:
            raise InputError(f"{path}: unknown RDF format; expected .ttl, .nt, .trig, .nq, .rdf or .jsonld")
        before = len(graph)
        try:
            if fmt in ("trig", "nquads"):
                dataset = Dataset()
                dataset.parse(path, format=fmt)
                quads = 0
                for s, p, o, _ in dataset.quads((None, None, None, None)):
                    graph.add((s, p, o))
                    quads += 1
                found = quads > 0
            else:
                graph.parse(path, format=fmt)
                found = len(graph) > before or _has_triples(path, fmt)
        except Exception as exc:
            raise InputError(f"{path}: not valid {fmt} ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from exc
        if not found:
            raise InputError(f"{path}: no triples (empty graph); expected a graph built by `rightsgraph build`")
    return graph


def _has_triples(path: Path, fmt: str) -> bool:
    """Whether a file that added nothing new (every triple already read from an earlier file) has any."""
    return len(Graph().parse(path, format=fmt)) > 0


def require_plans(graph: Graph, paths: Iterable[Path]) -> None:
    """An input error unless the graph has an rg:ActionPlan.

    ``validate`` checks plans: a graph of the model alone (ontology.ttl) or of anything else
    would "conform" without a single plan checked.
    """
    if (None, RDF.type, RG.ActionPlan) not in graph:
        names = ", ".join(str(p) for p in paths)
        raise InputError(f"{names}: no rg:ActionPlan in the graph; expected a built graph with at least one action plan")


@click.command("validate")
@click.argument("graphs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "ttl"]), default="text", show_default=True,
              help="text: report for people; ttl: the W3C SHACL validation report graph.")
@click.option("--shapes", "shapes_path", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Shapes directory  [default: shapes/ of the project]")
@click.option("--texts", "texts_path", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory of the source texts for the quote check  [default: texts/ of the project]")
@click.option("--no-source-check", is_flag=True, help="Do not check anchor quotes against the source files.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=0),
              help="Results shown per rule in the text report (0: all).")
@click.option("--inference", type=click.Choice(INFERENCE), default="none", show_default=True,
              help="pySHACL pre-inference; rdfs is about ten times slower and finds the same (the shapes need none).")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes for the core shapes  [default: 2 on a large graph when a core is idle, else 1]")
def validate_command(graphs: tuple[Path, ...], fmt: str, shapes_path: Path | None, texts_path: Path | None,
                     no_source_check: bool, limit: int, inference: str, jobs: int | None) -> None:
    """Check GRAPH files (default: graph/; a directory means its rightsgraph.nt) against shapes/.

    Exit status: 0 conforms (warnings allowed), 1 does not conform, 2 usage or input error
    (also: no triples, or no rg:ActionPlan, in the input).
    """
    root = project_root()
    paths = list(graphs) or [root / "graph"]
    data = load_data(paths)
    require_plans(data, paths)
    shapes = load_shapes(shapes_path) if shapes_path else load_shapes()
    if texts_path is not None and not texts_path.is_dir():
        raise InputError(f"--texts {texts_path}: not a directory (expected the folder of the source texts)")
    outcome = validate_graph(
        data,
        shapes=shapes,
        texts_dir=texts_path or root / "texts",
        check_source_texts=not no_source_check,
        inference=inference,
        jobs=jobs,
        limit=limit,
    )
    if fmt == "ttl":
        click.echo(outcome.report.serialize(format="turtle"), nl=False)
        click.echo(_summary(outcome), err=True)
    else:
        click.echo(outcome.text, nl=False)
    sys.exit(0 if outcome.conforms else 1)
