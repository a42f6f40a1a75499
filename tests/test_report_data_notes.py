"""What the round-3 figures add to a report's text (real data): confirmed baselines, a stand-in labelled as
such, and the input–output basis of 劳动报酬占比."""

from __future__ import annotations

import planlib.sections.report as R
from planlib.sections.areas import indicator_sentence
from planlib.sections.headline import baseline_notes


def test_baselines_confirmed_or_contradicted_by_published_figures_are_said():
    notes = baseline_notes(R.context(2024))
    assert notes[0].startswith("规划基数已由公布数据证实：城镇新增就业362（")
    assert "城镇就业占比65.64（重庆统计年鉴2025(市统计局、国家统计局重庆调查总队;中国统计出版社2025-11)）" in notes[0]
    assert notes[1:] == ["开展补贴性职业技能培训：已公布的2016—2020年累计数为180（重庆市“十四五”职业技能培训规划"
                         "(市人力社保局,2021-12-30;转载)），与规划所列基数162.7不同，本报告按规划基数评估。"]


def test_a_stand_in_is_shown_as_a_reference_never_as_the_plans_measure():
    ctx = R.context(2024)
    rec = ctx.assessment.set_index("id", drop=False).loc["pension_coverage_rate"].to_dict()
    assert rec["status"] == "数据暂缺"  # the stand-in judges nothing
    assert indicator_sentence(rec, ctx).endswith(
        "作为参考（不是规划指标口径，不据此判断目标）：基本养老保险参保人数2024年末为2,666.69万人（重庆统计年鉴2025"
        "(市统计局、国家统计局重庆调查总队;中国统计出版社2025-11)）——规划指标是基本养老保险参保率（%），该比率未公布；"
        "这里是参保人数（万人），只能说明参保规模的变化，不能与参保率目标（95%）比较，也不能据此判断目标是否达成。")


def test_the_input_output_basis_of_labour_remuneration_is_labelled():
    rec = R.context(2025).assessment.set_index("id").loc["labour_remuneration_share"]
    assert rec["latest_value"] == 51.01
    assert rec["value_notes"] == ("劳动报酬占比（2023年）：投入产出表口径：2023年重庆市投入产出表中劳动者报酬合计除以增加值合计"
                                  "（由市统计局公布的表中两项计算），与规划基数可能采用的收入法GDP口径相近但不保证一致；"
                                  "投入产出表每五年编制一次，只有2023年的值。",)
