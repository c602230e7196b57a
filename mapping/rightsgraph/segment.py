"""Stage 2 — segment: content lines to the plan's document tree.

The plans share one outline: 导言 (guiding paragraphs, principle bullets, goal bullets), then
chapters ``一、``, sections ``(一)``/``（一）`` and ``——`` bullets, each bullet one commitment.
What differs is layout: hard-wrapped PDF lines with paragraph indentation (2012), one paragraph
per line with page breaks that cut sentences and words (2026), re-wrapped or reflowed copies,
web pages.  Paragraphs are rebuilt first (layout), then placed in the outline (structure), and
every node keeps the source offsets of its first and last character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rightsgraph.errors import InputError
from rightsgraph.read import Line, SourceText
from rightsgraph.textnorm import matching_text

NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

_MARKDOWN = r"(?:[-*#>]+\s*)?"
_CHAPTER = re.compile(r"^\s*" + _MARKDOWN + r"([一二三四五六七八九十]+)\s*、\s*")
_SECTION = re.compile(r"^\s*" + _MARKDOWN + r"[(（]\s*([一二三四五六七八九十]+)\s*[)）]\s*")
_BULLET = re.compile(r"^\s*" + _MARKDOWN + r"——\s*")
_INTRO = re.compile(r"^\s*" + _MARKDOWN + r"[导導]\s*言\s*$")
_TERMINAL = re.compile(r"[。！？：；!?:;…][”’」』）)]?\s*$")
_PRINCIPLES_LEAD = re.compile(r"原则是[:：]")
_GOALS_LEAD = re.compile(r"目标是[:：]")
_HEADING_MAX = 60
TITLE_PATTERN = re.compile(
    r"[国國]家人[权權]行[动動][计計][划劃][(（]\s*(\d{4})\s*年?\s*[-—–－~至]+\s*(\d{4})\s*年?\s*[)）]"
)
_DATE_STATED = re.compile(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?")


@dataclass
class Span:
    """Normalised text with the source offset of every character."""

    text: str = ""
    offsets: list[int] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.offsets[0]

    @property
    def end(self) -> int:
        return self.offsets[-1] + 1

    def extend(self, other: Span) -> None:
        self.text += other.text
        self.offsets.extend(other.offsets)


@dataclass
class Paragraph:
    kind: str  # "intro", "chapter", "section", "bullet", "text"
    raw: Line
    fragments: int = 1  # >1 when a page break or hard wrap was joined
    breaks: int = 0  # joins made across a page break

    @property
    def span(self) -> Span:
        return normalise(self.raw.text, self.raw.offsets)


@dataclass
class Node:
    """One node of the document tree, with its text anchored in the source."""

    kind: str  # "introduction", "paragraph", "principle", "goal", "chapter", "section", "commitment"
    path: str
    number: int
    span: Span
    heading: str | None = None
    statement: Span | None = None
    children: list[Node] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.span.text

    @property
    def start(self) -> int:
        return self.span.start

    @property
    def end(self) -> int:
        return self.span.end

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Document:
    """A plan's tree plus what the reader and segmenter found out on the way."""

    source: SourceText
    title: str
    start_year: int
    end_year: int
    date_as_stated: str | None
    introduction: Node | None
    chapters: list[Node]
    layout: str
    page_breaks_repaired: int

    @property
    def period(self) -> str:
        return f"{self.start_year}-{self.end_year}"

    def nodes(self):
        if self.introduction is not None:
            yield from self.introduction.walk()
        for chapter in self.chapters:
            yield from chapter.walk()

    def commitments(self) -> list[Node]:
        return [n for n in self.nodes() if n.kind == "commitment"]

    def sections(self) -> list[Node]:
        return [n for n in self.nodes() if n.kind == "section"]


def is_layout_space(text: str, i: int) -> bool:
    """Whitespace is layout unless it is a space between two Latin letters or digits."""
    ch = text[i]
    if not ch.isspace():
        return False
    if ch == " " and 0 < i < len(text) - 1:
        before, after = text[i - 1], text[i + 1]
        return not (before.isascii() and before.isalnum() and after.isascii() and after.isalnum())
    return True


def strip_layout(text: str) -> str:
    """The normalised form of a source slice; used to check anchors."""
    return "".join(ch for i, ch in enumerate(text) if not is_layout_space(text, i))


def normalise(text: str, offsets: list[int]) -> Span:
    keep = [i for i in range(len(text)) if not is_layout_space(text, i)]
    return Span("".join(text[i] for i in keep), [offsets[i] for i in keep])


def classify(text: str) -> str:
    """Kind of a paragraph from its opening; headings must be short and unterminated."""
    if _INTRO.match(text):
        return "intro"
    if _BULLET.match(text):
        return "bullet"
    compact = re.sub(r"\s+", "", text)
    short = len(compact) <= _HEADING_MAX and not compact.endswith(("。", "；", "，"))
    if _CHAPTER.match(text) and short:
        return "chapter"
    if _SECTION.match(text) and short:
        return "section"
    return "text"


