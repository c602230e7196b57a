"""Copies of the plans in the forms users really have, made from texts/ for the reader tests.

Each function takes the original text and returns another rendering of the same plan; none
of them uses the parser, so the tests compare two independent paths to the same tree.
"""

from __future__ import annotations

import codecs
import html
import re

TERMINAL = "。！？：；"

#: Encodings and line ends a copy may come in: name -> bytes of the text.
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


PAGE_NUMBERS = {
    "dash": "— {} —",
    "hyphen": "-{}-",
    "page": "第{}页",
}
RUNNING_HEADER = "国家人权行动计划（内部阅读版）"


def rewrapped(text: str, width: int = 31, page_lines: int = 38, style: str = "dash", indent: str = "  ") -> str:
    """Hard-wrapped at another width, paragraphs indented, with page numbers and a running header.

    ``indent`` opens each paragraph ("" for a copy wrapped without indentation); style
    "in-header" puts the page number inside the running header, as a PDF's header line does.
    """
    lines: list[str] = []
    for para in paragraphs(text):
        first = True
        while para:
            room = width - (len(indent) if first else 0)
            lines.append((indent if first else "") + para[:room])
            para = para[room:]
            first = False
    out: list[str] = []
    for i, line in enumerate(lines):
        if i and i % page_lines == 0:
            page = i // page_lines
            if style == "in-header":
                out.extend(["", f"国家人权行动计划（2026—2030年）    第 {page} 页", ""])
            else:
                out.extend(["", PAGE_NUMBERS[style].format(page), "", RUNNING_HEADER, ""])
        out.append(line)
    return "\n".join(out) + "\n"


def unindented(copy: str) -> str:
    """A wrapped copy with its paragraph indentation stripped afterwards (first lines stay short)."""
    return "\n".join(re.sub(r"^(?:  |\u3000\u3000)", "", line) for line in copy.split("\n"))


def without_body_intro_heading(text: str) -> str:
    """The 2026 plan without the 导言 line that opens its body (the table of contents keeps its own)."""
    lines = text.split("\n")
    last = max(i for i, line in enumerate(lines) if re.sub(r"\s", "", line) == "导言")
    return "\n".join(lines[:last] + lines[last + 1 :])


def _escape(text: str) -> str:
    """HTML as content management systems write it: named entities for quotation marks too."""
    return html.escape(text, quote=False).replace("“", "&ldquo;").replace("”", "&rdquo;")


def web_page(text: str) -> str:
    """An HTML page with navigation, scripts and a footer around the article.

    Entities (&ldquo; &rdquo; &nbsp;) and tags sit inside the article's paragraphs, so a
    node's offsets in the decoded file enclose characters the reader dropped.
    """
    body = "\n".join(f'<p style="text-indent:2em">&nbsp;&nbsp;{_escape(p)}</p>' for p in paragraphs(text))
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


def web_fragment(text: str) -> str:
    """An article saved on its own: just its ``<div>`` and ``<p>`` elements, no html or body."""
    body = "\n".join(f"<p>{_escape(p)}</p>" for p in paragraphs(text))
    return f'<div class="article">\n{body}\n</div>\n'


def web_page_with_long_head(text: str) -> str:
    """A page that opens with a comment and a head longer than any sniffing window."""
    script = "\n".join(f"var nav{i} = '一、导航菜单 {i}';" for i in range(600))
    page = web_page(text)
    return "<!-- saved from the ministry's site; 一、说明 -->\n" + page.replace("<script>", "<script>" + script + "\n", 1).replace("<!DOCTYPE html>\n", "", 1)


#: Every form of a copy the reader tests build: name -> (file name, bytes).
FORMS = (
    [f"encoding-{name}" for name in ENCODINGS]
    + [f"rewrapped-{style}" for style in PAGE_NUMBERS]
    + ["reflowed", "web-page", "web-page-gb18030"]
)


def form(text: str, name: str) -> tuple[str, bytes]:
    """One form of ``text`` (see :data:`FORMS`) as a file name and its bytes."""
    if name.startswith("encoding-"):
        return "copy.txt", ENCODINGS[name.removeprefix("encoding-")](text)
    if name.startswith("rewrapped-"):
        style = name.removeprefix("rewrapped-")
        return "copy.txt", rewrapped(text, width=29 if style == "page" else 33, style=style).encode("utf-8")
    if name == "reflowed":
        return "copy.txt", reflowed(text).encode("utf-8")
    if name == "web-page":
        return "plan.html", web_page(text).encode("utf-8")
    if name == "web-page-gb18030":
        return "plan.htm", web_page(text).replace('charset="utf-8"', 'charset="gb18030"').encode("gb18030")
    raise KeyError(name)
