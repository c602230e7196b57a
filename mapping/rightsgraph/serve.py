"""``rightsgraph serve``: a read-only SPARQL 1.1 Protocol endpoint over the built graph.

Production parts: a Starlette ASGI app behind uvicorn answers HTTP; queries run in a small
pool of worker processes, each holding the graph in an embedded Oxigraph store
(:func:`rightsgraph.store.load_store`).  Why processes: a SPARQL query cannot be interrupted
from Python once Oxigraph evaluates it, so a query that passes its deadline is stopped by
killing its worker (SIGKILL) and a fresh worker takes its place; the other workers keep
answering meanwhile.  The reply is then ``503``, never ``200`` with a cut-off body, because
a worker sends its whole serialised answer or nothing.

Promises, each proven in ``tests/test_serve.py``:

* Read-only.  SPARQL Update (``application/sparql-update``, an ``update=`` field, a query text
  that is an update, anything on ``/update``) and Graph Store writes (PUT/POST/DELETE/PATCH
  on ``/store``) answer ``403``.  The store is never updated after loading.
* No outbound traffic.  Oxigraph would evaluate ``SERVICE`` by HTTP, so a query using the
  ``SERVICE`` keyword (found by a tokenizer that skips strings, IRIs and comments, before
  and after ``\\u`` unescaping) is refused with ``400`` before it reaches the engine.
  ``FROM``/``FROM NAMED`` and the ``default-graph-uri``/``named-graph-uri`` parameters name
  graphs of this store (one per plan, plus ``…/id/graph/model``); nothing is dereferenced.
  ``LOAD`` is an update, hence ``403``.
* Timeouts that hold: ``--timeout`` seconds per request, waiting for a worker included;
  past it the worker is killed and the reply is ``503``.
* A row cap: a SELECT with more than ``--max-rows`` solutions (or a CONSTRUCT/DESCRIBE with
  more triples) is refused with ``413`` whose body names the cap and suggests ``LIMIT``.
  Refusing rather than truncating means a ``200`` answer is always the complete answer.
* Bound to 127.0.0.1 unless ``--host``; CORS headers only with ``--cors``; the endpoint URL
  printed on start (``--port 0`` picks a free port and prints it); SIGINT and SIGTERM stop
  the server and its workers cleanly with exit code 0.

Routes: ``/sparql`` (and ``/query``, Oxigraph's name) for queries by GET or POST (form or
``application/sparql-query``); ``/store`` for Graph Store reads (GET/HEAD ``?default`` or
``?graph=IRI``); ``/update`` refused.  Content negotiation: SPARQL JSON (default), XML, CSV
and TSV for SELECT and ASK; Turtle (default), N-Triples and RDF/XML for CONSTRUCT/DESCRIBE.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import csv
import io
import json
import multiprocessing
import multiprocessing.connection
import signal
import socket
import sys
import threading
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import click

from rightsgraph.endpoint import UPDATE_KEYWORDS, keywords, operation_keyword
from rightsgraph.errors import InputError

DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_WORKERS = 2
MAX_QUERY_BYTES = 1 << 20
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: Media types offered for SELECT/ASK results and for graphs, default first.
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/rdf+xml": "rdfxml",
}
CONTENT_TYPES = {
    "json": "application/sparql-results+json; charset=utf-8",
    "xml": "application/sparql-results+xml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "nt": "application/n-triples; charset=utf-8",
    "rdfxml": "application/rdf+xml; charset=utf-8",
}
PREFIXES = {
    "rg": "https://w3id.org/rightsgraph/ontology#",
    "rgid": "https://w3id.org/rightsgraph/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "oa": "http://www.w3.org/ns/oa#",
    "prov": "http://www.w3.org/ns/prov#",
    "owl": "http://www.w3.org/2002/07/owl#",
}


# --- content negotiation ---------------------------------------------------------------------


def negotiate(accept: str | None, offered: dict[str, str]) -> str | None:
    """The format key of the best offered media type for an Accept header, or None (406).

    An absent or empty header, or ``*/*``, gets the first offered type.  Among equal
    q-values the more specific range wins, then the one listed first.
    """
    if not accept or not accept.strip():
        return next(iter(offered.values()))
    best: tuple[float, int, int] | None = None
    choice: str | None = None
    ranges = []
    for index, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if not media:
            continue
        q = 1.0
        for param in parts[1:]:
            if param.lower().startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        ranges.append((media, q, index))
    for offer_index, (media_type, key) in enumerate(offered.items()):
        kind = media_type.split("/")[0]
        for media, q, index in ranges:
            specificity = 2 if media == media_type else 1 if media == f"{kind}/*" else 0 if media == "*/*" else -1
            if specificity < 0 or q <= 0:
                continue
            score = (q, specificity, -index * 100 - offer_index)
            if best is None or score > best:
                best, choice = score, key
    return choice


