"""The report layer serves any plan: everything plan-specific comes from the plan YAML and the data.

Proved by a SYNTHETIC next plan (tests/fixtures/synthetic_next_plan.yaml, 2026–2030, “十五五”, other series
ids; observations generated here, labelled 合成测试数据(SYNTHETIC,非真实数据)) building a complete site, and by
the report-text fixes of issue 12 (each with its exact sentence) on the real Chongqing data.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import shutil

import pandas as pd
import pytest
import yaml

import planlib.sections.report as R
from planlib.inputs.plan import load_plan
from tests.conftest import REPO, make_project
from tests.synthetic import SYNTHETIC_SOURCE, frame, row

FIXTURES = REPO / "tests" / "fixtures"
NEXT_PLAN = FIXTURES / "synthetic_next_plan.yaml"
PLAN_WORDS = re.compile(r"2020|2025|十三五|十四五|全市|专栏|一区两群")


def _strings(path):
    """Every string and number constant of a module that is not a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            docs.add(id(body[0].value))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in docs]


# the report layer: the notebook-facing facade, each section kind's module and the builders they compose
REPORT_LAYER = [*(f"sections/{m}.py" for m in ("report", "context", "headings", "summary", "headline", "areas",
                                               "projects", "midterm", "coverage", "regional", "alerts", "monthly",
                                               "method")),
                *(f"presentation/{m}.py" for m in ("narrative", "cells", "notes", "regional", "sources", "markdown"))]


@pytest.mark.parametrize("module", REPORT_LAYER)
def test_the_report_layer_has_no_plan_literals(module):
    values = _strings(REPO / "src" / "planlib" / module)
    assert [v for v in values if isinstance(v, str) and PLAN_WORDS.search(v)] == []
    assert [v for v in values if isinstance(v, int) and v in (38, 2020, 2025)] == []


# ---------------------------------------------------------------- report text never contradicts its data


@pytest.fixture(scope="module")
def ctx2023():
    return R.context(as_of=2023)


def _with_district_rate(ctx):
    """The context plus one SYNTHETIC district value of the surveyed unemployment rate (万州区, 2023: 5.6)."""
    obs = ctx.observations
    base = obs[(obs["indicator_id"] == "surveyed_unemployment_rate") & (obs["region"] == "全市") & obs["is_annual"]
               & (obs["year"] == 2023)].iloc[[0]].copy()  # fmt: skip
    base = base.assign(region="万州区", region_kind="district", region_code="500101", value=5.6,
                       source_title=SYNTHETIC_SOURCE, source_url="https://example.org/synthetic", source_file="synthetic")
    return dataclasses.replace(ctx, observations=pd.concat([obs, base], ignore_index=True), shown=set())


def test_alerts_say_no_district_rate_only_while_none_is_loaded(ctx2023):
    notes = R.alerts_table(ctx2023).notes
    assert notes[0].endswith("区县调查失业率尚未公布，仅对全市判断。")
    assert "- 尚未找到任何区县的城镇调查失业率。" in str(R.caveats(ctx2023)).splitlines()

    loaded = _with_district_rate(ctx2023)
    table = R.alerts_table(loaded)
    assert table.notes[0].endswith("。全市和已公布调查失业率的1个区县均已判断。")
    assert not any("尚未公布" in n for n in table.notes)
    wanzhou = table.frame[table.frame["地区"] == "万州区"]
    assert list(wanzhou["预警"]) == ["红色"] and list(wanzhou["触发值（%）"]) == [5.6]
    assert "尚未找到任何区县的城镇调查失业率" not in str(R.caveats(loaded))


def test_previous_year_value_is_shown_where_it_exists(ctx2023):
    shown = dict(zip(R.alerts_table(ctx2023).frame["时期"], R.alerts_table(ctx2023).frame["上年值（%）"], strict=True))
    # 2021 has no published full-year rate (—); 2022 is 5.4 for both the Jan–Sep 2023 and the 2023 rows
    assert shown == {"2022年": "—", "2023年1—9月": 5.4, "2023年": 5.4}


@pytest.mark.parametrize("as_of", [2021, 2022, 2023, 2024, 2025])
def test_no_alert_for_the_base_year(as_of):
    table = R.alerts_table(R.context(as_of=as_of))
    periods = list(table.frame["时期"]) if hasattr(table, "frame") else []
    assert not [p for p in periods if p.startswith("2020")]


