"""Stage 3 — extract: the quantified targets of a plan (issue 4, targets part).

A target is a number the plan sets as a value to reach, keep or change: 城镇登记失业率控制在5%以内,
建设10个国家区域血液安全中心, 至少一人实现就业.  For every commitment and every introduction goal
this module finds such numbers and reads, for each (indicator, value) pair, one
:class:`TargetRecord`: the indicator (a concept of ``ontology/vocab/indicators.ttl``, or a minted
one), the value as written, its unit, comparator, kind, target year and baseline year, and the span
of the quote it was read from.

How (all matching on :func:`rightsgraph.textnorm.matching_text`, which maps traditional to
simplified characters one for one, so a traditional-character copy gives the same records and the
offsets still point into its own file):

1. **Values.** Arabic numbers (also with thousands separators: 1,200 and 1，200 are 1200, and a
   comma between digit groups does not end a clause), percentages in words (百分之九十五 → 95 %),
   and Chinese numerals where a context of ``lexicon/targets-numerals.csv``
   says they state a quantity (至少一次, 办好一所).  Numbers inside the patterns of
   ``lexicon/targets-non-targets.csv`` (titles, quoted names, ordinals, age bounds …) and years are
   never values.  The unit is the longest unit label (``ontology/vocab/units.ttl`` notation and
   @zh labels, plus the extra surface forms of ``lexicon/targets-units.csv``) after the number;
   a bare 万/亿 takes the classifier of the noun it counts (500万贫困农户 → 万户).
2. **Clauses.** A sentence (to 。) is cut into clauses (at ，；：); each value owns the part of its
   clause from the previous value to the next one.  Before the value: the subject (the indicator
   words) and the *zone*, the run of words of ``lexicon/targets-kinds.csv`` and
   ``lexicon/targets-comparators.csv`` that joins them to the number (分别控制在, 较2010年新增,
   提高到每人每年).  After it: the unit, a closing comparator (以上, 以内, 左右) and, for a number
   that counts things (建设10个国家区域血液安全中心), the noun phrase it counts.  之间 closes a
   range (保持在98%—99%之间: value 98, value_max 99) and is not part of the indicator.
3. **Target or not.** A number at the end of its predicate is a target when it has a unit or a
   zone verb; a number followed by a noun is one when a verb or comparator of the lexicons governs
   it, when it reads "N% 的 X", or when it continues a list of values.  A number followed by
   more words and then by another value of the same clause is part of an indicator's name
   (35岁以上成人……知晓率达到75%) and is not a target.
4. **Fields.** Comparator: closing word over opening word, = otherwise; a closing word of the last
   value of a list holds for the whole list.  Kind: annual growth words, then the zone verb
   nearest the number (提高 X → increase, 提高到 X → level, 下降 X → decrease), a baseline
   (比/较2010年) → increase, an addition in the subject (新增……面积), a minimum head-count
   (至少一人) or a count verb → count (never for rates, ages, durations: the ``level-only`` units),
   else level; see the lexicon's notes (新增 right before the number adds to a stock, 新增5家……基地
   → increase; 新增 inside the indicator's name is a count).  Year: the last year stated in the
   same sentence before the number (到2015年, 2030年达到, 2012-2015年 → 2015); else the plan's end year, implied.
5. **Indicators.** Catalogue labels (prefLabel and altLabel @zh, matching form) are searched,
   longest first: (a) exact compositions when coordinated indicators share a head or a value
   (化学需氧量、二氧化硫……排放总量分别…, 血压和血糖知晓率分别…), (b) for a subject, a label that
   *covers* it: the label ends the subject phrase (its head) and leaves before it nothing, a verb
   opening the clause or a ``scope`` of ``lexicon/targets-wording.csv`` (全国, ……在); a label
   found inside the phrase names a modifier, not the indicator (单位国内生产总值二氧化碳排放 is
   minted, not GDP); for a counted noun, a label in the value's clause part, with and without
   the value words, (c) an elliptical subject completed from the sentence
   (重点县达到80%以上 → 重点县 + 应急平台建设完成率), (d) for a predicate without indicator words
   or an "N% 的 X", earlier clauses of the sentence (never for a value with subject words of its
   own); else an indicator is minted from the wording (``…/vocab/indicator/minted-{hash}``) and
   reported.
   Coordinated items that resolve to one indicator give one record (one per (indicator, value)).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from rightsgraph.extract_links import closed_rows
from rightsgraph.graph import add_anchor, node_iri, source_iri
from rightsgraph.namespaces import RG, VOCAB
from rightsgraph.segment import Document, Node, Span
from rightsgraph.textnorm import matching_text
from rightsgraph.vocab import lexicon_pattern, lexicon_rows, project_root

INDICATOR_SCHEME = VOCAB["indicator"]
UNIT_SCHEME = VOCAB["unit"]
COMPARATORS = {"eq": "=", "ge": "≥", "le": "≤", "approx": "≈"}
KINDS = ("level", "increase", "decrease", "annual_growth", "count")
MINTED_NOTE = "minted by extraction: no catalogue entry"

#: A number as written: digits with an optional decimal part, or digits grouped by thousands
#: separators (1,200 and 1，200: groups of exactly three digits).
_DIGITS = r"(?:\d{1,3}(?:[,，]\d{3})+(?![\d])(?:\.\d+)?|\d+(?:\.\d+)?)"
_NUMBER = re.compile(rf"(?<![\d.])(?<!\d[,，])({_DIGITS})(?:\s*[-~～—–至到]\s*({_DIGITS})(?![\d.]))?(?![\d.])")
_RANGE_END = re.compile(rf"\s*[-~～—–至到]\s*({_DIGITS})(?![\d.])")
_CHINESE = re.compile(r"[一二两三四五六七八九十百千]+")
#: 百分之N: a percentage written in words (百分之九十五, 百分之九十五点五, 百分之95).
_PERCENT_WORDS = re.compile(r"百分之([零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?|\d+(?:\.\d+)?)")
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
_YEAR = re.compile(r"(?:(?P<base>[比较])\s*|(?:到|至|于)\s*)?(?P<y1>(?:19|20)\d{2})(?:\s*[-—–~至]\s*(?P<y2>(?:19|20)\d{2}))?\s*年(?P<tail>底|末|度)?")
_SENTENCE_END = "。！？!?"
_CLAUSE_END = "，；：,;:"
_OPEN, _CLOSE = "(（[【", ")）]】"
_MULTIPLIERS = ("百万", "千万", "万", "亿")


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRecord:
    """One quantified target: one (indicator, value) of one plan element."""

    path: str
    node_kind: str  # "commitment" or "goal"
    indicator: URIRef
    wording: str  # the indicator words as linked or minted (matching form)
    minted: bool
    value: Decimal
    value_max: Decimal | None
    unit: URIRef | None
    unit_notation: str | None
    comparator: str  # "=", "≥", "≤", "≈"
    kind: str  # level, increase, decrease, annual_growth, count
    year: int
    year_implied: bool
    baseline_year: int | None
    quote: Span = field(compare=False)

    @property
    def comparator_iri(self) -> URIRef:
        return VOCAB[f"comparator/{ {v: k for k, v in COMPARATORS.items()}[self.comparator] }"]

    @property
    def kind_iri(self) -> URIRef:
        return VOCAB[f"target-kind/{self.kind.replace('_', '-')}"]


def minted_indicator(wording: str) -> URIRef:
    """The IRI of an indicator the catalogue lacks: a stable hash of its wording (matching form)."""
    digest = hashlib.sha256(matching_text(wording).encode("utf-8")).hexdigest()[:12]
    return VOCAB[f"indicator/minted-{digest}"]


# ---------------------------------------------------------------------------
# Lexicons (lexicon/targets-*.csv) and catalogues (ontology/vocab/)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Lexicon:
    opening: dict[str, str]  # comparator words before the number -> comparator key
    closing: list[tuple[str, str]]  # comparator words after the unit, longest first
    zone: dict[str, str]  # linking verb -> kind ("" for words with no kind of their own)
    growth: list[str]
    lead: dict[str, str]
    subject_count: list[str]
    persons: list[str]
    implied: dict[str, str]  # counted noun -> classifier
    measure: dict[str, str]  # unit notation -> measure noun
    level_only: frozenset[str]
    headcount: frozenset[str]
    non_targets: list[re.Pattern[str]]
    numerals: list[re.Pattern[str]]
    strip: list[re.Pattern[str]]
    split: list[str]
    ignore_after: list[str]
    heads: list[str]
    scope: list[re.Pattern[str]]  # words a label may leave before it in a subject (全国, ……在)

    @property
    def linking(self) -> list[str]:
        """Every word that may stand between the indicator words and the number, longest first."""
        return _longest_first(set(self.zone) | set(self.opening) | set(self.growth))

    @property
    def leads(self) -> list[str]:
        """Verbs that, opening a clause, make its number a count or an increase, longest first."""
        return _longest_first(set(self.lead) | {w for w, k in self.zone.items() if k in ("count", "increase")})


def _longest_first(words) -> list:
    return sorted(words, key=lambda w: -len(w[0] if isinstance(w, tuple) else w))


@lru_cache(maxsize=4)
def _load_lexicon(directory: Path, stamp: tuple[tuple[str, int], ...]) -> Lexicon:
    need = {"note", "source"}
    m = matching_text
    cmp_rows = closed_rows(directory / "targets-comparators.csv", need | {"word"}, {"position": ("before", "after"), "comparator": tuple(COMPARATORS)})
    kinds = closed_rows(directory / "targets-kinds.csv", need | {"word"}, {"role": ("growth", "zone", "lead", "subject", "persons"), "kind": ("", *KINDS)})
    units = closed_rows(directory / "targets-units.csv", need | {"surface", "unit"}, {"role": ("implied", "measure", "level-only", "headcount")})
    wording = closed_rows(directory / "targets-wording.csv", need | {"word"}, {"role": ("strip", "split", "ignore-after", "head", "scope")})
    path_nt = directory / "targets-non-targets.csv"
    path_num = directory / "targets-numerals.csv"
    path_w = directory / "targets-wording.csv"
    return Lexicon(
        opening={m(r["word"]): r["comparator"] for r in cmp_rows if r["position"] == "before"},
        closing=_longest_first((m(r["word"]), r["comparator"]) for r in cmp_rows if r["position"] == "after"),
        zone={m(r["word"]): r["kind"] for r in kinds if r["role"] == "zone"},
        growth=_longest_first(m(r["word"]) for r in kinds if r["role"] == "growth"),
        lead={m(r["word"]): r["kind"] for r in kinds if r["role"] == "lead"},
        subject_count=[m(r["word"]) for r in kinds if r["role"] == "subject"],
        persons=[m(r["word"]) for r in kinds if r["role"] == "persons"],
        implied={m(r["surface"]): m(r["unit"]) for r in units if r["role"] == "implied"},
        measure={m(r["surface"]): m(r["unit"]) for r in units if r["role"] == "measure"},
        level_only=frozenset(m(r["surface"]) for r in units if r["role"] == "level-only"),
        headcount=frozenset(m(r["surface"]) for r in units if r["role"] == "headcount"),
        non_targets=[lexicon_pattern(path_nt, m(r["pattern"])) for r in lexicon_rows(path_nt, need | {"pattern"})],
        numerals=[lexicon_pattern(path_num, "(?:" + m(r["context"]) + ")$") for r in lexicon_rows(path_num, need | {"context"})],
        strip=[lexicon_pattern(path_w, "(?:" + m(r["word"]) + ")") for r in wording if r["role"] == "strip"],
        split=_longest_first(m(r["word"]) for r in wording if r["role"] == "split"),
        ignore_after=_longest_first(m(r["word"]) for r in wording if r["role"] == "ignore-after"),
        heads=_longest_first(m(r["word"]) for r in wording if r["role"] == "head"),
        scope=[lexicon_pattern(path_w, m(r["word"])) for r in wording if r["role"] == "scope"],
    )


def load_lexicon(root: Path | None = None) -> Lexicon:
    """The target lexicons of ``lexicon/`` (cached per directory and file modification times)."""
    directory = ((root or project_root()) / "lexicon").resolve()
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(directory.glob("targets-*.csv")))
    return _load_lexicon(directory, stamp)


@dataclass
class Catalogue:
    """Indicator labels and unit surface forms of the model graph, in matching form."""

    labels: dict[str, URIRef]  # indicator label -> concept
    label_lengths: list[int]
    units: dict[str, tuple[URIRef, str]]  # surface -> (unit concept, notation)
    unit_forms: list[str]  # longest first

    def find(self, text: str) -> list[tuple[int, int, URIRef]]:
        """Every label occurrence in ``text`` as (start, end, concept)."""
        hits = []
        for n in self.label_lengths:
            for i in range(len(text) - n + 1):
                concept = self.labels.get(text[i : i + n])
                if concept is not None:
                    hits.append((i, i + n, concept))
        return hits


def catalogue(model: Graph) -> Catalogue:
    """The indicator labels (prefLabel and altLabel @zh) and unit surface forms (notation and @zh
    labels) of ``model``, keyed by their matching form."""
    labels: dict[str, URIRef] = {}
    for prop in (SKOS.prefLabel, SKOS.altLabel):  # a prefLabel wins over another concept's altLabel
        for concept, label in sorted(model.subject_objects(prop)):
            if getattr(label, "language", None) == "zh" and (concept, SKOS.inScheme, INDICATOR_SCHEME) in model:
                labels.setdefault(matching_text(str(label)), URIRef(concept))
    units: dict[str, tuple[URIRef, str]] = {}
    for concept in sorted(model.subjects(SKOS.inScheme, UNIT_SCHEME)):
        notation = model.value(concept, SKOS.notation)
        if notation is None:
            continue
        entry = (URIRef(concept), str(notation))
        units[matching_text(str(notation))] = entry
        for prop in (SKOS.prefLabel, SKOS.altLabel):
            for label in model.objects(concept, prop):
                if getattr(label, "language", None) == "zh":
                    units.setdefault(matching_text(str(label)), entry)
    return Catalogue(labels, sorted({len(k) for k in labels}, reverse=True), units, _longest_first(units))


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------


@dataclass
class Value:
    start: int  # first character of the number
    end: int  # after the unit and closing comparator
    value: Decimal
    value_max: Decimal | None
    unit: URIRef | None
    notation: str | None
    closing: str | None  # comparator key of a closing word
    chinese: bool


def _number_value(text: str) -> Decimal:
    """The value of a number as written, thousands separators removed (1,200 → 1200)."""
    return Decimal(text.replace(",", "").replace("，", ""))


_GROUPED = re.compile(r"(?<![\d.])\d{1,3}(?:[,，]\d{3})+(?!\d)")


@lru_cache(maxsize=64)
def _group_separators(m: str) -> frozenset[int]:
    """Positions of the commas that group the digits of a number (1,200; 1，200): not clause ends."""
    return frozenset(match.start() + k for match in _GROUPED.finditer(m) for k, ch in enumerate(match.group(0)) if ch in ",，")


def _chinese_decimal(text: str) -> Decimal | None:
    """九十五 → 95, 九十五点五 → 95.5, 95 → 95 (the number of a 百分之N)."""
    if text[:1].isdigit():
        return Decimal(text)
    whole, _, fraction = text.partition("点")
    number = _chinese_value(whole)
    if number is None:
        return None
    digits = "".join(str(_CHINESE_DIGITS.get(ch, 0)) for ch in fraction)
    return Decimal(f"{number}.{digits}") if digits else Decimal(number)


def _chinese_value(text: str) -> int | None:
    total, digit = 0, None
    for ch in text:
        if ch in _CHINESE_DIGITS:
            digit = _CHINESE_DIGITS[ch]
        elif ch in _CHINESE_UNITS:
            total += (digit if digit is not None else 1) * _CHINESE_UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def _match_unit(m: str, i: int, cat: Catalogue, lex: Lexicon) -> tuple[int, URIRef | None, str | None, str | None]:
    """The unit after position ``i``: (end of the value words, unit, notation, closing comparator).

    A bare 万/亿 takes the classifier of the noun it counts (6000万左右农村人口 → 万人), from the
    ``implied`` rows of ``lexicon/targets-units.csv``."""
    for form in cat.unit_forms:
        if m.startswith(form, i):
            unit, notation = cat.units[form]
            end = i + len(form)
            closing, end = _closing(m, end, lex)
            return end, unit, notation, closing
    for mult in _MULTIPLIERS:
        if not m.startswith(mult, i):
            continue
        end = i + len(mult)
        closing, end = _closing(m, end, lex)
        window = m[end : end + 12]
        window = window[: min((window.find(c) for c in _CLAUSE_END + _SENTENCE_END + "、" if c in window), default=len(window))]
        for noun, classifier in sorted(lex.implied.items(), key=lambda kv: (window.find(kv[0]) if kv[0] in window else 99, -len(kv[0]))):
            at = window.find(noun)
            if at >= 0 and mult + classifier in cat.units:
                unit, notation = cat.units[mult + classifier]
                return end, unit, notation, closing
        return i, None, None, None
    closing, end = _closing(m, i, lex)
    return end, None, None, closing


def _closing(m: str, i: int, lex: Lexicon) -> tuple[str | None, int]:
    for word, comparator in lex.closing:
        if m.startswith(word, i):
            return comparator, i + len(word)
    return None, i


def _mask(m: str, lex: Lexicon) -> list[bool]:
    masked = [False] * len(m)
    for pattern in lex.non_targets:
        for match in pattern.finditer(m):
            for k in range(match.start(), match.end()):
                masked[k] = True
    return masked


@dataclass
class YearMention:
    start: int
    end: int
    year: int
    baseline: bool


def _years(m: str, masked: list[bool]) -> list[YearMention]:
    out = []
    for match in _YEAR.finditer(m):
        if match.group("tail") == "度" or any(masked[match.start("y1") : match.end()]):
            continue
        year = int(match.group("y2") or match.group("y1"))
        out.append(YearMention(match.start(), match.end(), year, bool(match.group("base"))))
    return out


def _values(m: str, masked: list[bool], years: list[YearMention], cat: Catalogue, lex: Lexicon) -> list[Value]:
    year_chars = {k for y in years for k in range(y.start, y.end)}
    for match in _YEAR.finditer(m):  # years in titles or terms are not values either
        year_chars.update(range(match.start("y1"), match.end()))
    out: list[Value] = []
    percent_words: set[int] = set()
    percent = cat.units.get("%")
    for match in _PERCENT_WORDS.finditer(m):  # 百分之九十五 → 95 %
        a, b = match.start(), match.end()
        number = _chinese_decimal(match.group(1))
        if any(masked[a:b]) or number is None or percent is None:
            continue
        closing, end = _closing(m, b, lex)
        out.append(Value(a, end, number, None, percent[0], percent[1], closing, True))
        percent_words.update(range(a, b))
    for match in _NUMBER.finditer(m):
        a, b = match.start(), match.end()
        if any(masked[a:b]) or a in year_chars or a in percent_words:
            continue
        end, unit, notation, closing = _match_unit(m, b, cat, lex)
        value_max = _number_value(match.group(2)) if match.group(2) else None
        upper = _RANGE_END.match(m, end) if unit is not None and value_max is None and closing is None else None
        if upper and not any(masked[upper.start() : upper.end()]):  # 60%—65%: the unit written twice
            end2, unit2, _, closing2 = _match_unit(m, upper.end(), cat, lex)
            if unit2 == unit:
                value_max, end, closing = _number_value(upper.group(1)), end2, closing2
        out.append(Value(a, end, _number_value(match.group(1)), value_max, unit, notation, closing, False))
    for match in _CHINESE.finditer(m):
        a, b = match.start(), match.end()
        if any(masked[a:b]) or a in percent_words or not any(p.search(m[:a]) for p in lex.numerals):
            continue
        number = _chinese_value(match.group(0))
        end, unit, notation, closing = _match_unit(m, b, cat, lex)
        if number is None or unit is None:
            continue
        out.append(Value(a, end, Decimal(number), None, unit, notation, closing, True))
    out.sort(key=lambda v: v.start)
    kept: list[Value] = []
    for k, v in enumerate(out):
        if kept and v.start < kept[-1].end:
            continue  # a number inside the unit of the previous value (12/10万)
        if v.chinese and k + 1 < len(out) and out[k + 1].chinese and out[k + 1].start == v.end:
            continue  # a distributive 一户 before 一项 is the base of the value, not a value
        kept.append(v)
    return kept


# ---------------------------------------------------------------------------
# Clause analysis
# ---------------------------------------------------------------------------


@dataclass
class Reading:
    """What one value's part of its clause says; offsets index the node's text."""

    value: Value
    sentence: tuple[int, int]
    clause: tuple[int, int]
    pre: tuple[int, int]  # the value's share of the clause before the number
    post: tuple[int, int]  # after the value, to the next value or the clause end
    zone: tuple[int, int]  # linking words between the subject and the number
    subject: tuple[int, int]  # the indicator words before the zone (opening verbs and times stripped)
    words: list[str]  # the zone's words, nearest the number first
    counted: str = ""  # the noun phrase a counting number is followed by (建设10个 → 国家区域血液安全中心)


@dataclass
class Group:
    """A value and the values that continue its list (分别控制在A、B、C; 1600种、70万册)."""

    readings: list[Reading]
    target: bool = False
    kind: str = "level"
    comparators: list[str] = field(default_factory=list)
    year: int = 0
    year_implied: bool = True
    baseline: int | None = None

    @property
    def head(self) -> Reading:
        return self.readings[0]


def _spans(m: str, ends: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """``m[lo:hi]`` cut at the characters of ``ends`` outside brackets."""
    hi = len(m) if hi is None else hi
    out, start, depth = [], lo, 0
    grouping = _group_separators(m)
    for k in range(lo, hi):
        depth += (m[k] in _OPEN) - (m[k] in _CLOSE)
        if m[k] in ends and depth <= 0 and k not in grouping:
            out.append((start, k))
            start = k + 1
    if start < hi:
        out.append((start, hi))
    return out


def _zone(m: str, pre: tuple[int, int], years: list[YearMention], lex: Lexicon) -> tuple[int, list[str]]:
    """Walk back from the number over linking words and years: the zone's start and its words."""
    pos, words = pre[1], []
    while pos > pre[0]:
        year = next((y for y in years if y.end == pos and y.start >= pre[0]), None)
        if year is not None:
            words.append(m[year.start : year.end])
            pos = year.start
            continue
        word = next((t for t in lex.linking if pos - len(t) >= pre[0] and m.startswith(t, pos - len(t))), None)
        if word is None:
            break
        words.append(word)
        pos -= len(word)
    return pos, words


