"""Stage 1 — read: bytes on disk to text lines that remember where every character came from.

Copies of the plans circulate as UTF-8 (with or without BOM), GB18030/GBK, UTF-16, with any
line ending, re-wrapped with page numbers and running headers, or as web pages.  The reader
turns all of them into the same thing: a list of :class:`Line` whose characters each carry
their code-point offset into the decoded file, so that later stages can normalise freely
while every fact still points at the exact characters it came from.  Nothing here edits the
file; furniture (page numbers, running headers, web remnants) is dropped from the lines, not
from the source.

Offsets always point into the decoded file.  Because a node's ``[start, end)`` may then
enclose characters the reader dropped (a page number between two pages, HTML tags, the rest
of an entity such as ``&ldquo;``), :attr:`SourceText.anchor_view` gives a same-length copy of
the decoded text in which every dropped character is layout whitespace and every entity reads
as its character: ``strip_layout(anchor_view[start:end])`` equals a node's quote wherever the
reader kept exactly those characters, which is what the anchor check compares.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path

from rightsgraph.errors import InputError
from rightsgraph.textnorm import is_layout_space

#: Encodings tried, in order, for a file without a byte-order mark.
CANDIDATE_ENCODINGS = ("utf-8", "utf-16", "gb18030")

_LINE_END = re.compile(r"\r\n|\r|\n")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－~·]+\s*\d{1,4}\s*[-—–－~·]+|第\s*\d{1,4}\s*页(?:\s*[/／共].*)?|\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d+)?|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
#: Web-page remnants that sit inside the text ("to be continued" markers of serialised articles),
#: possibly wrapped over two lines.
_WEB_REMNANT = re.compile(r"[(（]\s*(?:未\s*完\s*待\s*续|待\s*续|完)\s*[)）]")
#: What the anchor view shows in place of a character the reader dropped: layout whitespace.
ANCHOR_FILLER = "\n"
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

    @cached_property
    def anchor_view(self) -> str:
        """The decoded text as the reader kept it, same length: what anchors are checked against."""
        return anchor_view(self.text, self.lines)


def anchor_view(text: str, lines: list[Line]) -> str:
    """``text`` with every character the reader dropped turned into layout whitespace.

    A kept character shows as the reader read it (an entity's character at the entity's
    first offset, filler after it); a kept space between two Latin letters or digits stays a
    space; every other position is whitespace that ``strip_layout`` removes (the original
    line ends and other whitespace as they are, everything else :data:`ANCHOR_FILLER`).
    """
    view = [ch if ch.isspace() and ch != " " else ANCHOR_FILLER for ch in text]
    for line in lines:
        for i, (ch, offset) in enumerate(zip(line.text, line.offsets)):
            if offset < 0:
                continue
            if not ch.isspace():
                view[offset] = ch
            elif ch == " " and not is_layout_space(line.text, i):
                view[offset] = " "
    return "".join(view)


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
    if not text.strip():
        raise InputError(f"{path}: file is empty (nothing but a byte-order mark and whitespace; expected the text of a plan)")
    sha = hashlib.sha256(data).hexdigest()
    ending = _dominant_line_ending(text)
    if looks_like_html(text, path):
        lines = html_to_lines(text)
        fmt = "html"
    else:
        lines = text_to_lines(text)
        fmt = "text"
    lines, removed = drop_furniture(lines)
    return SourceText(path, sha, text, encoding, fmt, ending, lines, removed)


def decode_bytes(data: bytes, path: Path) -> tuple[str, str]:
    """Decode by byte-order mark, then by trying UTF-16 (NULs in one byte column), UTF-8, a
    web page's declared charset and GB18030, each strictly.

    Valid UTF-8 wins over a declaration: a page saved as UTF-8 often keeps its old
    ``<meta charset="gbk">``, and Chinese text in another encoding is practically never
    valid UTF-8.  A declared charset matters for what the candidates cannot read (Big5).
    """
    declared = declared_charset(data)
    tried = list(CANDIDATE_ENCODINGS)
    if declared and declared not in tried:
        tried.append(declared)
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
        raise InputError(f"{path}: binary file (NUL bytes; tried {', '.join(tried)}); expected a plan text")
    order = ["utf-8"]
    if declared and declared not in _PERMISSIVE:
        order.append(declared)
    order.append("gb18030")
    if declared in _PERMISSIVE:
        order.append(declared)
    for name in dict.fromkeys(order):
        text = _try_decode(data, name)
        if text is not None:
            return text, name
    raise InputError(
        f"{path}: cannot decode as text (tried {', '.join(tried)}); "
        "expected a plan in UTF-8, UTF-16 or GB18030/GBK"
    )


#: ``<meta charset="…">`` or ``<meta http-equiv="Content-Type" content="text/html; charset=…">``.
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
#: Single-byte encodings that decode any bytes: a declaration of one is tried last, so that a
#: Chinese page wrongly declared as Latin-1 is still read as what it is.
_PERMISSIVE = {"latin-1", "iso8859-1", "cp1252", "ascii"} | {f"iso8859-{n}" for n in range(2, 17)} | {f"cp125{n}" for n in range(10)}


def declared_charset(data: bytes) -> str | None:
    """The charset a web page declares in a ``<meta>`` tag, as a Python codec name.

    GB2312 and GBK are read as GB18030, their superset (the same text for valid bytes).
    """
    match = _META_CHARSET.search(data)
    if not match:
        return None
    try:
        info = codecs.lookup(match.group(1).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in ("idna", "punycode", "utf-7", "undefined"):
        return None  # a codec that is not a character encoding of web pages: ignore the declaration
    name = info.name
    if name in ("gb2312", "gbk", "cp936", "hz"):
        return "gb18030"
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return None  # a page that really is UTF-16 has NULs or a BOM, handled above
    return name


def _try_decode(data: bytes, name: str) -> str | None:
    try:
        text = data.decode(name)
    except (UnicodeError, LookupError, ValueError):  # UnicodeError: codecs such as "undefined"
        return None
    return text if _is_plausible_text(text) else None


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
    pages, digits aside (a header may carry the page number: ``…（2026—2030年）  第 12 页``),
    and found at page breaks: next to a blank line or a page number in most of its repeats
    (a narrow re-wrap can repeat a wrapped line of text three times, never at page breaks).
    The plan's own headings repeat at most twice (table of contents and body), and the short
    tails of wrapped paragraphs end in punctuation.  A web remnant such as ``(未完待续)`` may be
    wrapped over two lines.
    """
    stripped = [re.sub(r"\s+", "", ln.text) for ln in lines]
    masked = [re.sub(r"\d+", "0", key) for key in stripped]
    page_number = [bool(key) and bool(_PAGE_NUMBER.match(ln.text)) for ln, key in zip(lines, stripped)]
    repeats = Counter(m for m in masked if m)
    candidates = {
        m for m, n in repeats.items()
        if n >= 3 and 4 <= len(m) <= 40 and m[-1] not in "。；，、：！？" and not _STRUCTURAL.match(m)
    }

    def at_page_break(i: int) -> bool:
        return any(j < 0 or j >= len(lines) or not stripped[j] or page_number[j] for j in (i - 1, i + 1))

    headers = set()
    for m in candidates:
        where = [i for i, key in enumerate(masked) if key == m]
        if sum(1 for i in where if at_page_break(i)) * 2 >= len(where) or len(where) >= 6:
            headers.add(m)
    kept: list[Line] = []
    removed = 0
    for i, (line, key, mask) in enumerate(zip(lines, stripped, masked)):
        if key and (page_number[i] or mask in headers):
            removed += 1
            kept.append(Line("", []))  # keep a blank in its place: it was a page break
            continue
        kept.append(line)
    return _drop_remnants(kept, removed)


