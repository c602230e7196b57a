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
