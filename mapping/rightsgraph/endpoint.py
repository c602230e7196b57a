r"""Run a named query on a remote SPARQL 1.1 endpoint (``rightsgraph query --endpoint URL``).

The SPARQL 1.1 Protocol has nothing like rdflib's ``initBindings``, so parameters travel in
the query text.  They never travel as pasted strings: each value becomes an RDF term of its
declared type (:func:`rightsgraph.query.bind_parameters`), the term is written in its N3 form
(rdflib escapes quotes, backslashes and newlines), and the terms go into one ``VALUES`` block
placed structurally as the first element of the outer ``WHERE`` group, found by a SPARQL
tokenizer that skips strings, IRIs and comments.  At the start of the outer group the block
joins the whole pattern, so FILTERs of that group see the values as they see initBindings.
Before anything is sent, the result is parsed with rdflib's SPARQL parser and the ``VALUES``
data read back from the algebra must equal the intended terms: a value such as
``x" } ; DROP ALL ; #`` is then provably one literal, or nothing is sent.

Limits: a parameter used only inside a sub-SELECT that does not project it is not reached by
an outer ``VALUES`` (rdflib's initBindings does reach it); named queries bind parameters in
the outer pattern and project them (which Oxigraph's substitutions require anyway).  A value
containing a ``\uXXXX`` sequence as text is refused: SPARQL decodes those before parsing,
even inside strings, so it could not arrive unchanged.

The tokenizer is shared with ``serve``, which uses it to refuse ``SERVICE`` before a query
reaches the engine.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import urllib.error
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rightsgraph.errors import EndpointError, InputError

if TYPE_CHECKING:
    from rightsgraph.query import NamedQuery

# --- SPARQL tokens -------------------------------------------------------------------------

_PN_CHARS_BASE = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][0-9"""
    + _PN_CHARS_U
    + r"""\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<bnode>_:[0-9"""
    + _PN_CHARS_U
    + r"""](?:[.]*["""
    + _PN_CHARS
    + r"""])*)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:["""
    + _PN_CHARS_BASE
    + r"""](?:[.]*["""
    + _PN_CHARS
    + r"""])*)?:(?:(?:["""
    + _PN_CHARS_U
    + r""":0-9]|"""
    + _PLX
    + r""")(?:(?:["""
    + _PN_CHARS
    + r""":.]|"""
    + _PLX
    + r""")*(?:["""
    + _PN_CHARS
    + r""":]|"""
    + _PLX
    + r"""))?)?)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z][A-Za-z0-9_]*)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_VARNAME = re.compile(r"^[A-Za-z0-9_\u00b7\u00c0-\U000effff]+$")
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")


@dataclass(frozen=True)
class Token:
    kind: str  # iri, string, var, bnode, langtag, pname, number, word, punct
    text: str
    start: int
    end: int


def tokens(text: str) -> Iterator[Token]:
    """The lexical tokens of a SPARQL query or update, without whitespace and comments.

    Exact for the parts that matter here — strings (all four quote forms, with escapes),
    IRIs, comments, variables, prefixed names — so a keyword inside any of them is not a
    keyword.  Anything unrecognised becomes a one-character ``punct`` token.
    """
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        assert match is not None  # the last alternative matches any character
        kind = match.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group(), match.start(), match.end())
        position = match.end()


def unescape_codepoints(text: str) -> str:
    r"""Apply SPARQL's ``\uXXXX`` / ``\UXXXXXXXX`` escapes, which engines do before parsing."""

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _CODEPOINT.sub(replace, text)


def keywords(text: str) -> set[str]:
    """Upper-cased keywords of a query, read both before and after codepoint unescaping.

    Reading both forms means an escape trick cannot hide a keyword from this check: an
    engine reads the query one of these two ways.
    """
    found: set[str] = set()
    for variant in {text, unescape_codepoints(text)}:
        found.update(t.text.upper() for t in tokens(variant) if t.kind == "word")
    return found


def operation_keyword(text: str) -> str | None:
    """The first keyword after the prologue (BASE/PREFIX): SELECT, ASK, INSERT, LOAD, …"""
    for token in _skip_prologue(list(tokens(unescape_codepoints(text)))):
        return token.text.upper() if token.kind == "word" else None
    return None


def _skip_prologue(toks: list[Token]) -> list[Token]:
    i = 0
    while i < len(toks) and toks[i].kind == "word" and toks[i].text.upper() in ("BASE", "PREFIX"):
        i += 2 if toks[i].text.upper() == "BASE" else 3
    return toks[i:]


# --- VALUES injection ----------------------------------------------------------------------


