"""Tables render as real Markdown tables (→ HTML and Typst), with 数据暂缺 for missing values."""

from __future__ import annotations

import math

import pandas as pd
import pypandoc
import pytest

from planlib.tables import Table, fmt_number, fmt_percent


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