def _strip_leading(m: str, a: int, b: int, years: list[YearMention], lex: Lexicon) -> int:
    """Skip stated years and the opening words of ``lexicon/targets-wording.csv`` (实现, 其中 …)."""
    moved = True
    while moved and a < b:
        moved = False
        year = next((y for y in years if y.start == a and not y.baseline), None)
        if year is not None:
            a, moved = year.end, True
            continue
        for pattern in lex.strip:
            match = pattern.match(m, a, b)
            if match and match.end() > a:
                a, moved = match.end(), True
                break
    return a


def _counted(m: str, r: Reading, lex: Lexicon) -> str:
    """The words after a value that make it a count of things ('' for a value ending a predicate)."""
    text = m[r.post[0] : r.post[1]].strip()
    return "" if text in lex.ignore_after else text


def _read(m: str, values: list[Value], years: list[YearMention], lex: Lexicon) -> list[Group]:
    groups: list[Group] = []
    for sentence in _spans(m, _SENTENCE_END):
        for clause in _spans(m, _CLAUSE_END, *sentence):
            inside = [v for v in values if clause[0] <= v.start < clause[1]]
            previous: Reading | None = None
            for k, v in enumerate(inside):
                lo = previous.value.end if previous else clause[0]
                hi = inside[k + 1].start if k + 1 < len(inside) else clause[1]
                pre, continues = (lo, v.start), False
                if previous is not None:  # who owns the words between two values
                    between = m[lo : v.start]
                    conj = next((c for c in lex.split if between.endswith(c)), "")
                    if not between[: len(between) - len(conj)].strip():  # 2347.6万吨、2086.4万吨
                        previous.post = (lo, lo)
                        pre, continues = (v.start, v.start), True
                    elif conj and not any(lex.zone.get(w) in _CHANGE_OR_LEVEL for w in lex.zone if w in between):
                        previous.post = (lo, v.start - len(conj))  # 5亿吨水泥熟料产能、1亿吨……
                        pre, continues = (v.start, v.start), True
                    else:  # 3.77人、注册护士数达到5.1人
                        previous.post = (lo, lo)
                        pre = (lo + 1 if between[:1] in lex.split else lo, v.start)
                zone_start, words = _zone(m, pre, years, lex)
                subject = (_strip_leading(m, pre[0], zone_start, years, lex), zone_start)
                reading = Reading(v, sentence, clause, pre, (v.end, hi), (zone_start, v.start), subject, words)
                if continues:
                    groups[-1].readings.append(reading)
                else:
                    groups.append(Group([reading]))
                previous = reading
    for group in groups:
        for r in group.readings:
            r.counted = _counted(m, r, lex)
    return groups


