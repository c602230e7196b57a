"""Human-readable documentation of the rightsgraph ontology.

Why generated: ``ontology/rightsgraph.ttl`` is the single source of truth, so
the HTML reference and the class diagram are produced from it and can never
describe a model that no longer exists.

``write_docs`` writes ``index.html`` (with pyLODE when it is installed and
works, otherwise with the small built-in generator below, which needs nothing
but rdflib) and ``model.mmd``, a Mermaid class diagram. ``mermaid_diagram`` is
public so that the README's diagram is regenerated from the same code.
"""

from __future__ import annotations

import html
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal as RDFLiteral, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, SKOS

from rightsgraph.namespaces import ONTOLOGY, RG

__all__ = ["ONTOLOGY_FILE", "load_ontology", "mermaid_diagram", "render_html", "write_docs"]

log = logging.getLogger(__name__)

#: ontology/rightsgraph.ttl in a source checkout (mapping/rightsgraph/docs.py -> repo root).
ONTOLOGY_FILE = Path(__file__).resolve().parents[2] / "ontology" / "rightsgraph.ttl"

_RG = str(RG._NS)
_PREFIXES: dict[str, str] = {
    "rg": _RG,
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "owl": str(OWL),
    "rdfs": str(RDFS),
    "rdf": str(RDF),
    "xsd": str(XSD),
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "oa": "http://www.w3.org/ns/oa#",
    "qudt": "http://qudt.org/schema/qudt/",
    "schema": "https://schema.org/",
    "eli": "http://data.europa.eu/eli/ontology#",
}

Engine = Literal["auto", "pylode", "builtin"]


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def load_ontology(path: Path | None = None) -> Graph:
    """Parse the ontology Turtle file (default: the checkout's ontology/rightsgraph.ttl)."""
    g = Graph()
    g.parse(path or ONTOLOGY_FILE, format="turtle")
    return g


