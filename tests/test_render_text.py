"""The offline renderer shows titles as text (HTML escaped, Typst string literals), joins Chinese lines
without a space, passes alt text to Typst, and refuses a character the shipped fonts cannot draw."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from planlib.errors import DataError
from planlib.publish.offline import render_html, render_pdf

FIXTURES = Path(__file__).parent / "fixtures" / "text"
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
TITLE = '2024年度评估 "引号" <b>粗</b> \\反斜杠 #标题 $x$ *星* `码` 瀼渡⑪ 重慶'  # test title, not a report
SITE = "测试站点 <i>&amp;</i>"
SOFT_BREAK_PARAGRAPH = "本报告评估重庆市就业促进规划的实施进展,城镇新增就业完成情况良好。"
GLYPH_EXPECTED = "应为:自带字体中有的字符(可改用通行写法,或用文字说明该字)"


class _Page(HTMLParser):
    """Elements with their attributes, and the text inside each element of interest."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.stack: list[str] = []
        self.text: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        key = f"{tag}.{attrs.get('class', '')}"
        self.stack.append(key)
        self.text.setdefault(key, []).append("")

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack:
            self.text[self.stack[-1]][-1] += data


def _page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_soft_line_break_in_chinese_adds_no_space_in_html(tmp_path):
    markdown = (FIXTURES / "cjk_soft_line_break.md").read_text(encoding="utf-8")
    page = _page(render_html(markdown, tmp_path / "r.html", title="t", subtitle="s", site_title="x", downloads=[]))
    assert [p.strip() for p in page.text["p."]] == [SOFT_BREAK_PARAGRAPH]


@needs_poppler
def test_soft_line_break_in_chinese_adds_no_space_in_pdf(tmp_path):
    markdown = (FIXTURES / "cjk_soft_line_break.md").read_text(encoding="utf-8")
    pdf = render_pdf(markdown, tmp_path / "r.pdf", root=tmp_path, title="t", subtitle="s", date="d")
    lines = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert SOFT_BREAK_PARAGRAPH in lines.splitlines()


def test_titles_are_text_in_the_html_page(tmp_path):
    page = _page(render_html("正文。\n", tmp_path / "r.html", title=TITLE, subtitle="数据截至 2024 年 <u>", site_title=SITE,
                             downloads=[("PDF 版", 'r.pdf?"x"')]))
    assert page.text["title."] == [f"{TITLE} — {SITE}"]
    assert page.text["h1.title"] == [TITLE]
    assert page.text["p.subtitle"] == ["数据截至 2024 年 <u>"]
    assert page.text["a."][0] == SITE  # the site name in the navigation bar
    assert ("a", {"href": 'r.pdf?"x"'}) in page.tags
    # no element came from a title: only the template's own
    assert {t for t, _ in page.tags} == {"html", "head", "meta", "title", "style", "body", "nav", "a", "header", "h1",
                                         "p", "main", "footer"}


@needs_poppler
def test_titles_are_text_in_the_pdf(tmp_path):
    pdf = render_pdf("正文。\n", tmp_path / "r.pdf", root=tmp_path, title=TITLE, subtitle='副标题 "#x"', date="$d$")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert f"Title:           {TITLE}\n" in info
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    squeezed = "".join(text.split())  # pdftotext puts a space where Typst spaces Chinese from Latin
    for shown in (TITLE, '副标题 "#x"', "$d$"):
        assert "".join(shown.split()) in squeezed, shown
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]} == {
        "NotoSansSC-Regular", "NotoSansSC-Bold", "NotoSerifSC-Regular", "NotoSerifSC-Bold"}  # only the shipped faces


def test_alt_text_reaches_typst_as_a_string(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from planlib.presentation.figures import Figure

    fig, _ = plt.subplots(figsize=(1, 1))
    figure = Figure(fig, alt='说 "引号" \\ 与 & 重慶', caption="图题 *不是强调*", name="alt-test")
    figure.save(tmp_path / "figs")
    markdown = figure.to_markdown("figs/alt-test.png")
    assert markdown == ('![图题 \\*不是强调\\*](figs/alt-test.png){#fig-alt-test alt="说 \\"引号\\" \\\\ 与 \\& 重慶"}\n')
    render_pdf(markdown, tmp_path / "r.pdf", root=tmp_path, title="t", subtitle="s", date="d")
    typ = (tmp_path / "r.typ").read_text(encoding="utf-8")
    assert 'image("figs/alt-test.png", alt: "说 \\"引号\\" \\\\ 与 & 重慶")' in typ
    page = _page(render_html(markdown, tmp_path / "r.html", title="t", subtitle="s", site_title="x", downloads=[]))
    assert ("img", {"src": "figs/alt-test.png", "alt": '说 "引号" \\ 与 & 重慶'}) in page.tags
    assert page.text["figcaption."] == ["图题 *不是强调*"]


def test_a_title_the_fonts_cannot_draw_fails_the_pdf_naming_it(tmp_path):
    with pytest.raises(DataError) as info:
        render_pdf("正文。\n", tmp_path / "r.pdf", root=tmp_path, title="年度报告𠀀", subtitle="s", date="d")
    assert str(info.value) == ("报告 r,标题:字符“𠀀”(U+20000)无法显示:自带字体 Noto Sans SC 中没有它的字形,"
                               f"PDF 和图中会成为方框(见“年度报告𠀀”);{GLYPH_EXPECTED}")
    assert not (tmp_path / "r.pdf").exists()


def test_a_markdown_cell_the_fonts_cannot_draw_fails_the_pdf_naming_it(tmp_path):
    markdown = "# 摘要\n\n作者手写的段落里有一个表情😀和一个扩展B字𠀀,还有足够长的后文用来截断引文。\n"
    with pytest.raises(DataError) as info:
        render_pdf(markdown, tmp_path / "r.pdf", root=tmp_path, title="t", subtitle="s", date="d")
    assert str(info.value) == (
        "报告 r,正文:字符“😀”(U+1F600)、“𠀀”(U+20000)无法显示:自带字体 Noto Sans SC 中没有它们的字形,"
        f"PDF 和图中会成为方框(见“…者手写的段落里有一个表情😀和一个扩展B字𠀀,还有足…”);{GLYPH_EXPECTED}")