def _decide(m: str, group: Group, groups: list[Group], years: list[YearMention], lex: Lexicon, start_year: int, end_year: int) -> None:
    """Target or not, comparator, year, baseline and kind of one list of values."""
    head = group.head
    v = head.value
    words = head.words
    verbs = [w for w in words if lex.zone.get(w)]
    opening = next((lex.opening[w] for w in words if w in lex.opening), None)
    subject = m[head.subject[0] : head.subject[1]]
    if not head.counted:  # the value ends a predicate: 城镇登记失业率控制在5%以内
        target = True
    else:  # a number followed by words: it counts them, or it is part of a name (35岁以上成人……)
        later = [r for g in groups for r in g.readings if r.clause == head.clause and r.value.start > v.start]
        named = m[v.end : v.end + 1] not in lex.split and any(lex.zone.get(w) in _CHANGE_OR_LEVEL for r in later for w in r.words)
        lead = _lead(subject, lex)
        target = not named and (bool(words) or head.counted.startswith("的") or v.chinese or lead is not None)
    group.target = target and (v.unit is not None or bool(verbs))
    closing = [r.value.closing for r in group.readings]
    shared = next((c for c in reversed(closing) if c), None)  # 分别达到98%和90%以上: 以上 closes the list
    group.comparators = [c or shared or opening or "eq" for c in closing]
    stated = [y for y in years if not y.baseline and head.sentence[0] <= y.start < v.start and y.year >= start_year]
    group.year, group.year_implied = (stated[-1].year, False) if stated else (end_year, True)
    base = [y for y in years if y.baseline and head.clause[0] <= y.start < v.start]
    group.baseline = base[-1].year if base else None
    group.kind = _kind(m, group, subject, verbs, lex)


