"""The embedded SPARQL store: the built graph in pyoxigraph, queried with bound RDF terms.

Why pyoxigraph: it parses the two-plan graph in tens of milliseconds and answers every named
query in a few, where rdflib takes about half a second to load and most of a second per query
(see ``bench/bench_store.py``).  rdflib stays the project's RDF toolkit; only query execution
moves here.

Parameters are bound through pyoxigraph's ``substitutions`` argument (SPARQL-dev SEP-0007):
the value is an RDF term handed to the engine, never text pasted into the query, so a value
made of quotes, braces or SPARQL keywords can only ever be a value.

The store is in memory and used read-only: nothing in this module or in ``serve`` calls an
update, and the query parser rejects update syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from rightsgraph.errors import InputError

if TYPE_CHECKING:  # rdflib is imported lazily: serve's worker processes start faster without it.
    from rightsgraph.query import NamedQuery

#: The build's files, in the order a directory is searched for the merged (default) graph.
MERGED_FILE = "rightsgraph.nt"
DATASET_FILE = "rightsgraph.trig"


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF syntax of a file, from its extension."""
    suffix = path.suffix.lstrip(".").lower()
    fmt = ox.RdfFormat.from_extension(suffix) if suffix else None
    if fmt is None:
        raise InputError(f"{path}: unknown RDF file extension {path.suffix or '(none)'!r}; expected .nt, .ttl, .trig, .nq, .rdf or .jsonld")
    return fmt


def source_files(source: Path) -> list[Path]:
    """The files that hold the merged graph of a build directory, or the file itself."""
    if source.is_dir():
        if (source / MERGED_FILE).exists():
            return [source / MERGED_FILE]
        files = sorted(source.glob("*.ttl"))
        if not files:
            raise InputError(f"{source}: no graph files (expected the output of rightsgraph build)")
        return files
    if source.is_file():
        return [source]
    raise InputError(f"{source}: no such file or directory (expected a built graph directory or RDF file)")


def load_store(sources: list[Path], *, named_graphs: bool = False) -> ox.Store:
    """An in-memory store holding the given build directories or RDF files.

    The default graph is always the merged graph (a directory's ``rightsgraph.nt``; every
    triple of a quad file), so a query without ``GRAPH`` or ``FROM`` sees exactly what
    rdflib's :func:`rightsgraph.query.load_data` sees and answers identically.

    With ``named_graphs`` (what ``serve`` uses) the named graphs of a directory's
    ``rightsgraph.trig`` (one per plan plus ``…/id/graph/model``) and of any quad file are
    loaded as well, so ``GRAPH <plan>`` and ``FROM <plan>`` select one plan.  They are kept
    beside the merged default graph rather than queried as a union default graph because
    Oxigraph's union repeats a triple stated in two graphs and lets the union flag override
    ``FROM``; the merged copy costs a few megabytes.
    """
    store = ox.Store()
    for source in sources:
        for path in source_files(source):
            _load_file(store, path, to_default=True, to_named=named_graphs)
        if named_graphs and source.is_dir() and (source / DATASET_FILE).exists():
            # Named graphs only: its triples are already in the default graph from the .nt,
            # and loading them twice would duplicate every triple with a blank node.
            _load_file(store, source / DATASET_FILE, to_default=False, to_named=True)
    return store


def _load_file(store: ox.Store, path: Path, *, to_default: bool, to_named: bool) -> None:
    fmt = rdf_format(path)
    try:
        if not fmt.supports_datasets:
            if to_default:
                store.load(path=str(path), format=fmt)
            return
        quads = list(ox.parse(path=str(path), format=fmt))
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError(f"{path}: cannot parse as {fmt.name} ({type(exc).__name__}: {_first_line(exc)})") from exc
    if to_default:  # every triple of a dataset file also goes to the merged default graph
        store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    if to_named:
        store.extend(q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph))


def to_oxigraph(term: Any) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term (URIRef, Literal, BNode) as the equal pyoxigraph term."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise InputError(f"cannot bind {term!r}: expected an IRI, a literal or a blank node")


