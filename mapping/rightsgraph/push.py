"""``rightsgraph push``: load the built graph into a store through the SPARQL 1.1 Graph Store
HTTP Protocol, one named graph per plan plus one for the ontology and vocabularies.

The graphs are read from the build's ``rightsgraph.trig`` (``<…/id/cn-nhrap-2012-2015>``,
``<…/id/cn-nhrap-2026-2030>``, ``<…/id/graph/model>``) and each is sent as Turtle with HTTP
``PUT`` to ``ENDPOINT?graph=IRI`` (indirect graph identification).  ``PUT`` replaces the
graph, so pushing twice leaves the store as one push does: nothing is duplicated.
``--graph-base`` moves the graph names (not the data) under another IRI, e.g.
``--graph-base http://example.org/g/`` sends ``…/g/cn-nhrap-2012-2015`` and ``…/g/graph/model``.

Credentials come only from the environment, never from the command line (where ``ps`` and
shell history would show them): ``RIGHTSGRAPH_USER`` and ``RIGHTSGRAPH_PASSWORD`` for HTTP
Basic (sent with the first request; a Digest challenge, as Virtuoso sends, is answered
too), or ``RIGHTSGRAPH_TOKEN`` for ``Authorization: Bearer`` (QLever's access token).
Use https:// for anything but a store on this machine: Basic sends the password in clear.

The Graph Store URL (``--endpoint``) of common stores:

=========  =====================================================================
Store      --endpoint
=========  =====================================================================
Fuseki     ``http://HOST:3030/DATASET/data`` (the dataset's Graph Store service;
           ``/DATASET`` alone also accepts it on Fuseki 4+).  Query at
           ``/DATASET/sparql``; set ``tdb2:unionDefaultGraph true`` to query all
           graphs without GRAPH.
GraphDB    ``http://HOST:7200/repositories/REPO/rdf-graphs/service``; query at
           ``/repositories/REPO``.  GraphDB's default graph is already the union.
Virtuoso   ``http://HOST:8890/sparql-graph-crud-auth`` (Digest auth; grant the user
           ``SPARQL_UPDATE``) or ``/sparql-graph-crud`` if the anonymous user may
           write.  Query at ``/sparql``; the default graph is the union.
Oxigraph   ``http://HOST:7878/store``; query at ``/query``.  Start it with
           ``oxigraph serve --union-default-graph`` to query all graphs without
           GRAPH (note: its union repeats a triple that two graphs both state).
QLever     ``http://HOST:PORT/`` (the server root; Graph Store writes since 2025),
           with the server's access token in ``RIGHTSGRAPH_TOKEN``.  Query at the
           same URL.
=========  =====================================================================
"""

from __future__ import annotations

import base64
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import click

from rightsgraph.endpoint import first_line
from rightsgraph.errors import EndpointError, InputError

ID_BASE = "https://w3id.org/rightsgraph/id/"
DATASET_FILE = "rightsgraph.trig"
PREFIXES = {
    "rg": "https://w3id.org/rightsgraph/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "oa": "http://www.w3.org/ns/oa#",
    "prov": "http://www.w3.org/ns/prov#",
}


@dataclass
class NamedGraph:
    """One graph of the build as it will be sent."""

    name: str
    turtle: bytes
    triples: int


def read_graphs(data: Path) -> list[NamedGraph]:
    """The named graphs of a build directory's rightsgraph.trig (or of a .trig/.nq file)."""
    import pyoxigraph as ox

    path = data / DATASET_FILE if data.is_dir() else data
    if not path.is_file():
        raise InputError(f"{path}: no such file (expected the output of rightsgraph build, which writes {DATASET_FILE})")
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower())
    if fmt is None or not fmt.supports_datasets:
        raise InputError(f"{path}: expected a TriG or N-Quads file with one named graph per plan")
    grouped: dict[str, list] = {}
    try:
        for quad in ox.parse(path=str(path), format=fmt):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                raise InputError(f"{path}: has triples outside any named graph; expected one named graph per plan")
            grouped.setdefault(quad.graph_name.value, []).append(ox.Triple(quad.subject, quad.predicate, quad.object))
    except SyntaxError as exc:
        raise InputError(f"{path}: cannot parse as {fmt.name} ({str(exc).splitlines()[0]})") from exc
    if not grouped:
        raise InputError(f"{path}: no named graphs")
    return [NamedGraph(name, ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES), len(triples)) for name, triples in sorted(grouped.items())]


def rebase(name: str, graph_base: str | None) -> str:
    """The graph name under ``--graph-base`` (names outside the project's id space are kept)."""
    if not graph_base or not name.startswith(ID_BASE):
        return name
    return graph_base + name[len(ID_BASE) :]


def graph_url(endpoint: str, graph: str) -> str:
    """``ENDPOINT?graph=IRI``, keeping any query string the endpoint URL already has."""
    separator = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    return f"{endpoint}{separator}graph={urllib.parse.quote(graph, safe='')}"