_CHANGE_OR_LEVEL = ("level", "increase", "decrease", "annual_growth")


def _lead(subject: str, lex: Lexicon) -> str | None:
    """A count or increase verb opening the clause (改造林业棚户区……81.53万户)."""
    return next((w for w in lex.leads if subject.startswith(w)), None)


def _kind(m: str, group: Group, subject: str, verbs: list[str], lex: Lexicon) -> str:
    head = group.head
    notation = matching_text(head.value.notation or "")
    amount = notation not in lex.level_only
    near = lex.zone[verbs[0]] if verbs else None
    if any(g in subject[-8:] or g in head.words for g in lex.growth):
        return "annual_growth"
    if near in ("increase", "decrease", "annual_growth"):
        return near
    if group.baseline is not None:
        return "increase"
    if amount and any(w in subject for w in lex.subject_count):
        return "count"
    if notation in lex.headcount and any(p in head.words for p in lex.persons):
        return "count"
    if near == "level":
        return "level"
    lead = _lead(subject, lex)
    lead_kind = lex.lead.get(lead, lex.zone.get(lead)) if lead else None
    if amount and lead_kind == "increase":
        return "increase"
    if amount and (near == "count" or lead_kind == "count"):
        return "count"
    return "level"


# ---------------------------------------------------------------------------
# Indicators
# ---------------------------------------------------------------------------


