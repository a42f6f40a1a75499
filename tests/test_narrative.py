"""Snapshot of the generated Chinese summary for real data: every number is computed, none typed."""

from __future__ import annotations

import pypandoc
import pytest

import planlib.sections.report as R
from planlib.errors import DataError
from planlib.presentation.markdown import paragraphs


def _shown(markdown: str) -> str:
    """What a reader sees: the Markdown rendered by pandoc as plain text (sections escape their text)."""
    return pypandoc.convert_text(str(markdown), "plain", format="markdown", extra_args=["--wrap=none"])

SUMMARY_2023 = (
    "2023年全市城镇新增就业73.9万人；2021—2023年累计219.67万人，完成五年目标（300万人）的73.2%，序时进度为60.0%，"
    "快于序时进度。\n\n"
    "开展补贴性职业技能培训2021—2023年累计值无法计算（缺少已公布的全年数据）。\n\n"
    "城镇调查失业率有全年数据的2个年份中，2个年份满足“<5.5%（每年）”的要求，最新为2023年的5.4%。\n\n"
    "高校毕业生年底去向落实率有全年数据的1个年份中，1个年份满足“>90%（每年）”的要求，最新为2021年的96.5%。\n\n"
    "专栏1的14项主要指标中，已完成3项、快于序时进度2项、达标3项、数据暂缺6项。\n\n"
    "约束性指标3项（失业保险参保人数、工伤保险参保人数、劳动年龄人口平均受教育年限）；"
    "工伤保险参保人数、劳动年龄人口平均受教育年限缺少已公布的年度数据。\n"
)


def test_summary_2023_snapshot():
    # 219.67 = 75.1 + 70.67 + 73.9; 219.67 / 300 = 73.2 %; (2023 − 2020) / 5 = 60 %
    assert _shown(R.summary(R.context(2023))) == SUMMARY_2023


def test_final_summary_sums_the_five_full_years():
    text = _shown(R.summary(R.context(2025, "final")))
    # 364.45 = 75.1 + 70.67 + 73.9 + 71.9 + 72.88; 364.45 / 300 = 121.5 %
    assert text.startswith("2025年全市城镇新增就业72.88万人；2021—2025年累计364.45万人，完成五年目标（300万人）的"
                           "121.5%，序时进度为100.0%，已完成目标。\n\n")


def test_a_published_cumulative_stands_in_and_the_sentence_says_so():
    from planlib.presentation.narrative import cumulative_sentence

    row = {"name": "城镇新增就业", "unit": "万人", "latest_year": 2024, "latest_value": 71.9, "cumulative": 348.0,
           "note": "2025年全年数缺失，采用公布的累计数（2021—2025年累计(截至2025-10-10)）", "target": 300.0,
           "completion": 1.16, "time_progress": 1.0, "status": "已完成", "marks": "", "latest_marks": ""}  # test row
    assert cumulative_sentence(row, 2025, 2021) == (
        "2021—2025年累计348万人（2025年全年数缺失，采用公布的累计数（2021—2025年累计(截至2025-10-10)）），"
        "完成五年目标（300万人）的116.0%，序时进度为100.0%，已完成目标。")


def test_summary_2021_sees_no_later_year():
    text = _shown(R.summary(R.context(2021)))
    assert "2021年全市城镇新增就业75.1万人" in text
    for later in ("2022", "2023", "2024", "2025年"):
        assert later not in text.replace("2021—2025", "")


def test_sections_escape_data_text_and_name_a_character_the_fonts_lack():
    # a plan or data name with markup characters is shown as written (test text)
    md = paragraphs(["指标 *A* <b>x</b> [1](javascript:x) $y$"], "段落“摘要”")
    assert str(md) == "指标 \\*A\\* \\<b\\>x\\<\\/b\\> \\[1\\]\\(javascript\\:x\\) \\$y\\$\n"
    assert _shown(md) == "指标 *A* <b>x</b> [1](javascript:x) $y$\n"
    with pytest.raises(DataError) as info:
        paragraphs(["城镇新增就业𠀀万人"], "段落“摘要”")._repr_markdown_()
    assert str(info.value) == (
        "段落“摘要”:字符“𠀀”(U+20000)无法显示:自带字体 Noto Sans SC 中没有它的字形,PDF 和图中会成为方框"
        "(见“城镇新增就业𠀀万人”);应为:自带字体中有的字符(可改用通行写法,或用文字说明该字)")
