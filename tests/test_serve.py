"""``rightsgraph serve`` keeps its promises, tested over HTTP against a real server process.

Why: an endpoint people point tools at must be read-only, must not be usable to make this
machine send requests elsewhere, must stop runaway queries without ever sending a cut-off
200, must cap result sizes, must listen only where told, and must stop cleanly.  Each test
starts ``python -m rightsgraph.serve`` on a free loopback port (``--port 0``; the URL is read
from its first line of output) and talks HTTP to it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from rightsgraph import endpoint, store
from rightsgraph.query import list_queries

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 2.0
MARGIN = 1.5
MAX_ROWS = 200_000  # the module's server: above any whole graph, so answers are compared in full
CAP = 1000  # the row-cap test's server
PLAN_2012 = "https://w3id.org/rightsgraph/id/cn-nhrap-2012-2015"
CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CROSS_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LABELS = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?s ?l WHERE { ?s skos:prefLabel ?l } ORDER BY ?s ?l LIMIT 50"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))



class Server:
    """A ``rightsgraph serve`` subprocess in its own process group."""

    def __init__(self, graph: Path, *args: str, tmp: Path) -> None:
        self.stderr_path = tmp / f"serve-{time.monotonic_ns()}.err"
        self.stderr = self.stderr_path.open("w")
        command = [sys.executable, "-m", "rightsgraph.serve", "--data", str(graph), "--port", "0", *args]
        self.process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=self.stderr, text=True, start_new_session=True)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: lines.put(self.process.stdout.readline()), daemon=True).start()  # type: ignore[union-attr]
        try:
            self.banner = lines.get(timeout=90)
        except queue.Empty:
            self.stop(signal.SIGKILL)
            raise AssertionError(f"server printed no URL: {self.stderr_path.read_text()}") from None
        match = re.search(r"(http://\S+/sparql)", self.banner)
        assert match, (self.banner, self.stderr_path.read_text())
        self.url = match.group(1)
        self.base = self.url.removesuffix("/sparql")
        self.port = urllib.parse.urlsplit(self.url).port

    def workers(self) -> set[int]:
        """PIDs of the server's query worker processes (not multiprocessing's resource tracker)."""
        found = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                cmdline = (stat.parent / "cmdline").read_bytes()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid and b"spawn_main" in cmdline:
                found.add(int(stat.parent.name))
        return found

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> int | None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
                return None
        self.stderr.close()
        return self.process.returncode


def http(url: str, method: str = "GET", data: bytes | None = None, headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with NO_PROXY.open(request, timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def get(server: Server, query: str, accept: str | None = None, **params: str) -> tuple[int, dict[str, str], bytes]:
    fields = {"query": query, **{k.replace("_", "-"): v for k, v in params.items()}}
    return http(server.url + "?" + urllib.parse.urlencode(fields), headers={"Accept": accept} if accept else {})


def rows_of(body: bytes) -> tuple[list[str], list[list[str]]]:
    return endpoint.select_rows(json.loads(body))


@pytest.fixture(scope="module")
def graph(built_graph_dir: Path) -> Path:
    """The session's two-plan build (conftest.py)."""
    return built_graph_dir


@pytest.fixture(scope="module")
def embedded(graph: Path) -> ox.Store:
    return store.load_store([graph], named_graphs=True)