def inject_values(query_text: str, bindings: Mapping[Any, Any]) -> str:
    """The query with one ``VALUES`` row of the given RDF terms opening its outer WHERE group.

    ``bindings`` maps variable names (rdflib ``Variable`` or str) to rdflib terms.  Raises
    :class:`InputError` if the query has no place for it, and :class:`EndpointError` if the
    parsed result does not bind exactly these terms (then nothing must be sent).
    """
    if not bindings:
        return query_text
    names = sorted(str(name).lstrip("?$") for name in bindings)
    terms = {str(name).lstrip("?$"): term for name, term in bindings.items()}
    for name in names:
        if not _VARNAME.match(name):
            raise InputError(f"parameter {name!r} is not a SPARQL variable name (letters, digits and _ only)")
    block = "VALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + " ".join(_n3(terms[n]) for n in names) + ") }"
    at = _where_brace(query_text)
    injected = query_text[: at + 1] + "\n  " + block + "\n" + query_text[at + 1 :]
    _verify_values(injected, {n: terms[n] for n in names})
    return injected


def _n3(term: Any) -> str:
    from rdflib import Literal, URIRef

    if not isinstance(term, (URIRef, Literal)):
        raise InputError(f"cannot send {term!r} as a parameter: expected an IRI or a literal")
    if _CODEPOINT.search(str(term)):
        # SPARQL decodes \uXXXX everywhere before parsing, strings included, and engines
        # differ on how to protect such text; refuse rather than send an altered value.
        raise InputError(f"parameter value {str(term)!r} contains a \\u escape sequence as text, which a SPARQL endpoint would decode; it cannot be sent unchanged")
    try:
        # A raw tab is valid in a SPARQL string, but rdflib's parser (pyparsing) expands it
        # to spaces, so the check below would fail; the escape \t means the same everywhere.
        return term.n3().replace("\t", "\\t")
    except Exception as exc:  # rdflib refuses an IRI it cannot write safely
        raise InputError(f"cannot send {term!r} as a parameter: {exc}") from exc


