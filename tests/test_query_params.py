"""Query parameters are values, never query text — on the embedded store and on the wire.

Why: named queries take user input (``--param plan=…``).  On the embedded store the value is
an RDF term handed to Oxigraph (``substitutions``); for a remote endpoint it becomes one
``VALUES`` row.  Either way a value full of quotes, braces, ``;``, ``#`` or SPARQL keywords
must match nothing (or itself) and change nothing else.  The tokenizer under both the
``VALUES`` placement and serve's SERVICE check is tested here too.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef, Variable
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

from rightsgraph import endpoint, store
from rightsgraph.errors import EndpointError, InputError
from rightsgraph.query import NamedQuery, Parameter, find_query

XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
HOSTILE = [
    'x" } ; DROP ALL ; #',
    "x' } ; DROP ALL ; #",
    '"""} INSERT DATA { <http://evil> <http://evil> "x" } #',
    "a\\\" } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } #",
    "line1\nline2 } ; CLEAR ALL",
    "tab\there\r\nand \\ backslashes \\",
    "} } } ) ) ( { VALUES ?plan { \"2026-2030\" }",
    "2026-2030\" || \"1\" = \"1",
    "ends with a quote\"",
    "中文 }；DROP",
]

TOY = """
<http://ex/a> <http://ex/label> "2026-2030" .
<http://ex/b> <http://ex/label> "other" .
<http://ex/b> <http://ex/year> "2020"^^<http://www.w3.org/2001/XMLSchema#integer> .
"""


@pytest.fixture(scope="module")
def toy_store() -> ox.Store:
    s = ox.Store()
    s.load(input=TOY, format=ox.RdfFormat.N_TRIPLES)
    return s


# --- embedded: substitutions -----------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_embedded_value_is_only_a_value(toy_store: ox.Store, value: str) -> None:
    before = len(toy_store)
    columns, rows = store.run_select(toy_store, "SELECT ?s ?label WHERE { ?s <http://ex/label> ?label }", {"label": Literal(value)})
    assert columns == ["s", "label"]
    assert rows == []
    assert len(toy_store) == before


@pytest.mark.parametrize("value", HOSTILE)
def test_embedded_value_matches_itself(value: str) -> None:
    s = ox.Store()
    s.add(ox.Quad(ox.NamedNode("http://ex/x"), ox.NamedNode("http://ex/label"), ox.Literal(value)))
    _, rows = store.run_select(s, "SELECT ?s ?label WHERE { ?s <http://ex/label> ?label }", {Variable("label"): Literal(value)})
    assert rows == [["http://ex/x", value]]


def test_embedded_binding_keeps_type(toy_store: ox.Store) -> None:
    _, rows = store.run_select(toy_store, "SELECT ?s ?y WHERE { ?s <http://ex/year> ?y }", {"y": Literal(2020)})
    assert rows == [["http://ex/b", "2020"]]
    _, rows = store.run_select(toy_store, "SELECT ?s ?y WHERE { ?s <http://ex/year> ?y }", {"y": Literal("2020")})
    assert rows == []  # a string is not the integer 2020
    _, rows = store.run_select(toy_store, "SELECT * WHERE { ?s <http://ex/label> ?l }", {"s": URIRef("http://ex/a")})
    assert rows == [["2026-2030", "http://ex/a"]]  # Oxigraph lists a substituted variable of SELECT * last


def test_embedded_binding_reaches_filters(toy_store: ox.Store) -> None:
    query = "SELECT ?s ?wanted WHERE { ?s <http://ex/label> ?l FILTER(?l = ?wanted) }"
    _, rows = store.run_select(toy_store, query, {"wanted": Literal("other")})
    assert rows == [["http://ex/b", "other"]]


