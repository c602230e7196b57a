"""Stage 1 — read: bytes on disk to text lines that remember where every character came from.

Copies of the plans circulate as UTF-8 (with or without BOM), GB18030/GBK, UTF-16, with any
line ending, re-wrapped with page numbers and running headers, or as web pages.  The reader
turns all of them into the same thing: a list of :class:`Line` whose characters each carry
their code-point offset into the decoded file, so that later stages can normalise freely
while every fact still points at the exact characters it came from.  Nothing here edits the
file; furniture (page numbers, running headers, web remnants) is dropped from the lines, not
from the source.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from rightsgraph.errors import InputError

#: Encodings tried, in order, for a file without a byte-order mark.
CANDIDATE_ENCODINGS = ("utf-8", "utf-16", "gb18030")

_LINE_END = re.compile(r"\r\n|\r|\n")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－~·]+\s*\d{1,4}\s*[-—–－~·]+|第\s*\d{1,4}\s*页(?:\s*[/／共].*)?|\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d+)?|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
#: Web-page remnants that sit inside the text ("to be continued" markers of serialised articles).
_WEB_REMNANT = re.compile(r"[(（]\s*(?:未完待续|待续|完)\s*[)）]")
_STRUCTURAL = re.compile(r"^\s*(?:[-*#>]+\s*)?(?:——|[一二三四五六七八九十]+\s*、|[(（]\s*[一二三四五六七八九十]+\s*[)）])")


@dataclass
class Line:
    """One physical line of content; ``offsets[i]`` is the source offset of ``text[i]``."""

    text: str
    offsets: list[int]

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()


@dataclass
class SourceText:
    """A decoded plan file and the content lines the segmenter works on."""

    path: Path
    sha256: str
    text: str
    encoding: str
    source_format: str  # "text" or "html"
    line_ending: str
    lines: list[Line]
    furniture_removed: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def character_count(self) -> int:
        return len(self.text)


def read_source(path: Path) -> SourceText:
    """Read one plan file in whatever form it comes, or fail with a one-line reason."""
    if not path.exists():
        raise InputError(f"{path}: no such file (expected a plan text file)")
    if path.is_dir():
        raise InputError(f"{path}: is a directory (expected a plan text file)")
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path}: file is empty (expected the text of a plan)")
    text, encoding = decode_bytes(data, path)
    sha = hashlib.sha256(data).hexdigest()
    ending = _dominant_line_ending(text)
    if looks_like_html(text):
        lines = html_to_lines(text)
        fmt = "html"
    else:
        lines = text_to_lines(text)
        fmt = "text"
    lines, removed = drop_furniture(lines)
    return SourceText(path, sha, text, encoding, fmt, ending, lines, removed)


def decode_bytes(data: bytes, path: Path) -> tuple[str, str]:
    """Decode by byte-order mark, then by trying UTF-8, UTF-16 and GB18030 strictly."""
    boms = (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    for bom, name in boms:
        if data.startswith(bom):
            try:
                return _strip_bom(data.decode(name)), name
            except UnicodeDecodeError:
                break
    if _looks_like_utf16(data):
        for name in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                continue
            if _is_plausible_text(text):
                return text, name
    if b"\x00" in data:
        raise InputError(f"{path}: binary file (NUL bytes; tried {', '.join(CANDIDATE_ENCODINGS)}); expected a plan text")
    for name in ("utf-8", "gb18030"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _is_plausible_text(text):
            return text, name
    raise InputError(
        f"{path}: cannot decode as text (tried {', '.join(CANDIDATE_ENCODINGS)}); "
        "expected a plan in UTF-8, UTF-16 or GB18030/GBK"
    )


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def _looks_like_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: many NULs in one byte column (ASCII and line ends)."""
    sample = data[:4000]
    if len(sample) < 4:
        return False
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    return max(even, odd) > len(sample) / 20 and min(even, odd) < max(even, odd) / 4


def _is_plausible_text(text: str) -> bool:
    """Reject decodings full of control characters or private-use code points (binary data)."""
    if not text:
        return False
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\r\n\t\f\v") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad <= max(2, len(text) // 1000)


def _dominant_line_ending(text: str) -> str:
    counts = Counter(m.group(0) for m in _LINE_END.finditer(text))
    if not counts:
        return "none"
    return {"\r\n": "CRLF", "\r": "CR", "\n": "LF"}[counts.most_common(1)[0][0]]


def text_to_lines(text: str, base: int = 0) -> list[Line]:
    """Split on any line ending, keeping each character's offset."""
    lines: list[Line] = []
    start = 0
    for match in _LINE_END.finditer(text):
        lines.append(Line(text[start : match.start()], list(range(base + start, base + match.start()))))
        start = match.end()
    lines.append(Line(text[start:], list(range(base + start, base + len(text)))))
    return lines


