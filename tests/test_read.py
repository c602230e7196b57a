"""Every form a copy of a plan circulates in gives the same document tree as the original."""

from __future__ import annotations

import codecs

import pytest

import variants
from conftest import PLANS, plan_path
from rightsgraph.errors import InputError
from rightsgraph.read import looks_like_html, read_source
from rightsgraph.segment import is_indented, segment, strip_layout


def tree(doc) -> list[tuple[str, str, str]]:
    return [(n.kind, n.path, n.text) for n in doc.nodes() if n.kind != "introduction"]


def original(plan: str) -> str:
    return plan_path(plan).read_text(encoding="utf-8")


def parse_bytes(tmp_path, data: bytes, name: str = "copy.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    source = read_source(path)
    return source, segment(source)


ENCODINGS = variants.ENCODINGS


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


def anchors_hold(source, doc) -> list[str]:
    """Paths of nodes (and lead statements) whose quote is not the anchor view at their offsets."""
    view = source.anchor_view
    assert len(view) == len(source.text)
    bad = []
    for node in doc.nodes():
        for span in (node.span, node.statement):
            if span is not None and span.offsets and strip_layout(view[span.start : span.end]) != span.text:
                bad.append(node.path)
    return bad


@pytest.mark.parametrize("plan", PLANS)
def test_anchor_view_encloses_dropped_furniture(plan, tmp_path, documents):
    """Page numbers and running headers inside a node's [start, end) are layout in the anchor view."""
    copy = variants.rewrapped(original(plan), width=33, style="dash")
    source, doc = parse_bytes(tmp_path, copy.encode("utf-8"))
    spans = [n.span for n in doc.nodes() if n.span.offsets]
    enclosing = [s for s in spans if any(ch.isdigit() and ch not in s.text for ch in strip_layout(source.text[s.start : s.end]))]
    assert any("—" in strip_layout(source.text[s.start : s.end]) for s in enclosing)  # the raw slice has furniture
    assert anchors_hold(source, doc) == []
    assert len(source.anchor_view) == len(source.text)


def test_anchor_view_of_a_web_page_reads_entities_as_characters(tmp_path):
    page = "<html><body><div><p>一、总则</p><p>&ldquo;&#x5929;下&rdquo;为<b>公</b>&amp;&unknown;</p></div></body></html>"
    path = tmp_path / "p.html"
    path.write_text(page, encoding="utf-8")
    source = read_source(path)
    start = page.index("&ldquo;")
    end = page.index("</p></div>")
    assert strip_layout(source.anchor_view[start:end]) == "“天下”为公&&unknown;"
    assert [ln.text for ln in source.lines if ln.text.strip()] == ["一、总则", "“天下”为公&&unknown;"]
    kept = next(ln for ln in source.lines if "天下" in ln.text)
    assert len(kept.text) == len(kept.offsets)  # an unknown entity keeps one offset per character


def test_anchor_view_keeps_spaces_between_latin_words_and_drops_the_rest(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("  第 2 条 GB 18030 标准\n", encoding="utf-8")
    source = read_source(path)
    assert strip_layout(source.anchor_view) == "第2条GB 18030标准"


@pytest.mark.parametrize("name, data", [("bom.txt", codecs.BOM_UTF8), ("bom16.txt", codecs.BOM_UTF16_LE), ("bomspace.txt", codecs.BOM_UTF8 + b" \n\n")])
def test_a_file_with_only_a_byte_order_mark_is_empty(name, data, tmp_path):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match="file is empty"):
        read_source(path)


def test_web_remnant_wrapped_over_two_lines_is_removed(tmp_path, documents):
    plan = "cn-nhrap-2012-2015"
    text = original(plan)
    assert text.count("(未完待续)") == 1
    source, doc = parse_bytes(tmp_path, text.replace("(未完待续)", "(未完\n待续)").encode("utf-8"))
    assert tree(doc) == tree(documents[plan])
    assert not any("待续" in ln.text for ln in source.lines)


def test_running_header_with_its_page_number_is_removed(tmp_path, documents):
    plan = "cn-nhrap-2026-2030"
    copy = variants.rewrapped(original(plan), width=31, style="in-header")
    assert "第 12 页" in copy
    source, doc = parse_bytes(tmp_path, copy.encode("utf-8"))
    assert source.furniture_removed > 20
    assert not any("页" in ln.text and "国家人权行动计划（2026" in ln.text for ln in source.lines)
    assert tree(doc) == tree(documents[plan])


def test_indentation_is_two_spaces_an_ideographic_space_or_a_tab():
    assert is_indented("  制定") and is_indented("\u3000\u3000制定") and is_indented("\t制定") and is_indented("\u3000制定")
    assert not is_indented(" 2012-2015 年") and not is_indented("制定")


def test_a_wrapped_line_opening_with_one_space_continues_its_paragraph(tmp_path, documents):
    """Re-wrapping 明确 2012-2015 年 can start a line with the space; that is no indentation."""
    plan = "cn-nhrap-2012-2015"
    copy = variants.rewrapped(original(plan), width=16, style="dash")
    assert any(line.startswith(" ") and not line.startswith("  ") for line in copy.split("\n"))
    _, doc = parse_bytes(tmp_path, copy.encode("utf-8"))
    assert tree(doc) == tree(documents[plan])


# --- web pages: sniffing and declared charsets -------------------------------------------


@pytest.mark.parametrize("plan", PLANS)
def test_web_page_with_a_long_comment_and_head_before_its_body(plan, tmp_path, documents):
    page = variants.web_page_with_long_head(original(plan))
    assert page.index("<body") > 5000 and page.startswith("<!--")
    source, doc = parse_bytes(tmp_path, page.encode("utf-8"), "saved.txt")
    assert source.source_format == "html"
    assert tree(doc) == tree(documents[plan])
    assert anchors_hold(source, doc) == []


@pytest.mark.parametrize("plan", PLANS)
def test_saved_article_fragment_of_divs_and_paragraphs(plan, tmp_path, documents):
    fragment = variants.web_fragment(original(plan))
    assert "<html" not in fragment and "<body" not in fragment
    source, doc = parse_bytes(tmp_path, fragment.encode("utf-8"), "article.txt")
    assert source.source_format == "html"
    assert tree(doc) == tree(documents[plan])
    assert anchors_hold(source, doc) == []


def test_html_extension_is_a_hint(tmp_path):
    text = "国家人权行动计划（2026—2030年）\n<p>一、总则</p>\n——做一件事。\n"
    assert not looks_like_html(text, tmp_path / "a.txt")
    assert looks_like_html(text, tmp_path / "a.html") and looks_like_html(text, tmp_path / "a.HTM")
    assert not looks_like_html("一、总则\n——做一件事。\n", tmp_path / "a.html")  # no tag at all: text


def test_plain_texts_are_not_taken_for_web_pages(documents):
    for doc in documents.values():
        assert doc.source.source_format == "text"
        assert not looks_like_html(doc.source.text, doc.source.path.with_suffix(".html"))


_BIG5_GAPS = str.maketrans({"峯": "峰", "羣": "群", "着": "著", "衆": "眾", "爲": "為", "牀": "床"})


def test_declared_meta_charset_is_used(tmp_path, documents):
    """Big5 is no candidate encoding; a page that declares it is read in it."""
    from opencc import OpenCC

    plan = "cn-nhrap-2026-2030"
    page = OpenCC("s2t").convert(variants.web_page(original(plan))).translate(_BIG5_GAPS)
    page = page.replace('charset="utf-8"', 'charset="big5"')
    source, doc = parse_bytes(tmp_path, page.encode("big5"), "plan.html")
    assert source.encoding == "big5" and source.source_format == "html"
    assert [(n.kind, n.path) for n in doc.nodes()] == [(n.kind, n.path) for n in documents[plan].nodes()]


def test_utf8_wins_over_a_stale_declared_charset(tmp_path, documents):
    """A page re-saved as UTF-8 often keeps its old <meta charset="gbk">."""
    plan = "cn-nhrap-2026-2030"
    page = variants.web_page(original(plan)).replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=gbk">')
    source, doc = parse_bytes(tmp_path, page.encode("utf-8"), "plan.html")
    assert source.encoding == "utf-8"
    assert tree(doc) == tree(documents[plan])
    source, doc = parse_bytes(tmp_path, page.encode("gbk"), "plan.html")
    assert source.encoding == "gb18030"
    assert tree(doc) == tree(documents[plan])


@pytest.mark.parametrize("declared", ["undefined", "idna", "utf-7", "no-such-charset"])
def test_a_declared_charset_that_is_not_a_web_encoding_is_ignored(declared):
    """A page may declare anything; only real character encodings are tried (no traceback)."""
    from rightsgraph.read import declared_charset

    assert declared_charset(f'<html><head><meta charset="{declared}"></head>'.encode("ascii")) is None
