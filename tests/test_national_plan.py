"""The national 《“十四五”就业促进规划》(国发〔2021〕14号) as a second real plan, with its own small site.

Plan: src/planlib/plans/cn-employment-14th.yaml (the four indicators whose target is confirmed); data:
data/raw/national/ (region 全国, written by scripts/national_to_raw.py from the research copy in original/);
site: reports/national/manifest.yaml, built with ``planlib build --manifest``. No code is written for it.
"""

from __future__ import annotations

import importlib.util
import re
import shutil

import pytest

from planlib.indicators import assessment as A
from planlib.inputs.observations import load_observations
from planlib.inputs.plan import load_plan
from tests.conftest import REPO, make_project

NATIONAL = REPO / "data" / "raw" / "national"


@pytest.fixture(scope="module")
def plan():
    return load_plan("cn-employment-14th")


def test_only_the_four_confirmed_indicators_are_registered(plan):
    assert list(plan.indicators["id"]) == ["urban_new_jobs", "surveyed_unemployment_rate",
                                           "working_age_schooling_years", "new_labour_higher_education_share"]
    assert list(plan.indicators["attribute"].fillna("未见")) == ["未见", "未见", "约束性", "未见"]
    assert plan.targets.empty
    assert plan.meta.region == "全国" and plan.meta.layout_name is None
    rec = plan.target("new_labour_higher_education_share")
    assert rec["baseline"] != rec["baseline"] and rec["target"] == 55  # no baseline was found
    assert "属性均未找到" in rec["note"]


def test_national_assessment_from_the_published_figures(plan):
    a = A.assess(plan, load_observations(), as_of=2025).set_index("id")
    jobs = a.loc["urban_new_jobs"]
    assert jobs["cumulative"] == 1269 + 1206 + 1244 + 1256 + 1267 == 6242
    assert jobs["completion"] == pytest.approx(6242 / 5500)
    assert jobs["status"] == A.DONE
    rate = a.loc["surveyed_unemployment_rate"]  # 2022: 5.6, above the 5.5 cap
    assert (rate["years_met"], rate["years_assessed"], rate["status"]) == (4, 5, A.NOT_DONE)
    schooling = a.loc["working_age_schooling_years"]  # 11.21 in 2024: (11.21 − 10.8) / (11.3 − 10.8)
    assert schooling["latest_value"] == 11.21 and schooling["completion"] == pytest.approx(0.82)
    assert a.loc["new_labour_higher_education_share", "status"] == A.MISSING


def test_chongqing_assessment_never_reads_national_rows():
    a = A.assess(load_plan(), load_observations(), as_of=2025).set_index("id")
    assert a.loc["urban_new_jobs", "cumulative"] != 6242
    assert "kan.china.com" not in " ".join(a["sources"].fillna(""))  # a national source


def test_national_raw_file_passes_check_and_is_the_script_output(tmp_path, capsys):
    from planlib.cli import main

    assert main(["check", str(NATIONAL / "national_observations.csv")]) == 0
    assert "通过 —— 35 行,载入 35 行,9 个序列,1 个地区" in capsys.readouterr().out
    spec = importlib.util.spec_from_file_location("national_to_raw", REPO / "scripts" / "national_to_raw.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written, skipped = module.convert(target=tmp_path / "out.csv")
    assert written == 35 and len(skipped) == 14
    assert (tmp_path / "out.csv").read_bytes() == (NATIONAL / "national_observations.csv").read_bytes()


@pytest.fixture(scope="module")
def national_site(tmp_path_factory):
    from planlib.publish.build import build

    mp = pytest.MonkeyPatch()
    root = make_project(tmp_path_factory.mktemp("national"), mp, [])
    (root / "reports" / "national").mkdir()
    shutil.copy(REPO / "reports" / "national" / "manifest.yaml", root / "reports" / "national" / "manifest.yaml")
    try:
        result = build(formats=("html", "pdf"), progress=False, jobs=2,
                       manifest=root / "reports" / "national" / "manifest.yaml")
        yield root, result
    finally:
        mp.undo()


def _text(path) -> str:
    page = re.sub(r"<style>.*?</style>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", " ", page))


def test_national_site_builds_beside_its_manifest(national_site):
    root, result = national_site
    site = root / "reports" / "national" / "_site"
    assert result.ok, result.failed
    assert result.site == site and not (root / "reports" / "_site").exists()
    assert sorted(result.built) == ["annual-2024", "final-2025", "midterm-2023"]
    for rid in result.built:
        assert (site / f"{rid}.html").is_file() and (site / f"{rid}.pdf").read_bytes()[:5] == b"%PDF-"
    assert "“十四五”就业促进规划实施评估（全国）" in (site / "index.html").read_text(encoding="utf-8")


def test_national_final_report_says_the_national_numbers(national_site):
    root, _ = national_site
    text = _text(root / "reports" / "national" / "_site" / "final-2025.html")
    assert ("2025年全国城镇新增就业1,267万人；2021—2025年累计6,242万人，完成五年目标（5,500万人）的113.5%，"
            "序时进度为100.0%，已完成。") in text
    assert "区县调查失业率" not in text  # a plan without districts states no district scope
    assert ("主要目标的4项主要指标中，已完成1项（城镇新增就业），达到或基本达到序时进度、预计可如期完成1项（劳动年龄人口"
            "平均受教育年限），未完成1项（城镇调查失业率）；另有数据暂缺1项（新增劳动力受过高等教育比例）。") in text
    assert ("本报告尚未收集到2项主要指标的2025年全年数据（劳动年龄人口平均受教育年限、新增劳动力受过高等教育比例）") in text
    for word in ("全市", "重庆", "一区两群", "区域协调", "区县就业热力指数"):
        assert word not in text, word
