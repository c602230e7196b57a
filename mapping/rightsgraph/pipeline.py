"""The build: read → segment → extract → graph → validate → publish, for a set of plan files.

This module only orchestrates; each stage lives in its own module.  Inputs are checked before
anything is written, so a user error never leaves partial output.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import Graph, URIRef

from rightsgraph.errors import GraphDoesNotConform, InputError
from rightsgraph.graph import PlanInfo, new_graph, plan_graph, plan_iri
from rightsgraph.namespaces import ID
from rightsgraph.publish import header, ntriples, trig, turtle, write_atomically
from rightsgraph.read import read_source
from rightsgraph.segment import Document, segment
from rightsgraph.vocab import concept_by_label, model_graph, project_root

MODEL_GRAPH = ID["graph/model"]
_PERIOD = re.compile(r"^(\d{4})\s*[-—–]\s*(\d{4})$")
_PLAN_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class PlanBuild:
    """One parsed plan and the graph made from it."""

    path: Path
    document: Document
    info: PlanInfo
    graph: Graph
    report: list[str] = field(default_factory=list)


@dataclass
class BuildResult:
    plans: list[PlanBuild]
    files: list[Path] = field(default_factory=list)


def load_manifest(root: Path) -> dict[str, dict]:
    """Manifest entries of texts/, by plan id."""
    path = root / "texts" / "manifest.json"
    if not path.exists():
        return {}
    return {entry["id"]: entry for entry in json.loads(path.read_text(encoding="utf-8"))["plans"]}


def default_inputs(root: Path) -> list[Path]:
    manifest = load_manifest(root)
    if not manifest:
        raise InputError(f"{root / 'texts' / 'manifest.json'}: missing; expected the manifest of the plans in texts/")
    return [root / "texts" / entry["file"] for entry in manifest.values()]


def check_manifest_hash(path: Path, root: Path, manifest: dict[str, dict]) -> None:
    """A file in texts/ must be byte-identical to what its manifest entry records."""
    texts = (root / "texts").resolve()
    if path.resolve().parent != texts:
        return
    for entry in manifest.values():
        if entry["file"] == path.name:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest != entry["sha256"]:
                raise InputError(
                    f"{path}: SHA-256 {digest[:12]}… does not match texts/manifest.json ({entry['sha256'][:12]}…); "
                    "the source texts must stay byte-identical to the corpus"
                )


def parse_period(value: str) -> tuple[int, int]:
    match = _PERIOD.match(value.strip())
    if not match or int(match.group(1)) >= int(match.group(2)):
        raise InputError(f"--period {value!r}: expected two years such as 2026-2030, the first before the second")
    return int(match.group(1)), int(match.group(2))


def plan_info(doc: Document, plan_id: str | None, period: str | None, manifest: dict[str, dict], model: Graph) -> PlanInfo:
    """Plan id and period from the text (or the overrides), curated metadata from the manifest.

    A text that states no title needs ``--period`` (the plan id then follows from it, or comes
    from ``--plan-id``); its title is then the manifest's for that plan id, or none: a title is
    never made up, so such a plan fails the ActionPlan-title shape unless built with
    ``--no-validate``.
    """
    if plan_id is not None and not _PLAN_ID.match(plan_id):
        raise InputError(f"--plan-id {plan_id!r}: expected lower-case letters, digits and hyphens, e.g. cn-nhrap-2026-2030")
    if period:
        start, end = parse_period(period)
    elif doc.start_year is not None and doc.end_year is not None:
        start, end = doc.start_year, doc.end_year
    else:
        raise InputError(
            f"{doc.source.path}: no plan title such as 国家人权行动计划（2026—2030年） found; "
            "expected one in the text, or --period (and --plan-id) to say which plan it is"
        )
    pid = plan_id or f"cn-nhrap-{start}-{end}"
    entry = manifest.get(pid, {})
    title = doc.title or entry.get("title")
    body = concept_by_label(model, entry["issuing_body"], "body") if entry.get("issuing_body") else None
    jurisdiction = URIRef(entry["jurisdiction"]) if entry.get("jurisdiction") else None
    return PlanInfo(
        plan_id=pid,
        start_year=start,
        end_year=end,
        title=title,
        issuing_body=body,
        issued=entry.get("date_of_issue"),
        issued_source=entry.get("date_of_issue_source"),
        jurisdiction=jurisdiction,
        language=entry.get("language", "zh"),
    )


def parse_plans(paths: list[Path], plan_ids: list[str], periods: list[str], root: Path, build_date: str | None) -> list[PlanBuild]:
    """Read, segment and map every input; fail on the first user error, before any writing."""
    if plan_ids and len(plan_ids) != len(paths):
        raise InputError(f"--plan-id given {len(plan_ids)} times for {len(paths)} files; expected one per file")
    if periods and len(periods) != len(paths):
        raise InputError(f"--period given {len(periods)} times for {len(paths)} files; expected one per file")
    manifest = load_manifest(root)
    documents = []
    for path in paths:  # every user error surfaces here, before the slower stages
        check_manifest_hash(path, root, manifest)
        documents.append((path, segment(read_source(path))))
    model = model_graph(root)
    builds: list[PlanBuild] = []
    seen: dict[str, Path] = {}
    for i, (path, doc) in enumerate(documents):
        info = plan_info(doc, plan_ids[i] if plan_ids else None, periods[i] if periods else None, manifest, model)
        if doc.start_year is None:  # no title in the text: extraction takes the years from --period
            doc = replace(doc, start_year=info.start_year, end_year=info.end_year)
        if info.plan_id in seen:
            raise InputError(f"{path}: plan id {info.plan_id} given twice (also {seen[info.plan_id]}); expected each plan once")
        seen[info.plan_id] = path
        graph = plan_graph(doc, info, build_date)
        report = extract_into(graph, info.plan_id, doc, model)
        builds.append(PlanBuild(path, doc, info, graph, report))
    return builds


def extract_into(graph: Graph, plan_id: str, doc: Document, model: Graph) -> list[str]:
    """Stage 3 — extract: targets and links (rights, groups, bodies, laws, treaties, documents)."""
    from rightsgraph.extract_links import add_links
    from rightsgraph.extract_targets import add_targets

    return add_links(graph, plan_id, doc, model) + add_targets(graph, plan_id, doc, model)


def build(
    paths: list[Path] | None,
    out_dir: Path,
    plan_ids: list[str] = (),
    periods: list[str] = (),
    build_date: str | None = None,
    root: Path | None = None,
    validate: bool = True,
) -> BuildResult:
    """Build the graph files for the given plans (default: every plan in texts/).

    With ``validate`` the graph is checked against shapes/ first and nothing is written when
    it does not conform (:class:`GraphDoesNotConform`).
    """
    root = root or project_root()
    paths = list(paths) if paths else default_inputs(root)
    plans = parse_plans(paths, list(plan_ids), list(periods), root, build_date)
    model = model_graph(root)
    command = build_command(paths, plan_ids, periods, build_date, root)
    all_sources = [f"{b.document.source.sha256}  {b.path.name}" for b in plans]
    files: dict[Path, str] = {}
    everything = new_graph()
    named: dict[URIRef, Graph] = {MODEL_GRAPH: model}
    for b in plans:
        src = [f"{b.document.source.sha256}  {b.path.name}"]
        files[out_dir / f"{b.info.plan_id}.ttl"] = header(command, src) + turtle(b.graph)
        everything += b.graph
        named[plan_iri(b.info.plan_id)] = b.graph
    model_header = header(command, ["ontology/*.ttl, ontology/vocab/*.ttl, ontology/crosswalk/*.csv"])
    files[out_dir / "ontology.ttl"] = model_header + turtle(model)
    everything += model
    if validate:
        check_contract(everything, plans)
    files[out_dir / "rightsgraph.ttl"] = header(command, all_sources) + turtle(everything)
    files[out_dir / "rightsgraph.nt"] = header(command, all_sources) + ntriples(everything)
    files[out_dir / "rightsgraph.trig"] = header(command, all_sources) + trig(named)
    write_atomically(files)
    return BuildResult(plans, sorted(files))


def build_command(
    paths: list[Path],
    plan_ids: Sequence[str] = (),
    periods: Sequence[str] = (),
    build_date: str | None = None,
    root: Path | None = None,
) -> str:
    """The command line a generated file's header names: enough to build the same content.

    Input files by name (the default set of texts/ not at all), then every option that changes
    what is written: ``--plan-id``, ``--period``, ``--build-date``.
    """
    root = root or project_root()
    words = ["rightsgraph", "build"]
    if paths != default_inputs_safe(root):
        words += [p.name for p in paths]
    for plan_id in plan_ids:
        words += ["--plan-id", plan_id]
    for period in periods:
        words += ["--period", period]
    if build_date:
        words += ["--build-date", build_date]
    return shlex.join(words)


def check_contract(graph: Graph, plans: list[PlanBuild]) -> None:
    """Stage 5 — validate: the SHACL shapes, with anchors checked against the texts in memory.

    Anchors are checked against each source's anchor view (read.SourceText.anchor_view): the
    decoded file with what the reader dropped — page furniture, HTML tags, the tails of
    entities — turned into layout whitespace, so offsets into the decoded file and the quote
    agree wherever the reader kept exactly those characters.
    """
    from rightsgraph.validate import validate_graph

    sources = {b.document.source.sha256: b.document.source.anchor_view for b in plans}
    outcome = validate_graph(graph, sources=sources)
    if not outcome.conforms:
        raise GraphDoesNotConform(outcome.text)


def default_inputs_safe(root: Path) -> list[Path]:
    try:
        return default_inputs(root)
    except InputError:
        return []
