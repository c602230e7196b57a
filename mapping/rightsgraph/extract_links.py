"""Stage 3 — links: what each goal and commitment is about, who acts, and what it does to which text.

For every intro goal and every commitment the extractor finds

* **rights** — inherited from the heading of the section it stands in (the chapter heading
  where there is no section), matched on ``rights.ttl`` pref-, alt- and hidden labels, and named
  in its own text (pref- and altLabels): ``rg:concernsRight`` plus an ``rg:Mention`` saying how
  (``link-method/section`` anchored on the heading, ``link-method/text`` on the words);
* **beneficiary groups** (``groups.ttl``) named in the text, and the group a section heading
  names (儿童权利 → children): ``rg:benefits`` plus a Mention;
* **responsible bodies** (``bodies.ttl``) where the text makes them the actor
  (人民检察院……应当, 由……牵头, 各级人民法院普遍设立, 鼓励园区、企业……等基层单位开展,
  发挥X……作用, 加强X对Y的监督), with the actor patterns, run joiners and person words of
  ``lexicon/actors.csv``; a body label inside a longer group label or a word for persons
  (中小学 in 中小学生, 人大 in 人大代表) is not a body: ``rg:responsibleBody`` plus a Mention;
* **national legal instruments** with what the plan will do to them (enact, study, amend,
  implement, improve, mention): ``rg:LegislativeAction`` nodes;
* **international instruments and UN mechanisms** with the context (report, ratify, implement,
  cooperate, principle, mention): ``rg:mentionsTreaty`` plus a Mention carrying
  ``rg:treatyContext``; reports and reviews also become ``rg:ReportingObligation`` nodes
  (treaty, cycle 6 / 3-4 / initial, draft/submit/review);
* **national policy documents** (纲要, 规划, 计划, 指引, 方案 …) with period and action:
  ``rg:mentionsPolicyDocument`` plus a Mention.

Every link carries the exact source span as a Web Annotation anchor.

Machinery, and why
------------------
The plans are formulaic administrative Chinese: a closed set of action verbs (制定, 修改, 落实 …)
governs noun phrases that end in a closed set of head words (…法, …条例, …规划, …计划), listed
with 、/和/及, sometimes in 《》, sometimes with the action after the name (推动…修改, …的实施).
What matters is where a *name* begins and ends, and which verb governs it.  So the extractor is a
small grammar over the normalised text, driven entirely by data:

1. **Curated vocabularies** (``ontology/vocab/*.ttl``): every concept's @zh pref/altLabels,
   matched longest-first and never inside a longer match or inside the name of a treaty, law or
   document (so 《儿童权利公约》 gives no children's-rights mention, and 经济、社会和文化权利
   does not also give 文化权利).  A known name is taken whole even when it contains 、
   (蓝色海湾、美丽岸滩、和美海岛建设暨…行动计划).
2. **Lexicons** (``lexicon/*.csv``, each row with a ``note`` and a ``source``): action verbs per
   category, head words and their kinds, the name grammar (separators, boundaries, fillers,
   generic phrases to reject), context cues, report-cycle patterns, reporting actions, actor
   patterns and blockers.  Adding a synonym, a verb or a head word is a new row, never code.
3. **Grammar**: after a verb, a list of conjuncts; each conjunct is a name if it is the shortest
   run ending in a head word followed by a boundary (so 落实数据安全法、个人信息保护法 gives two,
   矿产资源法实施条例 stays one, 食品安全法规 is not 食品安全法); A、B、C等专项规划 distributes
   the head; a name coordinated with a 制度/机制 is generic; a 《title》 followed by a continuation
   with a head of its own (《X法》实施细则) is that longer instrument, and the titled law is
   only mentioned.  Names are looked up with and without the state prefix 中华人民共和国
   (``prefix`` rows); names not in the vocabulary are minted without it
   (``…/vocab/instrument/minted-{hash}``, ``rg:unverified``) and reported.
4. **Closed lists**: every column of a lexicon that takes a value of a controlled list (actions,
   kinds, contexts, roles, yes/no) is checked when the lexicon loads (:func:`closed_rows`); a
   value outside its list is a one-line error naming the file, line, value and list.

A word segmenter (jieba) was considered and not used.  The boundaries that matter here are
those of titles (耕地保护和质量提升法, 蓝色海湾、美丽岸滩、和美海岛建设暨…行动计划) and of
curated labels; a general-purpose dictionary has no entries for the plans' titles, so its cuts
would have to be overridden by exactly the vocabularies and head-word grammar used here anyway.
It would add a dependency whose output changes with its dictionary version (the build promises
byte-identical output), and a second source of truth for word boundaries.  The one kind of
false substring a segmenter would catch (证人 in 保证人民) is a row of ``lexicon/blockers.csv``.
The grammar does not lean on the vocabularies: with the instrument and document vocabularies
emptied, ``bench/accuracy_links.py`` measured laws 0.98/0.98 (2012) and 1.00/0.98 (2026)
precision/recall, documents 1.00/1.00 and 1.00/0.95; the misses are titles that contain 、 or
are two characters long (宪法), which only a curated label can delimit.

All matching runs on :func:`rightsgraph.textnorm.matching_span` (traditional → simplified,
full → half width, one code point for one), so a traditional-character copy gives the same links,
and every match maps back to source offsets.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from rightsgraph.errors import InputError
from rightsgraph.graph import add_anchor, node_iri, source_iri
from rightsgraph.namespaces import RG, VOCAB
from rightsgraph.segment import Document, Node, Span
from rightsgraph.textnorm import matching_span, matching_text
from rightsgraph.vocab import lexicon_pattern, lexicon_rows, project_root

#: rg:documentAction is requested from the ontology's owner; until it exists the action of a
#: policy-document mention is kept in the extraction records and reported, not written.
DOCUMENT_ACTION = getattr(RG, "documentAction", None)

#: Order of the link categories when a node's qualified nodes are numbered.
_ORDER = {"right": 0, "group": 1, "body": 2, "treaty": 3, "document": 4}
_OPEN_MARKS = "《“\"「"
_CLOSE_MARKS = "》”\"」"


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ConceptLink:
    """A right, group or body linked to a goal or commitment."""

    path: str
    scheme: str  # "right", "group", "body"
    concept: URIRef
    method: str  # "section" or "text"
    quote: str
    start: int
    end: int
    span: Span = field(compare=False, hash=False, repr=False)
    node: Node = field(compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class LawLink:
    """A national legal instrument and what the element will do to it."""

    path: str
    instrument: URIRef
    name: str
    kind: str  # notation of the instrument-kind scheme
    action: str  # notation of the legislative-action scheme
    quote: str
    start: int
    end: int
    minted: bool
    span: Span = field(compare=False, hash=False, repr=False)
    node: Node = field(compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class TreatyLink:
    """An international instrument or UN mechanism and what the element says about it."""

    path: str
    concept: URIRef
    abbreviation: str
    mechanism: bool
    context: str  # notation of the treaty-context scheme
    report_cycle: str | None
    report_actions: tuple[str, ...]
    quote: str
    start: int
    end: int
    span: Span = field(compare=False, hash=False, repr=False)
    node: Node = field(compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class DocumentLink:
    """A national policy document and what the element will do with it."""

    path: str
    document: URIRef
    name: str
    period: str | None
    action: str  # formulate, implement, revise, mention
    quote: str
    start: int
    end: int
    minted: bool
    span: Span = field(compare=False, hash=False, repr=False)
    node: Node = field(compare=False, hash=False, repr=False)


@dataclass
class Links:
    """Everything extracted from one plan, as plain records with spans."""

    rights: list[ConceptLink] = field(default_factory=list)
    groups: list[ConceptLink] = field(default_factory=list)
    bodies: list[ConceptLink] = field(default_factory=list)
    laws: list[LawLink] = field(default_factory=list)
    treaties: list[TreatyLink] = field(default_factory=list)
    documents: list[DocumentLink] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Lexicons (lexicon/*.csv)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Verb:
    text: str
    role: str  # verb, introducer, suffix
    instrument_action: str
    document_action: str
    in_quote: bool

    def action(self, category: str) -> str:
        return self.instrument_action if category == "instrument" else self.document_action


@dataclass(frozen=True)
class Head:
    text: str
    category: str  # instrument, document
    kind: str
    needs_marks: bool
    distributive: bool


@dataclass(frozen=True)
class ContextCue:
    context: str
    position: str  # before, after
    pattern: re.Pattern[str]
    requires_cycle: str  # none, after, adjacent
    applies_to: frozenset[str]


@dataclass(frozen=True)
class ActorPattern:
    name: str
    left: re.Pattern[str]
    right: re.Pattern[str]


@dataclass
class Lexicon:
    verbs: list[Verb]
    suffixes: list[Verb]
    heads: list[Head]
    stop: re.Pattern[str]
    conjuncts: list[str]
    separators: list[str]
    boundary: re.Pattern[str]
    continuation: re.Pattern[str]
    fillers: list[str]
    generic: list[re.Pattern[str]]
    self_names: set[str]
    prefixes: list[str]
    system: re.Pattern[str]
    period: re.Pattern[str]
    five_year: dict[str, str]
    contexts: list[ContextCue]
    cycles: list[tuple[re.Pattern[str], re.Pattern[str], str]]  # (at start, at end, template)
    report_actions: list[tuple[str, re.Pattern[str]]]
    actors: list[ActorPattern]
    joiners: list[re.Pattern[str]]  # text between two bodies of one coordinated run
    person_words: list[re.Pattern[str]]  # text after a body label that makes it a word for persons
    blockers: dict[str, list[tuple[str, str]]]


_NUMERAL = r"[零〇一二两三四五六七八九十百\d]+"

#: Closed lists of the lexicons' columns, checked when a lexicon loads.
LEGISLATIVE_ACTIONS = ("enact", "study", "amend", "implement", "improve", "mention")  # controlled.ttl legislative-action
DOCUMENT_ACTIONS = ("formulate", "implement", "revise", "mention")  # document-action.ttl
INSTRUMENT_KINDS = ("law", "regulation", "rules", "judicial-interpretation", "code")  # controlled.ttl instrument-kind
TREATY_CONTEXTS = ("report", "ratify", "implement", "cooperate", "principle", "mention")  # controlled.ttl treaty-context
REPORTING_ACTIONS = ("draft", "submit", "review")  # controlled.ttl reporting-action
GRAMMAR_ROLES = ("stop", "conjunct", "separator", "boundary", "continuation", "filler", "generic", "self", "system", "period", "prefix")
YES_NO = ("yes", "no")


def closed_rows(path: Path, columns: set[str], closed: dict[str, tuple[str, ...]]) -> list[dict[str, str]]:
    """The rows of a lexicon CSV (:func:`rightsgraph.vocab.lexicon_rows`), each value of a
    closed-list column checked: a value outside its list is a one-line InputError naming the file,
    the line, the column, the value and the list (write ``""`` in a list to allow an empty cell)."""
    rows = lexicon_rows(path, columns | set(closed))
    for n, row in enumerate(rows, start=2):
        for column, allowed in closed.items():
            if row[column] not in allowed:
                expected = ", ".join(a if a else "(empty)" for a in allowed)
                raise InputError(f"{path}, line {n}: {column} {row[column]!r} is not one of {expected}")
    return rows


@lru_cache(maxsize=4)
def _load_lexicon(directory: Path) -> Lexicon:
    d = directory
    need = {"note", "source"}
    verbs, suffixes = [], []
    for row in closed_rows(
        d / "legislative-actions.csv",
        need | {"verb"},
        {"role": ("verb", "introducer", "suffix"), "instrument_action": ("", *LEGISLATIVE_ACTIONS), "document_action": ("", *DOCUMENT_ACTIONS), "in_quote": YES_NO},
    ):
        verb = Verb(matching_text(row["verb"]), row["role"], row["instrument_action"], row["document_action"], row["in_quote"] == "yes")
        (suffixes if verb.role == "suffix" else verbs).append(verb)
    verbs.sort(key=lambda v: -len(v.text))
    suffixes.sort(key=lambda v: -len(v.text))
    heads = [
        Head(matching_text(r["head"]), r["category"], r["kind"], r["needs_title_marks"] == "yes", r["distributive"] == "yes")
        for r in closed_rows(
            d / "name-heads.csv",
            need | {"head"},
            {"category": ("instrument", "document", "treaty"), "kind": ("", *INSTRUMENT_KINDS), "needs_title_marks": YES_NO, "distributive": YES_NO},
        )
    ]
    heads.sort(key=lambda h: -len(h.text))
    grammar: dict[str, list[str]] = defaultdict(list)
    for row in closed_rows(d / "name-grammar.csv", need | {"pattern"}, {"role": GRAMMAR_ROLES}):
        grammar[row["role"]].append(row["pattern"])
    g = d / "name-grammar.csv"

    def alternation(role: str) -> re.Pattern[str]:
        return lexicon_pattern(g, "|".join(f"(?:{p})" for p in grammar[role]) or r"(?!x)x")

    five = {matching_text(r["label"]): r["period"] for r in lexicon_rows(d / "five-year-plans.csv", need | {"label", "period"})}
    contexts = [
        ContextCue(
            r["context"], r["position"], lexicon_pattern(d / "treaty-contexts.csv", r["pattern"]), r["requires_cycle"] or "none",
            frozenset(a.strip() for a in r["applies_to"].split("|") if a.strip()),
        )
        for r in closed_rows(
            d / "treaty-contexts.csv",
            need | {"pattern", "applies_to"},
            {"context": TREATY_CONTEXTS, "position": ("before", "after"), "requires_cycle": ("", "none", "after", "adjacent")},
        )
    ]
    cycles = []
    for r in lexicon_rows(d / "report-cycles.csv", need | {"pattern", "cycle"}):
        body = matching_text(r["pattern"]).replace("{a}", f"(?P<a>{_NUMERAL})").replace("{b}", f"(?P<b>{_NUMERAL})")
        cycles.append((lexicon_pattern(d / "report-cycles.csv", "^" + body), lexicon_pattern(d / "report-cycles.csv", body + "$"), r["cycle"]))
    report_actions = [(r["action"], lexicon_pattern(d / "reporting-actions.csv", r["pattern"])) for r in closed_rows(d / "reporting-actions.csv", need | {"pattern"}, {"action": REPORTING_ACTIONS})]
    actors: list[ActorPattern] = []
    joiners: list[re.Pattern[str]] = []
    person_words: list[re.Pattern[str]] = []
    for r in closed_rows(d / "actors.csv", need | {"name", "left", "right"}, {"role": ("actor", "joiner", "person-word")}):
        pattern = ActorPattern(r["name"], lexicon_pattern(d / "actors.csv", r["left"]), lexicon_pattern(d / "actors.csv", r["right"]))
        if r["role"] == "actor":
            actors.append(pattern)
        elif r["role"] == "joiner":
            joiners.append(pattern.right)
        else:
            person_words.append(pattern.right)
    blockers: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in closed_rows(d / "blockers.csv", need | {"word", "label"}, {"scheme": ("right", "group", "body")}):
        blockers[r["scheme"]].append((matching_text(r["word"]), matching_text(r["label"])))
    return Lexicon(
        verbs=verbs,
        suffixes=suffixes,
        heads=heads,
        stop=alternation("stop"),
        conjuncts=sorted((matching_text(p) for p in grammar["conjunct"]), key=len, reverse=True),
        separators=sorted((matching_text(p) for p in grammar["separator"]), key=len, reverse=True),
        boundary=alternation("boundary"),
        continuation=alternation("continuation"),
        fillers=sorted((matching_text(p) for p in grammar["filler"]), key=len, reverse=True),
        generic=[lexicon_pattern(g, p) for p in grammar["generic"]],
        self_names={matching_text(p) for p in grammar["self"]},
        prefixes=sorted((matching_text(p) for p in grammar["prefix"]), key=len, reverse=True),
        system=alternation("system"),
        period=alternation("period"),
        five_year=five,
        contexts=contexts,
        cycles=cycles,
        report_actions=report_actions,
        actors=actors,
        joiners=joiners,
        person_words=person_words,
        blockers=dict(blockers),
    )


def load_lexicon(root: Path | None = None) -> Lexicon:
    """The lexicons of ``lexicon/`` (cached per directory)."""
    return _load_lexicon(((root or project_root()) / "lexicon").resolve())


# ---------------------------------------------------------------------------
# Vocabulary index (ontology/vocab/*.ttl)
# ---------------------------------------------------------------------------


@dataclass
class VocabIndex:
    labels: dict[str, list[tuple[str, URIRef]]]  # scheme -> (matching-form label, concept), longest first
    heading_labels: list[tuple[str, URIRef]]  # rights: pref + alt + hidden
    by_label: dict[str, dict[str, URIRef]]
    abbreviation: dict[URIRef, str]
    mechanisms: set[URIRef]
    treaty_bodies: set[URIRef]
    instrument_kind: dict[URIRef, str]


def _notation(iri: URIRef) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def vocab_index(model: Graph) -> VocabIndex:
    """Labels per scheme in matching form, and the facts extraction needs about concepts."""
    labels: dict[str, list[tuple[str, URIRef]]] = {}
    by_label: dict[str, dict[str, URIRef]] = {}
    heading: list[tuple[str, URIRef]] = []
    for scheme in ("right", "group", "body", "treaty", "instrument", "document"):
        scheme_iri = VOCAB[scheme]
        entries: dict[str, URIRef] = {}
        hidden: dict[str, URIRef] = {}
        for concept in sorted(set(model.subjects(SKOS.inScheme, scheme_iri))):
            for prop, target in ((SKOS.prefLabel, entries), (SKOS.altLabel, entries), (SKOS.hiddenLabel, hidden)):
                for label in model.objects(concept, prop):
                    if isinstance(label, Literal) and (label.language or "").startswith("zh"):
                        target.setdefault(matching_text(str(label)), URIRef(concept))
        labels[scheme] = sorted(entries.items(), key=lambda kv: (-len(kv[0]), kv[0]))
        by_label[scheme] = dict(entries)
        if scheme == "right":
            merged = {**hidden, **entries}
            heading = sorted(merged.items(), key=lambda kv: (-len(kv[0]), kv[0]))
    abbreviation: dict[URIRef, str] = {}
    for concept in set(model.subjects(SKOS.inScheme, VOCAB["treaty"])):
        abbr = model.value(concept, RG.abbreviation) or model.value(concept, SKOS.notation)
        abbreviation[URIRef(concept)] = str(abbr) if abbr is not None else _notation(URIRef(concept))
    mechanisms = {URIRef(s) for s in model.subjects(RDF.type, RG.UNMechanism)}
    bodies = {URIRef(s) for s in model.subjects(RDF.type, RG.TreatyBody)}
    kinds = {URIRef(s): _notation(URIRef(o)) for s, o in model.subject_objects(RG.instrumentKind)}
    return VocabIndex(labels, heading, by_label, abbreviation, mechanisms, bodies, kinds)


# ---------------------------------------------------------------------------
# Matching helpers
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    concept: URIRef
    label: str


def _overlaps(a: int, b: int, spans) -> bool:
    return any(a < e and s < b for s, e in spans)


def find_labels(text: str, entries: list[tuple[str, URIRef]], masks=(), blockers=()) -> list[_Match]:
    """Label occurrences, longest first, never overlapping each other or a masked span."""
    found: list[_Match] = []
    for label, concept in entries:
        if not label:
            continue
        i = text.find(label)
        while i != -1:
            found.append(_Match(i, i + len(label), concept, label))
            i = text.find(label, i + 1)
    found.sort(key=lambda m: (-(m.end - m.start), m.start))
    taken: list[tuple[int, int]] = []
    result = []
    for m in found:
        if _overlaps(m.start, m.end, taken) or _overlaps(m.start, m.end, masks) or _blocked(text, m, blockers):
            continue
        taken.append((m.start, m.end))
        result.append(m)
    return sorted(result, key=lambda m: m.start)


def _blocked(text: str, m: _Match, blockers) -> bool:
    for word, label in blockers:
        if label != m.label:
            continue
        i = text.find(word)
        while i != -1:
            if i <= m.start and m.end <= i + len(word):
                return True
            i = text.find(word, i + 1)
    return False


def _slice(span: Span, i: int, j: int) -> Span:
    return Span(span.text[i:j], span.offsets[i:j])


def _chinese_number(text: str) -> int:
    """二十 → 20, 十八 → 18, 三 → 3, 12 → 12."""
    if text.isdigit():
        return int(text)
    digits = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    total, current = 0, 0
    for ch in text:
        if ch in digits:
            current = digits[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


def _cycle(match: re.Match[str], template: str) -> str:
    values = {k: str(_chinese_number(v)) for k, v in match.groupdict().items() if v}
    return template.format(**values)


def cycle_bounds(cycle: str | None) -> tuple[int, int] | None:
    """'6' → (6, 6), '3-4' → (3, 4), 'initial' → (1, 1) (the ontology counts the initial report as 1)."""
    if not cycle:
        return None
    if cycle == "initial":
        return 1, 1
    parts = cycle.split("-")
    if all(p.isdigit() for p in parts):
        return int(parts[0]), int(parts[-1])
    return None


def _mint(scheme: str, name: str) -> URIRef:
    digest = hashlib.sha256(matching_text(name).encode("utf-8")).hexdigest()[:12]
    return VOCAB[f"{scheme}/minted-{digest}"]


def strip_prefix(name: str, prefixes: list[str]) -> str:
    """``name`` without a title prefix of ``lexicon/name-grammar.csv`` (中华人民共和国精神卫生法 → 精神卫生法)."""
    for prefix in prefixes:
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix) :]
    return name


def resolve(vocab: VocabIndex, scheme: str, name: str, prefixes: list[str] | None = None) -> tuple[URIRef, bool]:
    """The concept a name stands for (by its labels), or a minted IRI (and True) when none does.

    A name is looked up as written, without title marks, then without a title prefix
    (``prefix`` rows of ``lexicon/name-grammar.csv``, default: the project's lexicon); a minted
    IRI is the hash of the name without the prefix, so 中华人民共和国X法 and X法 are one concept."""
    if prefixes is None:
        prefixes = load_lexicon().prefixes
    key = matching_text(name)
    labels = vocab.by_label.get(scheme, {})
    stripped = key.strip(_OPEN_MARKS + _CLOSE_MARKS)
    short = strip_prefix(stripped, prefixes)
    concept = labels.get(key) or labels.get(stripped) or labels.get(short)
    if concept is not None:
        return concept, False
    return _mint(scheme, short), True


def _period(name: str, lex: Lexicon) -> str | None:
    match = lex.period.search(name)
    if match:
        return f"{match.group(1)}-{match.group(2)}"
    for label, period in lex.five_year.items():
        if label in name:
            return period
    return None


# ---------------------------------------------------------------------------
# Names of laws and documents
# ---------------------------------------------------------------------------


@dataclass
class _Name:
    start: int  # name without title marks
    end: int
    outer_start: int  # with title marks
    outer_end: int
    text: str
    scheme: str  # instrument, document, treaty, self, other
    concept: URIRef | None = None
    head: Head | None = None
    from_vocab: bool = False


@dataclass
class _Item:
    name: _Name
    names: list[tuple[str, int, int]]  # (name text, start, end): several when a head is distributed
    suffix: Verb | None
    end: int
    inner: _Name | None = None  # 《X法》实施细则: the titled law inside the name, only mentioned


class _Names:
    """Names of laws, documents and treaties in one element's normalised text."""

    def __init__(self, text: str, lex: Lexicon, vocab: VocabIndex, title: str | None = None):
        self.text = text
        self.lex = lex
        self.vocab = vocab
        self.self_names = set(lex.self_names) | ({matching_text(title).strip(_OPEN_MARKS + _CLOSE_MARKS)} if title else set())
        self.protected: list[_Name] = []
        self._titles()
        self._labels()
        self.protected.sort(key=lambda n: n.outer_start)
        self.at = {n.outer_start: n for n in self.protected}

    # -- protected spans: 《titles》 and vocabulary labels ------------------------------------

    def _titles(self) -> None:
        for m in re.finditer(r"《([^《》]{1,80})》", self.text):
            inner = m.group(1)
            name = _Name(m.start(1), m.end(1), m.start(), m.end(), inner, "other")
            short = strip_prefix(inner, self.lex.prefixes)
            for scheme in ("treaty", "instrument", "document"):
                concept = self.vocab.by_label[scheme].get(inner) or self.vocab.by_label[scheme].get(short)
                if concept is not None:
                    name.scheme, name.concept, name.from_vocab = scheme, concept, True
                    break
            else:
                head = self.head_of(inner)
                if inner in self.self_names:
                    name.scheme = "self"
                elif head is not None and head.category == "treaty":
                    name.scheme = "treaty-unknown"
                elif head is not None and self.valid(inner, head, marked=True):
                    name.scheme, name.head = head.category, head
            self.protected.append(name)

    def _labels(self) -> None:
        taken = [(n.outer_start, n.outer_end) for n in self.protected]
        entries = [(label, concept, scheme) for scheme in ("treaty", "instrument", "document") for label, concept in self.vocab.labels[scheme]]
        entries.sort(key=lambda e: -len(e[0]))
        for label, concept, scheme in entries:
            i = self.text.find(label)
            while i != -1:
                j = i + len(label)
                if not _overlaps(i, j, taken) and (scheme == "treaty" or self.ends_name(j)):
                    s, e = i, j
                    if i > 0 and self.text[i - 1] in _OPEN_MARKS and j < len(self.text) and self.text[j] in _CLOSE_MARKS:
                        s, e = i - 1, j + 1
                    self.protected.append(_Name(i, j, s, e, label, scheme, concept, self.head_of(label), True))
                    taken.append((s, e))
                i = self.text.find(label, i + 1)

    # -- grammar ------------------------------------------------------------------------------

    def head_of(self, name: str) -> Head | None:
        core = self.lex.period.sub("", name) if self.lex.period.search(name) else name
        core = core.rstrip(_CLOSE_MARKS)
        for head in self.lex.heads:
            if core.endswith(head.text):
                return head
        return None

    def ends_name(self, j: int) -> bool:
        rest = self.text[j:]
        if self.lex.continuation.match(rest):
            return False
        return bool(self.lex.boundary.match(rest)) or any(rest.startswith(s.text) for s in self.lex.suffixes)

    def valid(self, name: str, head: Head, marked: bool = False) -> bool:
        if name in self.self_names:
            return False
        if head.needs_marks and not marked:
            return False
        core = self.lex.period.sub("", name)
        if len(core) - len(head.text) < (1 if marked else 2):
            return False
        return not any(p.search(core) for p in self.lex.generic)

    def _starts(self, i: int, options: list[str]) -> str | None:
        for option in options:
            if self.text.startswith(option, i):
                return option
        return None

    def inside_protected(self, i: int) -> bool:
        return any(n.outer_start < i < n.outer_end for n in self.protected)

    def grammar_name(self, i: int, end: int, after: int | None = None):
        """From ``i``: ('name', j, head) | ('headless', j, after_separator) | None.

        ``after``: only candidates ending beyond it (the next longer one, when a shorter was rejected).
        """
        j = i if after is None else after
        while j < end:
            conj = self._starts(j, self.lex.conjuncts)
            if conj and j > i:
                return ("headless", j, j + len(conj))
            if self.lex.stop.match(self.text[j]) or self.text[j] == "《" or (j > i and j in self.at):
                return None
            for head in self.lex.heads:
                if head.category not in ("instrument", "document"):
                    continue
                k = j + 1
                if not self.text.startswith(head.text, k - len(head.text)) or k - len(head.text) < i:
                    continue
                period = self.lex.period.match(self.text, k)
                stop = period.end() if period else k
                if self.lex.continuation.match(self.text, stop) or not self.ends_name(stop):
                    continue
                if after is not None and stop <= after:
                    continue
                return ("name", stop, head)
            j += 1
        return None

    def parse_list(self, i: int, end: int) -> tuple[list[_Item], int]:
        """The names a verb governs, from ``i`` (just after the verb) to the clause end."""
        filler = self._starts(i, self.lex.fillers)
        if filler:
            i += len(filler)
        items: list[_Item] = []
        headless: list[tuple[int, int]] = []
        while i < end:
            protected = self.at.get(i)
            inner = None
            if protected is not None:
                name = protected
                compound = self._continued(protected)
                if compound is not None:  # 《X法》实施细则: the rules are the object, the law is named
                    name, inner = compound, protected
                names = [(name.text, name.start, name.end)]
                i = name.outer_end
            else:
                found = self.grammar_name(i, end)
                while found is not None and found[0] == "name" and not self._acceptable(i, found[1], found[2]):
                    found = self.grammar_name(i, end, after=found[1])
                if found is None:
                    break
                if found[0] == "headless":
                    headless.append((i, found[1]))
                    i = found[2]
                    continue
                j, head = found[1], found[2]
                text = self.text[i:j]
                core = self.lex.period.sub("", text)
                if head.distributive and core[: -len(head.text)].endswith("等"):
                    tail = text[len(core) - len(head.text) :]  # the head word and any period after it
                    parts = [(self.text[s:e] + tail, s, e) for s, e in headless] + [(core[: -len(head.text) - 1] + tail, i, j)]
                    names = [(t, s, e) for t, s, e in parts if self.valid(t, head)]
                    name = _Name(i, j, i, j, text, head.category, None, head)
                    items.append(_Item(name, names, None, j))
                    i = j
                    break
                if not self.valid(text, head) or self._with_system(j, end):
                    break
                name = _Name(i, j, i, j, text, head.category, None, head)
                names = [(text, i, j)]
                i = j
            suffix = next((s for s in self.lex.suffixes if self.text.startswith(s.text, i)), None)
            item_end = i + len(suffix.text) if suffix else i
            items.append(_Item(name, names, suffix, item_end, inner))
            if suffix is not None and suffix.instrument_action == "mention":
                break
            headless = []
            sep = self._starts(item_end, self.lex.separators)
            if sep is None or item_end >= end:
                i = item_end
                break
            i = item_end + len(sep)
        return items, i

    def _continued(self, name: _Name) -> _Name | None:
        """A titled name followed by a continuation with a head of its own (《X法》实施细则,
        《X法》实施条例, 《X规划》实施方案): the longer name, whose head gives its kind."""
        if name.scheme not in ("instrument", "document") or name.outer_end == name.end:
            return None
        match = self.lex.continuation.match(self.text, name.outer_end)
        head = self.head_of(match.group(0)) if match else None
        if head is None or head.category not in ("instrument", "document"):
            return None
        end = match.end()
        return _Name(name.start, end, name.outer_start, end, name.text + match.group(0), head.category, None, head)

    def _acceptable(self, i: int, j: int, head: Head) -> bool:
        text = self.text[i:j]
        core = self.lex.period.sub("", text)[: -len(head.text)]
        return (head.distributive and core.endswith("等")) or self.valid(text, head)

    def _with_system(self, j: int, end: int) -> bool:
        """A name coordinated with a system (应急预案、事故调查处理制度) is generic."""
        sep = self._starts(j, self.lex.conjuncts)
        if not sep:
            return False
        k = j + len(sep)
        stop = k
        while stop < end and not self._starts(stop, self.lex.conjuncts):
            stop += 1
        found = self.grammar_name(k, stop)
        return found is None and bool(self.lex.system.search(self.text[k:stop]))


# ---------------------------------------------------------------------------
# Per-element extraction
# ---------------------------------------------------------------------------


def _bounds(text: str, i: int, chars: str) -> tuple[int, int]:
    s = i
    while s > 0 and text[s - 1] not in chars:
        s -= 1
    e = i
    while e < len(text) and text[e] not in chars:
        e += 1
    return s, e


_CLAUSE = "，。；：！？"
_SENTENCE = "。；！？"


class _Element:
    """One goal or commitment: its text in matching form and what is found in it."""

    def __init__(self, node: Node, heading_node: Node | None, lex: Lexicon, vocab: VocabIndex, plan: str, title: str | None = None):
        self.node = node
        self.heading_node = heading_node
        self.lex = lex
        self.vocab = vocab
        self.plan = plan
        self.raw = node.span
        self.text = matching_span(node.span).text
        self.names = _Names(self.text, lex, vocab, title)

    def span(self, i: int, j: int) -> Span:
        return _slice(self.raw, i, j)

    def _plain(self, i: int, j: int) -> str:
        """The source characters of ``[i, j)`` without title marks (《X法》实施细则 → X法实施细则)."""
        return "".join(self.raw.text[k] for k in range(i, j) if self.text[k] not in "《》")

    # -- laws and documents ------------------------------------------------------------------

    def references(self) -> tuple[list[LawLink], list[DocumentLink], list[tuple[int, int]], list[str]]:
        text, lex = self.text, self.lex
        laws: list[LawLink] = []
        docs: list[DocumentLink] = []
        masks: list[tuple[int, int]] = [(n.start, n.end) for n in self.names.protected if n.scheme in ("instrument", "document", "self")]
        notes: list[str] = []
        consumed: list[tuple[int, int]] = []
        governed: set[int] = set()
        i = 0
        while i < len(text):
            if self.names.inside_protected(i) or _overlaps(i, i + 1, consumed):
                i += 1
                continue
            chain = self._verb_chain(i)
            if not chain:
                i += 1
                continue
            chain_end = chain[-1][1] + len(chain[-1][0].text)
            _, clause_end = _bounds(text, i, _CLAUSE)
            items, stop = self.names.parse_list(chain_end, clause_end)
            quote_start = next((start for verb, start in chain if verb.in_quote), None)
            verbs = [verb for verb, _ in chain]
            for item in items:
                if item.inner is None:  # an inner titled law is left to be recorded as a mention
                    governed.add(item.name.outer_start)
                self._record(item, verbs, quote_start, laws, docs, masks, notes)
            end = max(stop, chain_end) if items else chain_end
            consumed.append((i, end))
            i = end
        for name in self.names.protected:
            if name.outer_start in governed or name.scheme not in ("instrument", "document"):
                continue
            suffix = next((s for s in lex.suffixes if text.startswith(s.text, name.outer_end)), None)
            item = _Item(name, [(name.text, name.start, name.end)], suffix, name.outer_end + (len(suffix.text) if suffix else 0))
            self._record(item, [], None, laws, docs, masks, notes)
        return laws, docs, masks, notes

    def _verb_chain(self, i: int) -> list[tuple[Verb, int]]:
        """Verbs (and introducers) from ``i``, joined directly or by 和/并 (制定和修改, 推动落实)."""
        chain: list[tuple[Verb, int]] = []
        j = i
        while True:
            if chain and any(self.text.startswith(f, j) for f in self.lex.fillers):
                return chain  # 实施修订后的监狱法: 修订 is part of the object, not a second verb
            verb = next((v for v in self.lex.verbs if self.text.startswith(v.text, j)), None)
            if verb is None and chain and self.text[j : j + 1] in ("和", "并"):
                verb = next((v for v in self.lex.verbs if self.text.startswith(v.text, j + 1)), None)
                j += 1 if verb is not None else 0
            if verb is None:
                return chain
            chain.append((verb, j))
            j += len(verb.text)

    def _record(self, item: _Item, chain: list[Verb], quote_start: int | None, laws, docs, masks, notes) -> None:
        name = item.name
        category = name.scheme
        if category not in ("instrument", "document"):
            return
        suffix = item.suffix
        chain_action = next((v.action(category) for v in chain if v.action(category)), "")
        if suffix is not None and suffix.action(category) == "mention":
            action, start, end = "mention", name.outer_start, name.outer_end
        elif chain_action:
            action = chain_action
            start = quote_start if quote_start is not None else name.outer_start
            end = item.end
        elif suffix is not None:
            action = suffix.action(category)
            start = quote_start if quote_start is not None else name.outer_start
            end = item.end
        elif name.from_vocab or name.outer_start != name.start:
            action, start, end = "mention", name.outer_start, name.outer_end
        else:
            return  # an introducer alone (加强文化立法) commits nothing
        span = self.span(start, end)
        for text, s, e in item.names:
            masks.append((s, e))
            original = self._plain(s, e) if len(item.names) == 1 else text
            if category == "instrument":
                concept, minted = (name.concept, False) if name.concept is not None else resolve(self.vocab, "instrument", text, self.lex.prefixes)
                if minted:  # one label for one minted IRI, with or without 中华人民共和国
                    original = original[len(original) - len(strip_prefix(matching_text(original), self.lex.prefixes)) :]
                kind = self.vocab.instrument_kind.get(concept) or (name.head.kind if name.head else "law")
                if minted:
                    notes.append(f"minted instrument {concept} for {original!r} ({self.plan} {self.node.path}): not in ontology/vocab/instruments.ttl")
                laws.append(LawLink(self.node.path, concept, original, kind, action, span.text, span.start, span.end, minted, span, self.node))
            else:
                concept, minted = (name.concept, False) if name.concept is not None and len(item.names) == 1 else resolve(self.vocab, "document", text, self.lex.prefixes)
                if minted:  # one label for one minted IRI, with or without 中华人民共和国
                    original = original[len(original) - len(strip_prefix(matching_text(original), self.lex.prefixes)) :]
                    notes.append(f"minted document {concept} for {original!r} ({self.plan} {self.node.path}): not in ontology/vocab/documents.ttl")
                docs.append(DocumentLink(self.node.path, concept, original, _period(text, self.lex), action, span.text, span.start, span.end, minted, span, self.node))

    # -- treaties and mechanisms -------------------------------------------------------------

    def treaties(self) -> tuple[list[TreatyLink], list[tuple[int, int]]]:
        text, lex, vocab = self.text, self.lex, self.vocab
        mentions = [n for n in self.names.protected if n.scheme == "treaty" and n.concept is not None]
        masks = [(n.outer_start, n.outer_end) for n in self.names.protected if n.scheme in ("treaty", "treaty-unknown")]
        self.notes = [
            f"unknown international instrument 《{n.text}》 ({self.plan} {self.node.path}): not in ontology/vocab/treaties.ttl, not linked"
            for n in self.names.protected
            if n.scheme == "treaty-unknown"
        ]
        found: list[tuple[_Name, str, str | None, int, int]] = []
        for k, m in enumerate(mentions):
            abbr = vocab.abbreviation.get(m.concept, _notation(m.concept))
            c_start, c_end = _bounds(text, m.start, _CLAUSE)
            nxt = next((n.outer_start for n in mentions[k + 1 :] if n.outer_start < c_end), c_end)
            after_cut = text[m.outer_end : nxt]
            after_all = text[m.outer_end : c_end]
            before = text[c_start : m.outer_start]
            cyc_after = next(((_cycle(x, t), x) for a, _, t in lex.cycles if (x := a.match(after_cut))), None)
            cyc_before = next(((_cycle(x, t), x) for _, b, t in lex.cycles if (x := b.search(before))), None)
            context, q_start, q_end, cycle = self._context(abbr, before, after_cut, after_all, cyc_after, cyc_before, m, c_start)
            found.append((m, context, cycle if context == "report" else None, q_start, q_end))
        report_sentences = {
            _bounds(text, m.start, _SENTENCE) for m, ctx, _, _, _ in found if ctx == "report" and m.concept not in vocab.mechanisms
        }
        links: list[TreatyLink] = []
        seen: set[tuple] = set()
        for m, context, cycle, q_start, q_end in found:
            sentence = _bounds(text, m.start, _SENTENCE)
            if m.concept in vocab.treaty_bodies and sentence in report_sentences:
                continue  # the committee reviewing a treaty report is part of that report
            key = (m.concept, context, cycle)
            if key in seen:
                continue
            seen.add(key)
            actions: tuple[str, ...] = ()
            if context == "report":
                sentence_text = text[sentence[0] : sentence[1]]
                actions = tuple(dict.fromkeys(a for a, p in lex.report_actions if p.search(sentence_text)))
                # the anchor runs on to the first reporting action written after the report (…，并提交 / …的审议)
                ends = [sentence[0] + x.end() for _, p in lex.report_actions for x in p.finditer(sentence_text) if sentence[0] + x.end() > q_end]
                q_end = min(ends, default=q_end)
            span = self.span(q_start, q_end)
            links.append(
                TreatyLink(
                    self.node.path, m.concept, vocab.abbreviation.get(m.concept, _notation(m.concept)), m.concept in vocab.mechanisms,
                    context, cycle, actions, span.text, span.start, span.end, span, self.node,
                )
            )
        return links, masks

    def _context(self, abbr, before, after_cut, after_all, cyc_after, cyc_before, m: _Name, c_start: int):
        """Context of one mention: report and after-cues in lexicon order, then the nearest verb before."""
        lex = self.lex
        cycle = (cyc_after or cyc_before or (None, None))[0]
        for cue in lex.contexts:
            if cue.applies_to and abbr not in cue.applies_to:
                continue
            if cue.position == "before" and cue.requires_cycle == "none":
                continue
            if cue.requires_cycle == "after" and not cyc_after:
                continue
            if cue.requires_cycle == "adjacent" and not (cyc_after or cyc_before):
                continue
            if cue.position == "after":
                hit = cue.pattern.search(after_cut if cue.requires_cycle == "after" else after_all)
                if hit:
                    if cue.context == "report":
                        return "report", c_start, m.outer_end + hit.end(), cycle
                    return cue.context, m.outer_start, m.outer_end + hit.end(), cycle
            else:
                hit = None
                for hit in cue.pattern.finditer(before):
                    pass
                if hit:
                    end = m.outer_end + (cyc_after[1].end() if cyc_after else 0)
                    return cue.context, c_start + hit.start(), end, cycle
        best = None
        for order, cue in enumerate(lex.contexts):
            if cue.position != "before" or cue.requires_cycle != "none":
                continue
            if cue.applies_to and abbr not in cue.applies_to:
                continue
            last = None
            for last in cue.pattern.finditer(before):
                pass
            if last is not None and (best is None or last.start() > best[0]):
                best = (last.start(), order, cue.context)
        if best is not None:
            return best[2], c_start + best[0], m.outer_end, cycle
        return "mention", m.outer_start, m.outer_end, cycle

    # -- rights, groups, bodies --------------------------------------------------------------

    def heading(self) -> tuple[Span, str] | None:
        node = self.heading_node
        if node is None or not node.heading:
            return None
        title = _slice(node.span, len(node.span.text) - len(node.heading), len(node.span.text))
        return title, matching_span(title).text

    def concepts(self, masks: list[tuple[int, int]]) -> tuple[list[ConceptLink], list[ConceptLink], list[ConceptLink]]:
        vocab, lex = self.vocab, self.lex
        rights: list[ConceptLink] = []
        groups: list[ConceptLink] = []
        heading = self.heading()
        if heading is not None:
            span, text = heading
            for m in find_labels(text, vocab.heading_labels):
                rights.append(self._link("right", m.concept, "section", _slice(span, m.start, m.end)))
            for m in find_labels(text, vocab.labels["group"], blockers=lex.blockers.get("group", ())):
                groups.append(self._link("group", m.concept, "section", _slice(span, m.start, m.end)))
        free_groups = find_labels(self.text, vocab.labels["group"], masks, lex.blockers.get("group", ()))
        body_matches = [
            b for b in find_labels(self.text, vocab.labels["body"], masks, lex.blockers.get("body", ())) if not self._person_word(b, free_groups)
        ]
        group_masks = masks + [(b.start, b.end) for b in body_matches]
        group_matches = find_labels(self.text, vocab.labels["group"], group_masks, lex.blockers.get("group", ()))
        words = body_matches + group_matches
        for m in find_labels(self.text, vocab.labels["right"], masks, lex.blockers.get("right", ())):
            if any(w.start <= m.start and m.end <= w.end and w.end - w.start > m.end - m.start for w in words):
                continue  # 所有权 inside 被征收房屋所有权人: part of a longer word
            rights.append(self._link("right", m.concept, "text", self.span(m.start, m.end)))
        for m in group_matches:
            groups.append(self._link("group", m.concept, "text", self.span(m.start, m.end)))
        bodies = [self._link("body", m.concept, "text", self.span(m.start, m.end)) for m in self._actors(body_matches)]
        return _dedupe(rights), _dedupe(groups), _dedupe(bodies)

    def _person_word(self, body: _Match, groups: list[_Match]) -> bool:
        """A body label inside a longer group label (中小学 in 中小学生) or followed by a person
        noun of ``lexicon/actors.csv`` (人大 in 人大代表) names persons, not the body."""
        if any(g.start <= body.start and body.end <= g.end and g.end - g.start > body.end - body.start for g in groups):
            return True
        return any(p.match(self.text, body.end) for p in self.lex.person_words)

    def _actors(self, matches: list[_Match]) -> list[_Match]:
        """Bodies in an actor position: a coordinated run of bodies matched by an actor pattern."""
        text = self.text
        runs: list[list[_Match]] = []
        for m in matches:
            if runs and any(j.match(text[runs[-1][-1].end : m.start]) for j in self.lex.joiners):
                runs[-1].append(m)
            else:
                runs.append([m])
        actors: list[_Match] = []
        for run in runs:
            c_start, c_end = _bounds(text, run[0].start, _CLAUSE)
            left, right = text[c_start : run[0].start], text[run[-1].end : c_end]
            if any(p.left.search(left) and p.right.search(right) for p in self.lex.actors):
                actors.extend(run)
        return actors

    def _link(self, scheme: str, concept: URIRef, method: str, span: Span) -> ConceptLink:
        return ConceptLink(self.node.path, scheme, concept, method, span.text, span.start, span.end, span, self.node)


def _dedupe(links: list[ConceptLink]) -> list[ConceptLink]:
    seen: set[tuple] = set()
    out = []
    for link in links:
        key = (link.concept, link.method)
        if key not in seen:
            seen.add(key)
            out.append(link)
    return out


def _elements(doc: Document):
    """Every intro goal (no heading) and every commitment with its section (or chapter)."""
    if doc.introduction is not None:
        for child in doc.introduction.children:
            if child.kind == "goal":
                yield child, None
    for chapter in doc.chapters:
        for child in chapter.children:
            if child.kind == "commitment":
                yield child, chapter
            elif child.kind == "section":
                for item in child.children:
                    if item.kind == "commitment":
                        yield item, child


def extract_links(doc: Document, model: Graph, root: Path | None = None, plan: str | None = None) -> Links:
    """Rights, groups, bodies, laws, treaties and documents of every goal and commitment."""
    lex = load_lexicon(root)
    vocab = vocab_index(model)
    plan = plan or doc.period
    links = Links()
    for node, heading_node in _elements(doc):
        element = _Element(node, heading_node, lex, vocab, plan, doc.title)
        laws, docs, name_masks, notes = element.references()
        treaties, treaty_masks = element.treaties()
        notes += element.notes
        rights, groups, bodies = element.concepts(name_masks + treaty_masks)
        links.laws.extend(_unique(laws))
        links.documents.extend(_unique(docs))
        links.treaties.extend(treaties)
        links.rights.extend(rights)
        links.groups.extend(groups)
        links.bodies.extend(bodies)
        links.notes.extend(dict.fromkeys(notes))
    return links


def _unique(records: list) -> list:
    """One record per (concept, action) in an element, the first (shortest-quoted) kept."""
    seen: set[tuple] = set()
    out = []
    for r in records:
        key = (getattr(r, "instrument", None) or getattr(r, "document", None), r.action)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


# ---------------------------------------------------------------------------
# Graph
# ---------------------------------------------------------------------------


def add_links(graph: Graph, plan_id: str, doc: Document, model: Graph) -> list[str]:
    """Add every link of the plan to ``graph``; return report lines (minted concepts, gaps)."""
    links = extract_links(doc, model, plan=plan_id)
    source = source_iri(doc.source.sha256)
    report = list(links.notes)
    counters: dict[tuple[str, str], int] = defaultdict(int)

    def number(node: URIRef, kind: str) -> int:
        counters[(str(node), kind)] += 1
        return counters[(str(node), kind)]

    def mention(node: URIRef, concept: URIRef, method: str, span: Span) -> URIRef:
        m = URIRef(f"{node}/mention/{number(node, 'mention')}")
        graph.add((m, RDF.type, RG.Mention))
        graph.add((m, RG.mentionOf, concept))
        graph.add((m, RG.mentionedIn, node))
        graph.add((node, RG.hasMention, m))
        graph.add((m, RG.linkMethod, VOCAB[f"link-method/{method}"]))
        graph.add((m, RG.anchor, add_anchor(graph, m, source, span)))
        return m

    shortcut = {"right": RG.concernsRight, "group": RG.benefits, "body": RG.responsibleBody}
    ordered: list[tuple] = []
    for link in links.rights + links.groups + links.bodies:
        ordered.append((link.path, _ORDER[link.scheme], link.start, str(link.concept), link.method, link))
    for link in links.treaties:
        ordered.append((link.path, _ORDER["treaty"], link.start, str(link.concept), link.context, link))
    for link in links.documents:
        ordered.append((link.path, _ORDER["document"], link.start, str(link.document), link.action, link))
    ordered.sort(key=lambda row: (_path_key(row[0]), row[1:5]))
    missing_document_action = 0
    for *_, link in ordered:
        node = node_iri(plan_id, link.node)
        if isinstance(link, ConceptLink):
            graph.add((node, shortcut[link.scheme], link.concept))
            mention(node, link.concept, link.method, link.span)
        elif isinstance(link, TreatyLink):
            graph.add((node, RG.mentionsTreaty, link.concept))
            m = mention(node, link.concept, "text", link.span)
            graph.add((m, RG.treatyContext, VOCAB[f"treaty-context/{link.context}"]))
            if link.context == "report":
                ro = URIRef(f"{node}/reporting-obligation/{number(node, 'reporting-obligation')}")
                graph.add((ro, RDF.type, RG.ReportingObligation))
                graph.add((node, RG.hasReportingObligation, ro))
                graph.add((ro, RG.treaty, link.concept))
                # "unstated" when the text names no cycle (e.g. reports to treaty bodies in general):
                # the graph says so rather than guessing a number.
                graph.add((ro, RG.reportCycle, Literal(link.report_cycle or "unstated")))
                if link.report_cycle:
                    bounds = cycle_bounds(link.report_cycle)
                    if bounds:
                        graph.add((ro, RG.cycleStart, Literal(bounds[0], datatype=XSD.integer)))
                        graph.add((ro, RG.cycleEnd, Literal(bounds[1], datatype=XSD.integer)))
                for action in link.report_actions:
                    graph.add((ro, RG.reportingAction, VOCAB[f"reporting-action/{action}"]))
                graph.add((ro, RG.anchor, add_anchor(graph, ro, source, link.span)))
        else:
            graph.add((node, RG.mentionsPolicyDocument, link.document))
            m = mention(node, link.document, "text", link.span)
            if DOCUMENT_ACTION is not None:
                graph.add((m, DOCUMENT_ACTION, VOCAB[f"document-action/{link.action}"]))
            else:
                missing_document_action += 1
            if link.minted:
                _minted_document(graph, link)
    for link in sorted(links.laws, key=lambda l: (_path_key(l.path), l.start, str(l.instrument))):
        node = node_iri(plan_id, link.node)
        la = URIRef(f"{node}/legislative-action/{number(node, 'legislative-action')}")
        graph.add((la, RDF.type, RG.LegislativeAction))
        graph.add((node, RG.hasLegislativeAction, la))
        graph.add((la, RG.instrument, link.instrument))
        graph.add((la, RG.legislativeAction, VOCAB[f"legislative-action/{link.action}"]))
        graph.add((la, RG.anchor, add_anchor(graph, la, source, link.span)))
        if link.minted:
            _minted_instrument(graph, link)
    if missing_document_action:
        report.append(
            f"{plan_id}: {missing_document_action} policy-document actions (formulate/implement/revise/mention) not written: "
            "the ontology has no rg:documentAction yet (scheme ontology/vocab/document-action.ttl is ready)"
        )
    return report


def _minted_instrument(graph: Graph, link: LawLink) -> None:
    iri = link.instrument
    graph.add((iri, RDF.type, SKOS.Concept))
    graph.add((iri, RDF.type, RG.LegalInstrument))
    graph.add((iri, SKOS.inScheme, VOCAB["instrument"]))
    graph.add((iri, SKOS.notation, Literal(_notation(iri))))
    graph.add((iri, SKOS.prefLabel, Literal(link.name, lang="zh")))
    graph.add((iri, RG.instrumentKind, VOCAB[f"instrument-kind/{link.kind}"]))
    graph.add((iri, RG.unverified, Literal("Minted by extraction: the plan names this instrument but ontology/vocab/instruments.ttl has no concept for it; title, kind (from the head word) and existence not checked.", lang="en")))


def _minted_document(graph: Graph, link: DocumentLink) -> None:
    iri = link.document
    graph.add((iri, RDF.type, SKOS.Concept))
    graph.add((iri, RDF.type, RG.PolicyDocument))
    graph.add((iri, SKOS.inScheme, VOCAB["document"]))
    graph.add((iri, SKOS.notation, Literal(_notation(iri))))
    graph.add((iri, SKOS.prefLabel, Literal(link.name, lang="zh")))
    if link.period:
        start, end = link.period.split("-")
        graph.add((iri, RG.documentPeriod, Literal(link.period)))
        graph.add((iri, RG.startYear, Literal(int(start), datatype=XSD.integer)))
        graph.add((iri, RG.endYear, Literal(int(end), datatype=XSD.integer)))
    graph.add((iri, RG.unverified, Literal("Minted by extraction: the plan names this document but ontology/vocab/documents.ttl has no concept for it; title and existence not checked.", lang="en")))


def _path_key(path: str) -> tuple:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in path.split("."))