def test_a_one_year_span_reads_as_one_year():
    ctx = R.context(as_of=2021, report_kind="final")
    assert R.coverage_table(ctx).caption == "主要指标数据覆盖情况（2021年）"
    comparison = R.baseline_comparison(ctx).frame.set_index("指标")
    assert comparison.loc["城镇新增就业（万人）", "“十四五”最新"] == "75.1（2021年累计）"
    summary = str(R.summary(ctx))
    assert "2021—2021" not in summary
    assert "开展补贴性职业技能培训2021年累计值无法计算（尚未收集到全年数据），数据暂缺。" in summary


def test_heat_index_method_is_said_in_chinese(ctx2023):
    assert R.heat_index_table(ctx2023).notes[0] == (
        "区县就业热力指数：定义 5 项指标，权重方法：等权，标准化基准：全部区县和年份合并取最小值、最大值（各年可比），"
        "至少 2 项指标才计算指数。")


def test_final_report_names_the_end_year_figures_not_yet_published():
    ctx = R.context(as_of=2025, report_kind="final")
    assert str(R.pending_note(ctx)) == (
        "本报告尚未收集到10项主要指标的2025年全年数据（城镇就业占比、高校毕业生年底去向落实率、脱贫人口务工规模、"
        "全员劳动生产率增长、劳动报酬占比、基本养老保险参保率、开展补贴性职业技能培训、技能人才总量、高技能人才总量、"
        "劳动年龄人口平均受教育年限），相关判断依据已有年份作出并注明所依据的年份；部分时期数据单独标注，不作为全年值。\n")
    assert str(R.pending_note(R.context(as_of=2023))) == ""


def test_headings_come_from_the_plan(ctx2023):
    assert str(R.heading(ctx2023, "targets")) == "# 专栏2—13 项目量化目标\n"
    assert str(R.heading(ctx2023, "regional")) == "# 区域协调（一区两群）\n"
    assert str(R.heading(ctx2023, "comparison")) == "# 与“十三五”比较\n"
    assert str(R.heading(ctx2023, "headline")) == "# 主要指标完成情况（2021—2025年）\n"


# ---------------------------------------------------------------- a synthetic next plan, a whole site


def _next_plan_observations():
    """SYNTHETIC values for the invented plan (region 全省), generated here; hand-checked numbers below."""
    values = {"syn_new_jobs": {2026: 120, 2027: 115, 2028: 118}, "syn_jobless_rate": {2026: 5.1, 2027: 5.6, 2028: 5.2},
              "syn_skilled_share": {2026: 34, 2027: 34.5, 2028: 35.2},
              "syn_wage_share": {2026: 50.1, 2027: 50.3, 2028: 50.2}, "syn_training_sessions": {2026: 25, 2027: 30}}
    rows = [row(s, y, v, region="全省") for s, by_year in values.items() for y, v in by_year.items()]
    out = frame(rows)
    out["region_kind"] = "municipality"
    return out


def _plain(markdown) -> str:
    """Markdown text without its escapes (``\\(`` → ``(``)."""
    return re.sub(r"\\(.)", r"\1", str(markdown))


def test_next_plan_is_assessed_and_written_from_its_yaml():
    ctx = R.context(as_of=2028, report_kind="midterm", plan=str(NEXT_PLAN), observations=_next_plan_observations())
    summary = _plain(R.summary(ctx))
    # 120 + 115 + 118 = 353 of 550: 64.2 %, time progress (2028 − 2025) / 5 = 60 %
    assert "2028年全省新增就业岗位(合成)118万个；2026—2028年累计353万个，完成五年目标（550万个）的64.2%，序时进度为60.0%" in summary
    assert "表1的4项主要指标中" in summary
    assert R.headline_table(ctx).caption == "“十五五”就业促进(合成)主要指标完成情况（截至2028年）"
    assert list(R.headline_table(ctx).frame.columns[1:3]) == ["2025年基数", "2030年目标"]
    assert R.project_table(ctx).caption == "表2量化目标（截至2028年）"
    caveats = _plain(R.caveats(ctx))
    assert "- 技能劳动者(合成)：2026年技能劳动者占比(合成)34%，较2025年基数30%增加4%，疑为统计口径扩大，与规划目标比较须谨慎。" in caveats
    assert "- 调查失业率(合成):2027年起样本扩大(合成说明)。" in caveats
    assert "区县" not in caveats  # no district layout: no district caveat
    for section in (R.layout_map, R.regional_text, R.district_gdp_map, R.heat_index_table, R.monthly_picture):
        assert str(section(ctx)) == ""


