"""Stage 2 — segment: content lines to the plan's document tree.

The plans share one outline: 导言 (guiding paragraphs, principle bullets, goal bullets), then
chapters ``一、``, sections ``(一)``/``（一）`` and ``——`` bullets, each bullet one commitment.
What differs is layout: hard-wrapped PDF lines with paragraph indentation (2012), one paragraph
per line with page breaks that cut sentences and words (2026), re-wrapped or reflowed copies,
web pages.  Paragraphs are rebuilt first (layout), then placed in the outline (structure), and
every node keeps the source offsets of its first and last character.

Paths come from the written numerals: a line is a chapter heading (``三、…``) only when its
numeral follows the previous chapter's, and a section heading (``（二）…``) only when it
follows the previous section's; anything else that merely looks like one — a wrapped line that
happens to start with ``一、``, a table of contents run through again — is text.  A table of
contents is recognised by its numbering starting over at ``一、`` after chapters that had no
content of their own.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from rightsgraph.errors import InputError
from rightsgraph.read import Line, SourceText
from rightsgraph.textnorm import display_width, is_layout_space, matching_text
from rightsgraph.textnorm import strip_layout as strip_layout  # where validate.py and the tests import it

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
    title: str | None  # None when the text states no title (then --plan-id/--period must say it)
    start_year: int | None
    end_year: int | None
    date_as_stated: str | None
    introduction: Node | None
    chapters: list[Node]
    layout: str
    page_breaks_repaired: int

    @property
    def period(self) -> str | None:
        return f"{self.start_year}-{self.end_year}" if self.start_year is not None else None

    def nodes(self):
        if self.introduction is not None:
            yield from self.introduction.walk()
        for chapter in self.chapters:
            yield from chapter.walk()

    def commitments(self) -> list[Node]:
        return [n for n in self.nodes() if n.kind == "commitment"]

    def sections(self) -> list[Node]:
        return [n for n in self.nodes() if n.kind == "section"]


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


def numeral_value(text: str) -> int | None:
    """The value of a Chinese numeral up to 九十九 (一 1, 十 10, 十一 11, 二十三 23)."""
    if not text or any(ch not in NUMERALS for ch in text):
        return None
    if "十" not in text:
        return NUMERALS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1 or "十" in units:
        return None
    return (NUMERALS[tens] if tens else 1) * 10 + (NUMERALS[units] if units else 0)


def heading_number(kind: str, text: str) -> int | None:
    pattern = _CHAPTER if kind == "chapter" else _SECTION
    match = pattern.match(text)
    return numeral_value(match.group(1)) if match else None


def is_indented(text: str) -> bool:
    """Paragraph indentation: two or more spaces, an ideographic space or a tab.

    One ordinary space is not: re-wrapping a text with spaces inside it (``明确 2012-2015 年``)
    puts one at the start of a wrapped line.
    """
    lead = re.match(r"[ \t\u3000\xa0]*", text).group(0)
    return "\t" in lead or "\u3000" in lead or len(lead) >= 2


def uses_indentation(lines: list[Line]) -> bool:
    """Hard-wrapped text whose paragraphs open with indentation (the 2012 PDF extraction).

    Some lines but not nearly all are indented (narrow wraps give few paragraph starts per
    line), and the bullets are among them: a text that only indents its headings is not one.
    """
    content = [ln.text for ln in lines if not ln.is_blank]
    if len(content) < 20:
        return False
    indented = sum(1 for t in content if is_indented(t))
    if not (0.03 < indented / len(content) < 0.85 and indented >= 10):
        return False
    bullets = [t for t in content if _BULLET.match(t)]
    return not bullets or sum(1 for t in bullets if is_indented(t)) >= 0.8 * len(bullets)


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


@dataclass(frozen=True)
class WrapWidth:
    """The width a copy was hard-wrapped at, in characters or in display columns.

    ``first`` is the width of a paragraph's first line when that is systematically shorter:
    a copy whose indentation was stripped after wrapping.
    """

    measure: str  # "chars" or "columns"
    width: int
    first: int | None = None

    def size(self, text: str) -> int:
        text = text.rstrip()
        return len(text) if self.measure == "chars" else display_width(text)

    def is_first(self, text: str) -> bool:
        """A line exactly as long as a first line, which no other full line is."""
        return self.first is not None and self.size(text) == self.first

    def is_full(self, text: str, first_line: bool = False) -> bool:
        """A line filled to the wrap width: the text runs on in the next line."""
        width = self.first if first_line and self.first else self.width
        slack = 0 if self.measure == "chars" else 1  # a wide character did not fit in the last column
        return self.size(text) >= width - slack


def wrap_width(lines: list[Line]) -> WrapWidth | None:
    """The wrap width of a hard-wrapped copy: the length most content lines share exactly.

    A text with one paragraph per line has no such length; a wrapped one has it on every line
    but a paragraph's last (and, in a copy whose indentation was stripped, its first, which is
    a little shorter).  Counted in characters and in display columns, whichever is clearer;
    None unless at least a fifth of the content lines are full (a text with one paragraph per
    line has a few per cent of its lines at any one length).
    """
    content = [ln.text.rstrip() for ln in lines if not ln.is_blank]
    if len(content) < 20:
        return None
    best: WrapWidth | None = None
    share = 0.0
    for measure, size in (("chars", len), ("columns", display_width)):
        sizes = [size(t) for t in content]
        counts = Counter(sizes)
        mode = max(counts, key=lambda k: (counts[k], k))
        near = [k for k in counts if 0 < k - mode <= 4 and counts[k] >= 0.05 * len(sizes)]
        width = max(near, key=lambda k: (counts[k], k)) if near else mode  # the mode may be the first lines'
        first = _first_width(sizes, width)
        full = counts[width] + (counts[first] if first else 0)
        if measure == "columns":  # a line one column short of the width is full too
            full += counts.get(width - 1, 0)
        if width >= 8 and full / len(sizes) > max(share, 1 / 5):
            best, share = WrapWidth(measure, width, first), full / len(sizes)
    return best


def _first_width(sizes: list[int], width: int) -> int | None:
    """The usual length of a paragraph's first line, when it is a little shorter than the rest.

    A paragraph's first line is the one after a line clearly shorter than the wrap width.
    """
    after_short = Counter(b for a, b in zip(sizes, sizes[1:]) if a <= width - 5)
    if not after_short:
        return None
    first = max(after_short, key=lambda k: (after_short[k], k))
    if width - 4 <= first < width - 1 and after_short[first] >= max(5, 0.3 * sum(after_short.values())):
        return first
    return None


class _Numbering:
    """Accepts a heading only when its numeral follows the previous one (the first is 一)."""

    def __init__(self) -> None:
        self.chapter = 0
        self.section = 0
        self.has_content: list[bool] = []  # per accepted chapter since the last start

    def kind(self, kind: str, text: str) -> str:
        if kind == "intro":
            self.chapter, self.section, self.has_content = 0, 0, []
            return kind
        if kind == "chapter":
            n = heading_number(kind, text)
            if n == self.chapter + 1 or (n == 1 and self.restarts()):
                if n == 1:
                    self.has_content = []
                self.chapter, self.section = n, 0
                self.has_content.append(False)
                return kind
            return "text"
        if kind == "section":
            n = heading_number(kind, text)
            if n == self.section + 1:
                self.section = n
                return kind
            return "text"
        if self.has_content:
            self.has_content[-1] = True
        return kind

    def restarts(self) -> bool:
        """Numbering that starts over after a table of contents: three or more chapters, all
        without content of their own but perhaps the last (which the introduction follows
        when the body has no 导言 line)."""
        empty = self.has_content.count(False)
        return len(self.has_content) >= 3 and empty >= len(self.has_content) - 1


def assemble_paragraphs(lines: list[Line], indented: bool, width: WrapWidth | None = None) -> list[Paragraph]:
    """Join wrapped lines and page-break fragments into paragraphs.

    A join across more blank lines than usual is a repaired page break; in text with one
    paragraph per line every join is one.  In a copy hard-wrapped without indentation at
    ``width`` (see :func:`wrap_width`), a line filled to the wrap width runs on into the next
    one, whatever that one starts with.
    """
    paragraphs: list[Paragraph] = []
    typical = _typical_gap(lines)
    numbering = _Numbering()
    gap = 0
    full = False  # the previous content line was filled to the wrap width
    for line in lines:
        if line.is_blank:
            gap += 1
            continue
        kind = classify(line.text)
        line_indented = is_indented(line.text)
        if indented and not line_indented:
            kind = "text"
        previous = paragraphs[-1] if paragraphs else None
        if previous is None:
            new = True
        elif indented:
            new = line_indented
        else:
            new = _starts_paragraph(kind, line.text, previous, full, width)
        if new:
            kind = numbering.kind(kind, line.text)
            if kind == "text" and previous is not None and not indented and not _starts_paragraph("text", line.text, previous, full, width):
                new = False  # looked like a heading but is out of sequence: a wrapped line
        if new:
            paragraphs.append(Paragraph(kind, Line(line.text, list(line.offsets))))
        else:
            previous.raw = Line(previous.raw.text + "\n" + line.text, previous.raw.offsets + [-1] + line.offsets)
            previous.fragments += 1
            previous.breaks += gap > typical if indented else gap > 0
        gap = 0
        full = width is not None and width.is_full(line.text, first_line=new)
    return paragraphs


_SENTENCE_MARKS = re.compile(r"[，。；：！？,;:!?]")
#: How a heading cut by the wrap width can end: it must go on in the next line.
_UNFINISHED = ("、", "，", "《", "“", "（", "(", "和", "与", "及", "的")
#: The lead-in of the introduction's lists (…的基本原则是： / …的目标是：) opens a paragraph.
_LIST_LEAD = re.compile(r"^\s*\S{0,16}?(?:原则|目标)是[:：]")


def _starts_paragraph(kind: str, text: str, previous: Paragraph, full: bool, width: WrapWidth | None) -> bool:
    """Whether a line of a text without indentation opens a new paragraph.

    ``full``: the previous line was filled to the wrap width of a hard-wrapped copy.  When it
    ends a sentence too, the next line goes on with the paragraph, unless it has exactly the
    shorter width of a paragraph's first line (a copy whose indentation was stripped).
    """
    terminal = bool(_TERMINAL.search(previous.raw.text))
    if previous.kind in ("intro", "chapter", "section"):
        if full and kind == "text" and not _SENTENCE_MARKS.search(text):
            heading = re.sub(r"\s+", "", previous.raw.text + text)
            unfinished = previous.raw.text.rstrip().endswith(_UNFINISHED)
            if len(heading) <= _HEADING_MAX and (unfinished or not width.is_first(text)):
                return False  # the rest of a heading too long for one line
        return True
    if full and not terminal:
        return False  # a wrapped line, even if it starts like a heading or a bullet
    if full and kind == "text":
        # a sentence ended at the wrap width: the paragraph goes on, unless this line has the
        # length of a first line, or is a short lead-in to a list
        if width.is_first(text) or _LIST_LEAD.match(text):
            return True
        return not width.is_full(text) and text.rstrip().endswith(("：", ":"))
    return kind != "text" or terminal


_HEADINGS = ("intro", "chapter", "section")


def _body_start(paragraphs: list[Paragraph]) -> tuple[int, int | None]:
    """Where the introduction starts and where the first chapter is (None: no chapters).

    The first chapter is the last ``一、``: a table of contents before it runs through the same
    numbering.  The introduction starts at the last 导言 before it that has content of its
    own (a 导言 followed at once by a heading is a table-of-contents entry); without one, right
    after the table of contents, or nowhere when there is none (everything before the first
    chapter is then front matter: news lead, title, date).
    """
    firsts = [i for i, p in enumerate(paragraphs) if p.kind == "chapter" and heading_number("chapter", p.raw.text) == 1]
    if not firsts:
        return 0, None
    first = firsts[-1]
    intros = [i for i in range(first) if paragraphs[i].kind == "intro" and paragraphs[i + 1].kind not in _HEADINGS]
    if intros:
        return intros[-1], first
    contents = [i for i in range(first) if paragraphs[i].kind == "chapter"]
    if contents:  # a table of contents and no 导言: the introduction follows its last entry
        start = contents[-1] + 1
        while start < first and paragraphs[start].kind in _HEADINGS:
            start += 1
        return start, first
    return first, first


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


def _layout(indented: bool, width: WrapWidth | None) -> str:
    if indented:
        return "hard-wrapped, indented paragraphs"
    if width is not None:
        unit = "characters" if width.measure == "chars" else "columns"
        return f"hard-wrapped at {width.width} {unit}, no indentation"
    return "one paragraph per line"


def segment(source: SourceText) -> Document:
    """Build the document tree of one plan, or say why the text is not a plan.

    A text that states no title (国家人权行动计划（2026—2030年）) still gives its tree, with
    ``title`` and the years None: the build then needs ``--plan-id``/``--period``.
    """
    indented = uses_indentation(source.lines)
    width = None if indented else wrap_width(source.lines)
    paragraphs = assemble_paragraphs(source.lines, indented, width)
    start, first_chapter = _body_start(paragraphs)
    if first_chapter is None:
        raise InputError(f"{source.path}: no plan structure found (no chapter headings such as 一、…); expected a national human rights action plan")
    front = "".join(p.span.text for p in paragraphs[:start])
    intro_paragraphs = paragraphs[start:first_chapter]
    intro_heading = intro_paragraphs[0] if intro_paragraphs and intro_paragraphs[0].kind == "intro" else None
    if intro_heading is not None:
        intro_paragraphs = intro_paragraphs[1:]
    outline = _outline(paragraphs[first_chapter:])
    chapters = _build_chapters(outline)
    if not any(n.kind == "commitment" for ch in chapters for n in ch.walk()):
        raise InputError(f"{source.path}: chapters found but no commitments (—— items or paragraphs); expected a national human rights action plan")
    intro = _build_introduction(intro_paragraphs, intro_heading)
    whole = "".join(p.span.text for p in paragraphs)
    title = find_title(front, whole)
    date = _DATE_STATED.search(front)
    continuations = sum(len(item) - 1 for ch in outline for cont in [ch, *ch.sections] for item in cont.items)
    return Document(
        source=source,
        title=title.group(0) if title else None,
        start_year=int(title.group(1)) if title else None,
        end_year=int(title.group(2)) if title else None,
        date_as_stated=date.group(0) if date else None,
        introduction=intro,
        chapters=chapters,
        layout=_layout(indented, width),
        page_breaks_repaired=sum(p.breaks for p in paragraphs[start:]) + continuations,
    )
