"""rightsgraph.namespaces.RG and ontology/rightsgraph.ttl declare the same terms.

Why: code builds the graph from RG (a strict DefinedNamespace), the ontology
documents and constrains it; a term in one but not the other is either
undocumented output or a documented term nothing produces.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, URIRef

from rightsgraph.namespaces import RG

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology" / "rightsgraph.ttl"
KINDS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
NS = str(RG._NS)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    g = Graph()
    g.parse(ONTOLOGY, format="turtle")
    return g


def _rg_terms() -> set[URIRef]:
    names = [n for n in RG.__annotations__ if not n.startswith("_")]
    assert len(names) > 100, "RG looks empty: the test would prove nothing"
    return {URIRef(NS + n) for n in names}


def _declared(g: Graph) -> dict[URIRef, set[URIRef]]:
    declared: dict[URIRef, set[URIRef]] = {}
    for kind in KINDS:
        for s in g.subjects(RDF.type, kind):
            if isinstance(s, URIRef) and str(s).startswith(NS):
                declared.setdefault(s, set()).add(kind)
    return declared


def test_every_rg_term_is_declared(ontology: Graph) -> None:
    missing = sorted(_rg_terms() - set(_declared(ontology)))
    assert not missing, f"in namespaces.RG but not declared in rightsgraph.ttl: {missing}"


def test_every_declared_term_is_in_rg(ontology: Graph) -> None:
    extra = sorted(set(_declared(ontology)) - _rg_terms())
    assert not extra, f"declared in rightsgraph.ttl but missing from namespaces.RG: {extra}"


def test_each_term_has_one_kind_matching_its_case(ontology: Graph) -> None:
    """Classes are capitalised, properties are not, and no term is punned."""
    problems = []
    for term, kinds in _declared(ontology).items():
        local = str(term)[len(NS):]
        if len(kinds) != 1:
            problems.append(f"{local}: {sorted(kinds)}")
        elif local[0].isupper() != (kinds == {OWL.Class}):
            problems.append(f"{local}: {next(iter(kinds))} does not match its capitalisation")
    assert not problems, problems


def test_rg_is_strict() -> None:
    with pytest.raises(AttributeError):
        RG.notAnOntologyTerm  # noqa: B018