def _split_items(m: str, a: int, b: int, lex: Lexicon) -> list[tuple[int, int]]:
    """Coordinated items of ``m[a:b]``, cut at 、/和/以及 … outside brackets."""
    items, start, depth, k = [], a, 0, a
    while k < b:
        depth += (m[k] in _OPEN) - (m[k] in _CLOSE)
        word = next((w for w in lex.split if m.startswith(w, k) and k + len(w) <= b), None) if depth == 0 else None
        if word:
            items.append((start, k))
            k += len(word)
            start = k
            continue
        k += 1
    items.append((start, b))
    return [i for i in items if i[0] < i[1]]


def _bracket_variants(text: str) -> list[str]:
    """``text`` without each bracketed insert, then without all (省(自治区、直辖市) → 省)."""
    groups = list(re.finditer(r"[(（][^()（）]*[)）]", text))
    variants = [text[: g.start()] + text[g.end() :] for g in groups]
    if len(groups) > 1:
        variants.append(re.sub(r"[(（][^()（）]*[)）]", "", text))
    return variants


def _subsequence(label: str, text: str) -> tuple[int, int] | None:
    """The tightest window of ``text`` that holds ``label`` as a subsequence."""
    best = None
    for s in (i for i, ch in enumerate(text) if ch == label[0]):
        k, i = 0, s
        while i < len(text) and k < len(label):
            k += text[i] == label[k]
            i += 1
        if k == len(label) and (best is None or i - s < best[1] - best[0]):
            best = (s, i)
    return best


