"""Stage 4 — graph: the document tree (and extracted links) as RDF.

IRIs are derived from the plan id and each node's path, never from run order, so a rebuild
gives the same names; no blank nodes are minted, so serialisations are stable.  Every node
carries a Web Annotation anchor (TextPositionSelector + TextQuoteSelector) on the source file,
which is itself named by its SHA-256.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from rightsgraph import __version__
from rightsgraph.namespaces import BASE, ELI, ID, OA, ORG, QUDT, RG, SCHEMA, SDG, TIME, UNIT, VANN, VOCAB, WD
from rightsgraph.segment import Document, Node, Span

SOFTWARE = URIRef(f"{BASE}id/software/rightsgraph/{__version__}")
#: The anchor of a chapter's or section's lead statement (rg:anchor spans its heading).
STATEMENT_ANCHOR = RG.statementAnchor
NODE_CLASSES = {
    "introduction": RG.Introduction,
    "paragraph": RG.IntroductionParagraph,
    "principle": RG.Principle,
    "goal": RG.Goal,
    "chapter": RG.Chapter,
    "section": RG.Section,
    "commitment": RG.Commitment,
}
NODE_SEGMENTS = {
    "introduction": "introduction",
    "paragraph": "intro-paragraph",
    "principle": "principle",
    "goal": "goal",
    "chapter": "chapter",
    "section": "section",
    "commitment": "commitment",
}


@dataclass(frozen=True)
class PlanInfo:
    """What the graph says about a plan beyond its text: id, period and curated metadata."""

    plan_id: str
    start_year: int
    end_year: int
    title: str | None  # None: neither the text nor the manifest states one (never made up)
    issuing_body: URIRef | None = None
    issued: str | None = None
    issued_source: str | None = None
    jurisdiction: URIRef | None = None
    language: str = "zh"


def bind_prefixes(graph: Graph) -> Graph:
    """One set of prefixes for every file the build writes.

    It names every namespace the ontology and the plans use, so rdflib never has to invent
    an ``ns1:`` prefix (whose number would depend on what was serialised before).
    """
    for prefix, ns in {
        "rdf": RDF,
        "rg": RG._NS,
        "oa": OA,
        "dcterms": DCTERMS,
        "prov": PROV,
        "time": TIME,
        "skos": SKOS,
        "owl": OWL,
        "rdfs": RDFS,
        "xsd": XSD,
        "org": ORG,
        "qudt": QUDT,
        "unit": UNIT,
        "vann": VANN,
        "schema": SCHEMA,
        "eli": ELI,
        "sdg": SDG,
        "wd": WD,
        "rgid": ID,
        "vocab": VOCAB,
    }.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def new_graph() -> Graph:
    return bind_prefixes(Graph(bind_namespaces="none"))


def plan_iri(plan_id: str) -> URIRef:
    return ID[plan_id]


def node_iri(plan_id: str, node: Node) -> URIRef:
    if node.kind == "introduction":
        return ID[f"{plan_id}/introduction"]
    number = node.path.split(".", 1)[1] if node.kind in ("paragraph", "principle", "goal") else node.path
    return ID[f"{plan_id}/{NODE_SEGMENTS[node.kind]}/{number}"]


def source_iri(sha256: str) -> URIRef:
    return ID[f"source/sha256-{sha256}"]


def add_anchor(graph: Graph, subject: URIRef, source: URIRef, span: Span, name: str = "anchor") -> URIRef:
    """A Web Annotation text anchor: code-point offsets into the source, and the quote."""
    anchor = URIRef(f"{subject}/{name}")
    position = URIRef(f"{anchor}/position")
    quote = URIRef(f"{anchor}/quote")
    graph.add((anchor, RDF.type, RG.TextAnchor))
    graph.add((anchor, OA.hasSource, source))
    graph.add((anchor, OA.hasSelector, position))
    graph.add((anchor, OA.hasSelector, quote))
    graph.add((position, RDF.type, OA.TextPositionSelector))
    graph.add((position, OA.start, Literal(span.start, datatype=XSD.nonNegativeInteger)))
    graph.add((position, OA.end, Literal(span.end, datatype=XSD.nonNegativeInteger)))
    graph.add((quote, RDF.type, OA.TextQuoteSelector))
    graph.add((quote, OA.exact, Literal(span.text)))
    return anchor


def add_source(graph: Graph, doc: Document) -> URIRef:
    src = doc.source
    iri = source_iri(src.sha256)
    graph.add((iri, RDF.type, RG.SourceDocument))
    graph.add((iri, RG.sha256, Literal(src.sha256)))
    graph.add((iri, RG.fileName, Literal(src.path.name)))
    graph.add((iri, RG.encoding, Literal(src.encoding)))
    graph.add((iri, RG.sourceFormat, Literal(src.source_format)))
    graph.add((iri, RG.characterCount, Literal(src.character_count, datatype=XSD.nonNegativeInteger)))
    graph.add((iri, RG.pageBreaksRepaired, Literal(doc.page_breaks_repaired, datatype=XSD.nonNegativeInteger)))
    graph.add((iri, DCTERMS.format, Literal("text/html" if src.source_format == "html" else "text/plain")))
    return iri


def add_plan(graph: Graph, doc: Document, info: PlanInfo, build_date: str | None = None) -> URIRef:
    """The plan, its period as an OWL-Time interval, its source and the build activity."""
    plan = plan_iri(info.plan_id)
    source = add_source(graph, doc)
    graph.add((plan, RDF.type, RG.ActionPlan))
    graph.add((plan, RG.planId, Literal(info.plan_id)))
    if info.title:
        graph.add((plan, DCTERMS.title, Literal(info.title, lang="zh")))
    graph.add((plan, DCTERMS.language, Literal(info.language)))
    graph.add((plan, DCTERMS.temporal, Literal(f"{info.start_year}-{info.end_year}")))
    graph.add((plan, RG.startYear, Literal(info.start_year)))
    graph.add((plan, RG.endYear, Literal(info.end_year)))
    graph.add((plan, RG.sourceDocument, source))
    graph.add((plan, PROV.wasDerivedFrom, source))
    if info.jurisdiction is not None:
        graph.add((plan, RG.jurisdiction, info.jurisdiction))
    if info.issuing_body is not None:
        graph.add((plan, RG.issuedBy, info.issuing_body))
    if info.issued:
        datatype = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(info.issued), XSD.date)
        graph.add((plan, DCTERMS.issued, Literal(info.issued, datatype=datatype)))
    if doc.date_as_stated:
        graph.add((plan, RG.dateOfIssueAsStated, Literal(doc.date_as_stated, lang="zh")))
    period = ID[f"{info.plan_id}/period"]
    graph.add((plan, RG.period, period))
    graph.add((period, RDF.type, TIME.Interval))
    for end, year in (("beginning", info.start_year), ("end", info.end_year)):
        instant = ID[f"{info.plan_id}/period/{end}"]
        graph.add((period, TIME.hasBeginning if end == "beginning" else TIME.hasEnd, instant))
        graph.add((instant, RDF.type, TIME.Instant))
        graph.add((instant, TIME.inXSDgYear, Literal(str(year), datatype=XSD.gYear)))
    build = ID[f"{info.plan_id}/build"]
    graph.add((build, RDF.type, RG.BuildActivity))
    graph.add((build, PROV.used, source))
    graph.add((build, PROV.wasAssociatedWith, SOFTWARE))
    graph.add((SOFTWARE, RDF.type, PROV.SoftwareAgent))
    graph.add((SOFTWARE, RDFS.label, Literal(f"rightsgraph {__version__}")))
    if build_date:
        graph.add((build, PROV.endedAtTime, Literal(build_date, datatype=XSD.dateTime)))
    graph.add((plan, PROV.wasGeneratedBy, build))
    return plan


def add_node(graph: Graph, plan_id: str, node: Node, source: URIRef, parent: URIRef, parents: dict[str, URIRef]) -> URIRef:
    """One structural node with its text, anchor and links to the plan, chapter and section."""
    iri = node_iri(plan_id, node)
    plan = plan_iri(plan_id)
    graph.add((iri, RDF.type, NODE_CLASSES[node.kind]))
    graph.add((iri, RG.plan, plan))
    graph.add((iri, RG.path, Literal(node.path)))
    graph.add((iri, RG.number, Literal(node.number)))
    graph.add((iri, DCTERMS.isPartOf, parent))
    if node.heading:
        graph.add((iri, RG.heading, Literal(node.heading, lang="zh")))
    if node.span.offsets:
        graph.add((iri, RG.text, Literal(node.text, lang="zh")))
        graph.add((iri, RG.anchor, add_anchor(graph, iri, source, node.span)))
    if node.statement is not None:
        graph.add((iri, RG.statement, Literal(node.statement.text, lang="zh")))
        if node.statement.offsets:
            anchor = add_anchor(graph, iri, source, node.statement, name="statement-anchor")
            graph.add((iri, STATEMENT_ANCHOR, anchor))
    link = {
        "introduction": (plan, RG.introduction),
        "chapter": (plan, RG.hasChapter),
        "section": (parent, RG.hasSection),
        "commitment": (parent, RG.hasCommitment),
        "goal": (parent, RG.hasGoal),
        "principle": (parent, RG.hasPrinciple),
        "paragraph": (parent, RG.hasParagraph),
    }[node.kind]
    graph.add((link[0], link[1], iri))
    if node.kind == "section":
        graph.add((iri, RG.chapter, parents["chapter"]))
    if node.kind == "commitment":
        graph.add((iri, RG.chapter, parents["chapter"]))
        if "section" in parents:
            graph.add((iri, RG.section, parents["section"]))
    return iri


def add_tree(graph: Graph, plan_id: str, doc: Document) -> None:
    source = source_iri(doc.source.sha256)
    plan = plan_iri(plan_id)
    if doc.introduction is not None:
        intro = add_node(graph, plan_id, doc.introduction, source, plan, {})
        for child in doc.introduction.children:
            add_node(graph, plan_id, child, source, intro, {})
    for chapter in doc.chapters:
        chapter_iri = add_node(graph, plan_id, chapter, source, plan, {})
        for child in chapter.children:
            parents = {"chapter": chapter_iri}
            child_iri = add_node(graph, plan_id, child, source, chapter_iri, parents)
            if child.kind == "section":
                parents["section"] = child_iri
                for item in child.children:
                    add_node(graph, plan_id, item, source, child_iri, parents)


def plan_graph(doc: Document, info: PlanInfo, build_date: str | None = None) -> Graph:
    """Everything the build knows about one plan, as one graph."""
    graph = new_graph()
    add_plan(graph, doc, info, build_date)
    add_tree(graph, info.plan_id, doc)
    return graph
