"""The document tree of both plans against the structure answer key built by reading them."""

from __future__ import annotations

import pytest

from conftest import PLANS
from rightsgraph.segment import strip_layout


def _sections(chapter):
    return [n for n in chapter.children if n.kind == "section"]


def _direct(chapter):
    return [n for n in chapter.children if n.kind == "commitment"]


@pytest.mark.parametrize("plan", PLANS)
def test_chapter_and_section_counts(plan, documents, structure_key):
    doc, key = documents[plan], structure_key[plan]
    assert len(doc.chapters) == len(key["chapters"])
    assert [len(_sections(c)) for c in doc.chapters] == [len(c["sections"]) for c in key["chapters"]]
    assert [c.heading for c in doc.chapters] == [c["title"] for c in key["chapters"]]


@pytest.mark.parametrize("plan", PLANS)
def test_exact_commitments_in_every_section(plan, documents, structure_key):
    doc, key = documents[plan], structure_key[plan]
    for chapter, kc in zip(doc.chapters, key["chapters"]):
        for section, ks in zip(_sections(chapter), kc["sections"]):
            assert section.heading == ks["title"]
            assert len(section.children) == len(ks["commitments"]), section.path
            for item, opener in zip(section.children, ks["commitments"]):
                assert item.text.startswith(opener), (item.path, opener)
            assert (section.statement is not None) == ks["has_lead"], section.path
        direct = _direct(chapter)
        assert len(direct) == len(kc["direct"]), chapter.path
        for item, opener in zip(direct, kc["direct"]):
            assert item.text.startswith(opener), (item.path, opener)
        assert (chapter.statement is not None) == kc["has_lead"], chapter.path


def test_pinned_totals(documents):
    """Totals counted by reading: 176 and 207 commitments."""
    assert [len(documents[p].commitments()) for p in PLANS] == [176, 207]
    assert [len(documents[p].sections()) for p in PLANS] == [22, 32]


@pytest.mark.parametrize("plan", PLANS)
def test_introduction(plan, documents, structure_key):
    key = structure_key[plan]
    intro = documents[plan].introduction
    principles = [n for n in intro.children if n.kind == "principle"]
    goals = [n for n in intro.children if n.kind == "goal"]
    paragraphs = [n for n in intro.children if n.kind == "paragraph"]
    assert [p.heading for p in principles] == key["principles"]
    assert [g.heading for g in goals] == key["goals"]
    assert len(paragraphs) == key["intro_paragraphs"]
    assert [g.path for g in goals] == [f"goal.{i}" for i in range(1, len(goals) + 1)]


@pytest.mark.parametrize("plan", PLANS)
def test_every_node_slices_back_to_its_text(plan, documents):
    doc = documents[plan]
    source = doc.source.text
    nodes = [n for n in doc.nodes() if n.span.offsets]
    assert len(nodes) > 200
    for node in nodes:
        assert strip_layout(source[node.start : node.end]) == node.text, node.path
        if node.statement is not None:
            s = node.statement
            assert strip_layout(source[s.start : s.end]) == s.text, node.path


def test_page_break_inside_a_word_is_repaired(documents):
    doc = documents["cn-nhrap-2026-2030"]
    texts = {n.path: n.text for n in doc.commitments()}
    assert "分层分类帮扶欠发达地区" in texts["1.1.1"]
    assert "参加第五轮国别人权审议" in texts["7.3.4"]
    assert "修改自然保护区条例" in texts["3.1.1"]  # a continuation after a sentence end


def test_table_of_contents_and_news_lead_are_skipped(documents):
    doc = documents["cn-nhrap-2026-2030"]
    assert doc.introduction.children[0].text.startswith("2021年至2025年")
    assert doc.title == "国家人权行动计划（2026—2030年）"
    assert doc.date_as_stated == "2026年6月"