@dataclass
class Link:
    concept: URIRef | None
    wording: str
    evidence: tuple[int, int]  # the indicator words in the node's text (start, end)


class _Linker:
    """Catalogue look-ups over one node's text (matching form)."""

    def __init__(self, m: str, cat: Catalogue, scope: list[re.Pattern[str]] = (), leads: list[str] = ()):
        self.m, self.cat, self.scope, self.leads = m, cat, list(scope), set(leads)

    def exact(self, candidates: list[tuple[str, int, int]]) -> Link | None:
        """The longest candidate (wording, evidence start, end) that is a label."""
        for wording, a, b in sorted(candidates, key=lambda c: -len(c[0])):
            concept = self.cat.labels.get(wording)
            if concept is not None:
                return Link(concept, wording, (a, b))
        return None

    def contained(self, a: int, b: int, cuts: list[tuple[int, int]] = ()) -> Link | None:
        """The longest label in ``m[a:b]``; else in it with a cut removed (the value words), also
        as a tight subsequence (帮助1300万残疾人得到不同程度的康复 → 帮助残疾人得到康复)."""
        found = self.longest(self.m[a:b], list(range(a, b)))
        if found:
            return found
        for s0, s1 in cuts:
            if not a <= s0 <= s1 <= b:
                continue
            index = list(range(a, s0)) + list(range(s1, b))
            text = "".join(self.m[k] for k in index)
            found = self.longest(text, index, subsequence=True)
            if found:
                return found
        return None

    def covering(self, text: str) -> Link | None:
        """The longest label that covers the subject phrase ``text``: the label ends the phrase
        (a Chinese noun phrase ends in its head) and what it leaves before it is nothing, a
        scope of ``lexicon/targets-wording.csv`` (全国, ……在) or a verb opening the clause
        (增加……床位: the ``lead`` and count/increase ``zone`` words of the kinds lexicon).  A label
        inside the phrase names a modifier, not the indicator (单位国内生产总值二氧化碳排放 is not
        国内生产总值)."""
        hits = [
            (e - s, s, e, c)
            for s, e, c in self.cat.find(text)
            if e == len(text) and (s == 0 or text[:s] in self.leads or any(p.fullmatch(text[:s]) for p in self.scope))
        ]
        if not hits:
            return None
        _, s, e, concept = max(hits, key=lambda h: (h[0], -h[1]))
        return Link(concept, text[s:e], (s, e))

    def longest(self, text: str, index: list[int] | None = None, subsequence: bool = False) -> Link | None:
        """The longest label in ``text`` (ties: the leftmost); ``index`` maps ``text`` back to the
        node's text for the evidence.  With ``subsequence``, a label of five or more characters may
        also be spread over a window at most 1.6 times its length."""
        index = index if index is not None else list(range(len(text)))
        hits = [(e - s, s, e, text[s:e], c) for s, e, c in self.cat.find(text)]
        if subsequence:
            longest = max((h[0] for h in hits), default=0)
            for label, concept in self.cat.labels.items():
                if len(label) >= max(5, longest + 1) and label[0] in text:
                    window = _subsequence(label, text)
                    if window and window[1] - window[0] <= len(label) * 1.6:
                        hits.append((len(label), window[0], window[1], label, concept))
        if not hits:
            return None
        _, s, e, label, concept = max(hits, key=lambda h: (h[0], -h[1]))
        return Link(concept, label, (index[s], index[e - 1] + 1))


