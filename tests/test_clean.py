"""Cleaning what researchers paste from bulletins: numbers, units, periods, encodings, 区县 names."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from planlib._paths import raw_dir
from planlib.clean import (
    ANNUAL_TYPES,
    chinese_numeral,
    convert_unit,
    district_table,
    normalise_district,
    parse_number,
    parse_period,
    read_table,
)
from planlib.errors import CleanError


@pytest.mark.parametrize(
    ("cell", "value", "unit", "bound", "approx"),
    [
        ("70.67", 70.67, None, None, False),
        ("７０．６７万人", 70.67, "万人", None, False),  # full-width digits and point
        ("约 1，234.5 万人", 1234.5, "万人", None, True),  # 约, full-width comma as thousands separator
        ("1,234", 1234.0, None, None, False),
        ("３００万人以上", 300.0, "万人", ">=", False),
        ("超过300万人", 300.0, "万人", ">", False),
        ("不少于200场", 200.0, "场", ">=", False),
        (">348", 348.0, None, ">", False),
        ("5.5%以内", 5.5, "%", "<=", False),
        ("75万左右", 75.0, "万", None, True),
        ("70多万人", 70.0, "万人", ">", False),
        ("-0.5", -0.5, None, None, False),  # a negative number, not a range
        ("5.5%", 5.5, "%", None, False),
        ("0.1个百分点", 0.1, "个百分点", None, False),
        ("150万人次", 150.0, "万人次", None, False),
        ("1500亿元", 1500.0, "亿元", None, False),
        ("3500家", 3500.0, "家", None, False),
        ("三", 3.0, None, None, False),
        ("一百二十个", 120.0, "个", None, False),
        ("两万三千", 23000.0, None, None, False),
        (15016, 15016.0, None, None, False),
    ],
)
def test_parse_number(cell, value, unit, bound, approx):
    n = parse_number(cell)
    assert (n.value, n.unit, n.bound, n.approx) == (value, unit, bound, approx)
    assert n.low is None and n.high is None


@pytest.mark.parametrize(("cell", "low", "high", "unit"), [("1—2", 1, 2, None), ("3-5个", 3, 5, "个"),
                                                           ("20~30", 20, 30, None), ("5至10家", 5, 10, "家")])
def test_parse_range(cell, low, high, unit):
    n = parse_number(cell)
    assert (n.value, n.low, n.high, n.unit) == (None, low, high, unit)


@pytest.mark.parametrize("cell", ["", "——", "—", "-", "N/A", "暂无", "…", None, float("nan")])
def test_missing_markers_are_missing_not_errors(cell):
    assert parse_number(cell).missing


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [("abc", "abc"), ("5.5.5", "5.5.5"), ("下降0.1个百分点", "变化"), ("同比增长5%", "变化"), ("5—3", "下限大于上限"),
     ("七十多点", "“七十多点”"), ("万人", "“万人”")],
)
def test_bad_numbers_quote_the_cell(cell, fragment):
    with pytest.raises(CleanError) as info:
        parse_number(cell)
    assert fragment in str(info.value)


def test_chinese_numerals():
    assert chinese_numeral("十二") == 12 and chinese_numeral("三点五") == 3.5 and chinese_numeral("一百零五") == 105


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [(15016, "人", "万人", 1.5016), (2.73, "万人", "人", 27300), (1500, "亿元", "万元", 15_000_000),
     (80, "万人次", "人次", 800_000)],
)
def test_convert_unit(value, src, dst, expected):
    assert convert_unit(value, src, dst) == pytest.approx(expected)


def test_convert_unit_refuses_other_families():
    with pytest.raises(CleanError, match="“%”不能换算为“万人”"):
        convert_unit(5.5, "%", "万人")


@pytest.mark.parametrize(
    ("text", "kwargs", "year", "start", "end", "ptype", "label"),
    [
        ("2023", {}, 2023, "2023-01-01", "2023-12-31", "full_year", "2023年"),
        ("2023", {"kind": "year_end"}, 2023, "2023-12-31", "2023-12-31", "year_end", "2023年末"),
        ("2023年末", {}, 2023, "2023-12-31", "2023-12-31", "year_end", "2023年末"),
        ("2023 (Jan-Sep)", {}, 2023, "2023-01-01", "2023-09-30", "partial_year", "2023年1—9月"),
        ("2023年1—9月", {}, 2023, "2023-01-01", "2023-09-30", "partial_year", "2023年1—9月"),
        ("2023年上半年", {}, 2023, "2023-01-01", "2023-06-30", "partial_year", "2023年1—6月"),
        ("2023年第一季度", {}, 2023, "2023-01-01", "2023-03-31", "partial_year", "2023年1—3月"),
        ("2022 (end-Jun)", {}, 2022, "2022-06-30", "2022-06-30", "partial_year", "2022年6月末"),
        ("2021 (Dec)", {}, 2021, "2021-12-01", "2021-12-31", "partial_year", "2021年12月"),
        ("2016-2020", {"kind": "cumulative"}, None, "2016-01-01", "2020-12-31", "multi_year", "2016—2020年累计"),
        ("2021-2024 (4-yr avg)", {}, None, "2021-01-01", "2024-12-31", "multi_year", "2021—2024年平均"),
        ("2021-2025 (as of 2025-10-10)", {}, None, "2021-01-01", "2025-10-10", "as_of",
         "2021—2025年累计(截至2025-10-10)"),
        ("2020 (census, 1 Nov)", {}, 2020, "2020-11-01", "2020-11-01", "census_date", "2020年11月1日(普查)"),
        ("census-date (2020-11-01)", {"year": "2020"}, 2020, "2020-11-01", "2020-11-01", "census_date",
         "2020年11月1日(普查)"),
        ("year-end", {"year": "2022"}, 2022, "2022-12-31", "2022-12-31", "year_end", "2022年末"),
        ("annual", {"year": 2021}, 2021, "2021-01-01", "2021-12-31", "full_year", "2021年"),
        ("截至2025年10月", {}, None, None, "2025-10-31", "as_of", "截至2025-10-31累计"),
    ],
)
def test_parse_period(text, kwargs, year, start, end, ptype, label):
    p = parse_period(text, **kwargs)
    assert p.year == year and p.period_type == ptype and p.label == label
    assert p.start == (dt.date.fromisoformat(start) if start else None)
    assert p.end == dt.date.fromisoformat(end)


def test_only_whole_years_count_as_annual():
    assert ANNUAL_TYPES == {"full_year", "year_end"}


@pytest.mark.parametrize("text", ["sometime", "20x3", "2023 (Feb-Jan)", "2025-2021", "1900", "2023 (next week)"])
def test_bad_periods_quote_the_text(text):
    with pytest.raises(CleanError) as info:
        parse_period(text)
    assert text in str(info.value)


def test_every_period_in_the_real_files_parses():
    muni = read_table(raw_dir() / "chongqing_municipal_observations.csv")
    for year, kind in zip(muni["year"], muni["kind"], strict=True):
        parse_period(year, kind=kind)
    district = read_table(raw_dir() / "district" / "observations.csv")
    for period, year in zip(district["period"], district["year"], strict=True):
        parse_period(period, year=year)


def test_encodings_read_identically(tmp_path):
    text = "indicator,value\n城镇新增就业,70.67\n石柱县,4900\n"
    for name, data in (("utf8.csv", text.encode("utf-8")), ("bom.csv", text.encode("utf-8-sig")),
                       ("gbk.csv", text.encode("gb18030"))):  # fmt: skip
        (tmp_path / name).write_bytes(data)
    frames = [read_table(tmp_path / n) for n in ("utf8.csv", "bom.csv", "gbk.csv")]
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame, frames[0])
    assert list(frames[0].columns) == ["indicator", "value"] and frames[0].iloc[1, 0] == "石柱县"


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [("bin.csv", bytes(range(128, 256)) * 4, "编码无法识别"), ("nul.csv", b"a,b\x00\n", "二进制"),
     ("empty.csv", b"  \n", "空文件"), ("sheet.xlsx", b"PK\x03\x04", "只读 CSV")],
)
def test_unreadable_files(tmp_path, name, data, fragment):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CleanError, match=fragment):
        read_table(path)


@pytest.mark.parametrize(
    ("raw", "name", "code", "kind"),
    [("石柱县", "石柱土家族自治县", "500240", "district"), ("万州", "万州区", "500101", "district"),
     (" 渝中区 ", "渝中区", "500103", "district"), ("酉阳", "酉阳土家族苗族自治县", "500242", "district"),
     ("萬州區", "万州区", "500101", "district"), ("开县", "开州区", "500154", "district"),
     ("两江新区", "两江新区", None, "special_zone"), ("万盛经开区", "万盛经开区", None, "special_zone"),
     ("主城都市区(合计)", "主城都市区", None, "cluster_total"), ("重庆市", "全市", None, "municipality")],
)  # fmt: skip
def test_normalise_district(raw, name, code, kind):
    d = normalise_district(raw)
    assert (d.name, d.code, d.kind) == (name, code, kind)


def test_unknown_district_suggests_the_closest():
    with pytest.raises(CleanError, match="万州区"):
        normalise_district("万洲区")


def test_district_table_matches_clusters_and_states_the_rule():
    table = district_table()
    districts = table[table["kind"] == "district"]
    clusters = pd.read_csv(raw_dir() / "district" / "clusters.csv", dtype=str)
    assert len(districts) == 38 and districts["code"].is_unique
    assert set(zip(districts["name"], districts["code"], strict=True)) == set(
        zip(clusters["district"], clusters["district_code"], strict=True))
    zones = table[table["kind"] == "special_zone"].set_index("name")
    assert zones.loc["万盛经开区", "within"] == "綦江区" and "不得再加到綦江区上" in zones.loc["万盛经开区", "rule"]
    assert set(zones.index) == {"两江新区", "重庆高新区", "万盛经开区", "双桥经开区"}
