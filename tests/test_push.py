"""``rightsgraph push`` into a real Oxigraph server, then the named queries against it.

Why: the Graph Store protocol is only proven against a store that implements it.  This test
starts the ``oxigraph`` server binary (PyPI ``oxigraph``, a test dependency) on a free
loopback port, pushes the build twice (PUT must replace, not duplicate), runs every named
query through :func:`rightsgraph.endpoint.run_remote` and compares the answers with the
embedded store's, then reopens the same data with ``oxigraph serve-read-only`` and checks
that an update is refused.  A missing binary FAILS the test: it is a missing install step,
not a reason to skip.  Unit tests against a recording loopback server cover what a real
store cannot show: the exact requests, credentials from the environment, and error lines.
"""

from __future__ import annotations

import base64
import http.server
import re
import shlex
import shutil
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
from click.testing import CliRunner

from rightsgraph import endpoint, push, store
from rightsgraph.errors import EndpointError, InputError
from rightsgraph.query import NamedQuery, find_query, list_queries

INSTALL_HINT = "install the test extras: pip install -e '.[test]' (the `oxigraph` package provides the server binary)"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
HOSTILE = 'x" } ; DROP ALL ; #'



@pytest.fixture(scope="module")
def graph(built_graph_dir: Path) -> Path:
    """The session's two-plan build (conftest.py)."""
    return built_graph_dir


