"""The next plans: the Hangzhou 纲要 imported and reviewed (the README's worked example) and the national 十五五
纲要 from what its text confirms, each building its own site with no code written for it.

Plans: src/planlib/plans/hz-15th.yaml (from data/raw/plan/hz-15th.txt by ``planlib plan import``, then reviewed)
and cn-15th.yaml (from data/raw/national/original/national_15th_and_2025_round4.csv). Sites:
reports/examples/hz-15th/manifest.yaml and reports/national-15th/manifest.yaml, built as the tests of the
national 十四五 site build theirs (tests/test_national_plan.py).
"""

from __future__ import annotations

import csv
import html
import re
import shutil

import pytest
import yaml

from planlib.inputs.plan import load_plan
from planlib.inputs.plan_import import import_plan
from tests.conftest import REPO, make_project

HZ_TEXT = REPO / "data" / "raw" / "plan" / "hz-15th.txt"
ROUND4 = REPO / "data" / "raw" / "national" / "original" / "national_15th_and_2025_round4.csv"
HZ_MANIFEST = REPO / "reports" / "examples" / "hz-15th" / "manifest.yaml"
CN_MANIFEST = REPO / "reports" / "national-15th" / "manifest.yaml"
VALUES = ("number", "area", "name", "baseline", "baseline_year", "target", "target_year", "attribute", "source_text")


