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
    "专栏1的14项主要指标中，提前完成1项（失业保险参保人数），达到序时进度、预计可超额完成2项（城镇新增就业、城镇就业占比），"
    "达到或基本达到序时进度、预计可如期完成1项（城镇调查失业率）；另有数据不足、无法判断4项（高校毕业生年底去向落实率、"
    "劳动报酬占比、技能人才总量、高技能人才总量），数据暂缺6项（脱贫人口务工规模、全员劳动生产率增长、基本养老保险参保率、"
    "工伤保险参保人数、开展补贴性职业技能培训、劳动年龄人口平均受教育年限）。\n\n"
    "2023年全市城镇新增就业73.9万人；2021—2023年累计219.67万人，完成五年目标（300万人）的73.2%，序时进度为60.0%，"
    "达到序时进度、预计可超额完成。\n\n"
    "开展补贴性职业技能培训2021—2023年累计值无法计算（尚未收集到全年数据），数据暂缺。\n\n"
    "城镇调查失业率2022—2023年均满足“<5.5%（每年）”的要求（2021年数据暂缺），最新2023年为5.4%，"
    "达到或基本达到序时进度、预计可如期完成。\n\n"
    "高校毕业生年底去向落实率仅有2021年数据（2021年为96.5%），数据不足，无法判断。\n\n"
    "3项约束性指标中，失业保险参保人数提前完成（2022年），2023年为625.15万人；工伤保险参保人数尚未收集到数据，"
    "暂无法评估；劳动年龄人口平均受教育年限尚未收集到数据，暂无法评估。\n"
)


def test_summary_2023_snapshot():
    # 219.67 = 75.1 + 70.67 + 73.9; 219.67 / 300 = 73.2 %; (2023 − 2020) / 5 = 60 %; ρ = 1.22 → 超额;
    # 1 + 2 + 1 + 4 + 6 = 14; 失业保险参保人数 met its 2025 level in 2022 (and stays met in 2023)
    assert _shown(R.summary(R.context(2023))) == SUMMARY_2023


def test_final_summary_sums_the_five_full_years():
    text = _shown(R.summary(R.context(2025, "final")))
    # 364.45 = 75.1 + 70.67 + 73.9 + 71.9 + 72.88; 364.45 / 300 = 121.5 %
    assert ("2025年全市城镇新增就业72.88万人；2021—2025年累计364.45万人，完成五年目标（300万人）的"
            "121.5%，序时进度为100.0%，已完成。\n\n") in text
    assert text.startswith("专栏1的14项主要指标中，提前完成1项（城镇就业占比），已完成3项（城镇新增就业、城镇调查失业率、"
                           "失业保险参保人数），未完成1项（工伤保险参保人数）；另有数据不足、无法判断5项（")
    # the binding paragraph: 682.17 in 2025 against a 730 base and a ≥ 750 target: a fall, never −239.2 %
    assert ("工伤保险参保人数未完成，2025年为682.17万人，比基期（2020年）减少47.83万人，距目标差67.83万人") in text
    assert "-239" not in text and "−239" not in text


def test_a_published_cumulative_stands_in_and_the_sentence_says_so():
    from planlib.presentation.narrative import cumulative_sentence

    row = {"name": "城镇新增就业", "unit": "万人", "latest_year": 2024, "latest_value": 71.9, "cumulative": 348.0,
           "note": "2025年全年数缺失，采用公布的累计数（2021—2025年累计(截至2025-10-10)）", "target": 300.0,
           "completion": 1.16, "time_progress": 1.0, "status": "已完成", "marks": "", "latest_marks": ""}  # test row
    assert cumulative_sentence(row, 2025, 2021) == (
        "2021—2025年累计348万人（2025年全年数缺失，采用公布的累计数（2021—2025年累计(截至2025-10-10)）），"
        "完成五年目标（300万人）的116.0%，序时进度为100.0%，已完成。")


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