def drop_furniture(lines: list[Line]) -> tuple[list[Line], int]:
    """Remove page numbers, running headers and web remnants; count what was removed.

    A running header is a short, unpunctuated, non-structural line repeated on three or more
    pages; the plan's own headings repeat at most twice (table of contents and body), and
    the short tails of wrapped paragraphs end in punctuation.
    """
    stripped = [re.sub(r"\s+", "", ln.text) for ln in lines]
    repeats = Counter(s for s in stripped if s)
    kept: list[Line] = []
    removed = 0
    for line, key in zip(lines, stripped):
        if key and (
            _PAGE_NUMBER.match(line.text)
            or (repeats[key] >= 3 and 4 <= len(key) <= 40 and key[-1] not in "。；，、：！？" and not _STRUCTURAL.match(line.text))
        ):
            removed += 1
            kept.append(Line("", []))  # keep a blank in its place: it was a page break
            continue
        remnant = _WEB_REMNANT.search(line.text)
        if remnant:
            removed += 1
            line = Line(
                line.text[: remnant.start()] + line.text[remnant.end() :],
                line.offsets[: remnant.start()] + line.offsets[remnant.end() :],
            )
        kept.append(line)
    return kept, removed


# --- web pages -------------------------------------------------------------------------

_HTML_SNIFF = re.compile(r"^\s*(?:<!doctype\s+html|<html|<\?xml[^>]*>\s*<html)|<body[\s>]", re.I)
_SKIP_TAGS = {"script", "style", "noscript", "head", "title", "nav", "header", "footer", "aside", "form", "iframe", "svg", "template"}
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
    "table", "section", "article", "main", "blockquote", "pre", "hr", "dd", "dt", "center", "font",
}
_VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "track", "wbr"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def looks_like_html(text: str) -> bool:
    return bool(_HTML_SNIFF.search(text[:5000]))


@dataclass
class _Element:
    tag: str
    attrs: str
    chars: list[tuple[str, int]] = field(default_factory=list)  # own text and breaks (offset -1)
    children: list[_Element] = field(default_factory=list)
    cjk: int = 0


class _ArticleParser(HTMLParser):
    """Builds a light element tree with source offsets for every text character."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = text
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.root = _Element("#root", "")
        self.stack = [self.root]
        self.skip_depth = 0

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _emit(self, chars: list[tuple[str, int]]) -> None:
        if self.skip_depth:
            return
        node = _Element("#text", "", chars)
        self.stack[-1].children.append(node)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
        if tag in _BLOCK_TAGS:
            self._emit([("\n", -1)])
        if tag in _VOID_TAGS:
            return
        element = _Element(tag, " ".join(f"{k}={v}" for k, v in attrs))
        self.stack[-1].children.append(element)
        self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._emit([("\n", -1)])

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS:
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                break
        if tag in _SKIP_TAGS and self.skip_depth:
            self.skip_depth -= 1
        if tag in _BLOCK_TAGS:
            self._emit([("\n", -1)])

    def handle_data(self, data: str) -> None:
        start = self._offset()
        self._emit([(ch, start + i) for i, ch in enumerate(data)])

    def handle_entityref(self, name: str) -> None:
        from html.entities import name2codepoint

        code = name2codepoint.get(name)
        self._emit([(chr(code) if code else f"&{name};", self._offset())])

    def handle_charref(self, name: str) -> None:
        try:
            ch = chr(int(name[1:], 16) if name.lower().startswith("x") else int(name))
        except ValueError:
            ch = f"&#{name};"
        self._emit([(ch, self._offset())])


def _count_cjk(element: _Element) -> int:
    own = sum(1 for ch, _ in element.chars if _CJK.match(ch))
    element.cjk = own + sum(_count_cjk(child) for child in element.children)
    return element.cjk


def _flatten(element: _Element, out: list[tuple[str, int]]) -> None:
    out.extend(element.chars)
    for child in element.children:
        _flatten(child, out)


def _article(root: _Element) -> _Element:
    """The smallest element that holds at least 80% of the page's Chinese text."""
    total = _count_cjk(root)
    node = root
    while True:
        best = max((c for c in node.children if c.tag != "#text"), key=lambda c: c.cjk, default=None)
        if best is None or best.cjk < 0.8 * total:
            return node
        node = best


def html_to_lines(text: str) -> list[Line]:
    """Take the article text of a web page; navigation, scripts and footers are left out."""
    parser = _ArticleParser(text)
    parser.feed(text)
    parser.close()
    chars: list[tuple[str, int]] = []
    _flatten(_article(parser.root), chars)
    lines: list[Line] = []
    current = Line("", [])
    for ch, offset in chars:
        if ch in "\r\n":
            lines.append(current)
            current = Line("", [])
        else:
            current.text += ch
            current.offsets.append(offset)
    lines.append(current)
    return lines