@pytest.fixture(scope="module")
def server(graph: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = Server(graph, "--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS), "--workers", "2", tmp=tmp_path_factory.mktemp("serve"))
    yield s
    s.stop()


@pytest.fixture
def fresh(graph: Path, tmp_path: Path) -> Iterator[Server]:
    s = Server(graph, "--timeout", str(TIMEOUT), tmp=tmp_path)
    yield s
    s.stop(signal.SIGKILL)


# --- start, address, basic protocol ----------------------------------------------------------


def test_prints_its_url_and_listens_on_loopback_only(server: Server) -> None:
    assert server.banner.startswith("rightsgraph: SPARQL endpoint http://127.0.0.1:")
    assert "triples" in server.banner
    listening = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, port = local.split(":")
        if int(port, 16) == server.port and state == "0A":
            listening.add(address)
    assert listening == {"0100007F"}  # 127.0.0.1, not 0.0.0.0
    with socket.socket() as other, pytest.raises(OSError):
        other.settimeout(2)
        other.connect(("127.0.0.2", server.port))  # another loopback address: nobody there


def test_host_option(graph: Path, tmp_path: Path) -> None:
    s = Server(graph, "--host", "127.0.0.2", tmp=tmp_path)
    try:
        assert s.url.startswith("http://127.0.0.2:")
        status, _, body = get(s, "ASK { ?s ?p ?o }")
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        assert s.stop() == 0


def test_default_port_is_7878() -> None:
    from rightsgraph.serve import serve_command

    options = {p.name: p for p in serve_command.params}
    assert options["port"].default == 7878 and options["host"].default == "127.0.0.1"
    assert options["timeout"].default == 10 and options["max_rows"].default == 10000 and options["cors"].default is False


def test_select_in_every_results_format(server: Server, embedded: ox.Store) -> None:
    expected = [[s["s"], s["l"]] for s in embedded.query(LABELS)]
    status, headers, body = get(server, LABELS)
    assert status == 200 and headers["content-type"].startswith("application/sparql-results+json")
    for accept, fmt in (("application/sparql-results+json", ox.QueryResultsFormat.JSON), ("application/sparql-results+xml", ox.QueryResultsFormat.XML), ("text/tab-separated-values", ox.QueryResultsFormat.TSV)):
        status, headers, body = get(server, LABELS, accept)
        assert status == 200 and headers["content-type"].startswith(accept), accept
        parsed = ox.parse_query_results(body, fmt)
        assert [[s["s"], s["l"]] for s in parsed] == expected, accept
    status, headers, body = get(server, LABELS, "text/csv")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert table[0] == ["s", "l"]
    assert table[1:] == [[s.value, l.value] for s, l in expected]
    assert b"\r\n" in body  # SPARQL CSV uses CRLF


def test_ask_and_construct(server: Server, embedded: ox.Store) -> None:
    for accept in ("application/sparql-results+json", "application/sparql-results+xml"):
        status, headers, body = get(server, "ASK { ?s a <https://w3id.org/rightsgraph/ontology#Commitment> }", accept)
        assert status == 200 and headers["content-type"].startswith(accept)
        assert bool(ox.parse_query_results(body, ox.QueryResultsFormat.JSON if "json" in accept else ox.QueryResultsFormat.XML))
    text = "<https://w3id.org/rightsgraph/ontology#text>"
    construct = f"CONSTRUCT {{ ?s {text} ?o }} WHERE {{ GRAPH <{PLAN_2012}> {{ ?s a <https://w3id.org/rightsgraph/ontology#Commitment> ; {text} ?o }} }}"
    expected = len(list(embedded.query(construct)))
    assert expected > 100
    for accept, fmt in (("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES)):
        status, headers, body = get(server, construct, accept)
        assert status == 200 and headers["content-type"].startswith(accept)
        assert len(list(ox.parse(body, fmt))) == expected


def test_unacceptable_format_is_406(server: Server) -> None:
    status, _, body = get(server, LABELS, "image/png")
    assert status == 406 and b"application/sparql-results+json" in body
    status, _, _ = get(server, "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "application/sparql-results+json")
    assert status == 406


def test_post_forms_and_errors(server: Server) -> None:
    status, _, body = http(server.url, "POST", COUNT.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 200 and int(rows_of(body)[1][0][0]) > 10000
    form = urllib.parse.urlencode({"query": COUNT}).encode()
    status, _, body = http(server.base + "/query", "POST", form, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and int(rows_of(body)[1][0][0]) > 10000
    status, _, body = get(server, "SELECT ?s WHERE { ?s ")
    assert status == 400 and body.startswith(b"SPARQL syntax error")
    status, _, _ = http(server.url)
    assert status == 400
    status, _, _ = http(server.url, "POST", b"x", {"Content-Type": "text/plain"})
    assert status == 415


def test_named_queries_answer_as_the_embedded_store(server: Server, graph: Path) -> None:
    """Every named query, over HTTP, returns the embedded store's rows in the same order."""
    plain = store.load_store([graph])
    for named in list_queries():
        if named.form != "SELECT":
            status, headers, body = http(server.url, "POST", named.text.encode("utf-8"), {"Content-Type": "application/sparql-query", "Accept": "text/turtle"})
            assert status == 200, (named.name, body[:200])
            served = Graph().parse(data=body.decode("utf-8"), format="turtle")
            assert isomorphic(served, Graph().parse(data=store.run_graph(named, plain, {}), format="turtle")), named.name
            continue
        status, _, body = http(server.url, "POST", named.text.encode("utf-8"), {"Content-Type": "application/sparql-query"})
        started = time.monotonic()
        expected = store.run_select(plain, named.text, {})  # the text as sent: no parameter defaults
        if time.monotonic() - started > TIMEOUT:  # too slow for this server's timeout: refused, not cut
            assert status == 503, named.name
            continue
        if len(expected[1]) > MAX_ROWS:
            assert status == 413, named.name
            continue
        assert status == 200, (named.name, body[:200])
        assert rows_of(body) == expected, named.name


def test_from_and_graph_store_read_local_graphs(server: Server, embedded: ox.Store) -> None:
    plan_triples = store.count_triples(embedded, [ox.NamedNode(PLAN_2012)])
    status, _, body = get(server, f"SELECT (COUNT(*) AS ?n) FROM <{PLAN_2012}> WHERE {{ ?s ?p ?o }}")
    assert status == 200 and rows_of(body)[1] == [[str(plan_triples)]]
    status, _, body = get(server, COUNT, default_graph_uri=PLAN_2012)
    assert rows_of(body)[1] == [[str(plan_triples)]]
    status, headers, body = http(server.base + "/store?graph=" + urllib.parse.quote(PLAN_2012, safe=""), headers={"Accept": "application/n-triples"})
    assert status == 200 and len(list(ox.parse(body, ox.RdfFormat.N_TRIPLES))) == plan_triples
    status, _, _ = http(server.base + "/store?graph=" + urllib.parse.quote("http://example.org/none", safe=""))
    assert status == 404


# --- read-only -------------------------------------------------------------------------------


UPDATE = "INSERT DATA { <http://example.org/s> <http://example.org/p> <http://example.org/o> }"


def test_updates_are_refused(server: Server) -> None:
    attempts = [
        (server.url, "POST", UPDATE.encode(), {"Content-Type": "application/sparql-update"}),
        (server.url, "POST", urllib.parse.urlencode({"update": UPDATE}).encode(), {"Content-Type": "application/x-www-form-urlencoded"}),
        (server.url + "?" + urllib.parse.urlencode({"update": UPDATE}), "GET", None, {}),
        (server.url + "?" + urllib.parse.urlencode({"query": UPDATE}), "GET", None, {}),
        (server.url + "?" + urllib.parse.urlencode({"query": "DROP ALL"}), "GET", None, {}),
        (server.url, "POST", b"CLEAR DEFAULT", {"Content-Type": "application/sparql-query"}),
        (server.base + "/update", "POST", UPDATE.encode(), {"Content-Type": "application/sparql-update"}),
        (server.base + "/update", "POST", urllib.parse.urlencode({"update": UPDATE}).encode(), {"Content-Type": "application/x-www-form-urlencoded"}),
        (server.base + "/store?default", "PUT", b"<http://a> <http://b> <http://c> .", {"Content-Type": "application/n-triples"}),
        (server.base + "/store?default", "POST", b"<http://a> <http://b> <http://c> .", {"Content-Type": "application/n-triples"}),
        (server.base + "/store?graph=" + urllib.parse.quote(PLAN_2012, safe=""), "DELETE", None, {}),
        (server.base + "/store?graph=" + urllib.parse.quote(PLAN_2012, safe=""), "PUT", b"", {"Content-Type": "text/turtle"}),
    ]
    _, _, before = get(server, COUNT)
    for url, method, data, headers in attempts:
        status, _, body = http(url, method, data, headers)
        assert status == 403, (method, url, status, body)
        assert b"read-only" in body
    _, _, after = get(server, COUNT)
    assert after == before
    status, _, body = get(server, f"ASK {{ GRAPH <{PLAN_2012}> {{ ?s ?p ?o }} }}")
    assert json.loads(body)["boolean"] is True


# --- no outbound traffic ---------------------------------------------------------------------


class Listener:
    """A loopback port that counts every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(2)
        self.sock.close()


def test_no_outbound_requests(server: Server) -> None:
    listener = Listener()
    try:
        # The harness can fail: a connection to the listener is counted.
        with socket.create_connection(("127.0.0.1", listener.port), timeout=2):
            pass
        deadline = time.monotonic() + 2
        while listener.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert listener.connections == 1
        listener.connections = 0

        target = f"http://127.0.0.1:{listener.port}/"
        refused_service = [
            f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
            f"select * where {{ service silent <{target}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ ?x ?y ?z . OPTIONAL {{ SERVICE <{target}sparql> {{ ?x ?p ?o }} }} }}",
            f"SELECT * WHERE {{ \\u0053ERVICE <{target}> {{ ?s ?p ?o }} }}",
            f"PREFIX remote: <{target}> SELECT * WHERE {{ SERVICE remote: {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ BIND(<{target}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        ]
        for text in refused_service:
            status, _, body = get(server, text)
            assert status == 400 and b"SERVICE" in body, text
        status, _, body = get(server, f'SELECT ?x WHERE {{ BIND("SERVICE <{target}> {{ }}" AS ?x) }}')
        assert status == 200  # the keyword inside a string is no keyword: parsed, not grepped
        local_only = [
            f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}",
            f"SELECT * FROM NAMED <{target}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            f"CONSTRUCT {{ ?s ?p ?o }} FROM <{target}data.ttl> WHERE {{ ?s ?p ?o }}",
            f"DESCRIBE <{target}>",
        ]
        for text in local_only:
            status, _, body = get(server, text)
            assert status == 200, (text, body)
        status, _, body = get(server, "SELECT * WHERE { ?s ?p ?o }", default_graph_uri=target, named_graph_uri=target)
        assert status == 200 and rows_of(body)[1] == []
        for text in (f"LOAD <{target}>", f"LOAD SILENT <{target}> INTO GRAPH <http://g>"):
            assert get(server, text)[0] == 403
            status, _, _ = http(server.url, "POST", text.encode(), {"Content-Type": "application/sparql-update"})
            assert status == 403
        time.sleep(0.5)
        assert listener.connections == 0
    finally:
        listener.close()


# --- timeouts and the row cap ----------------------------------------------------------------


def test_runaway_query_is_stopped_and_others_still_answered(server: Server) -> None:
    before = server.workers()
    assert len(before) == 2
    result: dict[str, object] = {}

    def slow() -> None:
        started = time.monotonic()
        result["answer"] = get(server, CROSS_COUNT, timeout=30)
        result["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    quick = []
    while thread.is_alive() and len(quick) < 20:
        started = time.monotonic()
        status, _, body = get(server, "ASK { ?s ?p ?o }")
        quick.append((status, time.monotonic() - started))
        time.sleep(0.1)
    thread.join(30)
    status, headers, body = result["answer"]  # type: ignore[misc]
    assert status == 503 and b"timeout" in body
    assert result["elapsed"] < TIMEOUT + MARGIN  # type: ignore[operator]
    assert quick and all(s == 200 and t < 1.0 for s, t in quick), quick
    # The worker that ran it was killed and replaced.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not (len(server.workers()) == 2 and before - server.workers()):
        time.sleep(0.2)
    after = server.workers()
    assert len(after) == 2 and before - after
    assert get(server, "ASK { ?s ?p ?o }")[0] == 200


@pytest.mark.parametrize("text", [CROSS, CROSS + " ORDER BY ?i", "CONSTRUCT { ?a ?b ?i } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"])
def test_cross_products_never_get_a_200(server: Server, text: str) -> None:
    started = time.monotonic()
    status, _, body = get(server, text, timeout=30)
    assert status in (413, 503), (status, body[:200])
    assert time.monotonic() - started < TIMEOUT + MARGIN


def test_row_cap(graph: Path, tmp_path: Path) -> None:
    s = Server(graph, "--max-rows", str(CAP), tmp=tmp_path)
    try:
        status, _, body = get(s, "SELECT * WHERE { ?s ?p ?o }")
        assert status == 413 and f"more than {CAP} rows".encode() in body and b"LIMIT" in body
        status, headers, body = get(s, f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {CAP}")
        assert status == 200 and len(rows_of(body)[1]) == CAP and headers["x-result-rows"] == str(CAP)
        status, _, body = get(s, "CONSTRUCT WHERE { ?s ?p ?o }")
        assert status == 413 and b"triples" in body
        status, _, _ = http(s.base + "/store?default")
        assert status == 413
        status, _, _ = get(s, CROSS)
        assert status == 413
    finally:
        assert s.stop() == 0


# --- CORS ------------------------------------------------------------------------------------


def test_no_cors_headers_by_default(server: Server) -> None:
    _, headers, _ = http(server.url + "?" + urllib.parse.urlencode({"query": COUNT}), headers={"Origin": "http://example.org"})
    assert not any(h.startswith("access-control-") for h in headers)
    _, headers, _ = http(server.url, "OPTIONS", headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST"})
    assert not any(h.startswith("access-control-") for h in headers)


def test_cors_headers_with_cors(graph: Path, tmp_path: Path) -> None:
    s = Server(graph, "--cors", tmp=tmp_path)
    try:
        assert "CORS on" in s.banner
        status, headers, _ = http(s.url + "?" + urllib.parse.urlencode({"query": COUNT}), headers={"Origin": "http://example.org"})
        assert status == 200 and headers.get("access-control-allow-origin") == "*"
        status, headers, _ = http(s.url, "OPTIONS", headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "Content-Type"})
        assert status == 200 and "POST" in headers.get("access-control-allow-methods", "")
    finally:
        assert s.stop() == 0


# --- stopping and starting -------------------------------------------------------------------


def test_sigterm_stops_cleanly(fresh: Server) -> None:
    workers = fresh.workers()
    assert workers and get(fresh, COUNT)[0] == 200
    started = time.monotonic()
    assert fresh.stop(signal.SIGTERM, timeout=5) == 0
    assert time.monotonic() - started < 5
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    assert "Traceback" not in fresh.stderr_path.read_text()


def test_ctrl_c_stops_cleanly_even_mid_query(fresh: Server) -> None:
    """Ctrl-C signals the whole foreground process group, workers included."""
    workers = fresh.workers()
    threading.Thread(target=lambda: get(fresh, CROSS_COUNT, timeout=10), daemon=True).start()
    time.sleep(0.5)
    started = time.monotonic()
    os.killpg(fresh.process.pid, signal.SIGINT)
    code = fresh.process.wait(5)
    assert code == 0, f"exit {code}; the server's stderr: {fresh.stderr_path.read_text()[-2000:]}"
    assert time.monotonic() - started < 5
    fresh.stop()
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    assert "Traceback" not in fresh.stderr_path.read_text()


def _start_fails(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rightsgraph.serve", *args], cwd=REPO, capture_output=True, text=True, timeout=60)


def test_startup_errors_are_one_line(tmp_path: Path, server: Server, graph: Path) -> None:
    done = _start_fails("--data", str(tmp_path / "missing"), "--port", "0")
    assert done.returncode == 2 and done.stderr.startswith("rightsgraph: error:") and done.stderr.count("\n") == 1, done.stderr
    done = _start_fails("--data", str(graph), "--port", str(server.port))
    assert done.returncode == 2 and "cannot listen" in done.stderr and done.stderr.count("\n") == 1, done.stderr


# --- pure parts: negotiation and serialisers -------------------------------------------------


def test_negotiate() -> None:
    from rightsgraph.serve import GRAPH_TYPES, RESULT_TYPES, negotiate

    assert negotiate(None, RESULT_TYPES) == "json"
    assert negotiate("*/*", RESULT_TYPES) == "json"
    assert negotiate("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", RESULT_TYPES) == "xml"
    assert negotiate("text/csv;q=0.5, text/tab-separated-values", RESULT_TYPES) == "tsv"
    assert negotiate("text/*", RESULT_TYPES) in ("xml", "csv", "tsv")
    assert negotiate("application/sparql-results+json;q=0, text/csv", RESULT_TYPES) == "csv"
    assert negotiate("image/png", RESULT_TYPES) is None
    assert negotiate("application/n-triples, text/turtle;q=0.9", GRAPH_TYPES) == "nt"
    assert negotiate("", GRAPH_TYPES) == "turtle"


def test_select_serialisers_round_trip() -> None:
    """JSON, XML and TSV written here parse back (with Oxigraph's parser) to the same terms."""
    from rightsgraph.serve import select_json, select_tsv, select_xml

    s = ox.Store()
    s.load(
        input='<http://ex/a> <http://ex/p> "中文 \\"quoted\\" <b>&amp;\\ttab\\nline"@zh , "5"^^<http://www.w3.org/2001/XMLSchema#integer> , _:b1 , <http://ex/o> , "plain" .',
        format=ox.RdfFormat.TURTLE,
    )
    query = "SELECT ?s ?o ?missing WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?missing } } ORDER BY ?o"
    solutions = list(s.query(query))
    expected = [[row["s"], row["o"], None] for row in solutions]

    def normal(rows: list) -> list:
        return [[("bnode" if isinstance(t, ox.BlankNode) else t) for t in row] for row in rows]

    for serialise, fmt in ((select_json, ox.QueryResultsFormat.JSON), (select_xml, ox.QueryResultsFormat.XML), (select_tsv, ox.QueryResultsFormat.TSV)):
        body = serialise(["s", "o", "missing"], solutions)
        parsed = ox.parse_query_results(body, fmt)
        assert [v.value for v in parsed.variables] == ["s", "o", "missing"]
        assert normal([[row["s"], row["o"], row["missing"]] for row in parsed]) == normal(expected), fmt
