"""Stage 6 — publish: serialise graphs deterministically and write them atomically.

Every file opens with a comment saying it is generated and by which command.  All files of a
build are written to temporary files first and renamed only when every one of them is ready,
so a failed build leaves the previous ``graph/`` untouched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from rightsgraph.graph import new_graph

FORMATS = {"ttl": "turtle", "nt": "nt11", "trig": "trig"}


def header(command: str, sources: list[str]) -> str:
    lines = [
        "# GENERATED FILE: do not edit. Rebuild it with:",
        f"#   {command}",
        "# Sources (SHA-256):",
        *[f"#   {s}" for s in sources],
    ]
    return "\n".join(lines) + "\n"


def turtle(graph: Graph) -> str:
    """Turtle from rdflib's serialiser, which sorts subjects and predicates.

    The triples are copied into a graph that knows only the project's prefixes: a graph that
    went through parsing or validation carries bindings of its own (pySHACL binds ``sh:``),
    and those would otherwise change the output.
    """
    clean = new_graph()
    clean += graph
    return clean.serialize(format="turtle")


def ntriples(graph: Graph) -> str:
    """N-Triples with lines sorted: the form that diffs cleanly."""
    text = graph.serialize(format="nt11")
    return "".join(sorted(line + "\n" for line in text.splitlines() if line.strip()))


def trig(named: dict[URIRef, Graph]) -> str:
    """One named graph per plan plus one for the model, for stores that keep them apart.

    Written graph by graph in sorted order from the Turtle of each, because rdflib's TriG
    serialiser does not order its graphs.
    """
    prefixes: set[str] = set()
    blocks: list[str] = []
    for name, graph in sorted(named.items()):
        lines = turtle(graph).splitlines()
        prefixes.update(line for line in lines if line.startswith("@prefix"))
        body = [line for line in lines if not line.startswith("@prefix")]  # not indented: literals may span lines
        blocks.append(f"<{name}> {{\n" + "\n".join(body).strip("\n") + "\n}\n")
    return "\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks)


def write_atomically(files: dict[Path, str]) -> None:
    """Write every file to a temporary sibling, then rename them all; on failure remove temps."""
    temps: list[tuple[Path, Path]] = []
    try:
        for path, content in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(content)
            os.chmod(tmp, 0o644)
            temps.append((Path(tmp), path))
        for tmp, path in temps:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        raise