def term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """A result value as plain text, as :func:`rightsgraph.query.run` renders rdflib's."""
    if term is None:
        return ""
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def evaluate(store: ox.Store, query_text: str, bindings: Mapping[str, Any] | None = None) -> Any:
    """Any query form, parameters bound as RDF terms; engine errors become one-line InputErrors.

    ``bindings`` maps variable names (``"plan"`` or rdflib's ``Variable("plan")``) to rdflib
    terms; they reach the engine through ``substitutions``, never through the query text.
    SEP-0007 substitution needs each bound variable in the SELECT clause (``SELECT *``
    counts) and does not reach into sub-SELECTs; rdflib's initBindings does neither, so a named
    query projects its parameters and keeps them out of sub-SELECTs to run on both engines
    (``tests/test_endpoint.py`` checks every named query).
    """
    substitutions = {ox.Variable(str(name).lstrip("?$")): to_oxigraph(value) for name, value in (bindings or {}).items()}
    try:
        return store.query(query_text, substitutions=substitutions)
    except SyntaxError as exc:
        raise InputError(f"query: SPARQL syntax error: {_first_line(exc)}") from exc
    except (OSError, ValueError, RuntimeError) as exc:
        unprojected = re.search(r"variable (\?\w+) in its SELECT projection", str(exc))
        if unprojected:
            raise InputError(
                f"query: parameter {unprojected.group(1)} must be in the SELECT clause: Oxigraph binds "
                "parameters by substitution (SPARQL-dev SEP-0007), which applies to projected variables"
            ) from exc
        raise InputError(f"query: {type(exc).__name__}: {_first_line(exc)}") from exc


def run_select(store: ox.Store, query_text: str, bindings: Mapping[str, Any] | None = None) -> tuple[list[str], list[list[str]]]:
    """Columns and rows (plain strings) of a SELECT query."""
    result = evaluate(store, query_text, bindings)
    if not isinstance(result, ox.QuerySolutions):
        raise InputError("query: not a SELECT query; a CONSTRUCT or DESCRIBE query needs --format ttl")
    columns = [v.value for v in result.variables]
    try:
        rows = [[term_text(solution[i]) for i in range(len(columns))] for solution in result]
    except (OSError, ValueError, RuntimeError) as exc:
        raise InputError(f"query: {type(exc).__name__}: {_first_line(exc)}") from exc
    return columns, rows


def run_construct(store: ox.Store, query_text: str, bindings: Mapping[str, Any] | None = None) -> str:
    """The graph a CONSTRUCT or DESCRIBE query builds, as Turtle with the build's prefixes.

    Serialised through :func:`rightsgraph.publish.turtle`, so the same query over the same
    data prints the same bytes, with the prefixes of the files in graph/.
    """
    from rdflib import Graph

    from rightsgraph.publish import turtle

    result = evaluate(store, query_text, bindings)
    if not isinstance(result, ox.QueryTriples):
        raise InputError("query: --format ttl needs a CONSTRUCT or DESCRIBE query; this one is a SELECT or ASK (use table, csv, tsv or json)")
    try:
        ntriples = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
    except (OSError, ValueError, RuntimeError) as exc:
        raise InputError(f"query: {type(exc).__name__}: {_first_line(exc)}") from exc
    return turtle(Graph().parse(data=ntriples.decode("utf-8"), format="nt"))


def run(query: NamedQuery, store: ox.Store, params: dict[str, str]) -> tuple[list[str], list[list[str]]]:
    """A named SELECT query with ``--param`` values: the twin of :func:`rightsgraph.query.run`."""
    from rightsgraph.query import bind_parameters

    bindings = bind_parameters(query, params)
    try:
        return run_select(store, query.text, bindings)
    except InputError as exc:
        raise InputError(f"query {query.name}: {str(exc).removeprefix('query: ')}") from exc


def run_graph(query: NamedQuery, store: ox.Store, params: dict[str, str]) -> str:
    """A named CONSTRUCT or DESCRIBE query with ``--param`` values, as Turtle."""
    from rightsgraph.query import bind_parameters

    bindings = bind_parameters(query, params)
    try:
        return run_construct(store, query.text, bindings)
    except InputError as exc:
        raise InputError(f"query {query.name}: {str(exc).removeprefix('query: ')}") from exc


def count_triples(store: ox.Store, graphs: Iterable[ox.NamedNode] | None = None) -> int:
    """Triples in the default graph (or in the given named graphs): for reports and tests."""
    if graphs is None:
        return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return sum(sum(1 for _ in store.quads_for_pattern(None, None, None, g)) for g in graphs)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