def _link_group(linker: _Linker, m: str, group: Group, prior: list[tuple[Reading, Link]], lex: Lexicon) -> list[tuple[Reading, Link]]:
    """The indicators of one list of values: one (reading, link) per (indicator, value)."""
    head = group.head
    a, b = head.subject
    subject = m[a:b]
    readings = group.readings
    if not any(r.counted for r in readings):
        items = _split_items(m, a, b, lex)
        if len(items) > 1 and len(readings) in (1, len(items)):
            links = [_compose(linker, m, items, k) for k in range(len(items))]
            if all(links) and len({l.concept for l in links}) > 1:  # 化学需氧量、二氧化硫……排放总量分别……
                return [(readings[k] if len(readings) > 1 else head, link) for k, link in enumerate(links)]
            if not any(links) and (len(readings) > 1 or "分别" in head.words):  # no catalogue entry: mint item + head
                last = m[items[-1][0] : items[-1][1]]
                shared = next((h for h in lex.heads if last.endswith(h) and len(h) < len(last)), "")
                return [
                    (readings[k] if len(readings) > 1 else head, Link(None, m[i0:i1] + ("" if m[i0:i1].endswith(shared) else shared), (i0, i1)))
                    for k, (i0, i1) in enumerate(items)
                ]
    out: list[tuple[Reading, Link]] = []
    several_units = len({r.value.notation for r in readings}) > 1
    for r in readings:
        measure = lex.measure.get(matching_text(r.value.notation or ""), "")
        link = linker.exact([(subject + measure, a, b)]) if several_units and measure and subject else None
        out.append((r, link or _link_one(linker, m, r, head, prior + out)))  # 年生产盲文书刊1600种、70万册
    return out


def _compose(linker: _Linker, m: str, items: list[tuple[int, int]], k: int) -> Link | None:
    """Item ``k`` completed with the head the items share (化学需氧量 + 排放总量) and, for later items,
    the modifier the first item carries (35岁以上成人 + 血糖知晓率), if that is a label."""
    (fa, fb), (la, lb), (a, b) = items[0], items[-1], items[k]
    item, first, last = m[a:b], m[fa:fb], m[la:lb]
    candidates = [(item, a, b)] + [(item + last[j:], a, lb) for j in range(1, len(last))]
    if k:
        candidates += [(first[:i] + item + tail, fa, end) for i in range(1, len(first)) for tail, end in [("", b)] + [(last[j:], lb) for j in range(1, len(last))]]
    return linker.exact(candidates)


def _link_one(linker: _Linker, m: str, r: Reading, head: Reading, prior: list[tuple[Reading, Link]]) -> Link:
    a, b = head.subject
    subject = m[a:b]
    if r.counted:  # the counted noun phrase and what precedes the number
        own = (a, r.post[1]) if r is head else (r.value.end, r.post[1])
        link = linker.contained(*own, cuts=[(r.value.start, r.value.end), (head.zone[0], r.value.end)])
        if link:
            return link
    elif subject:
        candidates = [subject, *_bracket_variants(subject)]
        share = re.match(r"(.*?)(?:达到|占)(.+)的$", m[a : head.value.start])
        if share:  # 最低工资标准达到当地城镇从业人员平均工资的40% → ……占……的比例
            candidates.append(share.group(1) + "占" + share.group(2) + "的比例")
        found = [hit for hit in (linker.covering(c) for c in candidates) if hit]
        if found:  # the quote keeps the whole subject
            best = max(found, key=lambda f: len(f.wording))
            return Link(best.concept, best.wording, (a, b))
        completed = _complete(linker, m, subject, (a, b), prior, r)
        if completed:  # 重点县 + 应急平台建设完成率; 人均年拥有 + 期刊
            return completed
    if r.counted and not r.counted.startswith("的"):  # a counted noun names its own indicator
        return Link(None, subject + r.counted, (a if subject else r.value.end, r.post[1]))
    earlier = _spans(m, _CLAUSE_END, r.sentence[0], r.clause[0]) if r.counted or not subject else []
    for clause in reversed(earlier):  # earlier clauses, for a value with no subject words of its own
        link = linker.contained(*clause)
        if link:  # 到2015年提高至40元以上 ← 人均基本公共卫生服务经费; 在……病区，95%以上的家庭……
            return link
    if r.counted:  # 在全国30%的癌症高发地区开展……
        return Link(None, subject + r.counted.removeprefix("的"), (a if subject else r.value.end, r.post[1]))
    if subject:
        return Link(None, subject, (a, b))
    earlier = _spans(m, _CLAUSE_END, r.sentence[0], r.clause[0])  # 到2015年提高至40元以上: the clause before
    c0, c1 = earlier[-1] if earlier else (r.clause[0], r.value.start)
    return Link(None, m[c0:c1], (c0, c1))


def _complete(linker: _Linker, m: str, stem: str, at: tuple[int, int], prior: list[tuple[Reading, Link]], r: Reading) -> Link | None:
    """An elliptical subject completed with words of an earlier indicator or clause of the sentence."""
    contexts = [(m[link.evidence[0] : link.evidence[1]], link.evidence[0]) for o, link in reversed(prior) if o.sentence == r.sentence]
    contexts += [(m[c0:c1], c0) for c0, c1 in reversed(_spans(m, _CLAUSE_END, r.sentence[0], r.clause[0]))]
    for context, start in contexts:
        candidates = [(context[:i] + stem, start, at[1]) for i in range(1, len(context) + 1)]
        candidates += [(stem + context[j:], min(at[0], start + j), at[1]) for j in range(len(context))]
        link = linker.exact(candidates)
        if link:
            return link
    return None


# ---------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------