def _where_brace(query_text: str) -> int:
    """Offset of the ``{`` that opens the outer WHERE group."""
    toks = _skip_prologue(list(tokens(query_text)))
    if not toks or toks[0].kind != "word" or toks[0].text.upper() not in QUERY_FORMS:
        raise InputError("parameters can only be bound in a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    rest = toks[1:]
    if toks[0].text.upper() == "CONSTRUCT":
        if rest and rest[0].text == "{":
            rest = rest[_matching(rest, 0) + 1 :]
        else:
            raise InputError("parameters cannot be bound in the short form CONSTRUCT WHERE { … }; write CONSTRUCT { template } WHERE { … }")
    depth = 0
    for token in rest:
        if token.kind != "punct":
            continue
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif token.text == "{" and depth == 0:
            return token.start
    raise InputError("query has no WHERE { … } group to bind parameters in")


def _matching(toks: list[Token], opening: int) -> int:
    depth = 0
    for i in range(opening, len(toks)):
        if toks[i].kind == "punct" and toks[i].text == "{":
            depth += 1
        elif toks[i].kind == "punct" and toks[i].text == "}":
            depth -= 1
            if depth == 0:
                return i
    raise InputError("query has an unbalanced { … }")


def _verify_values(query_text: str, expected: dict[str, Any]) -> None:
    """Parse the final query with rdflib and read the VALUES rows back from its algebra."""
    from rdflib import Variable
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        algebra = translateQuery(parseQuery(query_text)).algebra
    except Exception as exc:
        raise EndpointError(f"parameters could not be bound safely: the query with VALUES does not parse ({type(exc).__name__}: {exc})") from exc
    want = [{Variable(n): t for n, t in expected.items()}]
    if not any(rows == want for rows in _values_rows(algebra)):
        raise EndpointError("parameters could not be bound safely: the parsed VALUES block differs from the parameter values")


def _values_rows(node: Any) -> Iterator[list[dict]]:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "values":
            yield list(node.get("res") or [])
        for value in node.values():
            yield from _values_rows(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _values_rows(value)


# --- the remote call -----------------------------------------------------------------------


def run_remote(query: NamedQuery, url: str, params: dict[str, str], timeout: float) -> tuple[list[str], list[list[str]]]:
    """Columns and rows (plain strings, as :func:`rightsgraph.query.run`) from a remote endpoint."""
    text = _remote_text(query, url, params, "SELECT")
    answer = post_query(url, text, timeout)
    return select_rows(answer, url)


def run_remote_graph(query: NamedQuery, url: str, params: dict[str, str], timeout: float) -> str:
    """The graph a remote endpoint builds for a CONSTRUCT or DESCRIBE query, as the build's Turtle."""
    from rdflib import Graph

    from rightsgraph.publish import turtle

    text = _remote_text(query, url, params, "CONSTRUCT", "DESCRIBE")
    body = _post(url, text, timeout, graph=True)
    try:
        return turtle(Graph().parse(data=body.decode("utf-8"), format="turtle"))
    except Exception as exc:  # whatever the parser says, it was not the Turtle asked for
        raise EndpointError(f"{url}: the answer is not Turtle ({first_line(body)})") from exc


def _remote_text(query: NamedQuery, url: str, params: dict[str, str], *forms: str) -> str:
    """The query text with its parameters as a VALUES block, checked to be of one of ``forms``."""
    from rightsgraph.query import bind_parameters

    check_url(url)
    bindings = bind_parameters(query, params)
    text = inject_values(query.text, bindings)
    form = operation_keyword(text)
    if form not in forms:
        wanted = "a SELECT query for table, csv, tsv or json" if forms == ("SELECT",) else "a CONSTRUCT or DESCRIBE query for ttl"
        raise InputError(f"query {query.name}: found {form or 'no query form'}; expected {wanted}")
    return text


def check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"--endpoint {url!r}: expected an http:// or https:// URL of a SPARQL endpoint")


def post_query(url: str, text: str, timeout: float) -> dict:
    """POST a SELECT/ASK query through SPARQLWrapper; SPARQL JSON results, or EndpointError."""
    body = _post(url, text, timeout, graph=False)
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EndpointError(f"{url}: the answer is not SPARQL JSON results ({first_line(body)})") from exc


def _post(url: str, text: str, timeout: float, *, graph: bool) -> bytes:
    """The body of the endpoint's answer to a POSTed query (JSON results, or Turtle for ``graph``)."""
    from SPARQLWrapper import CONSTRUCT, JSON, POST, SELECT, TURTLE

    wrapper = _wrapper_class()(url)
    wrapper.setMethod(POST)
    wrapper.setOnlyConneg(True)  # no format=/output= parameters: some endpoints refuse them
    wrapper.setReturnFormat(TURTLE if graph else JSON)
    wrapper.setQuery(text)
    wrapper.queryType = CONSTRUCT if graph else SELECT  # never let a value that reads like DROP make it an update
    wrapper.timeout = timeout  # setTimeout() would truncate to whole seconds
    try:
        response = wrapper.query()
        return response.response.read()
    except _HTTPFailure as exc:
        raise EndpointError(f"{url}: HTTP {exc.status} {exc.reason}: {first_line(exc.body)}") from None
    except (TimeoutError, socket.timeout) as exc:
        raise EndpointError(f"{url}: no answer within {timeout:g} s") from exc
    except urllib.error.URLError as exc:
        raise EndpointError(f"{url}: {_reason(exc.reason, timeout)}") from exc
    except (http.client.HTTPException, OSError) as exc:
        raise EndpointError(f"{url}: {_reason(exc, timeout)}") from exc


class _HTTPFailure(Exception):
    def __init__(self, status: int, reason: str, body: bytes) -> None:
        super().__init__(status)
        self.status, self.reason, self.body = status, reason, body


def _wrapper_class() -> type:
    """SPARQLWrapper, keeping the HTTP status and body of an error answer.

    SPARQLWrapper turns 400/401/404/414/500 into exceptions that keep neither the status nor
    the body in a usable form; this subclass sends SPARQLWrapper's own request and catches
    ``HTTPError`` before that mapping, so the message can say ``HTTP 400 …: first line``.
    """
    import urllib.request

    from SPARQLWrapper import SPARQLWrapper

    class Wrapper(SPARQLWrapper):
        def _query(self):  # type: ignore[no-untyped-def]
            request = self._createRequest()
            try:
                return urllib.request.urlopen(request, timeout=self.timeout), self.returnFormat
            except urllib.error.HTTPError as exc:
                raise _HTTPFailure(exc.code, str(exc.reason), _read(exc)) from None

    return Wrapper


def _read(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read() or b""
    except Exception:
        return b""


def _reason(reason: Any, timeout: float) -> str:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, socket.gaierror):
        return f"cannot resolve the host name ({reason.strerror or reason})"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the endpoint running?)"
    if isinstance(reason, OSError) and reason.strerror:
        return f"cannot connect ({reason.strerror})"
    return f"cannot connect ({reason})"


def first_line(body: bytes | str, limit: int = 200) -> str:
    """The first non-blank line of an answer, shortened: enough to say what went wrong."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "(empty body)")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def select_rows(answer: dict, url: str = "endpoint") -> tuple[list[str], list[list[str]]]:
    """Columns and rows of SPARQL JSON results, values as plain strings."""
    try:
        columns = list(answer["head"]["vars"])
        bindings = answer["results"]["bindings"]
        rows = [[_value(b.get(c)) for c in columns] for b in bindings]
    except (KeyError, TypeError) as exc:
        raise EndpointError(f"{url}: the answer is not SELECT results (no {exc})") from exc
    return columns, rows


def _value(cell: dict | None) -> str:
    if not cell:
        return ""
    if cell.get("type") == "triple":
        value = cell["value"]
        return f"<< {_value(value['subject'])} {_value(value['predicate'])} {_value(value['object'])} >>"
    return str(cell.get("value", ""))