def uses_indentation(lines: list[Line]) -> bool:
    """Hard-wrapped text whose paragraphs open with indentation (the 2012 PDF extraction)."""
    content = [ln.text for ln in lines if not ln.is_blank]
    if len(content) < 20:
        return False
    indented = sum(1 for t in content if t[:1] in (" ", "\u3000", "\t"))
    return 0.15 < indented / len(content) < 0.85


def _typical_gap(lines: list[Line]) -> int:
    """The usual number of blank lines between two content lines (1 in both corpus files)."""
    runs: list[int] = []
    run = 0
    for line in lines:
        if line.is_blank:
            run += 1
        else:
            runs.append(run)
            run = 0
    return max(set(runs), key=runs.count) if runs else 0


def assemble_paragraphs(lines: list[Line], indented: bool) -> list[Paragraph]:
    """Join wrapped lines and page-break fragments into paragraphs.

    A join across more blank lines than usual is a repaired page break; in text with one
    paragraph per line every join is one.
    """
    paragraphs: list[Paragraph] = []
    typical = _typical_gap(lines)
    gap = 0
    for line in lines:
        if line.is_blank:
            gap += 1
            continue
        kind = classify(line.text)
        line_indented = line.text[:1] in (" ", "\u3000", "\t")
        if indented and not line_indented:
            kind = "text"
        previous = paragraphs[-1] if paragraphs else None
        if previous is None:
            new = True
        elif indented:
            new = line_indented
        else:
            new = kind != "text" or previous.kind in ("intro", "chapter", "section") or bool(
                _TERMINAL.search(previous.raw.text)
            )
        if new:
            paragraphs.append(Paragraph(kind, Line(line.text, list(line.offsets))))
        else:
            previous.raw = Line(previous.raw.text + "\n" + line.text, previous.raw.offsets + [-1] + line.offsets)
            previous.fragments += 1
            previous.breaks += gap > typical if indented else gap > 0
        gap = 0
    return paragraphs


def _body_start(paragraphs: list[Paragraph]) -> int:
    """Index of the real 导言: the last one, after any news lead and table of contents."""
    intros = [i for i, p in enumerate(paragraphs) if p.kind == "intro"]
    if intros:
        return intros[-1]
    for i, p in enumerate(paragraphs):
        if p.kind != "chapter":
            continue
        for q in paragraphs[i + 1 :]:
            if q.kind == "chapter":
                break
            if q.kind in ("bullet", "text"):
                return i
    return 0


def _strip_marker(paragraph: Paragraph, pattern: re.Pattern[str]) -> tuple[Span, Span]:
    """Split a paragraph into its marker (numbering, dash) and the rest, both normalised."""
    raw = paragraph.raw
    match = pattern.match(raw.text)
    cut = match.end() if match else 0
    marker = normalise(raw.text[:cut], raw.offsets[:cut])
    return marker, normalise(raw.text[cut:], raw.offsets[cut:])


def _heading_of(span: Span) -> str | None:
    """A commitment's headline: its first sentence, when that is a short title."""
    first = span.text.split("。", 1)[0]
    if len(first) <= 30 and "，" not in first and "；" not in first and first != span.text:
        return first
    return None


def _merge(spans: list[Span]) -> Span:
    merged = Span()
    for span in spans:
        merged.extend(span)
    return merged


def _commitment(paragraphs: list[Paragraph], path: str, number: int) -> Node:
    first = paragraphs[0]
    body = _strip_marker(first, _BULLET)[1] if first.kind == "bullet" else first.span
    span = _merge([body] + [p.span for p in paragraphs[1:]])
    return Node("commitment", path, number, span, heading=_heading_of(span))


@dataclass
class _Container:
    heading: Paragraph
    lead: list[Paragraph] = field(default_factory=list)
    items: list[list[Paragraph]] = field(default_factory=list)
    sections: list[_Container] = field(default_factory=list)


def _build_introduction(paragraphs: list[Paragraph], heading: Paragraph | None) -> Node | None:
    if heading is None and not paragraphs:
        return None
    mode = None
    intro_span = heading.span if heading is not None else Span()
    intro = Node("introduction", "intro", 0, intro_span, heading="导言")
    counts = {"paragraph": 0, "principle": 0, "goal": 0}
    items: list[tuple[str, list[Paragraph]]] = []
    for p in paragraphs:
        if p.kind == "bullet" and mode in ("principle", "goal"):
            items.append((mode, [p]))
        elif p.kind == "text" and items and items[-1][0] != "paragraph" and not _TERMINAL.search(items[-1][1][-1].raw.text):
            items[-1][1].append(p)  # a bullet cut by a page break mid-sentence
        else:
            items.append(("paragraph", [p]))
            text = matching_text(p.span.text)
            mode = "principle" if _PRINCIPLES_LEAD.search(text) else "goal" if _GOALS_LEAD.search(text) else mode
    for kind, group in items:
        counts[kind] += 1
        n = counts[kind]
        path = f"intro.{n}" if kind == "paragraph" else f"{kind}.{n}"
        if kind == "paragraph":
            span = _merge([p.span for p in group])
            node = Node("paragraph", path, n, span)
        else:
            span = _merge([_strip_marker(group[0], _BULLET)[1]] + [p.span for p in group[1:]])
            node = Node(kind, path, n, span, heading=_heading_of(span))
        intro.children.append(node)
    if not intro.span.offsets and intro.children:
        intro.span = intro.children[0].span
    return intro