def _atomic_write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` via a temporary file and a rename.

    Why: a reader (a web server, a CI artefact upload, a concurrent build) never
    sees a half-written file, and a crash leaves the previous version intact.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        # mkstemp creates the file 0600; published documentation is world-readable,
        # like the graph files publish.py writes (0644).
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _qname(node: Node) -> str:
    """A prefixed name for display (rg:Commitment), falling back to the full IRI."""
    s = str(node)
    for prefix, ns in _PREFIXES.items():
        if s.startswith(ns) and len(s) > len(ns):
            return f"{prefix}:{s[len(ns):]}"
    return s


def _is_rg(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(_RG)


def _local(node: Node) -> str:
    return str(node)[len(_RG):] if _is_rg(node) else _qname(node)


def _members(g: Graph, node: Node | None) -> list[Node]:
    """Expand a class expression used as domain or range into named classes.

    Why: the ontology uses ``owl:unionOf`` for domains such as Section ∪ Chapter;
    the diagram and the reference show each member.
    """
    if node is None:
        return []
    if isinstance(node, BNode):
        union = g.value(node, OWL.unionOf)
        if union is not None:
            return [m for m in Collection(g, union) if isinstance(m, URIRef)]
        return []
    return [node]


def _label(g: Graph, node: Node, lang: str) -> str | None:
    for lab in g.objects(node, RDFS.label):
        if isinstance(lab, RDFLiteral) and lab.language == lang:
            return str(lab)
    return None


def _text(g: Graph, node: Node, prop: URIRef, lang: str = "en") -> str | None:
    fallback = None
    for value in g.objects(node, prop):
        if isinstance(value, RDFLiteral) and value.language == lang:
            return str(value)
        fallback = fallback or str(value)
    return fallback


def _terms(g: Graph, kind: URIRef) -> list[URIRef]:
    return sorted((t for t in g.subjects(RDF.type, kind) if _is_rg(t)), key=str)


# ---------------------------------------------------------------------------
# Mermaid
# ---------------------------------------------------------------------------


def _mermaid_id(node: Node) -> str:
    """A Mermaid-safe class id: rg terms by local name, others as prefix_Name."""
    name = _local(node) if _is_rg(node) else _qname(node).replace(":", "_")
    return "".join(c if c.isalnum() or c == "_" else "_" for c in name)


def mermaid_diagram(graph: Graph) -> str:
    """Return a Mermaid ``classDiagram`` of the ontology in ``graph``.

    Drawn from the ontology itself: every rg: class; subclass edges between rg:
    classes; one arrow per object property from each domain member to each
    range member (owl:unionOf expanded; properties without both a domain and a
    range are left out, since they would have no ends); datatype properties as
    attributes of their domain classes. External classes that are ends of
    arrows appear under their prefixed name. Output is sorted, so regenerating
    an unchanged ontology gives an identical diagram (stable README diffs).
    """
    classes = set(_terms(graph, OWL.Class))
    lines = ["classDiagram", "    direction LR"]
    attributes: dict[URIRef, list[str]] = {c: [] for c in classes}
    for prop in _terms(graph, OWL.DatatypeProperty):
        rng = graph.value(prop, RDFS.range)
        rng_name = _qname(rng).split(":")[-1] if rng is not None else "literal"
        for dom in _members(graph, graph.value(prop, RDFS.domain)):
            if dom in attributes:
                attributes[dom].append(f"+{_local(prop)} {rng_name}")
    edges: set[tuple[str, str, str]] = set()
    external: set[Node] = set()
    for prop in _terms(graph, OWL.ObjectProperty):
        domains = _members(graph, graph.value(prop, RDFS.domain))
        ranges = _members(graph, graph.value(prop, RDFS.range))
        for dom in domains:
            for rng in ranges:
                for end in (dom, rng):
                    if not _is_rg(end):
                        external.add(end)
                edges.add((_mermaid_id(dom), _mermaid_id(rng), _local(prop)))
    subclass_edges = sorted(
        (_mermaid_id(sup), _mermaid_id(sub))
        for sub in classes
        for sup in graph.objects(sub, RDFS.subClassOf)
        if _is_rg(sup)
    )
    for cls in sorted(classes, key=_mermaid_id):
        attrs = sorted(attributes[cls])
        if attrs:
            lines.append(f"    class {_mermaid_id(cls)} {{")
            lines.extend(f"        {a}" for a in attrs)
            lines.append("    }")
        else:
            lines.append(f"    class {_mermaid_id(cls)}")
    for ext in sorted(external, key=_mermaid_id):
        lines.append(f'    class {_mermaid_id(ext)}["{_qname(ext)}"]')
    lines.extend(f"    {sup} <|-- {sub}" for sup, sub in subclass_edges)
    lines.extend(f"    {d} --> {r} : {p}" for d, r, p in sorted(edges))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Built-in HTML generator
# ---------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans SC",sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #ccc;margin-top:2.5rem}
.term{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
.term h3{margin:.2rem 0}.iri{font-family:monospace;color:#555;font-size:.9em}
.zh{color:#555;font-weight:normal;margin-left:.5rem}
table{border-collapse:collapse}td,th{vertical-align:top;text-align:left;padding:.15rem .6rem .15rem 0}
th{white-space:nowrap;color:#555;font-weight:600}.chip{font-size:.8em;background:#eef;border-radius:3px;padding:0 .3rem;margin-left:.3rem}
pre{background:#f6f6f6;padding:.8rem;overflow:auto}nav a{margin-right:.8rem}
"""


def _link(node: Node) -> str:
    if _is_rg(node):
        return f'<a href="#{html.escape(_local(node))}">{html.escape(_qname(node))}</a>'
    if isinstance(node, URIRef):
        return f'<a href="{html.escape(str(node))}">{html.escape(_qname(node))}</a>'
    return html.escape(str(node))


def _class_expr(g: Graph, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        if (union := g.value(node, OWL.unionOf)) is not None:
            return " ∪ ".join(_link(m) for m in Collection(g, union))
        if (inv := g.value(node, OWL.inverseOf)) is not None:
            return f"inverse of {_link(inv)}"
        return "(anonymous expression)"
    return _link(node)


def _rows(rows: Iterable[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{html.escape(k)}</th><td>{v}</td></tr>" for k, v in rows if v)
    return f"<table>{body}</table>" if body else ""


def _term_block(g: Graph, term: URIRef, kind: str) -> str:
    en = _label(g, term, "en") or _local(term)
    zh = _label(g, term, "zh")
    rows: list[tuple[str, str]] = [
        ("Definition", html.escape(_text(g, term, SKOS.definition) or "")),
        ("Comment", "<br>".join(html.escape(str(c)) for c in g.objects(term, RDFS.comment))),
    ]
    if kind == "class":
        rows.append(("Subclass of", ", ".join(_class_expr(g, s) for s in sorted(g.objects(term, RDFS.subClassOf), key=str))))
        rows.append(("Subclasses", ", ".join(_link(s) for s in sorted(g.subjects(RDFS.subClassOf, term), key=str))))
        dom_of = sorted(p for p in g.subjects(RDFS.domain, None) if _is_rg(p) and term in _members(g, g.value(p, RDFS.domain)))
        rng_of = sorted(p for p in g.subjects(RDFS.range, None) if _is_rg(p) and term in _members(g, g.value(p, RDFS.range)))
        rows.append(("In domain of", ", ".join(_link(p) for p in dom_of)))
        rows.append(("In range of", ", ".join(_link(p) for p in rng_of)))
    else:
        characteristics = [
            _qname(t).split(":")[1]
            for t in sorted(g.objects(term, RDF.type), key=str)
            if t in (OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty, OWL.SymmetricProperty)
        ]
        rows += [
            ("Domain", _class_expr(g, g.value(term, RDFS.domain))),
            ("Range", _class_expr(g, g.value(term, RDFS.range))),
            ("Sub-property of", ", ".join(_class_expr(g, s) for s in g.objects(term, RDFS.subPropertyOf))),
            ("Inverse of", ", ".join(_link(s) for s in g.objects(term, OWL.inverseOf))),
            ("Characteristics", ", ".join(characteristics)),
        ]
        chain = g.value(term, OWL.propertyChainAxiom)
        if chain is not None:
            rows.append(("Property chain", " ∘ ".join(_class_expr(g, p) for p in Collection(g, chain))))
    zh_html = f'<span class="zh" lang="zh">{html.escape(zh)}</span>' if zh else ""
    return (
        f'<div class="term" id="{html.escape(_local(term))}">'
        f"<h3>{html.escape(en)}{zh_html}</h3>"
        f'<div class="iri">{html.escape(str(term))}</div>{_rows(rows)}</div>'
    )


def render_html(graph: Graph) -> str:
    """Render the ontology as one self-contained, bilingual (en + zh) HTML page.

    Why a built-in renderer at all: it needs nothing beyond rdflib, shows both
    label languages side by side (pyLODE shows one), and is the fallback when
    pyLODE is missing or incompatible with the installed rdflib.
    """
    onto = ONTOLOGY
    title_en = _text(graph, onto, DCTERMS.title, "en") or "rightsgraph ontology"
    title_zh = _text(graph, onto, DCTERMS.title, "zh")
    meta = _rows(
        [
            ("IRI", html.escape(str(onto))),
            ("Version IRI", _link(graph.value(onto, OWL.versionIRI)) if graph.value(onto, OWL.versionIRI) else ""),
            ("Version", html.escape(str(graph.value(onto, OWL.versionInfo) or ""))),
            ("Namespace", html.escape(_RG) + " (prefix <code>rg:</code>)"),
            ("License", _link(graph.value(onto, DCTERMS.license)) if graph.value(onto, DCTERMS.license) else ""),
            ("Creator", html.escape(str(graph.value(onto, DCTERMS.creator) or ""))),
        ]
    )
    sections = [
        ("classes", "Classes", OWL.Class, "class"),
        ("object-properties", "Object properties", OWL.ObjectProperty, "property"),
        ("datatype-properties", "Datatype properties", OWL.DatatypeProperty, "property"),
        ("annotation-properties", "Annotation properties", OWL.AnnotationProperty, "property"),
    ]
    nav = " ".join(f'<a href="#{sid}">{name}</a>' for sid, name, _, _ in sections)
    body = []
    for sid, name, kind_iri, kind in sections:
        terms = _terms(graph, kind_iri)
        index = ", ".join(_link(t) for t in terms)
        blocks = "".join(_term_block(graph, t, kind) for t in terms)
        body.append(f'<h2 id="{sid}">{name}</h2><p>{index}</p>{blocks}')
    zh = f'<div class="zh" lang="zh">{html.escape(title_zh)}</div>' if title_zh else ""
    description = html.escape(_text(graph, onto, DCTERMS.description) or "")
    diagram = html.escape(mermaid_diagram(graph))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title_en)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{html.escape(title_en)}</h1>{zh}<p>{description}</p>{meta}<nav>{nav}"
        '<a href="#diagram">Diagram</a></nav>'
        + "".join(body)
        + '<h2 id="diagram">Class diagram</h2><p>Mermaid source (also written as model.mmd):</p>'
        f'<pre class="mermaid">{diagram}</pre></body></html>\n'
    )


# ---------------------------------------------------------------------------
# pyLODE
# ---------------------------------------------------------------------------


def _english_only(graph: Graph) -> Graph:
    """Copy of ``graph`` without the @zh labels and titles.

    Why: pyLODE shows a single label per term and may pick the Chinese one; the
    reference page it makes is the English one (the built-in page is bilingual).
    """
    g = Graph()
    for prefix, ns in graph.namespaces():
        g.bind(prefix, ns)
    for s, p, o in graph:
        if isinstance(o, RDFLiteral) and o.language and o.language != "en" and p in (
            RDFS.label,
            DCTERMS.title,
            SKOS.prefLabel,
            DCTERMS.description,
        ):
            continue
        g.add((s, p, o))
    return g


def _render_pylode(graph: Graph) -> str:
    """Render with pyLODE's OntPub profile; raises if pyLODE is unavailable or fails."""
    from pylode import OntPub  # optional dependency, imported lazily

    return str(OntPub(_english_only(graph)).make_html())


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def write_docs(out_dir: Path, ontology_path: Path | None = None, engine: Engine = "auto") -> list[Path]:
    """Write the ontology documentation into ``out_dir`` and return the files written.

    Files: ``index.html`` (the reference) and ``model.mmd`` (Mermaid class
    diagram). ``engine="auto"`` uses pyLODE when it imports and renders without
    error and the built-in renderer otherwise, so documentation never fails on
    an optional dependency; ``"pylode"`` insists on pyLODE (raises if it cannot),
    ``"builtin"`` never tries it. All files are written atomically.
    """
    out_dir = Path(out_dir)
    graph = load_ontology(ontology_path)
    page: str | None = None
    if engine in ("auto", "pylode"):
        try:
            page = _render_pylode(graph)
        except Exception as exc:  # ImportError, or pyLODE incompatible with this rdflib
            if engine == "pylode":
                raise
            log.info("pyLODE unavailable (%s: %s); using the built-in renderer", type(exc).__name__, exc)
    if page is None:
        page = render_html(graph)
    return [
        _atomic_write(out_dir / "index.html", page),
        _atomic_write(out_dir / "model.mmd", mermaid_diagram(graph)),
    ]
