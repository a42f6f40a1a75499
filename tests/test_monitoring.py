"""Monthly monitoring (issue 15): every indicator on a small SYNTHETIC fixture, values computed by hand.

The fixture files are synthetic test data (their ``synthetic`` column says so); the 常住人口 used as
denominator is synthetic too (万州区 100, 涪陵区 50, 渝中区 20 万人), passed in, never read from data/raw.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

from planlib.indicators import monitoring as M
from planlib.inputs import records as R

TODAY = dt.date(2026, 11, 29)
LABEL = "SYNTHETIC 合成测试数据"
POPULATION = pd.Series({"万州区": 100.0, "涪陵区": 50.0, "渝中区": 20.0})


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def events(district: str, event: str, day: str, n: int, *, graduate: int = 0, migrant: int = 0, youth: int = 0,
           start: int = 0) -> list[list[object]]:
    """``n`` register rows; the first ``graduate`` are graduates, the first ``migrant`` migrant workers, the
    first ``youth`` aged 16-24 (the rest 35-44)."""
    return [[f"{district}-{event}-{day}-{start + i}", district, event, day, "C", "16-24" if i < youth else "35-44",
             int(i < graduate), int(i < migrant), 0, LABEL] for i in range(n)]


REGISTER_HEADER = ["person_id", "district", "event", "event_date", "industry", "age_group", "is_graduate",
                   "is_migrant_worker", "is_hard_to_employ", "synthetic"]


def register_rows() -> list[list[object]]:
    rows = []
    rows += events("万州区", "就业登记", "2025-10-15", 4)                        # a year earlier: employment only
    rows += events("万州区", "期初在册", "2026-09-01", 10)
    rows += events("万州区", "失业登记", "2026-09-10", 4, graduate=2, youth=1)
    rows += events("万州区", "登记注销", "2026-09-20", 3)
    rows += events("万州区", "就业登记", "2026-09-21", 6, graduate=2, migrant=1)
    rows += events("万州区", "失业登记", "2026-10-08", 5, graduate=1, youth=2)
    rows += events("万州区", "登记注销", "2026-10-09", 2)
    rows += events("万州区", "就业登记", "2026-10-10", 8, graduate=3, migrant=2, youth=3)
    rows += events("涪陵区", "期初在册", "2026-09-01", 6)
    rows += events("涪陵区", "失业登记", "2026-09-03", 2)
    rows += events("涪陵区", "登记注销", "2026-09-04", 1)
    rows += events("涪陵区", "就业登记", "2026-09-05", 3)
    rows += events("涪陵区", "失业登记", "2026-10-03", 3, migrant=1)
    rows += events("涪陵区", "登记注销", "2026-10-04", 4)
    rows += events("涪陵区", "就业登记", "2026-10-05", 5, graduate=1)
    rows += events("渝中区", "就业登记", "2026-09-30", 2)
    rows += events("渝中区", "失业登记", "2026-10-31", 1, youth=1)
    rows += events("渝中区", "就业登记", "2026-10-31", 4)
    return rows


ENTERPRISE_HEADER = ["enterprise_id", "district", "industry", "month", "jobs_start", "jobs_end", "jobs_cut",
                     "jobs_added", "cut_reason", "synthetic"]
ENTERPRISE_ROWS = [
    ["E1", "万州区", "C", "2025-10", 90, 95, 0, 5, "", LABEL],
    ["E1", "万州区", "C", "2026-10", 100, 104, 2, 6, "订单减少", LABEL],
    ["E2", "万州区", "C", "2026-10", 50, 45, 5, 0, "生产经营困难", LABEL],
    ["E3", "万州区", "制造业", "2026-10", 20, 20, 1, 1, "自然减员", LABEL],
    ["E4", "涪陵区", "F", "2026-10", 30, 33, 0, 3, "", LABEL],
]
POSTING_HEADER = ["date", "district", "industry", "record_type", "count", "occupation", "synthetic"]
POSTING_ROWS = [
    ["2026-10-02", "万州区", "C", "招聘", 30, "生产制造人员", LABEL],
    *[["2026-10-03", "万州区", "C", "求职", 1, "生产制造人员", LABEL] for _ in range(10)],
    ["2026-10-04", "涪陵区", "F", "招聘", 6, "商业服务人员", LABEL],
    ["2026-10-05", "涪陵", "批发和零售业", "求职", 12, "商业服务人员", LABEL],
]


def settings_with(tmp_path: Path, **disclosure: object) -> R.MonitoringSettings:
    """The shipped settings with other disclosure values (a copy in tmp_path)."""
    raw = yaml.safe_load(R.SETTINGS_FILE.read_text(encoding="utf-8"))
    raw["disclosure"].update(disclosure)
    for rule in raw["alerts"]["rules"]:
        if rule.get("min_count") is not None:
            rule["min_count"] = max(rule["min_count"], int(raw["disclosure"]["threshold"]))
    path = tmp_path / "monitoring.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return R.load_settings(path)


@pytest.fixture
def files(tmp_path):
    return {
        "registers": write_csv(tmp_path / "registers.csv", REGISTER_HEADER, register_rows()),
        "enterprises": write_csv(tmp_path / "enterprises.csv", ENTERPRISE_HEADER, ENTERPRISE_ROWS),
        "postings": write_csv(tmp_path / "postings.csv", POSTING_HEADER, POSTING_ROWS),
    }


@pytest.fixture
def open_result(files, tmp_path):
    """Everything computed with threshold 1 (nothing hidden), so each value can be checked by hand."""
    settings = settings_with(tmp_path, threshold=1, min_enterprises=1)
    with R.open_records([files["registers"]], [files["enterprises"]], [files["postings"]], settings=settings,
                        today=TODAY) as records:
        return M.compute_monthly(records, "2026-10", population=POPULATION, settings=settings, today=TODAY)


def v(result, series, region="全市", month="2026-10"):
    return result.value(series, region, month)


def test_register_flows_and_stock_by_hand(open_result):
    r = open_result
    assert [v(r, "mon_new_employment", d) for d in ("万州区", "涪陵区", "渝中区", "全市")] == [8, 5, 4, 17]
    assert [v(r, "mon_unemployment_inflow", d) for d in ("万州区", "涪陵区", "渝中区", "全市")] == [5, 3, 1, 9]
    assert [v(r, "mon_unemployment_exits", d) for d in ("万州区", "涪陵区", "渝中区", "全市")] == [2, 4, 0, 6]
    # 月末登记失业人数 = 期初在册 + Σ失业登记 − Σ注销: 万州 10+4−3 = 11 (Sep), 11+5−2 = 14 (Oct)
    assert [v(r, "mon_registered_unemployed", d, "2026-09") for d in ("万州区", "涪陵区", "渝中区", "全市")] == [11, 7, 0, 18]
    assert [v(r, "mon_registered_unemployed", d) for d in ("万州区", "涪陵区", "渝中区", "全市")] == [14, 6, 1, 21]
    # a month without events inside the register's span is 0, not missing (万州 2026-03)
    assert v(r, "mon_new_employment", "万州区", "2026-03") == 0
    assert v(r, "mon_registered_unemployed", "万州区", "2026-03") == 0


def test_rates_per_10k_and_exit_rate_by_hand(open_result):
    r = open_result
    assert v(r, "mon_registered_unemployed_per_10k", "万州区") == pytest.approx(0.14)   # 14 ÷ 100 万人
    assert v(r, "mon_registered_unemployed_per_10k", "涪陵区") == pytest.approx(0.12)   # 6 ÷ 50
    assert v(r, "mon_new_employment_per_10k", "渝中区") == pytest.approx(0.2)           # 4 ÷ 20
    assert math.isnan(v(r, "mon_registered_unemployed_per_10k"))  # 全市: population of 3 of 38 区县 only
    assert v(r, "mon_exit_rate", "万州区") == pytest.approx(2 / 11 * 100)                # 注销 ÷ 上月末
    assert v(r, "mon_exit_rate", "涪陵区") == pytest.approx(4 / 7 * 100)
    assert v(r, "mon_exit_rate") == pytest.approx(6 / 18 * 100)
    assert math.isnan(v(r, "mon_exit_rate", "渝中区"))  # no one registered at the end of September


def test_key_group_breakdowns_by_hand(open_result):
    r = open_result
    assert v(r, "mon_new_employment_graduate", "万州区") == 3
    assert v(r, "mon_new_employment_graduate") == 4          # 万州 3 + 涪陵 1
    assert v(r, "mon_new_employment_migrant") == 2
    assert v(r, "mon_new_employment_youth", "万州区") == 3
    assert v(r, "mon_unemployment_inflow_youth") == 3         # 万州 2 + 渝中 1
    assert v(r, "mon_unemployment_inflow_migrant", "涪陵区") == 1
    assert v(r, "mon_unemployment_inflow_graduate", "万州区", "2026-09") == 2


def test_enterprise_and_posting_series_by_hand(open_result):
    r = open_result
    assert v(r, "mon_enterprise_sample", "万州区") == 3
    assert v(r, "mon_enterprise_layoff_rate", "万州区") == pytest.approx(8 / 170 * 100)    # (2+5+1) ÷ (100+50+20)
    assert v(r, "mon_enterprise_net_change_rate", "万州区") == pytest.approx(-1 / 170 * 100)  # 169 − 170
    assert v(r, "mon_enterprise_net_change_rate", "涪陵区") == pytest.approx(10.0)
    assert v(r, "mon_enterprise_layoff_rate") == pytest.approx(4.0)                      # 8 ÷ 200
    assert v(r, "mon_vacancies", "万州区") == 30
    assert v(r, "mon_applicants", "万州区") == 10
    assert v(r, "mon_vacancy_ratio", "万州区") == pytest.approx(3.0)
    assert v(r, "mon_vacancy_ratio", "涪陵区") == pytest.approx(0.5)
    assert v(r, "mon_vacancy_ratio") == pytest.approx(36 / 22)


def test_industry_climate_by_hand(open_result):
    ind = open_result.industry.set_index(["industry", "month"])
    # 制造业: E1 adds, E2 cuts, E3 unchanged → 50 + 50 × (1/3 − 1/3) = 50; a year earlier E1 alone added → 100
    assert ind.loc[("C", "2026-10"), "diffusion"] == pytest.approx(50.0)
    assert ind.loc[("C", "2026-10"), "diffusion_last_year"] == pytest.approx(100.0)
    assert ind.loc[("F", "2026-10"), "diffusion"] == pytest.approx(100.0)
    assert ind.loc[("全部", "2026-10"), "diffusion"] == pytest.approx(62.5)   # 50 + 50 × (2/4 − 1/4)
    assert ind.loc[("C", "2026-10"), "vacancy_ratio"] == pytest.approx(3.0)   # 30 ÷ 10 (CIER style)
    assert ind.loc[("F", "2026-10"), "vacancy_ratio"] == pytest.approx(0.5)   # 6 ÷ 12 (“批发和零售业” by name)
    assert ind.loc[("全部", "2026-10"), "vacancy_ratio"] == pytest.approx(36 / 22)
    assert ind.loc[("C", "2026-10"), "n_enterprises"] == 3
    assert ind.loc[("C", "2026-10"), "industry_name"] == "制造业"
    assert bool(ind.loc[("C", "2026-10"), "key"]) is True


def test_heat_index_by_hand(open_result):
    heat = open_result.heat[open_result.heat["month"] == "2026-10"].set_index("region")
    # components (per month, min-max across 区县): new employment/10k 0.08, 0.10, 0.20 (higher);
    # inflow/10k 0.05, 0.06, 0.05 (lower); stock/10k 0.14, 0.12, 0.05 (lower); exit rate 18.2, 57.1, — (higher);
    # 求人倍率 3, 0.5, — (higher); enterprise net change −0.59 %, 10 %, — (higher)
    assert heat.loc["万州区", "index"] == pytest.approx((0 + 100 + 0 + 0 + 100 + 0) / 6)
    assert heat.loc["涪陵区", "index"] == pytest.approx((100 / 6 + 0 + 200 / 9 + 100 + 0 + 100) / 6)
    assert heat.loc["渝中区", "index"] == pytest.approx(100.0)  # three components, all best
    assert heat.loc["渝中区", "n_components"] == 3
    assert heat.loc["渝中区", "missing_components"] == "失业登记注销率、求人倍率、监测企业岗位净变化率"
    assert open_result.heat_weights["mon_new_employment_per_10k"] == pytest.approx(1 / 6)


def test_alert_rules_by_hand(open_result):
    alerts = open_result.alerts[open_result.alerts["month"] == "2026-10"]
    fired = alerts[["region", "rule", "level"]].values.tolist()
    # 减员率 ≥ 3 %: 万州 4.7 % and 全市 4.0 %; no 区县 is 10/万人 above the city (全市 has no rate)
    assert fired == [["万州区", "layoff_rate", "橙色"], ["全市", "layoff_rate", "橙色"]]
    rules = [{"id": "jobs_yoy", "level": "黄色", "test": "yoy_rise_pct", "series": "mon_new_employment",
              "threshold": 50.0, "min_count": 1, "text": "新增就业登记同比增长 50% 及以上"},
             {"id": "exit_above_city", "level": "黄色", "test": "above_city", "series": "mon_exit_rate",
              "threshold": 20.0, "text": "注销率高于全市 20 个百分点"},
             {"id": "net_cut", "level": "红色", "test": "at_most", "series": "mon_enterprise_net_change_rate",
              "threshold": -0.5, "text": "监测企业岗位净减少 0.5% 及以上"}]
    extra = M.alerts(open_result, rules)
    extra = extra[extra["month"] == "2026-10"]
    rows = extra[["region", "rule", "value", "reference", "reference_label"]].to_dict("records")
    assert [(r["region"], r["rule"], r["reference_label"]) for r in rows] == [
        ("涪陵区", "exit_above_city", "全市"), ("万州区", "jobs_yoy", "上年同月"), ("全市", "jobs_yoy", "上年同月"),
        ("万州区", "net_cut", "")]
    assert rows[0]["value"] == pytest.approx(4 / 7 * 100) and rows[0]["reference"] == pytest.approx(100 / 3)
    assert (rows[1]["value"], rows[1]["reference"]) == (8, 4)       # +100 %
    assert (rows[2]["value"], rows[2]["reference"]) == (17, 4)      # +325 %


def test_outputs_are_tidy_observations_marked_as_monitoring_data(open_result):
    obs = open_result.observations()
    from planlib.inputs.observations import TIDY_COLUMNS

    assert list(obs.columns) == TIDY_COLUMNS
    row = obs[(obs["indicator_id"] == "mon_registered_unemployed") & (obs["region"] == "万州区")
              & (obs["period_end"] == "2026-10-31")].iloc[0]
    assert (row["value"], row["unit"], row["period_label"], row["period_type"]) == (14.0, "人", "2026年10月末", "partial_year")
    assert (row["region_code"], row["region_kind"], bool(row["is_annual"]), row["confidence"]) == ("500101", "district", False, "test")
    assert row["published_name"] == "登记失业人数（月末）（监测数据）"
    assert row["source_title"] == ("合成测试数据（SYNTHETIC，非真实数据）·行政记录/监测数据（非公布统计数据）：由 registers.csv（73 条记录）、"
                                   "enterprises.csv（5 条记录）、postings.csv（13 条记录） 计算，2026-11-29")
    assert row["source_url"] == "(no URL known)"
    assert row["note"] == "行政记录/监测数据（非公布统计数据）；合成测试数据，非真实数据；计算日期 2026-11-29"
    flow = obs[(obs["indicator_id"] == "mon_new_employment") & (obs["region"] == "全市") & (obs["period_end"] == "2026-10-31")].iloc[0]
    assert (flow["value"], flow["unit"], flow["period_label"], flow["period_start"]) == (17.0, "人次", "2026年10月", "2026-10-01")
    industry = obs[(obs["indicator_id"] == "mon_industry_diffusion_c") & (obs["period_end"] == "2026-10-31")].iloc[0]
    assert (industry["region"], industry["value"]) == ("全市", 50.0)
    assert set(obs["indicator_id"]) >= {"mon_heat_index", "mon_industry_vacancy_ratio_f"}


def test_saved_results_round_trip_and_feed_the_annual_reports(open_result, tmp_path):
    folder = tmp_path / "monitoring" / "2026-10"
    open_result.save(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["alerts.csv", "heat_index.csv", "industry.csv", "meta.json",
                                                        "observations.csv", "values.csv"]
    back = M.load_monthly("2026-10", folder)
    assert back.value("mon_registered_unemployed", "万州区") == 14 and back.synthetic
    obs = M.load_monthly_observations(tmp_path / "monitoring")
    assert len(obs) == len(open_result.observations())
    assert obs.loc[obs["indicator_id"] == "mon_heat_index", "region_code"].str.fullmatch(r"500\d{3}").all()


def test_month_not_ended_and_month_without_records_are_refused(files, tmp_path):
    with R.open_records([files["registers"]], today=TODAY) as records:
        with pytest.raises(M.DataError) as err:
            M.compute_monthly(records, "2026-11", population=POPULATION, today=TODAY)
        assert str(err.value) == "参数 month:2026年11月尚未结束(今天是 2026-11-29);应为:已经结束的月份"
        with pytest.raises(M.DataError) as err:
            M.compute_monthly(records, "2024-10", population=POPULATION, today=TODAY)
        assert str(err.value).endswith("registers.csv:记录中没有 2024年10月的数据;应为:含 2024-10 记录的登记、企业样本或招聘求职文件")