def test_embedded_parameters_must_be_projected(toy_store: ox.Store) -> None:
    """SEP-0007 substitution binds projected variables only; the error says so in one line."""
    with pytest.raises(InputError, match=r"parameter \?wanted must be in the SELECT clause"):
        store.run_select(toy_store, "SELECT ?s WHERE { ?s <http://ex/label> ?wanted }", {"wanted": Literal("other")})


def test_embedded_errors_are_input_errors(toy_store: ox.Store) -> None:
    with pytest.raises(InputError, match="syntax"):
        store.run_select(toy_store, "SELECT ?s WHERE { ?s ", {})
    with pytest.raises(InputError, match="not a SELECT"):
        store.run_select(toy_store, "ASK { ?s ?p ?o }", {})


def test_to_oxigraph_terms() -> None:
    assert store.to_oxigraph(URIRef("http://ex/a")) == ox.NamedNode("http://ex/a")
    assert store.to_oxigraph(Literal("a", lang="zh")) == ox.Literal("a", language="zh")
    assert store.to_oxigraph(Literal("5", datatype=XSD_INTEGER)) == ox.Literal("5", datatype=ox.NamedNode(str(XSD_INTEGER)))
    assert store.to_oxigraph(Literal("plain")) == ox.Literal("plain")


# --- remote: VALUES --------------------------------------------------------------------------


def _values(text: str) -> list[list[dict]]:
    return list(endpoint._values_rows(translateQuery(parseQuery(text)).algebra))


@pytest.mark.parametrize("value", HOSTILE)
def test_values_block_holds_exactly_the_value(value: str) -> None:
    query = "PREFIX ex: <http://ex/>\nSELECT ?s WHERE { ?s ex:label ?plan . ?s ex:other ?o }\nORDER BY ?s"
    text = endpoint.inject_values(query, {Variable("plan"): Literal(value)})
    assert _values(text) == [[{Variable("plan"): Literal(value)}]]
    # Nothing else changed: cut the inserted block out and the original query is back.
    start = text.index("\n  VALUES")
    assert text[:start] + text[start + len(text) - len(query) :] == query
    parsed = translateQuery(parseQuery(text))
    assert parsed.algebra.name == "SelectQuery"
    assert "DROP" not in {str(k) for k in parsed.algebra}


def test_values_go_into_the_outer_where_group_not_a_subquery_or_template() -> None:
    query = """
    # a comment with { braces } and "quotes"
    PREFIX ex: <http://ex/>
    SELECT ?s (EXISTS { ?s ?p ?o } AS ?e) FROM <http://ex/g#x>
    WHERE { { SELECT ?s WHERE { ?s ?p "}" } } ?s ex:label ?plan }
    """
    text = endpoint.inject_values(query, {"plan": Literal("v")})
    where = text.index("WHERE {")
    assert text[where + len("WHERE {") :].lstrip().startswith("VALUES (?plan)")
    construct = "CONSTRUCT { ?s <http://ex/p> ?plan } WHERE { ?s <http://ex/label> ?plan }"
    text = endpoint.inject_values(construct, {"plan": Literal("v")})
    assert text.startswith("CONSTRUCT { ?s <http://ex/p> ?plan } WHERE {\n  VALUES (?plan)")
    with pytest.raises(InputError, match="short form"):
        endpoint.inject_values("CONSTRUCT WHERE { ?s ?p ?plan }", {"plan": Literal("v")})


def test_values_semantics_match_the_embedded_binding(toy_store: ox.Store) -> None:
    """A FILTER of the outer group sees the VALUES binding as it sees a substitution."""
    query = "SELECT ?s ?wanted WHERE { ?s <http://ex/label> ?l FILTER(?l = ?wanted) }"
    bindings = {"wanted": Literal("other")}
    embedded = store.run_select(toy_store, query, bindings)
    remote_text = endpoint.inject_values(query, bindings)
    assert store.run_select(toy_store, remote_text, {}) == embedded


