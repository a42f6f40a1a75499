"""Vintages: an assessment as it could be made on a date, from the figures published by then (real data)."""

from __future__ import annotations

import pytest

import planlib
from planlib.indicators.assessment import assess
from planlib.inputs.observations import as_known_on


@pytest.fixture(scope="module")
def real():
    return planlib.load_plan(), planlib.load_observations()


def _gdp(frame):
    sel = frame[(frame["indicator_id"] == "gdp") & (frame["region"] == "全市") & frame["preferred"] & frame["is_annual"]]
    return dict(zip(sel["year"].astype(int), sel["value"], strict=True))


def test_an_earlier_vintage_shows_first_releases_and_nothing_published_later(real):
    _, obs = real
    latest, then = _gdp(obs), _gdp(as_known_on(obs, "2024-03-31"))
    # the yearbook of 2025 revised the GDP series after the 5th economic census; in March 2024 only the
    # first releases were out, and nothing at all for 2024
    assert then == {2020: 25002.79, 2021: 27894.02, 2022: 29129.03, 2023: 30145.79}
    assert {y: latest[y] for y in then} == {2020: 25158.07, 2021: 28092.54, 2022: 28771.84, 2023: 30614.28}
    assert latest[2024] == 32046.73
    # the choice rule runs again on what was known: no row of a later release is preferred or mentioned
    earlier = as_known_on(obs, "2024-03-31")
    assert not (earlier["superseded"] & (earlier["indicator_id"] == "gdp") & (earlier["region"] == "全市")).any()
    assert list(earlier.columns) == list(obs.columns) and len(earlier) < len(obs)
    assert as_known_on(obs, "latest") is obs


def test_assess_under_a_vintage(real):
    plan, obs = real
    now = assess(plan, obs, as_of=2023).set_index("id").loc["urban_employment_share"]
    then = assess(plan, obs, as_of=2023, vintage="2024-03-31").set_index("id").loc["urban_employment_share"]
    # 2023's 66.72 comes from 重庆统计年鉴2025 (published 2025-11-30): unknown in March 2024
    assert (now["latest_year"], now["latest_value"], now["status"]) == (2023, 66.72, "达到序时进度、预计可超额完成")
    assert (then["latest_year"], then["latest_value"], then["status"]) == (2022, 66.1, "未达序时进度")


def test_a_vintage_must_be_a_date():
    with pytest.raises(ValueError) as info:
        as_known_on(planlib.load_observations(), "2024-02-30")
    assert str(info.value) == "数据版本“2024-02-30”应为 latest 或 YYYY-MM-DD 格式的日期,如 2024-03-31"


def test_a_report_rebuilt_under_an_earlier_vintage_reads_as_it_would_have(tmp_path, monkeypatch):
    """annual-2023 as known on 2024-03-31 (real data): the 2023 城镇就业占比 (66.72, yearbook of 2025) is not
    there yet, the report uses 2022's 66.1 and says which vintage it is."""
    import re

    from planlib.publish.build import build
    from tests.conftest import make_project

    root = make_project(tmp_path, monkeypatch, [
        {"id": "annual-2023", "notebook": "notebooks/annual.ipynb", "title": "2023年度评估报告(按 2024-03-31 数据)",
         "parameters": {"vintage": "2024-03-31"}}])  # fmt: skip
    result = build(progress=False, formats=("html",))
    assert result.ok, result.failed
    page = (root / "reports" / "_site" / "annual-2023.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", page))
    assert "数据截至2023年（按2024-03-31已公布的数据）" in text
    assert "城镇就业占比2022年为66.1%" in text and "66.72" not in text
    assert "数据版本：按2024-03-31已公布的数据重写（此后的修订和发布不计入）。" in text


def test_a_vintage_in_the_manifest_must_be_a_date(tmp_path, monkeypatch):
    from planlib.errors import DataError
    from planlib.publish.manifest import load_manifest
    from tests.conftest import make_project

    root = make_project(tmp_path, monkeypatch, [
        {"id": "annual-2023", "notebook": "notebooks/annual.ipynb", "parameters": {"vintage": "2024-13-01"}}])
    with pytest.raises(DataError) as info:
        load_manifest(root / "reports" / "manifest.yaml")
    assert str(info.value).endswith("reports[0] (id=annual-2023),字段“parameters.vintage”:数据版本“2024-13-01”无法识别;"
                                    "应为:latest,或 YYYY-MM-DD 格式的日期,如 2024-03-31")