def _text(path) -> str:
    page = re.sub(r"<style>.*?</style>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return html.unescape(re.sub(r"\s+", "", re.sub(r"<[^>]+>", " ", page)))


# -------------------------------------------------------------------------------- Hangzhou, reviewed


def test_reviewed_hangzhou_plan_is_the_import_with_the_reviewer_decisions_only():
    plan = load_plan("hz-15th")
    assert plan.review == ()  # every point of the import checked
    assert len(plan.indicators) == 25 and [u.number for u in plan.unassessed] == [13, 22, 23, 24, 25, 26]
    imported = yaml.safe_load(import_plan(HZ_TEXT, "hz-15th").text)
    printed = {e["source_text"]: e for e in imported["indicators"] + imported["unassessed"]}
    reviewed = yaml.safe_load((REPO / "src" / "planlib" / "plans" / "hz-15th.yaml").read_text(encoding="utf-8"))
    changed = {}
    for entry in reviewed["indicators"] + reviewed["unassessed"]:
        source = printed.get(entry["source_text"])
        two = {"urban_new_jobs": "row_12", "urban_new_jobs_yearly": "row_12_2"}  # row 12's two targets, one text
        if entry.get("id") in two:
            source = next(e for e in imported["indicators"] if e["id"] == two[entry["id"]])
        assert source is not None, entry["name"]
        diff = {k for k in (*VALUES, "unit", "comparator", "kind") if entry.get(k) != source.get(k)}
        if diff:
            changed[entry.get("id") or entry["name"]] = diff
    # what the review decided (the file's header says why): nothing else differs from the import
    assert changed == {"urban_new_jobs_yearly": {"kind"}, "working_age_schooling_years": {"comparator"},
                       "grain_capacity": {"comparator"}, "urban_rural_income_ratio": {"unit"}}  # fmt: skip
    jobs = plan.target("urban_new_jobs_yearly")
    assert (jobs["kind"], jobs["comparator"], jobs["target"]) == ("annual", ">", 25)
    assert plan.meta.region == "杭州市"  # no observations are named so: nothing of another place is read as Hangzhou's
    assert "本规划是他市规划，仅作导入新规划的示例：本项目未收集杭州市的统计数据，各项指标均为数据暂缺。" in plan.meta.caveats


@pytest.fixture(scope="module")
def hz_site(tmp_path_factory):
    from planlib.publish.build import build

    mp = pytest.MonkeyPatch()
    root = make_project(tmp_path_factory.mktemp("hz"), mp, [])
    target = root / "reports" / "examples" / "hz-15th" / "manifest.yaml"
    target.parent.mkdir(parents=True)
    shutil.copy(HZ_MANIFEST, target)
    try:
        result = build(formats=("html", "pdf"), progress=False, jobs=2, manifest=target)
        yield target.parent / "_site", result
    finally:
        mp.undo()


def test_hangzhou_example_site_builds_labelled_as_an_example(hz_site):
    site, result = hz_site
    assert result.ok, result.failed
    assert sorted(result.built) == ["annual-2026"]
    assert (site / "annual-2026.pdf").read_bytes()[:5] == b"%PDF-"
    assert "新规划导入示例：杭州市“十五五”规划纲要主要指标（他市规划，仅作示例）" in (site / "index.html").read_text(encoding="utf-8")
    text = _text(site / "annual-2026.html")
    assert "主要指标表的25项主要指标中，数据暂缺25项（" in text  # every indicator named in the counts sentence
    assert "本规划是他市规划，仅作导入新规划的示例" in text
    assert "城镇新增就业人数（万人）31.4≥125万人（五年累计）" in text  # baseline and target from the plan YAML
    assert "货物和服务贸易进出口总额占全省份额（%）21.5（2024年）≥22%" in text
    for word in ("重庆", "一区两群", "十四五就业促进"):
        assert word not in text, word
    assert {p.stem for p in (site / "indicators").glob("*.html")} >= {"urban_new_jobs", "grain_capacity", "index"}


# ------------------------------------------------------------------------------------- national 十五五


def _round4() -> list[dict]:
    with ROUND4.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_national_15th_registers_only_what_its_text_confirms():
    plan = load_plan("cn-15th")
    assert list(plan.indicators["id"]) == ["surveyed_unemployment_rate", "working_age_schooling_years",
                                           "life_expectancy"]  # fmt: skip
    assert plan.indicators["attribute"].isna().all()  # 属性 is printed only in the table image
    assert (plan.meta.period_start, plan.meta.period_end, plan.meta.region) == (2026, 2030, "全国")
    rows = _round4()
    texts = " ".join(r["row_text"] for r in rows)
    for spec in [*plan.indicators.to_dict("records"), *[u.model_dump() for u in plan.unassessed]]:
        assert spec["source_text"] in texts, spec["name"]  # quoted from the research copy of the 纲要's text
    official = {r["indicator"]: r["baseline_2025"] for r in rows if r["plan"].startswith("国家“十四五”收官")}
    assert official["城镇调查失业率（2025年平均）"] == "5.2" and plan.target("surveyed_unemployment_rate")["baseline"] == 5.2
    assert official["劳动年龄人口平均受教育年限（2025年）"] == "11.3"
    assert plan.target("working_age_schooling_years")["baseline"] == 11.3
    assert official["人均预期寿命（2025年）"] == "79.25" and plan.target("life_expectancy")["baseline"] == 79.25
    assert [u.name for u in plan.unassessed] == ["居民人均可支配收入增长", "单位国内生产总值二氧化碳排放降低", "国内生产总值增长"]
    header = (REPO / "src" / "planlib" / "plans" / "cn-15th.yaml").read_text(encoding="utf-8").split("plan:")[0]
    for left_out in ("城镇新增就业", "养老机构护理型床位占比", "3岁以下婴幼儿入托率", "基本养老保险参保率"):
        assert left_out in header and left_out not in set(plan.indicators["name"]), left_out


@pytest.fixture(scope="module")
def cn_site(tmp_path_factory):
    from planlib.publish.build import build

    mp = pytest.MonkeyPatch()
    root = make_project(tmp_path_factory.mktemp("cn15"), mp, [])
    target = root / "reports" / "national-15th" / "manifest.yaml"
    target.parent.mkdir(parents=True)
    shutil.copy(CN_MANIFEST, target)
    try:
        result = build(formats=("html",), progress=False, jobs=2, manifest=target)
        yield target.parent / "_site", result
    finally:
        mp.undo()


def test_national_15th_site_builds_beside_the_14th(cn_site):
    site, result = cn_site
    assert result.ok, result.failed
    assert sorted(result.built) == ["annual-2026"] and result.site == site
    assert "“十五五”规划纲要主要目标实施评估（全国）" in (site / "index.html").read_text(encoding="utf-8")
    text = _text(site / "annual-2026.html")
    assert "主要目标的3项主要指标中，数据暂缺3项（" in text
    assert "城镇调查失业率（%）5.2<5.5%（每年）" in text  # the official 2025 value as the baseline
    assert "劳动年龄人口平均受教育年限（年）11.3≥11.7年" in text
    assert "规划纲要的主要指标表以图片发布" in text
    for word in ("重庆", "全市", "一区两群", "专栏"):
        assert word not in text, word