def test_typed_parameters_reach_the_wire_as_typed_terms() -> None:
    named = NamedQuery("t", Path("t.rq"), "t", "", "", [Parameter("n", "integer", None, ""), Parameter("iri", "iri", None, "")])
    from rightsgraph.query import bind_parameters

    bindings = bind_parameters(named, {"n": "42", "iri": "http://ex/a"})
    text = endpoint.inject_values("SELECT * WHERE { ?x ?y ?n }", bindings)
    assert _values(text) == [[{Variable("iri"): URIRef("http://ex/a"), Variable("n"): Literal(42)}]]
    with pytest.raises(InputError, match="not an IRI"):
        bind_parameters(named, {"iri": "http://ex/a> } DROP ALL <x"})


def test_unsafe_values_are_never_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    """If the parsed VALUES ever differed from the intended term, injection raises."""
    monkeypatch.setattr(endpoint, "_n3", lambda term: '"broken" } ; DROP ALL ; #')
    with pytest.raises(EndpointError, match="could not be bound safely"):
        endpoint.inject_values("SELECT * WHERE { ?s ?p ?plan }", {"plan": Literal("x")})


def test_codepoint_escape_text_is_refused_not_altered() -> None:
    """SPARQL decodes \\u0022 before parsing, even in strings: such a value is refused."""
    with pytest.raises(InputError, match="escape sequence"):
        endpoint.inject_values("SELECT * WHERE { ?s ?p ?plan }", {"plan": Literal("x\\u0022 } ; DROP ALL ; #")})


def test_bad_variable_names_are_refused() -> None:
    with pytest.raises(InputError, match="not a SPARQL variable"):
        endpoint.inject_values("SELECT * WHERE { ?s ?p ?o }", {"a-b": Literal("x")})


def test_named_queries_accept_values() -> None:
    """Every named query has a place for VALUES, and parses with it."""
    from rightsgraph.query import list_queries

    for named in list_queries():
        names = [p.name for p in named.parameters] or ["unusedParameter"]
        text = endpoint.inject_values(named.text, {n: Literal("x") for n in names})
        assert _values(text), named.name


def test_commitments_plan_parameter_on_the_wire() -> None:
    named = find_query("commitments")
    from rightsgraph.query import bind_parameters

    text = endpoint.inject_values(named.text, bind_parameters(named, {"plan": 'x" } ; DROP ALL ; #'}))
    assert _values(text) == [[{Variable("plan"): Literal('x" } ; DROP ALL ; #')}]]


# --- the tokenizer ---------------------------------------------------------------------------


def test_tokens_skip_strings_iris_and_comments() -> None:
    text = 'SELECT * { ?s ?p "SERVICE" , \'SERVICE\' , """SERVICE""" , <http://ex/SERVICE#x> , ex:SERVICE , ?service , _:service } # SERVICE'
    assert endpoint.keywords(text) == {"SELECT"}


def test_tokens_find_service_in_every_spelling() -> None:
    for text in (
        "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }",
        "select * { service <http://x/> { ?s ?p ?o } }",
        "SELECT * {?s ?p ?o.SERVICE <http://x/> { ?s ?p ?o } }",
        r"SELECT * { \u0053ERVICE <http://x/> { ?s ?p ?o } }",
        r"SELECT * { SERVIC\u0045 SILENT <http://x/> { ?s ?p ?o } }",
        "SELECT * { ?s ?p \"a\\\"\" SERVICE <http://x/> { ?s ?p ?o } }",
    ):
        assert "SERVICE" in endpoint.keywords(text), text


def test_operation_keyword_skips_the_prologue() -> None:
    assert endpoint.operation_keyword("PREFIX a: <http://a/> BASE <http://b/> # c\n select ?x {}") == "SELECT"
    assert endpoint.operation_keyword("PREFIX a: <http://a/> LOAD <http://x/>") == "LOAD"
    assert endpoint.operation_keyword(r"\u0049NSERT DATA {}") == "INSERT"
    assert endpoint.operation_keyword("") is None
