"""Vintages: an assessment as it could be made on a date, from the figures published by then (real data)."""

from __future__ import annotations

import pytest

import planlib
from planlib.assess import assess
from planlib.observations import as_known_on


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
    assert (now["latest_year"], now["latest_value"], now["status"]) == (2023, 66.72, "快于序时进度")
    assert (then["latest_year"], then["latest_value"], then["status"]) == (2022, 66.1, "慢于序时进度")


def test_a_vintage_must_be_a_date():
    with pytest.raises(ValueError) as info:
        as_known_on(planlib.load_observations(), "2024-02-30")
    assert str(info.value) == "数据版本“2024-02-30”应为 latest 或 YYYY-MM-DD 格式的日期,如 2024-03-31"