def oxigraph_binary(candidates: list[Path | None] | None = None) -> str:
    """The oxigraph server binary: beside this Python (a venv's bin/), else on PATH."""
    if candidates is None:
        which = shutil.which("oxigraph")
        candidates = [Path(sys.executable).parent / "oxigraph", Path(which) if which else None]
    for candidate in candidates:
        if candidate is not None and candidate.is_file():
            return str(candidate)
    pytest.fail(f"the `oxigraph` server binary was not found; {INSTALL_HINT}", pytrace=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OxigraphServer:
    """``oxigraph serve`` / ``serve-read-only`` on a loopback port, stopped by its PID."""

    def __init__(self, binary: str, mode: str, location: Path, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("w")
        command = [binary, mode, "--location", str(location), "--bind", f"127.0.0.1:{self.port}", "--union-default-graph"]
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"oxigraph {mode} exited with {self.process.returncode}: {log.read_text()}")
            try:
                with NO_PROXY.open(self.base + "/", timeout=1):
                    return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"oxigraph {mode} did not answer within 30 s: {log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log.close()


def count(url: str, query: str = COUNT_ALL) -> int:
    return int(endpoint.select_rows(endpoint.post_query(url, query, 30))[1][0][0])


def example_params(named: NamedQuery) -> dict[str, str]:
    words = shlex.split(named.example) if named.example else []
    return dict(words[i + 1].split("=", 1) for i, w in enumerate(words[:-1]) if w == "--param" and "=" in words[i + 1])


_CONCAT = re.compile(r'GROUP_CONCAT\s*\(\s*(?:DISTINCT\s+)?\?\w+\s*;\s*separator\s*=\s*"([^"]*)"\s*\)\s*AS\s*\?(\w+)', re.IGNORECASE)


def normalised(named: NamedQuery, columns: list[str], rows: list[list[str]]) -> list[list[str]]:
    """Rows as a sorted multiset with GROUP_CONCAT parts sorted (their order is the engine's)."""
    concat = {column: sep for sep, column in _CONCAT.findall(named.text)}
    return sorted([sep.join(sorted(v.split(sep))) if (sep := concat.get(c)) and v else v for c, v in zip(columns, row)] for row in rows)


def trig_counts(graph: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for quad in ox.parse(path=str(graph / "rightsgraph.trig"), format=ox.RdfFormat.TRIG):
        counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
    return counts


# --- the integration test --------------------------------------------------------------------


def test_push_into_a_real_oxigraph_server(graph: Path, tmp_path: Path) -> None:
    binary = oxigraph_binary()
    data = tmp_path / "oxigraph-data"
    server = OxigraphServer(binary, "serve", data, tmp_path / "oxigraph.log")
    try:
        store_url, query_url = server.base + "/store", server.base + "/query"
        runner = CliRunner()
        first = runner.invoke(push.push_command, ["--endpoint", store_url, "--data", str(graph)])
        assert first.exit_code == 0, first.output
        expected = trig_counts(graph)
        assert len(expected) == 3 and first.output.count("put <") == 3
        after_one = count(query_url)
        assert after_one == sum(expected.values())
        for name, n in expected.items():
            assert count(query_url, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}") == n
        second = runner.invoke(push.push_command, ["--endpoint", store_url, "--data", str(graph)])
        assert second.exit_code == 0, second.output
        assert count(query_url) == after_one  # PUT replaced: nothing duplicated

        # Every named query answers as the embedded store does, defaults and documented example.
        embedded = store.load_store([graph])
        for named in list_queries():
            for params in ({}, example_params(named)):
                if named.form != "SELECT":
                    assert endpoint.run_remote_graph(named, query_url, params, timeout=120) == store.run_graph(named, embedded, params), (named.name, params)
                    continue
                remote_columns, remote_rows = endpoint.run_remote(named, query_url, params, timeout=120)
                local_columns, local_rows = store.run(named, embedded, params)
                assert remote_columns == local_columns, (named.name, params)
                assert normalised(named, remote_columns, remote_rows) == normalised(named, local_columns, local_rows), (named.name, params)
        # A hostile parameter is a value on the real server too: no rows, nothing dropped.
        assert endpoint.run_remote(find_query("commitments"), query_url, {"plan": HOSTILE}, timeout=60)[1] == []
        assert count(query_url) == after_one
    finally:
        server.stop()

    read_only = OxigraphServer(binary, "serve-read-only", data, tmp_path / "oxigraph-ro.log")
    try:
        update = b"INSERT DATA { <http://example.org/s> <http://example.org/p> <http://example.org/o> }"
        request = urllib.request.Request(read_only.base + "/update", data=update, method="POST", headers={"Content-Type": "application/sparql-update"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            NO_PROXY.open(request, timeout=10)
        assert refused.value.code == 403
        with pytest.raises(EndpointError, match="HTTP 403"):
            push.push(graph, read_only.base + "/store")
        assert count(read_only.base + "/query") == after_one
    finally:
        read_only.stop()


def test_missing_binary_fails_with_the_install_hint(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match=r"install the test extras"):
        oxigraph_binary([tmp_path / "oxigraph", None])


# --- exact requests, against a recording loopback server -------------------------------------


class Recorder(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict] = []
        self.status = 201

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/ds/data"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Recorder

    def log_message(self, *args: object) -> None:
        pass

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests.append({"method": "PUT", "path": self.path, "headers": dict(self.headers), "body": body})
        self.send_response(self.server.status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        if self.server.status >= 400:
            self.wfile.write(b"Unauthorized: credentials required\nmore detail\n")


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RIGHTSGRAPH_USER", "RIGHTSGRAPH_PASSWORD", "RIGHTSGRAPH_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def test_one_put_per_graph_as_turtle(recorder: Recorder, graph: Path, no_credentials: None) -> None:
    done = push.push(graph, recorder.url)
    expected = trig_counts(graph)
    assert [name for name, _, _ in done] == sorted(expected)
    assert len(recorder.requests) == 3
    for request, (name, triples, status) in zip(recorder.requests, done):
        path, query = request["path"].split("?", 1)
        assert path == "/ds/data" and urllib.parse.parse_qs(query) == {"graph": [name]}
        assert request["headers"]["Content-Type"] == "text/turtle"
        assert "Authorization" not in request["headers"]
        assert len(list(ox.parse(request["body"], ox.RdfFormat.TURTLE))) == triples == expected[name]
        assert status == 201


def test_graph_base_moves_the_names(recorder: Recorder, graph: Path, no_credentials: None) -> None:
    done = push.push(graph, recorder.url + "?x=1", graph_base="http://example.org/g/")
    assert sorted(name for name, _, _ in done) == ["http://example.org/g/cn-nhrap-2012-2015", "http://example.org/g/cn-nhrap-2026-2030", "http://example.org/g/graph/model"]
    assert all(r["path"].startswith("/ds/data?x=1&graph=http%3A%2F%2Fexample.org%2Fg%2F") for r in recorder.requests)
    with pytest.raises(InputError, match="absolute IRI"):
        push.push(graph, recorder.url, graph_base="not an iri")


def test_basic_credentials_come_from_the_environment(recorder: Recorder, graph: Path, monkeypatch: pytest.MonkeyPatch, no_credentials: None) -> None:
    monkeypatch.setenv("RIGHTSGRAPH_USER", "alice")
    monkeypatch.setenv("RIGHTSGRAPH_PASSWORD", "s3cret:with colon")
    push.push(graph, recorder.url)
    expected = "Basic " + base64.b64encode(b"alice:s3cret:with colon").decode()
    assert {r["headers"]["Authorization"] for r in recorder.requests} == {expected}


def test_token_is_sent_as_bearer(recorder: Recorder, graph: Path, monkeypatch: pytest.MonkeyPatch, no_credentials: None) -> None:
    monkeypatch.setenv("RIGHTSGRAPH_TOKEN", "tok-123")
    push.push(graph, recorder.url)
    assert {r["headers"]["Authorization"] for r in recorder.requests} == {"Bearer tok-123"}


def test_half_credentials_are_an_input_error(graph: Path, monkeypatch: pytest.MonkeyPatch, no_credentials: None) -> None:
    monkeypatch.setenv("RIGHTSGRAPH_USER", "alice")
    with pytest.raises(InputError, match="RIGHTSGRAPH_PASSWORD"):
        push.push(graph, "http://127.0.0.1:9/ds/data")


def test_no_credentials_on_the_command_line() -> None:
    names = {p.name for p in push.push_command.params} | {o for p in push.push_command.params for o in p.opts}
    assert not any(re.search(r"user|pass|token|auth", n) for n in names), names


def test_http_error_is_one_line_with_status_and_body(recorder: Recorder, graph: Path, no_credentials: None) -> None:
    recorder.status = 401
    with pytest.raises(EndpointError) as info:
        push.push(graph, recorder.url)
    message = str(info.value)
    assert "HTTP 401" in message and "Unauthorized: credentials required" in message and "RIGHTSGRAPH_USER" in message
    assert "\n" not in message and "more detail" not in message
    result = CliRunner().invoke(push.push_command, ["--endpoint", recorder.url, "--data", str(graph)])
    assert result.exit_code != 0 and isinstance(result.exception, EndpointError)


def test_unreachable_store_is_one_line(graph: Path, no_credentials: None) -> None:
    with pytest.raises(EndpointError, match="connection refused") as info:
        push.push(graph, f"http://127.0.0.1:{free_port()}/store")
    assert "\n" not in str(info.value)


def test_input_errors(tmp_path: Path, graph: Path, no_credentials: None) -> None:
    with pytest.raises(InputError, match="rightsgraph.trig"):
        push.push(tmp_path, "http://127.0.0.1:9/store")
    with pytest.raises(InputError, match="http:// or https://"):
        push.push(graph, "file:///tmp/store")
    flat = tmp_path / "flat.nq"
    flat.write_text("<http://a> <http://b> <http://c> .\n", encoding="utf-8")
    with pytest.raises(InputError, match="outside any named graph"):
        push.push(flat, "http://127.0.0.1:9/store")


def test_cli_errors_exit_2_with_one_line(graph: Path, no_credentials: None) -> None:
    """Through the rightsgraph group, as a user runs it: ``rightsgraph: error: …`` and exit 2."""
    command = [sys.executable, "-m", "rightsgraph.push", "--endpoint", f"http://127.0.0.1:{free_port()}/store", "--data", str(graph)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("rightsgraph: error:") and done.stderr.count("\n") == 1, done.stderr