def credentials() -> dict[str, str]:
    """Authorization headers from RIGHTSGRAPH_TOKEN or RIGHTSGRAPH_USER/RIGHTSGRAPH_PASSWORD."""
    token = os.environ.get("RIGHTSGRAPH_TOKEN")
    user, password = os.environ.get("RIGHTSGRAPH_USER"), os.environ.get("RIGHTSGRAPH_PASSWORD")
    if token:
        return {"Authorization": f"Bearer {token}"}
    if user is not None or password is not None:
        if not user or password is None:
            raise InputError("set both RIGHTSGRAPH_USER and RIGHTSGRAPH_PASSWORD for HTTP authentication, or neither")
        return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")}
    return {}


def opener(endpoint: str) -> urllib.request.OpenerDirector:
    """urllib with a Digest handler for stores that challenge (Virtuoso's -auth endpoint)."""
    user, password = os.environ.get("RIGHTSGRAPH_USER"), os.environ.get("RIGHTSGRAPH_PASSWORD")
    handlers: list[urllib.request.BaseHandler] = []
    if user and password is not None:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, endpoint, user, password)
        handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
    return urllib.request.build_opener(*handlers)


def put_graph(endpoint: str, graph: NamedGraph, name: str, timeout: float, headers: dict[str, str], open_url: urllib.request.OpenerDirector) -> int:
    """PUT one graph; the HTTP status, or EndpointError with status and the body's first line."""
    request = urllib.request.Request(graph_url(endpoint, name), data=graph.turtle, method="PUT")
    request.add_header("Content-Type", "text/turtle")
    for key, value in headers.items():
        # Unredirected: not forwarded on a redirect, and replaceable by a Digest answer.
        request.add_unredirected_header(key, value)
    try:
        with open_url.open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        body = exc.read() if exc.fp else b""
        hint = " (set RIGHTSGRAPH_USER and RIGHTSGRAPH_PASSWORD, or RIGHTSGRAPH_TOKEN)" if exc.code in (401, 403) and not headers else ""
        raise EndpointError(f"{endpoint}: PUT of graph <{name}> failed: HTTP {exc.code} {exc.reason}: {first_line(body)}{hint}") from None
    except (TimeoutError, OSError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if isinstance(reason, TimeoutError):
            text = f"no answer within {timeout:g} s"
        elif isinstance(reason, ConnectionRefusedError):
            text = "connection refused (is the store running?)"
        elif isinstance(reason, OSError) and reason.strerror:
            text = f"cannot connect ({reason.strerror})"
        else:
            text = f"cannot connect ({reason})"
        raise EndpointError(f"{endpoint}: PUT of graph <{name}> failed: {text}") from None


def push(data: Path, endpoint: str, graph_base: str | None = None, timeout: float = 120.0) -> list[tuple[str, int, int]]:
    """Send every named graph; (graph name, triples, HTTP status) for each."""
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"--endpoint {endpoint!r}: expected the http:// or https:// URL of a Graph Store (see rightsgraph push --help)")
    if graph_base is not None:
        base = urllib.parse.urlsplit(graph_base)
        if not base.scheme or any(c in graph_base for c in ' <>"{}|\\^`'):
            raise InputError(f"--graph-base {graph_base!r}: expected an absolute IRI such as http://example.org/graph/")
    headers = credentials()
    graphs = read_graphs(data)
    open_url = opener(endpoint)
    done = []
    for graph in graphs:
        name = rebase(graph.name, graph_base)
        status = put_graph(endpoint, graph, name, timeout, headers, open_url)
        done.append((name, graph.triples, status))
    return done


@click.command("push")
@click.option("--endpoint", required=True, help="Graph Store HTTP Protocol URL, e.g. http://localhost:3030/ds/data (Fuseki) or http://localhost:7878/store (Oxigraph).")
@click.option("--graph-base", default=None, metavar="IRI", help=f"Name the graphs under this IRI instead of {ID_BASE}.")
@click.option("--data", type=click.Path(path_type=Path), default=None, help="Built graph directory (its rightsgraph.trig) or a .trig file  [default: graph/]")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=120.0, show_default=True, help="Seconds to wait for the store to accept each graph.")
def push_command(endpoint: str, graph_base: str | None, data: Path | None, timeout: float) -> None:
    """Load the graph into a triple store: one named graph per plan and one for the model, by HTTP PUT.

    Credentials are read from RIGHTSGRAPH_USER/RIGHTSGRAPH_PASSWORD (HTTP Basic or Digest)
    or RIGHTSGRAPH_TOKEN (Bearer), never from the command line.
    """
    from rightsgraph.vocab import project_root

    for name, triples, status in push(data or project_root() / "graph", endpoint, graph_base, timeout):
        click.echo(f"put <{name}>: {triples} triples (HTTP {status})")


if __name__ == "__main__":  # python -m rightsgraph.push …, usable before cli.py registers the command
    import sys

    from rightsgraph import push as _module
    from rightsgraph.cli import main

    if "push" not in main.commands:
        main.add_command(_module.push_command)
    main(["push", *sys.argv[1:]], prog_name="rightsgraph")
