"""Curated data: the ontology, the SKOS vocabularies and the crosswalks, read from files.

Lexicons are data, not code: adding a synonym to ``ontology/vocab/*.ttl`` or a row to
``ontology/crosswalk/*.csv`` never needs a change here.
"""

from __future__ import annotations

import csv
import os
import re
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, RDF, SKOS

from rightsgraph.errors import InputError
from rightsgraph.namespaces import RG, VOCAB


def project_root() -> Path:
    """The repository the package runs from (``RIGHTSGRAPH_HOME`` overrides)."""
    env = os.environ.get("RIGHTSGRAPH_HOME")
    return Path(env) if env else Path(__file__).resolve().parents[2]


def ontology_files(root: Path | None = None) -> list[Path]:
    root = root or project_root()
    return [root / "ontology" / "rightsgraph.ttl", *sorted((root / "ontology" / "vocab").glob("*.ttl"))]


def provision_iri(treaty: str, article: str) -> URIRef:
    """``5(e)(iv)`` → ``…/treaty/CERD/art-5-e-iv``."""
    slug = "-".join(part for part in re.split(r"[()\s.]+", article) if part)
    return VOCAB[f"treaty/{treaty}/art-{slug}"]


#: Columns a crosswalk CSV must have (``label_en`` is optional); every row needs a value in each.
CROSSWALK_COLUMNS = ("right", "treaty", "article", "source")


def crosswalk_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a crosswalk CSV, checked; a broken file is a one-line :class:`InputError`.

    Why checked here: the crosswalk is hand-edited data, so a missing column, a short row or
    a row without its source is a user's mistake to be named (file, line, what was expected),
    not a traceback. The house rule is that every row carries its source.
    """
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames or []
            missing = [c for c in CROSSWALK_COLUMNS if c not in fields]
            if missing:
                raise InputError(
                    f"{path}, line 1: missing column(s) {', '.join(missing)} "
                    f"(expected a header with {', '.join(CROSSWALK_COLUMNS)}[, label_en])"
                )
            rows = []
            for row in reader:
                line = reader.line_num  # the row's last physical line (a quoted field may span lines)
                if None in row or any(value is None for value in row.values()):
                    raise InputError(
                        f"{path}, line {line}: wrong number of fields "
                        f"(expected {len(fields)}: {', '.join(fields)}; quote a field that holds a comma)"
                    )
                clean = {k: v.strip() for k, v in row.items()}
                empty = [c for c in CROSSWALK_COLUMNS if not clean[c]]
                if empty:
                    raise InputError(
                        f"{path}, line {line}: empty {', '.join(empty)} "
                        "(expected a value; every crosswalk row names its source)"
                    )
                rows.append(clean)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    return rows


def crosswalk_graph(path: Path) -> Graph:
    """Right → treaty provision rows as TreatyProvision nodes and qualified links with sources."""
    graph = Graph()
    for row in crosswalk_rows(path):
        right = VOCAB[f"right/{row['right']}"]
        treaty = VOCAB[f"treaty/{row['treaty']}"]
        provision = provision_iri(row["treaty"], row["article"])
        graph.add((provision, RDF.type, RG.TreatyProvision))
        graph.add((provision, RDF.type, SKOS.Concept))
        graph.add((provision, SKOS.inScheme, VOCAB["treaty"]))
        graph.add((provision, SKOS.notation, Literal(provision.rsplit("/", 2)[1] + "-" + provision.rsplit("/", 1)[1])))
        graph.add((provision, RG.provisionOf, treaty))
        graph.add((provision, RG.article, Literal(row["article"])))
        graph.add((provision, SKOS.prefLabel, Literal(f"{row['treaty']} art. {row['article']}", lang="en")))
        graph.add((provision, SKOS.prefLabel, Literal(f"{row['treaty']} 第{row['article']}条", lang="zh")))
        graph.add((provision, DCTERMS.source, Literal(row["source"])))
        graph.add((right, RG.protectedBy, provision))
        link = URIRef(f"{VOCAB}crosswalk/{row['right']}/{row['treaty']}/{provision.rsplit('/', 1)[1]}")
        graph.add((link, RDF.type, RG.RightProvisionLink))
        graph.add((link, RG.right, right))
        graph.add((link, RG.provision, provision))
        if row.get("label_en"):
            graph.add((link, SKOS.note, Literal(row["label_en"], lang="en")))
        graph.add((link, DCTERMS.source, Literal(row["source"])))
    return graph


def turtle_error(path: Path, exc: Exception) -> str:
    """One line for a Turtle file that does not parse: file, line and what the parser expected.

    rdflib's ``BadSyntax`` message spans several lines and quotes the raw bytes around the
    error, and its own line count can be off; the line is recomputed from the error's offset,
    which counts characters of the decoded text (not bytes of ``_str``).
    """
    text, offset, why = getattr(exc, "_str", None), getattr(exc, "_i", None), getattr(exc, "_why", None)
    if isinstance(text, (bytes, str)) and isinstance(offset, int) and why:
        decoded = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        line = decoded[:offset].count("\n") + 1
        return f"{path}, line {line}: not valid Turtle ({why})"
    if isinstance(exc, UnicodeDecodeError):
        return f"{path}: not valid Turtle (not UTF-8: {exc.reason} at byte {exc.start})"
    first = " ".join(str(exc).split()) or type(exc).__name__
    match = re.search(r"\bline (\d+)", first)
    where = f", line {match.group(1)}" if match else ""
    return f"{path}{where}: not valid Turtle ({first[:300]})"


@lru_cache(maxsize=4)
def _load(root: Path) -> Graph:
    graph = Graph()
    for path in ontology_files(root):
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # a curated file that does not parse is a data error, not a bug
            raise InputError(turtle_error(path, exc)) from exc
    for path in sorted((root / "ontology" / "crosswalk").glob("*.csv")):
        graph += crosswalk_graph(path)
    return to_canonical_graph(graph)  # blank nodes (OWL lists) get content-derived, stable labels


def model_graph(root: Path | None = None) -> Graph:
    """The ontology, every vocabulary and every crosswalk, as one graph (a copy)."""
    copy = Graph()
    copy += _load((root or project_root()).resolve())
    return copy


def concept_by_label(graph: Graph, label: str, scheme: str) -> URIRef | None:
    """The concept of a scheme whose zh pref- or altLabel is ``label``."""
    scheme_iri = VOCAB[scheme]
    for prop in (SKOS.prefLabel, SKOS.altLabel):
        for concept in sorted(graph.subjects(prop, Literal(label, lang="zh"))):
            if (concept, SKOS.inScheme, scheme_iri) in graph:
                return URIRef(concept)
    return None


def lexicon_rows(path: Path, columns: set[str]) -> list[dict[str, str]]:
    """Rows of a lexicon CSV, checked for its columns; a broken file is a one-line user error."""
    if not path.is_file():
        raise InputError(f"{path}: missing lexicon file (expected a CSV with columns {', '.join(sorted(columns))})")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = columns - set(reader.fieldnames or [])
        if missing:
            raise InputError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        rows = []
        for n, row in enumerate(reader, start=2):
            if None in row or any(value is None for value in row.values()):
                raise InputError(f"{path}, line {n}: wrong number of fields (expected {', '.join(reader.fieldnames or [])}; quote a field that holds a comma)")
            rows.append({k: (v or "").strip() for k, v in row.items()})
    return rows


def lexicon_pattern(path: Path, pattern: str) -> re.Pattern[str]:
    """A regular expression from a lexicon file, or a one-line error naming the file."""
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise InputError(f"{path}: invalid pattern {pattern!r} ({exc})") from exc