def _outline(paragraphs: list[Paragraph]) -> list[_Container]:
    chapters: list[_Container] = []
    for p in paragraphs:
        if p.kind == "chapter":
            chapters.append(_Container(p))
            continue
        if not chapters:
            continue
        chapter = chapters[-1]
        if p.kind == "section":
            chapter.sections.append(_Container(p))
            continue
        container = chapter.sections[-1] if chapter.sections else chapter
        if p.kind == "bullet":
            container.items.append([p])
        elif container.items:
            container.items[-1].append(p)  # a paragraph after a page break continues its bullet
        else:
            container.lead.append(p)
    return chapters


def _heading_node(kind: str, container: _Container, path: str, number: int, pattern: re.Pattern[str]) -> Node:
    marker, title = _strip_marker(container.heading, pattern)
    whole = _merge([marker, title])
    statement = _merge([p.span for p in container.lead]) if container.lead else None
    return Node(kind, path, number, whole, heading=title.text, statement=statement)


def _build_chapters(outline: list[_Container]) -> list[Node]:
    nodes: list[Node] = []
    for c, chapter in enumerate(outline, start=1):
        if not chapter.sections and not chapter.items and chapter.lead:
            chapter.items = [[p] for p in chapter.lead]  # plain paragraphs are the commitments
            chapter.lead = []
        chapter_node = _heading_node("chapter", chapter, str(c), c, _CHAPTER)
        for i, item in enumerate(chapter.items, start=1):
            chapter_node.children.append(_commitment(item, f"{c}.{i}", i))
        for s, section in enumerate(chapter.sections, start=1):
            section_node = _heading_node("section", section, f"{c}.{s}", s, _SECTION)
            for i, item in enumerate(section.items, start=1):
                section_node.children.append(_commitment(item, f"{c}.{s}.{i}", i))
            chapter_node.children.append(section_node)
        nodes.append(chapter_node)
    return nodes


def find_title(front: str, whole: str) -> re.Match[str] | None:
    """The plan's own title: the one the text abbreviates as 《行动计划》, else the front matter's."""
    for match in TITLE_PATTERN.finditer(whole):
        if re.match(r"[》]?[(（]?(?:以下)?[简簡][称稱]", whole[match.end() : match.end() + 6]):
            return match
    return TITLE_PATTERN.search(front)


def segment(source: SourceText) -> Document:
    """Build the document tree of one plan, or say why the text is not a plan."""
    indented = uses_indentation(source.lines)
    paragraphs = assemble_paragraphs(source.lines, indented)
    start = _body_start(paragraphs)
    front = "".join(p.span.text for p in paragraphs[:start])
    body = paragraphs[start:]
    intro_heading = body[0] if body and body[0].kind == "intro" else None
    if intro_heading is not None:
        body = body[1:]
    first_chapter = next((i for i, p in enumerate(body) if p.kind == "chapter"), None)
    if first_chapter is None:
        raise InputError(f"{source.path}: no plan structure found (no chapter headings such as 一、…); expected a national human rights action plan")
    outline = _outline(body[first_chapter:])
    chapters = _build_chapters(outline)
    if not any(n.kind == "commitment" for ch in chapters for n in ch.walk()):
        raise InputError(f"{source.path}: chapters found but no commitments (—— items or paragraphs); expected a national human rights action plan")
    intro = _build_introduction(body[:first_chapter], intro_heading)
    whole = "".join(p.span.text for p in paragraphs)
    title = find_title(front, whole)
    if title is None:
        raise InputError(f"{source.path}: no plan title such as 国家人权行动计划（2026—2030年） found; use --plan-id and --period")
    date = _DATE_STATED.search(front)
    continuations = sum(len(item) - 1 for ch in outline for cont in [ch, *ch.sections] for item in cont.items)
    return Document(
        source=source,
        title=title.group(0),
        start_year=int(title.group(1)),
        end_year=int(title.group(2)),
        date_as_stated=date.group(0) if date else None,
        introduction=intro,
        chapters=chapters,
        layout="hard-wrapped, indented paragraphs" if indented else "one paragraph per line",
        page_breaks_repaired=sum(p.breaks for p in body) + continuations,
    )
