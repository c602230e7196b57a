"""The matching form of Chinese text, one character for one character.

Extraction matches lexicons and patterns on a normalised form — traditional characters
mapped to simplified, full-width digits, letters and signs to half-width — while every match
still points into the original file.  Because each mapping here replaces exactly one code
point with exactly one code point, the offsets of a :class:`~rightsgraph.segment.Span` carry
over unchanged.  Traditional → simplified uses OpenCC's character table (TSCharacters, the
first candidate of each entry): phrase-level conversion would change lengths and is not
needed to match the plans' vocabulary.

The layout rule lives here too (:func:`is_layout_space`, :func:`strip_layout`), so that the
reader, the segmenter and the anchor check share one definition of layout whitespace.
"""

from __future__ import annotations

import unicodedata

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # segment.py uses matching_text itself, so Span is imported lazily
    from rightsgraph.segment import Span

#: Full-width forms that the plans mix with half-width ones.
_WIDTH = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
_WIDTH.update({"\u3000": " "})
#: Punctuation that stays full-width: it is the plans' own and patterns are written with it.
for keep in "（）：；，！？":
    _WIDTH.pop(keep, None)


@lru_cache(maxsize=1)
def traditional_to_simplified() -> dict[str, str]:
    """OpenCC's traditional → simplified character table, single characters only."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        source, targets = line.split("\t", 1)
        target = targets.split()[0]
        if len(source) == 1 and len(target) == 1 and source != target:
            table[source] = target
    return table


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    mapping = dict(traditional_to_simplified())
    mapping.update(_WIDTH)
    return str.maketrans(mapping)


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
    """The normalised form of a source slice: layout whitespace removed; used to check anchors."""
    return "".join(ch for i, ch in enumerate(text) if not is_layout_space(text, i))


def matching_text(text: str) -> str:
    """Simplified, half-width digits and letters; same length as ``text``."""
    return text.translate(_table())


def matching_span(span: Span) -> Span:
    """The matching form of a span, with the same offsets."""
    from rightsgraph.segment import Span

    return Span(matching_text(span.text), span.offsets)


def display_width(text: str) -> int:
    """Columns a text takes on a terminal or a fixed-width page: wide and full-width characters
    (Chinese) count two. Used to detect a copy's wrap width and to align query tables."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