def test_web_remnant_is_not_part_of_the_commitment(documents):
    doc = documents["cn-nhrap-2012-2015"]
    item = next(n for n in doc.commitments() if n.path == "3.2.7")
    assert item.text.endswith("分性别数据的收集和发布。")
    assert "未完待续" not in item.text


def test_2012_layout_quirks(documents):
    doc = documents["cn-nhrap-2012-2015"]
    assert doc.title == "国家人权行动计划(2012-2015年)"
    assert doc.introduction.heading == "导言"
    first = next(n for n in doc.commitments() if n.path == "1.1.1")
    assert first.text.startswith("落实就业优先战略。2012-2015年，年均城镇新增就业900万人")
    assert doc.start_year == 2012 and doc.end_year == 2015


# --- paths follow the written numerals ---------------------------------------------------

MINI = """国家人权行动计划（2031—2035年）

导言

制定本计划。

一、第一章

（一）第一节

——做第一件事。

（三）不是一节

——做第二件事。

三、不是一章

——做第三件事。

（二）第二节

——做第四件事。

二、第二章

——做另一件事。
"""


def _segment_text(tmp_path, text: str, name: str = "plan.txt"):
    from rightsgraph.read import read_source
    from rightsgraph.segment import segment

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return segment(read_source(path))


def test_headings_count_only_in_sequence(tmp_path):
    """（三） after （一） and 三、 after 一、 are text: a heading's numeral follows the previous one."""
    doc = _segment_text(tmp_path, MINI)
    assert [c.heading for c in doc.chapters] == ["第一章", "第二章"]
    assert [s.path for s in doc.sections()] == ["1.1", "1.2"]
    texts = {n.path: n.text for n in doc.commitments()}
    assert texts == {
        "1.1.1": "做第一件事。（三）不是一节",
        "1.1.2": "做第二件事。三、不是一章",
        "1.1.3": "做第三件事。",
        "1.2.1": "做第四件事。",
        "2.1": "做另一件事。",
    }


def test_numeral_values():
    from rightsgraph.segment import numeral_value

    assert [numeral_value(n) for n in ("一", "九", "十", "十一", "二十", "二十三", "九十九")] == [1, 9, 10, 11, 20, 23, 99]
    assert numeral_value("一一") is None and numeral_value("十十") is None and numeral_value("") is None


def test_table_of_contents_without_the_body_intro_heading(tmp_path, documents):
    """Without the body's 导言 line the table of contents is recognised by its numbering starting over."""
    import variants
    from conftest import plan_path

    plan = "cn-nhrap-2026-2030"
    text = variants.without_body_intro_heading(plan_path(plan).read_text(encoding="utf-8"))
    doc = _segment_text(tmp_path, text)
    original = documents[plan]
    assert len(doc.chapters) == 8 and len(doc.sections()) == 32 and len(doc.commitments()) == 207
    assert [(n.kind, n.path, n.text) for n in doc.nodes() if n.kind != "introduction"] == [
        (n.kind, n.path, n.text) for n in original.nodes() if n.kind != "introduction"
    ]
    assert doc.title == original.title and doc.date_as_stated == original.date_as_stated


def test_table_of_contents_and_no_intro_heading_at_all(tmp_path, documents):
    import re

    from conftest import plan_path

    plan = "cn-nhrap-2026-2030"
    text = "\n".join(ln for ln in plan_path(plan).read_text(encoding="utf-8").split("\n") if re.sub(r"\s", "", ln) != "导言")
    doc = _segment_text(tmp_path, text)
    assert [(n.kind, n.path, n.text) for n in doc.nodes() if n.kind != "introduction"] == [
        (n.kind, n.path, n.text) for n in documents[plan].nodes() if n.kind != "introduction"
    ]


def test_a_text_without_a_title_still_gives_its_tree(tmp_path):
    doc = _segment_text(tmp_path, MINI.replace("国家人权行动计划（2031—2035年）", "某计划"))
    assert doc.title is None and doc.start_year is None and doc.period is None
    assert len(doc.commitments()) == 5
