"""Tables render as real Markdown tables (→ HTML and Typst), with 数据暂缺 for missing values."""

from __future__ import annotations

import math

import pandas as pd
import pypandoc
import pytest

from planlib.errors import DataError
from planlib.presentation.tables import Table, fmt_number, fmt_percent


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1234.5, "1,234.5"), (75.10, "75.1"), (300.0, "300"), (5, "5"), (math.nan, "数据暂缺"), (None, "数据暂缺"),
     (pd.NA, "数据暂缺"), (0.000001, "0"), (-2.5, "-2.5"), (True, "是")],
)
def test_fmt_number(value, expected):
    assert fmt_number(value) == expected


def test_fmt_percent():
    assert fmt_percent(0.7322) == "73.2%" and fmt_percent(math.nan) == "数据暂缺"


def _table():
    frame = pd.DataFrame({"指标": ["城镇新增就业", "城镇调查失业率|测试"], "2020年": [362.0, math.nan]})
    return Table(frame, caption="主要指标", name="headline", source="市统计局", notes=["合成示例"])


def test_markdown_snapshot():
    assert _table().to_markdown(csv_href="tables/headline.csv") == "\n".join([
        "",
        "| 指标 | 2020年 |",
        "|:-------------------|--------:|",  # dashes ∝ widest cell as shown (19): pandoc sizes columns by them
        "| 城镇新增就业 | 362 |",
        "| 城镇调查失业率\\|测试 | 数据暂缺 |",
        "",
        "Table: 主要指标",
        "",
        "::: {.table-notes}",
        "资料来源:市统计局\\",
        "注:合成示例\\",
        "[下载本表 CSV](tables/headline.csv)",
        ":::",
        "",
    ])  # fmt: skip


def test_pandoc_renders_a_table_in_html_and_typst():
    md = _table().to_markdown()
    html = pypandoc.convert_text(md, "html", format="markdown")
    assert "<table" in html and "<caption>" in html and "数据暂缺" in html
    typ = pypandoc.convert_text(md, "typst", format="markdown")
    assert "table(" in typ and "columns: 2" in typ and "主要指标" in typ


def test_csv_download(tmp_path):
    path = _table().to_csv(tmp_path)
    assert path.name == "headline.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert pd.read_csv(path, encoding="utf-8-sig")["指标"].tolist() == ["城镇新增就业", "城镇调查失业率|测试"]


def test_bad_name_rejected():
    with pytest.raises(ValueError, match="表名"):
        Table(pd.DataFrame({"a": [1]}), caption="x", name="Bad Name")


GLYPH_EXPECTED = "应为:自带字体中有的字符(可改用通行写法,或用文字说明该字)"
HOSTILE_TITLE = "<script>alert(1)</script> *bold* #let x = 1 $ math $ back\\slash \\ a|b"  # test data


def test_cells_caption_and_notes_are_text_and_only_http_urls_link(tmp_path):
    frame = pd.DataFrame({"来源": [HOSTILE_TITLE, "重慶市人力社保局發佈"],
                          "网址": ["javascript:alert(3)", 'https://example.org/a"onmouseover="x']})
    table = Table(frame, caption="来源 *1*", name="sources", source="[1](x)", notes=["$x$"], links=("网址",))
    assert table.to_markdown().split("\n") == [
        "",
        "| 来源 | 网址 |",
        "|:----------------------------------------|:------------------------------------|",
        "| \\<script\\>alert\\(1\\)\\<\\/script\\> \\*bold\\* \\#let x \\= 1 \\$ math \\$ back\\\\slash \\\\ a\\|b"
        " | javascript\\:alert\\(3\\) |",
        "| 重慶市人力社保局發佈 | [https\\:\\/\\/example\\.org\\/a\\\"onmouseover\\=\\\"x]"
        "(https://example.org/a%22onmouseover=%22x) |",
        "",
        "Table: 来源 \\*1\\*",
        "",
        "::: {.table-notes}",
        "资料来源:\\[1\\]\\(x\\)\\",
        "注:\\$x\\$",
        ":::",
        "",
    ]  # 40 = the width cap; 36 = the URL as written (21 + 15)
    html = pypandoc.convert_text(table.to_markdown(), "html", format="markdown")
    assert "<script>" not in html and 'href="javascript' not in html
    assert 'href="https://example.org/a%22onmouseover=%22x"' in html
    path = table.to_csv(tmp_path)  # the download keeps the data exactly
    assert pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False).equals(frame)


def test_a_cell_the_fonts_cannot_draw_is_named(tmp_path):
    frame = pd.DataFrame({"编号": ["[1]", "[2]"], "来源": ["市统计局", "重庆市𠀀局公报😀"]})
    table = Table(frame, caption="数据来源", name="sources", origins=[None, "data/raw/x.csv 第 4 行"])
    with pytest.raises(DataError) as info:
        table._repr_markdown_()
    assert str(info.value) == (
        "表“数据来源”,第 2 行,字段“来源”:字符“😀”(U+1F600)、“𠀀”(U+20000)无法显示:自带字体 Noto Sans SC 中没有"
        "它们的字形,PDF 和图中会成为方框(见“重庆市𠀀局公报😀”,来自 data/raw/x.csv 第 4 行);" + GLYPH_EXPECTED)
    with pytest.raises(DataError) as info:
        Table(pd.DataFrame({"指标😀": [1]}), caption="表", name="t").check_glyphs()
    assert str(info.value) == ("表“表”,列名:字符“😀”(U+1F600)无法显示:自带字体 Noto Sans SC 中没有它的字形,"
                               "PDF 和图中会成为方框(见“指标😀”);" + GLYPH_EXPECTED)
