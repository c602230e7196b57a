"""Copies of the plans in the forms users really have, made from texts/ for the reader tests.

Each function takes the original text and returns another rendering of the same plan; none
of them uses the parser, so the tests compare two independent paths to the same tree.
"""

from __future__ import annotations

import html
import re

TERMINAL = "。！？：；"


def paragraphs(text: str) -> list[str]:
    """Paragraphs by layout alone: indentation (2012 PDF) or one per line (2026)."""
    lines = [ln.rstrip() for ln in text.split("\n")]
    indented = sum(1 for ln in lines if ln.startswith("  ")) > len([ln for ln in lines if ln.strip()]) * 0.15
    paras: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        starts = line.startswith("  ") if indented else (not paras or paras[-1][-1:] in TERMINAL or _is_heading(paras[-1]) or _is_heading(line))
        if starts:
            paras.append(line.strip())
        else:
            paras[-1] += line.strip()
    return paras


def _is_heading(line: str) -> bool:
    line = line.strip()
    return bool(re.match(r"^(导\s*言|目录|[一二三四五六七八九十]+、|[(（-]|——|全文如下|国家人权|中华人民|国务院新闻办公室$|\d{4}\s*年)", line)) and line[-1:] not in "。；"


def reflowed(text: str) -> str:
    """One paragraph per line, blank line between, no indentation, no page breaks."""
    return "\n\n".join(paragraphs(text)) + "\n"


def rewrapped(text: str, width: int = 31, page_lines: int = 38, style: str = "dash") -> str:
    """Hard-wrapped at another width, paragraphs indented, with page numbers and a running header."""
    lines: list[str] = []
    for para in paragraphs(text):
        first = True
        while para:
            room = width - (2 if first else 0)
            lines.append(("  " if first else "") + para[:room])
            para = para[room:]
            first = False
    out: list[str] = []
    for i, line in enumerate(lines):
        if i and i % page_lines == 0:
            page = i // page_lines
            number = {"dash": f"— {page} —", "hyphen": f"-{page}-", "page": f"第{page}页"}[style]
            out.extend(["", number, "", "国家人权行动计划（内部阅读版）", ""])
        out.append(line)
    return "\n".join(out) + "\n"


def web_page(text: str) -> str:
    """An HTML page with navigation, scripts and a footer around the article."""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs(text))
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>国家人权行动计划 - 新闻中心</title>
<script>var nav = "首页 | 新闻 | 政策"; function go() {{ return 1 < 2 && 3 > 2; }}</script>
<style>p {{ text-indent: 2em; }}</style></head>
<body>
<nav><a href="/">首页</a> | <a href="/news">新闻</a> | <a href="/policy">政策文件</a> | 一、导航菜单</nav>
<header><h1>权威发布</h1></header>
<div class="main"><div class="article" id="content">
{body}
</div>
<div class="share">分享到：微信 微博</div></div>
<footer>版权所有 &copy; 新闻中心 | 联系我们 | 网站地图</footer>
</body></html>
"""