# --- what a worker process does --------------------------------------------------------------


@dataclass
class Job:
    """One query for a worker: the text, the Accept header and the dataset to query."""

    query: str
    accept: str
    max_rows: int
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    graph: str | None = None  # a Graph Store read: 404 when this named graph is absent


@dataclass
class Answer:
    """A complete HTTP answer: a worker sends all of it or nothing."""

    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def error(status: int, message: str) -> Answer:
    return Answer(status, (message.strip() + "\n").encode("utf-8"))


def _worker_main(conn: multiprocessing.connection.Connection, sources: list[str]) -> None:
    """A query worker: load the graph, then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the parent stops us
    from rightsgraph.store import count_triples, load_store

    try:
        store = load_store([Path(s) for s in sources], named_graphs=True)
    except InputError as exc:
        conn.send(("error", str(exc)))
        return
    conn.send(("ready", count_triples(store)))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = execute(store, job)
        except Exception as exc:  # a bug must not kill the worker silently
            answer = error(500, f"internal error: {type(exc).__name__}: {exc}")
        conn.send(answer)


def execute(store: Any, job: Job) -> Answer:
    """Run one job on an Oxigraph store and serialise the complete answer."""
    import pyoxigraph as ox

    options: dict[str, Any] = {}
    try:
        if job.default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        if job.named_graphs:
            options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
        if job.graph is not None and not store.contains_named_graph(ox.NamedNode(job.graph)):
            return error(404, f"no graph <{job.graph}> in this store")
    except ValueError as exc:
        return error(400, f"not an IRI: {exc}")
    try:
        result = store.query(job.query, **options)
        if isinstance(result, ox.QueryBoolean):
            fmt = negotiate(job.accept, RESULT_TYPES)
            if fmt is None:
                return _not_acceptable(RESULT_TYPES)
            body = result.serialize(format=_RESULT_FORMATS[fmt]())
            return Answer(200, body, CONTENT_TYPES[fmt])
        if isinstance(result, ox.QuerySolutions):
            fmt = negotiate(job.accept, RESULT_TYPES)
            if fmt is None:
                return _not_acceptable(RESULT_TYPES)
            variables = [v.value for v in result.variables]
            rows = list(islice(result, job.max_rows + 1))
            if len(rows) > job.max_rows:
                return _too_many("rows", job.max_rows)
            return Answer(200, SERIALISERS[fmt](variables, rows), CONTENT_TYPES[fmt], {"X-Result-Rows": str(len(rows))})
        fmt = negotiate(job.accept, GRAPH_TYPES)
        if fmt is None:
            return _not_acceptable(GRAPH_TYPES)
        triples = list(islice(result, job.max_rows + 1))
        if len(triples) > job.max_rows:
            return _too_many("triples", job.max_rows)
        body = ox.serialize(triples, format=_GRAPH_FORMATS[fmt](), prefixes=PREFIXES if fmt == "turtle" else None)
        return Answer(200, body or b"", CONTENT_TYPES[fmt], {"X-Result-Rows": str(len(triples))})
    except SyntaxError as exc:
        return error(400, f"SPARQL syntax error: {_first_line(exc)}")
    except (ValueError, TypeError) as exc:
        return error(400, f"query error: {_first_line(exc)}")
    except (OSError, RuntimeError) as exc:
        return error(500, f"query evaluation failed: {_first_line(exc)}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _not_acceptable(offered: dict[str, str]) -> Answer:
    return error(406, "no acceptable result format; this query's answer is offered as: " + ", ".join(offered))


def _too_many(what: str, cap: int) -> Answer:
    return error(413, f"the answer has more than {cap} {what}, this server's --max-rows cap; add a LIMIT (and OFFSET to page) or narrow the query")


def _ox_results(name: str) -> Any:
    import pyoxigraph as ox

    return getattr(ox.QueryResultsFormat, name)


def _ox_rdf(name: str) -> Any:
    import pyoxigraph as ox

    return getattr(ox.RdfFormat, name)


_RESULT_FORMATS = {"json": lambda: _ox_results("JSON"), "xml": lambda: _ox_results("XML"), "csv": lambda: _ox_results("CSV"), "tsv": lambda: _ox_results("TSV")}
_GRAPH_FORMATS = {"turtle": lambda: _ox_rdf("TURTLE"), "nt": lambda: _ox_rdf("N_TRIPLES"), "rdfxml": lambda: _ox_rdf("RDF_XML")}


# --- SELECT serialisers (rows are counted before serialising, so Oxigraph's own cannot be used)


def _json_term(term: Any) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject), "predicate": _json_term(term.predicate), "object": _json_term(term.object)}}
    cell = {"type": "literal", "value": term.value}
    if term.language:
        cell["xml:lang"] = term.language
        if getattr(term, "direction", None):
            cell["its:dir"] = str(term.direction.value if hasattr(term.direction, "value") else term.direction).lower()
    elif term.datatype.value != XSD_STRING:
        cell["datatype"] = term.datatype.value
    return cell


def select_json(variables: list[str], rows: Sequence[Any]) -> bytes:
    bindings = []
    for row in rows:
        cells = {}
        for i, name in enumerate(variables):
            term = row[i]
            if term is not None:
                cells[name] = _json_term(term)
        bindings.append(cells)
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False).encode("utf-8")


def _xml_term(term: Any) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}</predicate><object>{_xml_term(term.object)}</object></triple>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def select_xml(variables: list[str], rows: Sequence[Any]) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    out.append("</head>\n<results>")
    for row in rows:
        cells = "".join(f"<binding name={quoteattr(v)}>{_xml_term(row[i])}</binding>" for i, v in enumerate(variables) if row[i] is not None)
        out.append(f"<result>{cells}</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out).encode("utf-8")


def select_csv(variables: list[str], rows: Sequence[Any]) -> bytes:
    """SPARQL 1.1 CSV: plain values (IRIs bare, literals' lexical form, ``_:`` blank nodes), CRLF."""
    import pyoxigraph as ox

    def plain(term: Any) -> str:
        if term is None:
            return ""
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        if isinstance(term, ox.Triple):
            return str(term)
        return term.value

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([plain(row[i]) for i in range(len(variables))] for row in rows)
    return buffer.getvalue().encode("utf-8")


def select_tsv(variables: list[str], rows: Sequence[Any]) -> bytes:
    """SPARQL 1.1 TSV: ``?var`` header, terms in N-Triples syntax (tabs and newlines escaped)."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    for row in rows:
        lines.append("\t".join("" if row[i] is None else str(row[i]) for i in range(len(variables))))
    return ("\n".join(lines) + "\n").encode("utf-8")


SERIALISERS = {"json": select_json, "xml": select_xml, "csv": select_csv, "tsv": select_tsv}


# --- the worker pool (in the server process) -------------------------------------------------


class Worker:
    """One query process and the pipe to it."""

    def __init__(self, context: Any, sources: list[str]) -> None:
        parent, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, sources), name="rightsgraph-query", daemon=True)
        self.process.start()
        child.close()
        self.conn = parent
        self.triples = 0

    def wait_ready(self, timeout: float) -> None:
        """Block until the worker has loaded the graph; InputError if it could not."""
        try:
            ready = self.conn.poll(timeout)
        except (OSError, ValueError):  # the pool closed this pipe: shutting down
            ready = False
        if not ready:
            self.kill()
            raise InputError(f"a query worker did not load the graph within {timeout:g} s")
        try:
            kind, value = self.conn.recv()
        except (EOFError, OSError, ValueError):
            self.kill()
            raise InputError("a query worker died while loading the graph") from None
        if kind == "error":
            self.kill()
            raise InputError(value)
        self.triples = value

    def call(self, job: Job, timeout: float) -> Answer | None:
        """The worker's answer, or None after killing it when ``timeout`` passes first."""
        try:
            self.conn.send(job)
            if self.conn.poll(timeout):
                return self.conn.recv()
        except (EOFError, OSError, ValueError):  # died, or killed by the pool's close()
            self.kill()
            return error(500, "the query worker stopped unexpectedly; a new one is starting")
        self.kill()
        return None

    @property
    def alive(self) -> bool:
        return self.process.is_alive() and not self.conn.closed

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(2)
        if not self.conn.closed:
            self.conn.close()


class Pool:
    """Worker processes handed out one query at a time; a worker past its deadline is replaced."""

    def __init__(self, sources: list[Path], size: int, timeout: float) -> None:
        self.sources = [str(s) for s in sources]
        self.size = size
        self.timeout = timeout
        self.context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self.workers: list[Worker] = []
        self.idle: asyncio.Queue[Worker] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.threads = concurrent.futures.ThreadPoolExecutor(max_workers=2 * size + 2, thread_name_prefix="rightsgraph-pool")
        self.closing = False
        self.lock = threading.Lock()

    def start(self) -> int:
        """Start every worker and wait for each to load the graph; the triple count."""
        started = [Worker(self.context, self.sources) for _ in range(self.size)]
        self.workers.extend(started)
        for worker in started:
            worker.wait_ready(120)
        return started[0].triples

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Hand the started workers to the event loop's idle queue."""
        self.loop = loop
        self.idle = asyncio.Queue()
        for worker in self.workers:
            self.idle.put_nowait(worker)

    async def run(self, job: Job) -> Answer:
        """The answer to a job within the pool's timeout (worker wait included), else 503."""
        assert self.idle is not None and self.loop is not None
        loop = self.loop
        deadline = loop.time() + self.timeout
        try:
            worker = await asyncio.wait_for(self.idle.get(), self.timeout)
        except asyncio.TimeoutError:
            return error(503, f"server busy: no query worker became free within the {self.timeout:g} s timeout; try again")
        remaining = max(0.01, deadline - loop.time())
        future = loop.run_in_executor(self.threads, worker.call, job, remaining)
        future.add_done_callback(lambda _: self._release(worker))
        answer = await asyncio.shield(future)
        if answer is None:
            return error(503, f"query stopped: it ran past this server's {self.timeout:g} s timeout (--timeout)")
        return answer

    def _release(self, worker: Worker) -> None:
        """Back to the idle queue, or replaced by a new worker if it was killed."""
        if self.closing:
            return
        if worker.alive:
            assert self.idle is not None
            self.idle.put_nowait(worker)
            return
        with self.lock:
            if worker in self.workers:
                self.workers.remove(worker)
        self.threads.submit(self._replace)

    def _replace(self) -> None:
        try:
            worker = Worker(self.context, self.sources)
            with self.lock:
                self.workers.append(worker)
            worker.wait_ready(120)
        except Exception as exc:
            if not self.closing:
                click.echo(f"rightsgraph: a query worker could not be restarted: {exc}", err=True)
            return
        if self.closing:
            worker.kill()
        elif self.loop is not None and self.idle is not None:
            self.loop.call_soon_threadsafe(self.idle.put_nowait, worker)

    def close(self) -> None:
        """Kill every worker; threads waiting on one see its pipe close and return."""
        self.closing = True
        with self.lock:
            workers = list(self.workers)
        for worker in workers:
            worker.kill()
        self.threads.shutdown(wait=False, cancel_futures=True)


# --- the ASGI app ----------------------------------------------------------------------------


def build_app(pool: Pool, max_rows: int, cors: bool) -> Any:
    """The Starlette app: SPARQL Protocol on /sparql and /query, Graph Store reads on /store."""
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    def respond(answer: Answer, head: bool = False) -> Response:
        return Response(b"" if head else answer.body, status_code=answer.status, headers=answer.headers, media_type=answer.content_type)

    async def answer_query(text: str, accept: str, default_graphs: list[str], named_graphs: list[str]) -> Answer:
        if len(text.encode("utf-8")) > MAX_QUERY_BYTES:
            return error(413, f"query longer than {MAX_QUERY_BYTES} bytes")
        operation = operation_keyword(text)
        if operation in UPDATE_KEYWORDS:
            return error(403, f"this endpoint is read-only: SPARQL Update ({operation}) is refused")
        if "SERVICE" in keywords(text):
            return error(400, "SERVICE (federated query) is refused: this endpoint makes no outbound requests")
        offered = RESULT_TYPES if operation in ("SELECT", "ASK") else GRAPH_TYPES if operation in ("CONSTRUCT", "DESCRIBE") else None
        if offered is not None and negotiate(accept, offered) is None:
            return _not_acceptable(offered)
        return await pool.run(Job(text, accept, max_rows, default_graphs, named_graphs))

    async def sparql(request: Request) -> Response:
        params = request.query_params
        accept = request.headers.get("accept", "")
        if request.method == "GET":
            if "update" in params:
                return respond(error(403, "this endpoint is read-only: SPARQL Update is refused"))
            text = params.get("query")
            graphs = (params.getlist("default-graph-uri"), params.getlist("named-graph-uri"))
        else:
            media = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if media == "application/sparql-update":
                return respond(error(403, "this endpoint is read-only: SPARQL Update is refused"))
            length = request.headers.get("content-length")
            if length and length.isdigit() and int(length) > MAX_QUERY_BYTES:
                return respond(error(413, f"request body longer than {MAX_QUERY_BYTES} bytes"))
            if media == "application/x-www-form-urlencoded":
                # Parsed here with the standard library: Starlette's form parser needs an
                # extra package (python-multipart) for what is one call.
                try:
                    form = urllib.parse.parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True)
                except UnicodeDecodeError:
                    return respond(error(400, "the form is not UTF-8"))
                if "update" in form:
                    return respond(error(403, "this endpoint is read-only: SPARQL Update is refused"))
                text = (form.get("query") or [None])[0]
                graphs = (form.get("default-graph-uri") or params.getlist("default-graph-uri"), form.get("named-graph-uri") or params.getlist("named-graph-uri"))
            elif media == "application/sparql-query":
                try:
                    text = (await request.body()).decode("utf-8")
                except UnicodeDecodeError:
                    return respond(error(400, "the query is not UTF-8"))
                graphs = (params.getlist("default-graph-uri"), params.getlist("named-graph-uri"))
            else:
                return respond(error(415, "POST a query as application/sparql-query or as the query= field of application/x-www-form-urlencoded"))
        if not text:
            return respond(error(400, "no query: send one as ?query=… (GET) or POST it (SPARQL 1.1 Protocol)"))
        return respond(await answer_query(str(text), accept, list(graphs[0]), list(graphs[1])))

    async def graph_store(request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return respond(error(403, f"this endpoint is read-only: Graph Store {request.method} is refused"))
        params = request.query_params
        accept = request.headers.get("accept", "")
        if negotiate(accept, GRAPH_TYPES) is None:
            return respond(_not_acceptable(GRAPH_TYPES), request.method == "HEAD")
        name = params.get("graph")
        if name is None:
            job = Job("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", accept, max_rows)
        else:
            job = Job("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", accept, max_rows, default_graphs=[name], graph=name)
        return respond(await pool.run(job), request.method == "HEAD")

    async def refused(request: Request) -> Response:
        return respond(error(403, "this endpoint is read-only: SPARQL Update is refused"))

    async def index(request: Request) -> Response:
        text = (
            "rightsgraph SPARQL endpoint (read-only)\n"
            "  /sparql   SPARQL 1.1 queries: GET ?query=… or POST (form or application/sparql-query)\n"
            "  /store    Graph Store reads: GET ?default or ?graph=IRI\n"
            f"  limits    {pool.timeout:g} s per query, {max_rows} result rows; SERVICE and updates refused\n"
        )
        return Response(text, media_type="text/plain; charset=utf-8")

    @asynccontextmanager
    async def lifespan(app: Any):  # type: ignore[no-untyped-def]
        pool.attach(asyncio.get_running_loop())
        yield

    middleware = []
    if cors:
        middleware.append(Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "HEAD", "OPTIONS"], allow_headers=["Accept", "Content-Type"], expose_headers=["X-Result-Rows"]))
    methods = ["GET", "POST"]
    routes = [
        Route("/", index, methods=["GET", "HEAD"]),
        Route("/sparql", sparql, methods=methods),
        Route("/query", sparql, methods=methods),
        Route("/update", refused, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/store", graph_store, methods=["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"]),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


# --- the command -----------------------------------------------------------------------------


def listen(host: str, port: int) -> socket.socket:
    """A listening socket, bound before the URL is printed so the URL is already reachable."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family = infos[0][0]
        sock = socket.create_server((host, port), family=family, backlog=128)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.setblocking(False)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/sparql"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; the default keeps the endpoint on this machine.")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True, help="Port to listen on; 0 picks a free one.")
@click.option("--data", "data", multiple=True, type=click.Path(path_type=Path), help="Built graph directory or RDF file (repeatable)  [default: graph/]")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT, show_default=True, help="Seconds a query may take; past it the query is stopped and answered 503.")
@click.option("--max-rows", type=click.IntRange(min=1), default=DEFAULT_MAX_ROWS, show_default=True, help="Most result rows (triples for CONSTRUCT) in an answer; more are refused with 413.")
@click.option("--cors/--no-cors", default=False, show_default=True, help="Send CORS headers so web pages on other origins may query.")
@click.option("--workers", type=click.IntRange(min=1, max=32), default=DEFAULT_WORKERS, show_default=True, help="Query processes, i.e. queries answered at once.")
def serve_command(host: str, port: int, data: tuple[Path, ...], timeout: float, max_rows: int, cors: bool, workers: int) -> None:
    """Serve the built graph as a read-only SPARQL 1.1 endpoint (Ctrl-C stops it)."""
    import uvicorn

    from rightsgraph.store import source_files
    from rightsgraph.vocab import project_root

    sources = list(data) or [project_root() / "graph"]
    for source in sources:
        source_files(source)  # a missing or empty source is a one-line error before anything starts
    stop = threading.Event()
    server: uvicorn.Server | None = None

    def on_signal(signum: int, frame: Any) -> None:
        """Until uvicorn takes over, and after it hands the signal back: stop, exit 0."""
        stop.set()
        if server is not None:
            server.should_exit = True

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    pool = Pool(sources, workers, timeout)
    try:
        sock = listen(host, port)
        triples = pool.start()
        if stop.is_set():
            return
        app = build_app(pool, max_rows, cors)
        config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=2, lifespan="on", server_header=False)
        server = uvicorn.Server(config)
        click.echo(f"rightsgraph: SPARQL endpoint {url_of(sock)} ({triples} triples; timeout {timeout:g} s; max rows {max_rows}; CORS {'on' if cors else 'off'})")
        sys.stdout.flush()
        server.run(sockets=[sock])
    finally:
        pool.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("rightsgraph: endpoint stopped", err=True)


if __name__ == "__main__":  # python -m rightsgraph.serve …, usable before cli.py registers the command
    # The command object of the imported module, not of __main__, so that the classes workers
    # pickle (Job, Answer) are rightsgraph.serve's in both processes.
    from rightsgraph import serve as _module
    from rightsgraph.cli import main

    if "serve" not in main.commands:
        main.add_command(_module.serve_command)
    main(["serve", *sys.argv[1:]], prog_name="rightsgraph")
