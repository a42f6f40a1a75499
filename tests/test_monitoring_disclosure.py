"""Disclosure control of the monthly monitoring results (threshold 5, the shipped default).

Cells are SYNTHETIC test values; each expectation is worked out by hand from the rule in
``settings/monitoring.yaml`` (``disclosure``) and :func:`planlib.indicators.monitoring.suppress`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from planlib.indicators import monitoring as M
from planlib.inputs import records as R
from tests.test_monitoring import (
    ENTERPRISE_HEADER,
    ENTERPRISE_ROWS,
    POPULATION,
    REGISTER_HEADER,
    register_rows,
    write_csv,
)

TODAY = dt.date(2026, 11, 29)


def cells(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["series", "region", "month", "value"])


def hidden(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    flags = M.suppress(frame)
    return sorted(tuple(r) for r in frame.loc[flags, ["series", "region", "month"]].to_numpy().tolist())


def column(series: str, values: dict[str, float], month: str = "2026-10") -> list[tuple[str, str, str, float]]:
    total = sum(values.values())
    return [(series, region, month, value) for region, value in values.items()] + [(series, "全市", month, total)]


def test_a_small_count_and_the_smallest_other_cell_are_hidden():
    # 3 < 5 is hidden; alone it could be recovered as 33 − 10 − 20, so the smallest other positive cell (10) goes too
    frame = cells(column("mon_new_employment", {"万州区": 3, "涪陵区": 10, "渝中区": 20}))
    assert hidden(frame) == [("mon_new_employment", "万州区", "2026-10"), ("mon_new_employment", "涪陵区", "2026-10")]


def test_zero_is_published_and_never_a_complementary_cell():
    frame = cells(column("mon_unemployment_inflow", {"万州区": 0, "涪陵区": 2, "渝中区": 7, "北碚区": 9}))
    assert hidden(frame) == [("mon_unemployment_inflow", "涪陵区", "2026-10"),
                             ("mon_unemployment_inflow", "渝中区", "2026-10")]


def test_hidden_cells_must_sum_to_threshold_plus_count_minus_one():
    # 1 and 1 sum to 2 (< 5 + 1): anyone could tell both are tiny, so 5 is hidden too (1 + 1 + 5 = 7 ≥ 5 + 2)
    frame = cells(column("mon_unemployment_exits", {"万州区": 1, "涪陵区": 1, "渝中区": 5, "北碚区": 40}))
    assert hidden(frame) == [("mon_unemployment_exits", "万州区", "2026-10"), ("mon_unemployment_exits", "涪陵区", "2026-10"),
                             ("mon_unemployment_exits", "渝中区", "2026-10")]


def test_the_total_goes_when_no_other_cell_can_protect():
    frame = cells(column("mon_new_employment", {"万州区": 2, "涪陵区": 0}))
    assert hidden(frame) == [("mon_new_employment", "万州区", "2026-10"), ("mon_new_employment", "全市", "2026-10")]


def test_a_group_count_is_hidden_when_the_rest_of_its_total_is_small():
    # 8 graduates of 10: the other 2 would be 10 − 8; the graduate cell is hidden, then its column is protected
    frame = cells(column("mon_new_employment", {"万州区": 10, "涪陵区": 30, "渝中区": 40})
                  + column("mon_new_employment_graduate", {"万州区": 8, "涪陵区": 9, "渝中区": 12}))
    assert hidden(frame) == [("mon_new_employment_graduate", "万州区", "2026-10"),
                             ("mon_new_employment_graduate", "涪陵区", "2026-10")]


def test_the_stock_flow_identity_cannot_reveal_a_hidden_flow():
    # 上月末 20 + 新增 3 − 注销 6 = 本月末 17: with 3 hidden, 6 could give it back (20 + x − 6 = 17), so 6 goes;
    # one 区县 only: each column's total equals its one cell, so the 全市 cells go as well
    rows = [("mon_registered_unemployed", r, "2026-09", 20) for r in ("万州区", "全市")]
    rows += [("mon_registered_unemployed", r, "2026-10", 17) for r in ("万州区", "全市")]
    rows += [("mon_unemployment_inflow", r, "2026-10", 3) for r in ("万州区", "全市")]
    rows += [("mon_unemployment_exits", r, "2026-10", 6) for r in ("万州区", "全市")]
    assert hidden(cells(rows)) == [("mon_unemployment_exits", "万州区", "2026-10"), ("mon_unemployment_exits", "全市", "2026-10"),
                                   ("mon_unemployment_inflow", "万州区", "2026-10"), ("mon_unemployment_inflow", "全市", "2026-10")]


def test_rates_made_from_hidden_counts_are_hidden():
    rows = column("mon_registered_unemployed", {"万州区": 4, "涪陵区": 50, "渝中区": 60}, "2026-09")
    rows += [("mon_registered_unemployed_per_10k", "万州区", "2026-09", 0.04),
             ("mon_registered_unemployed_per_10k", "渝中区", "2026-09", 0.6),
             ("mon_exit_rate", "万州区", "2026-10", 25.0), ("mon_exit_rate", "渝中区", "2026-10", 10.0)]
    got = hidden(cells(rows))
    assert ("mon_registered_unemployed_per_10k", "万州区", "2026-09") in got
    assert ("mon_exit_rate", "万州区", "2026-10") in got  # 注销 ÷ a hidden 上月末 stock
    assert ("mon_registered_unemployed_per_10k", "渝中区", "2026-09") not in got


def test_every_published_table_has_no_recoverable_cell_and_one_mark(tmp_path):
    """End to end with the default threshold: in every column either nothing is hidden, or at least two cells
    are and they sum to ≥ threshold + hidden − 1; hidden values are not written anywhere; one mark for all."""
    regs = write_csv(tmp_path / "registers.csv", REGISTER_HEADER, register_rows())
    ents = write_csv(tmp_path / "enterprises.csv", ENTERPRISE_HEADER, ENTERPRISE_ROWS)
    with R.open_records([regs], [ents], today=TODAY) as records:
        result = M.compute_monthly(records, "2026-10", population=POPULATION, today=TODAY)
    v = result.values
    # 2026-10 new employment 8, 5, 4 (全市 17): 4 is small → 4 and 5 hidden (sum 9 ≥ 6), 8 and 17 shown
    ne = v[(v["series"] == "mon_new_employment") & (v["month"] == "2026-10")].set_index("region")
    assert ne["suppressed"].to_dict() == {"万州区": False, "涪陵区": True, "渝中区": True, "全市": False}
    assert ne["value"].isna().to_dict() == ne["suppressed"].to_dict()
    # enterprise rates need 5 sampled enterprises: 万州 has 3
    assert bool(v[(v["series"] == "mon_enterprise_layoff_rate") & (v["region"] == "万州区")
                  & (v["month"] == "2026-10")]["suppressed"].iloc[0])
    folder = tmp_path / "out"
    result.save(folder)
    saved = pd.read_csv(folder / "values.csv", dtype={"month": str})
    assert saved.loc[saved["suppressed"], "value"].isna().all()
    assert "primary" not in (folder / "values.csv").read_text(encoding="utf-8")
    from planlib.presentation.monitoring import district_table

    table = district_table(result, ["mon_new_employment"], name="t", caption="测试")
    assert table.frame.set_index("地区").loc[["涪陵区", "渝中区", "万州区", "全市"]].iloc[:, 0].tolist() == ["不予公布", "不予公布", 8, 17]
    assert table.frame.set_index("地区").loc["北碚区"].iloc[0] == "数据暂缺"


@pytest.mark.parametrize("threshold", [3, 5, 10])
def test_columns_satisfy_the_rule_for_any_threshold(tmp_path, threshold):
    from tests.synthetic_records import write_registers

    path = write_registers(tmp_path / "synthetic_registers.csv", 4000, first="2026-01", last="2026-10", identifiers=False)
    from tests.test_monitoring import settings_with

    settings = settings_with(tmp_path, threshold=threshold)
    with R.open_records([path], settings=settings, today=TODAY) as records:
        result = M.compute_monthly(records, "2026-10", population=POPULATION, settings=settings, today=TODAY)
        raw = records.con.execute("SELECT count(*) FROM registers").fetchall()[0][0]
    assert raw == 4000
    v = result.values
    counts = [s for s, spec in M.series_table(settings).items() if spec.disclosure == "count"]
    bad = []
    for (series, month), col in v[v["series"].isin(counts)].groupby(["series", "month"]):
        inner = col[(col["region"] != "全市") & col["suppressed"]]
        city_hidden = bool(col.loc[col["region"] == "全市", "suppressed"].any())
        if len(inner) == 1 and not city_hidden:
            bad.append((series, month))
    assert bad == []