def _drop_remnants(lines: list[Line], removed: int) -> tuple[list[Line], int]:
    """Cut web remnants out of the lines, also when one is wrapped over a line end."""
    joined = "\n".join(ln.text for ln in lines)
    matches = list(_WEB_REMNANT.finditer(joined))
    if not matches:
        return lines, removed
    cut = set()
    for match in matches:
        cut.update(range(match.start(), match.end()))
    out: list[Line] = []
    base = 0
    for line in lines:
        keep = [i for i in range(len(line.text)) if base + i not in cut]
        if len(keep) == len(line.text):
            out.append(line)
        else:
            out.append(Line("".join(line.text[i] for i in keep), [line.offsets[i] for i in keep]))
        base += len(line.text) + 1
    return out, removed + len(matches)


# --- web pages -------------------------------------------------------------------------

#: A page that opens (after any comments, processing instruction or doctype) with ``<html``.
_HTML_START = re.compile(
    r"\A\ufeff?\s*(?:(?:<!--.*?-->|<\?xml[^>]*>|<!doctype[^>]*>)\s*)*<(?:html|head|body)[\s>]|\A\ufeff?\s*<!doctype\s+html", re.I | re.S
)
_HTML_BODY = re.compile(r"<body[\s>]|</html\s*>", re.I)
#: Tags a saved article fragment (just its ``<div>``s and ``<p>``s) is made of.
_HTML_TAG = re.compile(
    r"</?(?:p|div|br|span|font|table|tbody|tr|td|th|ul|ol|li|h[1-6]|a|b|i|u|em|strong|meta|title|section|article|center|blockquote|pre|hr|img|html|head|body)\b[^<>]*>",
    re.I,
)
_HTML_SUFFIXES = {".htm", ".html", ".xhtml", ".shtml", ".xht"}
_SKIP_TAGS = {"script", "style", "noscript", "head", "title", "nav", "header", "footer", "aside", "form", "iframe", "svg", "template"}
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
    "table", "section", "article", "main", "blockquote", "pre", "hr", "dd", "dt", "center", "font",
}
_VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "track", "wbr"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def looks_like_html(text: str, path: Path | None = None) -> bool:
    """A web page: opens with ``<html``/a doctype (after any comments), has a ``<body>``
    anywhere, or is a fragment of markup — five or more tags, or one with an .htm/.html name."""
    if _HTML_START.match(text) or _HTML_BODY.search(text):
        return True
    hinted = path is not None and path.suffix.lower() in _HTML_SUFFIXES
    needed = 1 if hinted else 5
    return sum(1 for _ in zip(range(needed), _HTML_TAG.finditer(text))) >= needed


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

    def _raw(self, start: int, pattern: str) -> None:
        """An unknown reference stays as written, each character at its own offset."""
        match = re.compile(pattern).match(self.source, start)
        raw = match.group(0) if match else ""
        self._emit([(ch, start + i) for i, ch in enumerate(raw)])

    def handle_entityref(self, name: str) -> None:
        from html.entities import name2codepoint

        start = self._offset()
        code = name2codepoint.get(name)
        if code is None:
            self._raw(start, "&" + re.escape(name) + ";?")
        else:
            self._emit([(chr(code), start)])

    def handle_charref(self, name: str) -> None:
        start = self._offset()
        try:
            ch = chr(int(name[1:], 16) if name.lower().startswith("x") else int(name))
        except (ValueError, OverflowError):
            self._raw(start, "&#" + re.escape(name) + ";?")
            return
        self._emit([(ch, start)])


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
