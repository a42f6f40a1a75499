"""Tidy observations from the real raw files: values, periods, units, provenance, the choice rule."""

from __future__ import annotations

import pandas as pd
import pytest

from planlib.observations import TIDY_COLUMNS, annual_values, choose_preferred, load_observations


@pytest.fixture(scope="module")
def obs():
    return load_observations()


def _one(obs, **conditions):
    sel = obs
    for col, value in conditions.items():
        sel = sel[sel[col] == value]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_columns_and_provenance_on_every_row(obs):
    assert list(obs.columns) == TIDY_COLUMNS
    assert obs["source_title"].str.len().gt(0).all()
    has_url = obs["source_url"].str.startswith("http")
    # one district row says explicitly that its source has no known address
    assert (~has_url).sum() == 1 and set(obs.loc[~has_url, "source_url"]) == {"(no URL known)"}
    assert set(obs["confidence"]) == {"high", "medium", "low"}


def test_urban_new_jobs_full_years(obs):
    values = annual_values(obs, "urban_new_jobs")
    assert values.to_dict() == {2020: 65.56, 2021: 75.1, 2022: 70.67, 2023: 73.9, 2024: 71.9}
    # 2021–2024 by hand: 75.1 + 70.67 + 73.9 + 71.9 = 291.57
    assert values.loc[2021:2024].sum() == pytest.approx(291.57)


def test_partial_and_cumulative_periods_are_kept_but_not_annual(obs):
    q1 = _one(obs, indicator_id="urban_new_jobs", region="全市", period_type="partial_year")
    assert (q1["value"], q1["year"], q1["is_annual"]) == (17.2, 2025, False)
    assert (q1["period_start"], q1["period_end"]) == ("2025-01-01", "2025-03-31")
    span = _one(obs, indicator_id="urban_new_jobs", region="全市", period_type="multi_year")
    assert span["value"] == pytest.approx(362.3) and pd.isna(span["year"])
    assert (span["period_start"], span["period_end"]) == ("2016-01-01", "2020-12-31")
    as_of = _one(obs, indicator_id="urban_new_jobs", region="全市", period_type="as_of")
    assert as_of["value"] == 348 and as_of["period_end"] == "2025-10-10"


def test_unemployment_rate_december_is_not_the_2021_value(obs):
    values = annual_values(obs, "surveyed_unemployment_rate")
    assert 2021 not in values.index  # only "2021 (Dec)" = 5.2 was published
    assert values.to_dict() == {2020: 5.7, 2022: 5.4, 2023: 5.4, 2024: 5.3}


def test_district_units_converted_to_series_unit(obs):
    yunyang = _one(obs, indicator_id="urban_new_jobs", region="云阳县", year=2020)
    assert yunyang["value"] == pytest.approx(1.5016)  # 15016 人 = 1.5016 万人
    assert (yunyang["published_value"], yunyang["published_unit"], yunyang["unit"]) == ("15016", "人", "万人")
    assert yunyang["region_code"] == "500235" and yunyang["region_kind"] == "district"


def test_census_population_for_all_38_districts(obs):
    census = obs[(obs["indicator_id"] == "resident_population") & (obs["period_type"] == "census_date")
                 & (obs["region_kind"] == "district") & obs["preferred"]]  # fmt: skip
    assert census["region"].nunique() == 38 and len(census) == 38
    # 38 区县 sum = 32,054,159 人 = 七普公报 total
    assert census["value"].sum() == pytest.approx(3205.4159)
    assert not census["is_annual"].any()


def test_conflicting_values_are_kept_and_the_rule_picks_confidence(obs):
    yuzhong = obs[(obs["indicator_id"] == "gdp") & (obs["region"] == "渝中区") & (obs["year"] == 2022)]
    assert sorted(yuzhong["value"]) == [1560.9, 1602.76]
    assert yuzhong["conflict"].all()
    chosen = yuzhong[yuzhong["preferred"]]
    assert list(chosen["value"]) == [1560.9]  # the district work report (high) beats the ranking site (low)


def test_cluster_totals_are_not_districts(obs):
    totals = obs[obs["region_kind"] == "cluster_total"]
    assert set(totals["region"]) >= {"主城都市区", "渝东北三峡库区城镇群"}
    assert totals["region_code"].isna().all()


def test_choose_preferred_uses_recency_after_confidence():
    frame = pd.DataFrame({
        "indicator_id": ["x"] * 3, "region": ["全市"] * 3, "period_type": ["full_year"] * 3,
        "period_start": ["2022-01-01"] * 3, "period_end": ["2022-12-31"] * 3,
        "value": [1.0, 2.0, 3.0], "confidence": ["medium", "medium", "low"],
        "source_title": ["公报(2022-03-01)", "修订公报(2023-05-20)", "网站(2024-01-01)"], "note": ["", "", ""],
    })  # fmt: skip
    out = choose_preferred(frame)
    assert list(out["preferred"]) == [False, True, False]
    assert out["conflict"].all()


def test_unknown_and_ignored_names_are_reported(repo_copy):
    extra = repo_copy / "data" / "raw" / "extra_observations.csv"
    extra.write_text(
        "indicator,year,value,unit,source_title,source_url,confidence\n"
        "城镇新增就业岗位数,2023,50,万个,某网站,https://example.org/a,low\n",
        encoding="utf-8",
    )
    obs, report = load_observations(with_report=True)
    assert "城镇新增就业岗位数" in report.unknown_names
    assert report.unknown_names["城镇新增就业岗位数"] == ["data/raw/extra_observations.csv:2"]
    assert "常住人口城镇化率(七普,推算)" in report.ignored_names
    assert "城镇新增就业人员" in report.unused_names  # an alias no current file uses
    assert "城镇新增就业岗位数" not in set(obs["published_name"])
    assert any("城镇新增就业岗位数" in line for line in report.lines())