@pytest.fixture(scope="module")
def next_site(tmp_path_factory):
    from planlib.publish.build import build

    mp = pytest.MonkeyPatch()
    reports = [{"id": "annual-2026", "notebook": "notebooks/annual.ipynb"},
               {"id": "annual-2027", "notebook": "notebooks/annual.ipynb"},
               {"id": "midterm-2028", "notebook": "notebooks/midterm.ipynb"},
               {"id": "final-2030", "notebook": "notebooks/final.ipynb"}]  # fmt: skip
    root = make_project(tmp_path_factory.mktemp("next"), mp, reports)
    (root / "plans").mkdir()
    shutil.copy(NEXT_PLAN, root / "plans" / NEXT_PLAN.name)
    _next_plan_observations().to_csv(root / "synthetic_tidy.csv", index=False)
    manifest = {"site": {"title": "合成测试站点:某省就业促进“十五五”规划评估(synthetic)",
                         "plan": f"plans/{NEXT_PLAN.name}", "observations": "synthetic_tidy.csv"},
                "reports": reports}  # fmt: skip
    (root / "reports" / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    try:
        result = build(formats=("html", "pdf"), progress=False, jobs=2)
        yield root / "reports" / "_site", result
    finally:
        mp.undo()


def _visible_text(page: str) -> str:
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", " ", page))  # a long cell breaks over lines and spans


def test_next_plan_builds_a_complete_site(next_site):
    site, result = next_site
    assert result.ok, result.failed
    assert sorted(result.built) == ["annual-2026", "annual-2027", "final-2030", "midterm-2028"]
    for rid in result.built:
        assert (site / f"{rid}.html").is_file() and (site / f"{rid}.pdf").read_bytes()[:5] == b"%PDF-"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "合成测试站点" in index and all(f"{rid}.html" in index for rid in result.built)


@pytest.mark.parametrize("rid", ["annual-2026", "annual-2027", "midterm-2028", "final-2030"])
def test_next_plan_text_is_its_own(next_site, rid):
    site, _ = next_site
    text = _visible_text((site / f"{rid}.html").read_text(encoding="utf-8"))
    assert "“十五五”" in text and SYNTHETIC_SOURCE in text
    # 2025 appears as the baseline year only (2025年基数), never as the Chongqing plan's end year
    for word in ("十四五", "十三五", "全市", "重庆", "专栏", "一区两群", "2025年目标", "（2021—2025年）"):
        assert word not in text, (rid, word)
    assert not re.findall(r"equal|pooled|per_year|entropy", text)


def test_next_plan_final_report_says_what_is_missing(next_site):
    site, _ = next_site
    text = _visible_text((site / "final-2030.html").read_text(encoding="utf-8"))
    assert "主要指标完成情况（2026—2030年）" in text
    assert ("本报告尚未收集到4项主要指标的2030年全年数据（新增就业岗位(合成)、调查失业率(合成)、技能劳动者占比(合成)、"
            "劳动报酬占比(合成)）") in text
    # the plan names no previous period: its years stand in
    assert "与2021—2025年比较" in text and "“十五五”与2021—2025年基数比较" in text


def test_next_plan_loads_like_any_plan():
    plan = load_plan(NEXT_PLAN)
    assert plan.period_label == "“十五五”" and plan.meta.region == "全省" and plan.meta.layout_name is None
    assert plan.previous_label == "2021—2025年"


def test_next_plan_site_pages_are_its_own(next_site):
    # the indicator pages, the downloads and the district list speak of this plan too: its region, its labels,
    # no district layout (so no district pages), and nothing of Chongqing's plan
    site, _ = next_site
    plan = load_plan(NEXT_PLAN)
    pages = sorted((site / "indicators").glob("*.html"))
    assert {p.stem for p in pages} == {*plan.indicators["id"], "projects", "index"}
    assert sorted(p.name for p in (site / "districts").glob("*.html")) == ["index.html"]
    assert "本规划没有区县布局" in _visible_text((site / "districts" / "index.html").read_text(encoding="utf-8"))
    for page in [*pages, site / "districts" / "index.html", site / "data" / "index.html"]:
        text = _visible_text(page.read_text(encoding="utf-8"))
        for word in ("十四五", "全市", "重庆", "一区两群"):
            assert word not in text, (page.name, word)
