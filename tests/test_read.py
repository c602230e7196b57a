"""Every form a copy of a plan circulates in gives the same document tree as the original."""

from __future__ import annotations

import codecs

import pytest

import variants
from conftest import PLANS, plan_path
from rightsgraph.read import read_source
from rightsgraph.segment import segment


def tree(doc) -> list[tuple[str, str, str]]:
    return [(n.kind, n.path, n.text) for n in doc.nodes() if n.kind != "introduction"]


def original(plan: str) -> str:
    return plan_path(plan).read_text(encoding="utf-8")


def parse_bytes(tmp_path, data: bytes, name: str = "copy.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    source = read_source(path)
    return source, segment(source)


ENCODINGS = {
    "utf-8-bom": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "gb18030": lambda t: t.encode("gb18030"),
    "gbk": lambda t: t.encode("gbk"),
    "utf-16-bom": lambda t: t.encode("utf-16"),
    "utf-16-le-no-bom": lambda t: t.encode("utf-16-le"),
    "utf-16-be-bom": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "crlf": lambda t: t.replace("\n", "\r\n").encode("utf-8"),
    "cr": lambda t: t.replace("\n", "\r").encode("utf-8"),
}


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("form", sorted(ENCODINGS))
def test_encodings_and_line_ends(plan, form, tmp_path, documents):
    text = original(plan)
    source, doc = parse_bytes(tmp_path, ENCODINGS[form](text))
    assert tree(doc) == tree(documents[plan])
    # offsets point into the decoded file, which is the original text again
    assert source.text.replace("\r\n", "\n").replace("\r", "\n") == text
    if form in ("crlf", "cr"):
        assert source.line_ending == form.upper()


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("style", ["dash", "hyphen", "page"])
def test_rewrapped_with_page_numbers_and_running_headers(plan, style, tmp_path, documents):
    copy = variants.rewrapped(original(plan), width=29 if style == "page" else 33, style=style)
    source, doc = parse_bytes(tmp_path, copy.encode("utf-8"))
    assert source.furniture_removed > 20
    assert tree(doc) == tree(documents[plan])


@pytest.mark.parametrize("plan", PLANS)
def test_reflowed_one_paragraph_per_line(plan, tmp_path, documents):
    _, doc = parse_bytes(tmp_path, variants.reflowed(original(plan)).encode("utf-8"))
    assert tree(doc) == tree(documents[plan])


@pytest.mark.parametrize("plan", PLANS)
def test_web_page(plan, tmp_path, documents):
    page = variants.web_page(original(plan))
    source, doc = parse_bytes(tmp_path, page.encode("utf-8"), "plan.html")
    assert source.source_format == "html"
    assert tree(doc) == tree(documents[plan])
    # offsets point into the decoded HTML file: the first commitment's first character is there
    first = doc.commitments()[0]
    assert page[first.start] == first.text[0]
    assert page[first.end - 1] == first.text[-1]


def test_web_page_in_gb18030(tmp_path, documents):
    plan = "cn-nhrap-2026-2030"
    page = variants.web_page(original(plan)).replace('charset="utf-8"', 'charset="gb18030"')
    source, doc = parse_bytes(tmp_path, page.encode("gb18030"), "plan.htm")
    assert source.encoding == "gb18030"
    assert tree(doc) == tree(documents[plan])


def test_traditional_characters_do_not_trip_the_reader(tmp_path, documents):
    from opencc import OpenCC

    plan = "cn-nhrap-2026-2030"
    traditional = OpenCC("s2t").convert(original(plan))
    _, doc = parse_bytes(tmp_path, traditional.encode("utf-8"))
    assert [(n.kind, n.path) for n in doc.nodes()] == [(n.kind, n.path) for n in documents[plan].nodes()]
    assert doc.period == "2026-2030"