def node_targets(node: Node, doc: Document, cat: Catalogue, lex: Lexicon) -> list[TargetRecord]:
    """The targets one commitment or goal sets, in text order."""
    span = node.span
    m = matching_text(span.text)
    masked = _mask(m, lex)
    years = _years(m, masked)
    groups = _read(m, _values(m, masked, years, cat, lex), years, lex)
    for group in groups:
        _decide(m, group, groups, years, lex, doc.start_year, doc.end_year)
    linker = _Linker(m, cat, lex.scope, lex.leads)
    linked: list[tuple[Reading, Link]] = []
    owner: dict[int, Group] = {}
    for group in groups:
        if group.target:
            for r in group.readings:
                owner[id(r)] = group
            linked.extend(_link_group(linker, m, group, linked, lex))
    records: list[TargetRecord] = []
    seen: set[tuple] = set()
    for r, link in linked:
        group = owner[id(r)]
        concept, minted = link.concept, link.concept is None
        if minted:
            concept = minted_indicator(link.wording)
        key = (concept, r.value.value, r.value.notation)
        if key in seen:  # coordinated items of one indicator: one record per (indicator, value)
            continue
        seen.add(key)
        start = min(link.evidence[0], group.head.zone[0], r.value.start)
        end = max(link.evidence[1], r.value.end)
        if r.counted and link.evidence[1] <= r.value.start:  # 零就业家庭至少一人实现就业
            end = r.post[1]
        while start < end and m[start] in _CLAUSE_END + "、":
            start += 1
        records.append(
            TargetRecord(
                path=node.path,
                node_kind=node.kind,
                indicator=concept,
                wording=link.wording,
                minted=minted,
                value=r.value.value,
                value_max=r.value.value_max,
                unit=r.value.unit,
                unit_notation=r.value.notation,
                comparator=COMPARATORS[group.comparators[group.readings.index(r)]],
                kind=group.kind,
                year=group.year,
                year_implied=group.year_implied,
                baseline_year=group.baseline,
                quote=Span(span.text[start:end], span.offsets[start:end]),
            )
        )
    return records


def extract_targets(doc: Document, model: Graph, root: Path | None = None) -> list[TargetRecord]:
    """Every quantified target of every commitment and introduction goal, in text order."""
    lex = load_lexicon(root)
    cat = catalogue(model)
    records: list[TargetRecord] = []
    for node in doc.nodes():
        if node.kind in ("commitment", "goal"):
            records.extend(node_targets(node, doc, cat, lex))
    return records


# ---------------------------------------------------------------------------
# Graph
# ---------------------------------------------------------------------------


def _decimal(value: Decimal) -> Literal:
    """An xsd:decimal literal that keeps the digits as written (238.0 stays 238.0); integers get the canonical ".0"."""
    text = format(value, "f")
    if "." not in text:  # the canonical xsd:decimal form, which Turtle's shorthand also writes
        text += ".0"
    return Literal(text, datatype=XSD.decimal, normalize=False)


def add_targets(graph: Graph, plan_id: str, doc: Document, model: Graph, root: Path | None = None) -> list[str]:
    """Add the plan's targets to ``graph``; returns report lines (minted indicators)."""
    from rightsgraph.graph import plan_iri

    source = source_iri(doc.source.sha256)
    plan = plan_iri(plan_id)
    nodes = {n.path: n for n in doc.nodes() if n.kind in ("commitment", "goal")}
    counters: dict[str, int] = {}
    report: list[str] = []
    minted_seen: set[URIRef] = set()
    for rec in extract_targets(doc, model, root):
        owner = node_iri(plan_id, nodes[rec.path])
        counters[rec.path] = counters.get(rec.path, 0) + 1
        target = URIRef(f"{owner}/target/{counters[rec.path]}")
        graph.add((owner, RG.hasTarget, target))
        graph.add((target, RDF.type, RG.Target))
        graph.add((target, RG.plan, plan))
        graph.add((target, RG.indicator, rec.indicator))
        graph.add((target, RG.value, _decimal(rec.value)))
        if rec.value_max is not None:
            graph.add((target, RG.valueMax, _decimal(rec.value_max)))
        if rec.unit is not None:
            graph.add((target, RG.unit, rec.unit))
        graph.add((target, RG.comparator, rec.comparator_iri))
        graph.add((target, RG.targetKind, rec.kind_iri))
        graph.add((target, RG.targetYear, Literal(rec.year, datatype=XSD.integer)))
        graph.add((target, RG.targetYearImplied, Literal(rec.year_implied, datatype=XSD.boolean)))
        if rec.baseline_year is not None:
            graph.add((target, RG.baselineYear, Literal(rec.baseline_year, datatype=XSD.integer)))
        graph.add((target, RG.anchor, add_anchor(graph, target, source, rec.quote)))
        if rec.minted and rec.indicator not in minted_seen:
            minted_seen.add(rec.indicator)
            graph.add((rec.indicator, RDF.type, SKOS.Concept))
            graph.add((rec.indicator, RDF.type, RG.Indicator))
            graph.add((rec.indicator, SKOS.inScheme, INDICATOR_SCHEME))
            graph.add((rec.indicator, SKOS.notation, Literal(rec.indicator.rsplit("/", 1)[1])))
            graph.add((rec.indicator, SKOS.prefLabel, Literal(rec.wording, lang="zh")))
            graph.add((rec.indicator, RG.unverified, Literal(MINTED_NOTE, lang="en")))
            report.append(f"{plan_id} {rec.path}: minted indicator {rec.indicator} for {rec.wording!r} (no catalogue label matches; add it to ontology/vocab/indicators.ttl)")
    return report
