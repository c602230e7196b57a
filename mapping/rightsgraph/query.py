"""Named SPARQL queries: find them, document them, run them with parameters bound as RDF terms.

A named query is a file ``queries/NAME.rq`` whose opening comment block carries a title, a
description, its parameters and an example.  Parameter values never enter the query text:
they are passed to the engine as bindings of RDF terms, so a value full of quotes, braces or
SPARQL keywords is only ever a value.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD

from rightsgraph.errors import InputError
from rightsgraph.textnorm import display_width
from rightsgraph.vocab import project_root

FORMATS = ("table", "csv", "tsv", "json")
#: ``#   name (type; default: value) description`` — a default of ``all`` means unbound.
_PARAM = re.compile(r"^#\s{2,}(\w[\w-]*)\s*\(\s*([^;)]+?)\s*(?:;\s*default:\s*([^)]*?))?\s*\)\s*(.*)$")


@dataclass
class Parameter:
    name: str
    type: str
    default: str | None
    description: str


@dataclass
class NamedQuery:
    name: str
    path: Path
    title: str
    description: str
    example: str
    parameters: list[Parameter] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def form(self) -> str | None:
        """SELECT, CONSTRUCT, DESCRIBE or ASK: what the query returns, hence which formats apply."""
        from rightsgraph.endpoint import operation_keyword

        return operation_keyword(self.text)


def parse_header(name: str, path: Path) -> NamedQuery:
    """Read the comment block at the top of a .rq file."""
    fields: dict[str, str] = {}
    params: list[Parameter] = []
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        head = re.match(r"^#\s*(title|description|parameters|example):\s*(.*)$", line)
        if head:
            current = head.group(1)
            fields[current] = head.group(2).strip()
            continue
        param = _PARAM.match(line) if current == "parameters" else None
        if param:
            kind = param.group(2).strip()
            default = param.group(3) if param.group(3) not in (None, "", "all", "none") else None
            params.append(Parameter(param.group(1), kind, default, param.group(4).strip()))
        elif current and current != "parameters":
            fields[current] += " " + line.lstrip("#").strip()
    return NamedQuery(name, path, fields.get("title", name), fields.get("description", ""), fields.get("example", ""), params)


def queries_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "queries"


def list_queries(root: Path | None = None) -> list[NamedQuery]:
    return [parse_header(p.stem, p) for p in sorted(queries_dir(root).glob("*.rq"))]


def find_query(name_or_file: str, root: Path | None = None) -> NamedQuery:
    """A named query from queries/, or any .rq file given by path."""
    candidate = Path(name_or_file)
    if candidate.suffix == ".rq":
        if not candidate.is_file():
            raise InputError(f"{candidate}: no such query file (expected a SPARQL .rq file)")
        return parse_header(candidate.stem, candidate)
    path = queries_dir(root) / f"{name_or_file}.rq"
    if not path.is_file():
        names = ", ".join(q.name for q in list_queries(root))
        raise InputError(f"unknown query {name_or_file!r}; expected one of: {names} (or a path to a .rq file)")
    return parse_header(name_or_file, path)


def bind_parameters(query: NamedQuery, given: dict[str, str]) -> dict[Variable, Literal | URIRef]:
    """Turn --param key=value pairs into RDF terms of the declared types."""
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        allowed = ", ".join(declared) or "none"
        raise InputError(f"query {query.name}: unknown parameter {unknown[0]!r}; expected one of: {allowed}")
    bindings: dict[Variable, Literal | URIRef] = {}
    for name, param in declared.items():
        value = given.get(name, param.default)
        if value is None:
            continue
        bindings[Variable(name)] = to_term(param, value, query.name)
    return bindings


def to_term(param: Parameter, value: str, query: str) -> Literal | URIRef:
    """The RDF term for a value, checked against the declared type.

    A type written ``strict|broad`` is a closed list: any other value is refused rather than
    silently matching nothing.
    """
    kind = param.type.lower()
    if "|" in kind:
        options = [o.strip() for o in param.type.split("|")]
        if value not in options:
            raise InputError(f"query {query}: parameter {param.name}={value!r}; expected one of: {', '.join(options)}")
        return Literal(value)
    if kind in ("iri", "uri"):
        if not re.match(r"^[a-zA-Z][\w+.-]*:[^\s<>\"{}|\\^`]*$", value):
            raise InputError(f"query {query}: parameter {param.name}={value!r} is not an IRI")
        return URIRef(value)
    if kind in ("integer", "int", "xsd:integer"):
        if not re.match(r"^[+-]?\d+$", value):
            raise InputError(f"query {query}: parameter {param.name}={value!r}; expected an integer")
        return Literal(int(value))
    if kind in ("boolean", "xsd:boolean"):
        if value.lower() not in ("true", "false"):
            raise InputError(f"query {query}: parameter {param.name}={value!r}; expected true or false")
        return Literal(value.lower() == "true")
    return Literal(value, datatype=None) if kind in ("string", "xsd:string") else Literal(value, datatype=XSD.string)


def load_data(sources: list[Path]) -> Graph:
    """Parse a build directory (its all-in-one N-Triples) or RDF files."""
    graph = Graph()
    for source in sources:
        if source.is_dir():
            files = [source / "rightsgraph.nt"] if (source / "rightsgraph.nt").exists() else sorted(source.glob("*.ttl"))
            if not files:
                raise InputError(f"{source}: no graph files (expected the output of rightsgraph build)")
        elif source.is_file():
            files = [source]
        else:
            raise InputError(f"{source}: no such file or directory (expected a built graph directory or RDF file)")
        for path in files:
            try:
                graph.parse(path)
            except Exception as exc:
                raise InputError(f"{path}: cannot parse as RDF ({type(exc).__name__}: {exc})") from exc
    return graph


def run(query: NamedQuery, graph: Graph, params: dict[str, str]) -> tuple[list[str], list[list[str]]]:
    """Columns and rows (as plain strings) of a SELECT query."""
    bindings = bind_parameters(query, params)
    try:
        result = graph.query(query.text, initBindings=bindings)
    except Exception as exc:
        raise InputError(f"query {query.name}: {type(exc).__name__}: {exc}") from exc
    columns = [str(v) for v in result.vars]
    rows = [["" if value is None else str(value) for value in row] for row in result]
    return columns, rows


def render(columns: list[str], rows: list[list[str]], fmt: str) -> str:
    """Rows as a table for people, or CSV/TSV/JSON for programs."""
    if fmt == "json":
        return json.dumps([dict(zip(columns, row)) for row in rows], ensure_ascii=False, indent=1) + "\n"
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return buffer.getvalue()
    return table(columns, rows)


def table(columns: list[str], rows: list[list[str]], width: int = 40) -> str:
    def cut(value: str) -> str:
        value = value.replace("\n", " ")
        return value if len(value) <= width else value[: width - 1] + "…"

    cells = [[cut(c) for c in columns]] + [[cut(v) for v in row] for row in rows]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(columns))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(v + " " * (w - display_width(v)) for v, w in zip(row, widths)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append(f"({len(rows)} rows)")
    return "\n".join(lines) + "\n"
