"""Cleaning what researchers copy from bulletins: numbers, units, periods, encodings, 区县 names.

Every expectation below is written by hand from the cell as a researcher would read it.
"""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest

from planlib._paths import raw_dir
from planlib.errors import CleanError
from planlib.inputs.csv_tables import TableCellError, read_table
from planlib.inputs.district_names import DistrictName, district_table, normalise_district
from planlib.inputs.numbers import ParsedNumber, convert_unit, parse_number
from planlib.inputs.periods import ANNUAL_TYPES, RELEASE_STATUSES, Period, is_annual, parse_period
from planlib.inputs.text import encoding_accident

PERIOD_TYPES = {"full_year", "year_end", "partial_year", "multi_year", "census_date", "as_of", "static"}

# ------------------------------------------------------------------ parse_number


@pytest.mark.parametrize(
    ("cell", "value", "unit", "bound", "approx"),
    [
        ("70.67", 70.67, None, None, False),
        ("７０．６７万人", 70.67, "万人", None, False),  # full-width digits and point
        ("约 1，234.5 万人", 1234.5, "万人", None, True),  # 约, spaces, full-width comma as thousands separator
        ("1,234.5", 1234.5, None, None, False),
        ("1，234", 1234.0, None, None, False),
        ("1,564,449", 1564449.0, None, None, False),
        ("３００万人以上", 300.0, "万人", ">=", False),
        ("超过300万人", 300.0, "万人", ">", False),
        ("逾300万", 300.0, "万", ">", False),
        ("突破1600亿元", 1600.0, "亿元", ">", False),
        ("不少于200场", 200.0, "场", ">=", False),
        ("不低于95%", 95.0, "%", ">=", False),
        ("≥97%", 97.0, "%", ">=", False),
        (">348", 348.0, None, ">", False),
        ("<5", 5.0, None, "<", False),
        ("≤5.5%", 5.5, "%", "<=", False),
        ("5.5%以内", 5.5, "%", "<=", False),
        ("100人以下", 100.0, "人", "<=", False),
        ("不超过5.5%", 5.5, "%", "<=", False),
        ("75万左右", 75.0, "万", None, True),
        ("近180万人次", 180.0, "万人次", None, True),
        ("大约3000家", 3000.0, "家", None, True),
        ("约超过300万人", 300.0, "万人", ">", True),  # approximation and bound both kept
        ("70多万人", 70.0, "万人", ">", False),
        ("-0.5", -0.5, None, None, False),  # a negative number, not a range
        ("−0.9", -0.9, None, None, False),  # the Unicode minus sign
        ("－0.9", -0.9, None, None, False),  # the full-width hyphen-minus
        ("5.5%", 5.5, "%", None, False),
        ("５．５％", 5.5, "%", None, False),
        ("0.1个百分点", 0.1, "个百分点", None, False),
        ("150万人次", 150.0, "万人次", None, False),
        ("8285人次", 8285.0, "人次", None, False),
        ("1500亿元", 1500.0, "亿元", None, False),
        ("2.26万元", 2.26, "万元", None, False),
        ("117546元", 117546.0, "元", None, False),
        ("3500家", 3500.0, "家", None, False),
        ("12场次", 12.0, "场次", None, False),
        ("50万个", 50.0, "万个", None, False),
        ("10.86年", 10.86, "年", None, False),
        ("3289.088平方公里", 3289.088, "平方公里", None, False),
        ("2.5万人", 2.5, "万人", None, False),
        ("150万", 150.0, "万", None, False),
        ("三", 3.0, None, None, False),
        ("两", 2.0, None, None, False),
        ("十二", 12.0, None, None, False),
        ("一百二十", 120.0, None, None, False),
        ("一百二十个", 120.0, "个", None, False),
        ("一百零五", 105.0, None, None, False),
        ("一千零十", 1010.0, None, None, False),
        ("两万三千", 23000.0, None, None, False),
        ("一亿两千万", 120_000_000.0, None, None, False),  # 万 inside the numeral, not a unit
        ("三万人", 3.0, "万人", None, False),  # like "3万人"
        ("七十点六七万", 70.67, "万", None, False),
        ("三点五", 3.5, None, None, False),
        ("百余人", 100.0, "人", ">", False),
        ("百分之五点五", 5.5, "%", None, False),
        ("负0.9", -0.9, None, None, False),
        (15016, 15016.0, None, None, False),
        (70.67, 70.67, None, None, False),
    ],
)
def test_parse_number(cell, value, unit, bound, approx):
    n = parse_number(cell)
    assert (n.value, n.unit, n.bound, n.approx) == (value, unit, bound, approx)
    assert n.low is None and n.high is None
    assert n.raw == str(cell)


@pytest.mark.parametrize(
    ("cell", "low", "high", "unit", "approx"),
    [
        ("1—2", 1, 2, None, False),
        ("3-5", 3, 5, None, False),
        ("3–5", 3, 5, None, False),
        ("3-5个", 3, 5, "个", False),
        ("20~30", 20, 30, None, False),
        ("２０～３０", 20, 30, None, False),
        ("20至30", 20, 30, None, False),
        ("5到10家", 5, 10, "家", False),
        ("约3万-5万人", 3, 5, "万人", True),
        ("-5--3", -5, -3, None, False),
        ("三至五", 3, 5, None, False),
    ],
)
def test_parse_range(cell, low, high, unit, approx):
    n = parse_number(cell)
    assert (n.value, n.low, n.high, n.unit, n.approx, n.bound) == (None, low, high, unit, approx, None)


@pytest.mark.parametrize(
    "cell", ["", "   ", "——", "—", "-", "--", "－", "N/A", "n/a", "NA", "暂无", "...", "…", "……", "/", None, float("nan")]
)
def test_missing_markers_are_missing_not_errors(cell):
    n = parse_number(cell)
    assert n.missing and n.value is None and n.low is None and n.high is None and n.unit is None


@pytest.mark.parametrize(
    ("path", "column"),
    [("chongqing_municipal_observations.csv", "value"), ("district/observations.csv", "value")],
)
def test_every_value_in_the_real_files_is_a_plain_number(path, column):
    cells = read_table(raw_dir() / path)[column]
    assert len(cells) > 100
    for cell in cells:
        n = parse_number(cell)
        assert n.value is not None and n.unit is None and n.bound is None, cell


def test_pandas_missing_scalar_is_missing():
    assert parse_number(pd.NA).missing


def test_parsed_number_is_frozen():
    n = parse_number("5")
    assert isinstance(n, ParsedNumber)
    with pytest.raises(AttributeError):
        n.value = 6  # type: ignore[misc]


BAD_NUMBERS = [
    "abc",
    "5.5.5",
    "1,2345",  # not a thousands separator
    "1234,567",
    "3,5",
    "下降0.1个百分点",
    "同比增长5%",
    "5—3",  # range the wrong way round
    "七十多点",
    "万人",  # a unit without a number
    "三三",
    "超过300以下",  # two bounds pointing opposite ways
    "3—5以上",  # a range with a bound
    "5.",
    "12a",
    "约",
]


@pytest.mark.parametrize("cell", BAD_NUMBERS)
def test_bad_numbers_quote_the_cell(cell):
    with pytest.raises(CleanError) as info:
        parse_number(cell)
    assert f"“{cell}”" in str(info.value)
    assert info.value.expected  # always says what would be accepted


def test_direction_words_are_explained():
    with pytest.raises(CleanError, match="变化") as info:
        parse_number("下降0.1个百分点")
    assert "数值本身" in info.value.expected


@pytest.mark.parametrize("cell", [True, float("inf")])
def test_non_numbers_of_other_types_are_refused(cell):
    with pytest.raises(CleanError):
        parse_number(cell)


# ------------------------------------------------------------------ convert_unit


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        (15016, "人", "万人", 1.5016),
        (2.73, "万人", "人", 27300),
        (80, "万人次", "人次", 800_000),
        (8285, "人次", "万人次", 0.8285),
        (1500, "亿元", "万元", 15_000_000),
        (30145.79, "亿元", "亿元", 30145.79),
        (117546, "元", "万元", 11.7546),
        (250_000, "万元", "亿元", 25),
        (50, "万个", "个", 500_000),
        (5.5, "%", "%", 5.5),
        (5.5, "％", "%", 5.5),
    ],
)
def test_convert_unit(value, src, dst, expected):
    assert convert_unit(value, src, dst) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [(15016, "人", "万人", 1.5016), (4900, "人", "万人", 0.49), (1564449, "人", "万人", 156.4449),
     (113653, "元", "万元", 11.3653), (22600, "万元", "亿元", 2.26)],
)  # fmt: skip
def test_convert_unit_is_exact(value, src, dst, expected):
    # dividing by an exact power of ten: 4900 人 is 0.49 万人, not 0.49000000000000005
    assert convert_unit(value, src, dst) == expected


@pytest.mark.parametrize(("src", "dst"), [("人", "亿元"), ("%", "万人"), ("%", "个百分点"), ("人次", "人"), ("元", "人")])
def test_convert_unit_refuses_other_families_naming_both(src, dst):
    with pytest.raises(CleanError) as info:
        convert_unit(1.0, src, dst)
    assert f"“{src}”" in str(info.value) and f"“{dst}”" in str(info.value)


def test_convert_unit_refuses_unknown_units():
    with pytest.raises(CleanError, match="“斤”"):
        convert_unit(1.0, "斤", "万人")


# ------------------------------------------------------------------ parse_period


@pytest.mark.parametrize(
    ("text", "kwargs", "year", "start", "end", "ptype", "label"),
    [
        # whole years
        ("2022", {}, 2022, "2022-01-01", "2022-12-31", "full_year", "2022年"),
        ("2022年", {}, 2022, "2022-01-01", "2022-12-31", "full_year", "2022年"),
        ("2022年全年", {}, 2022, "2022-01-01", "2022-12-31", "full_year", "2022年"),
        ("2022年度", {}, 2022, "2022-01-01", "2022-12-31", "full_year", "2022年"),
        ("２０２２", {}, 2022, "2022-01-01", "2022-12-31", "full_year", "2022年"),
        ("2022", {"kind": "annual"}, 2022, "2022-01-01", "2022-12-31", "full_year", "2022年"),
        ("2022", {"kind": "rate"}, 2022, "2022-01-01", "2022-12-31", "full_year", "2022年"),
        ("2022", {"kind": "cumulative"}, 2022, "2022-01-01", "2022-12-31", "full_year", "2022年"),
        # year end: only when the caller says so, or written
        ("2022", {"kind": "year_end"}, 2022, "2022-12-31", "2022-12-31", "year_end", "2022年末"),
        ("2022年末", {}, 2022, "2022-12-31", "2022-12-31", "year_end", "2022年末"),
        ("2022年底", {}, 2022, "2022-12-31", "2022-12-31", "year_end", "2022年末"),
        ("2022年12月末", {}, 2022, "2022-12-31", "2022-12-31", "year_end", "2022年末"),
        # inside a year
        ("2023 (Jan-Sep)", {}, 2023, "2023-01-01", "2023-09-30", "partial_year", "2023年1—9月"),
        ("2023年1—9月", {}, 2023, "2023-01-01", "2023-09-30", "partial_year", "2023年1—9月"),
        ("2023年1-9月累计", {}, 2023, "2023-01-01", "2023-09-30", "partial_year", "2023年1—9月"),
        ("2023年前三季度", {}, 2023, "2023-01-01", "2023-09-30", "partial_year", "2023年1—9月"),
        ("2023年上半年", {}, 2023, "2023-01-01", "2023-06-30", "partial_year", "2023年1—6月"),
        ("2023 (H1)", {}, 2023, "2023-01-01", "2023-06-30", "partial_year", "2023年1—6月"),
        ("2023 (Q1)", {}, 2023, "2023-01-01", "2023-03-31", "partial_year", "2023年1—3月"),
        ("2023年第一季度", {}, 2023, "2023-01-01", "2023-03-31", "partial_year", "2023年1—3月"),
        ("2024 (Jan-Jul)", {}, 2024, "2024-01-01", "2024-07-31", "partial_year", "2024年1—7月"),
        ("2024 (Jan-Feb)", {}, 2024, "2024-01-01", "2024-02-29", "partial_year", "2024年1—2月"),  # leap year
        ("2023 (end-Mar)", {}, 2023, "2023-03-31", "2023-03-31", "partial_year", "2023年3月末"),
        ("2022 (end-Jun)", {}, 2022, "2022-06-30", "2022-06-30", "partial_year", "2022年6月末"),
        ("2023年9月末", {}, 2023, "2023-09-30", "2023-09-30", "partial_year", "2023年9月末"),
        ("2021 (Dec)", {"kind": "rate"}, 2021, "2021-12-01", "2021-12-31", "partial_year", "2021年12月"),
        ("2022 (Oct)", {}, 2022, "2022-10-01", "2022-10-31", "partial_year", "2022年10月"),
        ("2023年10月", {}, 2023, "2023-10-01", "2023-10-31", "partial_year", "2023年10月"),
        # a stock (kind year_end) reported for a span is the stock at the end of that span
        ("2022 (Oct)", {"kind": "year_end"}, 2022, "2022-10-31", "2022-10-31", "partial_year", "2022年10月末"),
        ("2021 (H1)", {"kind": "year_end"}, 2021, "2021-06-30", "2021-06-30", "partial_year", "2021年6月末"),
        ("2023年1—9月", {"kind": "Year-End"}, 2023, "2023-09-30", "2023-09-30", "partial_year", "2023年9月末"),
        ("2023", {"kind": ""}, 2023, "2023-01-01", "2023-12-31", "full_year", "2023年"),
        ("2023", {"kind": float("nan")}, 2023, "2023-01-01", "2023-12-31", "full_year", "2023年"),
        # several years
        ("2016-2020", {}, None, "2016-01-01", "2020-12-31", "multi_year", "2016—2020年"),
        ("2016-2020", {"kind": "cumulative"}, None, "2016-01-01", "2020-12-31", "multi_year", "2016—2020年累计"),
        ("2021—2025年", {}, None, "2021-01-01", "2025-12-31", "multi_year", "2021—2025年"),
        ("2021—2025年累计", {}, None, "2021-01-01", "2025-12-31", "multi_year", "2021—2025年累计"),
        ("2021-2024 (4-yr avg)", {"kind": "rate"}, None, "2021-01-01", "2024-12-31", "multi_year",
         "2021—2024年平均"),
        ("十四五时期", {}, None, "2021-01-01", "2025-12-31", "multi_year", "2021—2025年(十四五)"),
        # counted up to a date
        ("2021-2025 (as of 2025-10-10)", {"kind": "cumulative"}, None, "2021-01-01", "2025-10-10", "as_of",
         "2021—2025年累计(截至2025-10-10)"),
        ("2021—2025年累计(截至2025年10月10日)", {}, None, "2021-01-01", "2025-10-10", "as_of",
         "2021—2025年累计(截至2025-10-10)"),
        ("2019-2023 (to reply date)", {"kind": "cumulative"}, None, "2019-01-01", "2023-12-31", "as_of",
         "2019—2023年累计(截至答复日)"),
        ("2021年至2025年9月", {}, None, "2021-01-01", "2025-09-30", "as_of", "2021—2025年累计(截至2025年9月)"),
        ("2023 (as of 2023-06-30)", {}, 2023, "2023-01-01", "2023-06-30", "partial_year",
         "2023年累计(截至2023-06-30)"),
        ("截至2025年10月", {}, None, None, "2025-10-31", "as_of", "累计(截至2025年10月)"),
        ("截至2025年10月10日", {}, None, None, "2025-10-10", "as_of", "累计(截至2025-10-10)"),
        # census and no time
        ("2020 (census, 1 Nov)", {"kind": "year_end"}, 2020, "2020-11-01", "2020-11-01", "census_date",
         "2020年11月1日(普查)"),
        ("2020年11月1日(普查)", {}, 2020, "2020-11-01", "2020-11-01", "census_date", "2020年11月1日(普查)"),
        ("七普", {}, 2020, "2020-11-01", "2020-11-01", "census_date", "2020年11月1日(普查)"),
        ("static", {"year": "(static)"}, None, None, None, "static", "(无时间)"),
        # the district file: a period word plus the year column
        ("census-date (2020-11-01)", {"year": "2020"}, 2020, "2020-11-01", "2020-11-01", "census_date",
         "2020年11月1日(普查)"),
        ("year-end", {"year": "2022"}, 2022, "2022-12-31", "2022-12-31", "year_end", "2022年末"),
        ("annual", {"year": 2021}, 2021, "2021-01-01", "2021-12-31", "full_year", "2021年"),
        ("", {"year": "2023"}, 2023, "2023-01-01", "2023-12-31", "full_year", "2023年"),
        ("2023 (Jan-Sep)", {"year": "2023"}, 2023, "2023-01-01", "2023-09-30", "partial_year", "2023年1—9月"),
        # the yearbook rows of data/raw/round3: the period word with its year, a release status after it
        ("year-end 2024", {"year": "2024"}, 2024, "2024-12-31", "2024-12-31", "year_end", "2024年末"),
        ("annual 2023", {"year": "2023"}, 2023, "2023-01-01", "2023-12-31", "full_year", "2023年"),
        ("Annual 2023", {}, 2023, "2023-01-01", "2023-12-31", "full_year", "2023年"),
        ("annual 2025 (preliminary)", {"year": "2025"}, 2025, "2025-01-01", "2025-12-31", "full_year",
         "2025年(初步核算数)"),
        ("2024 (final)", {}, 2024, "2024-01-01", "2024-12-31", "full_year", "2024年(最终核实数)"),
        ("2023年（初步核算）", {}, 2023, "2023-01-01", "2023-12-31", "full_year", "2023年(初步核算数)"),
        ("2022 (修订)", {"kind": "year_end"}, 2022, "2022-12-31", "2022-12-31", "year_end", "2022年末(修订数)"),
    ],
)  # fmt: skip
def test_parse_period(text, kwargs, year, start, end, ptype, label):
    p = parse_period(text, **kwargs)
    assert isinstance(p, Period)
    assert (p.year, p.period_type, p.label, p.raw) == (year, ptype, label, text)
    assert p.start == (dt.date.fromisoformat(start) if start else None)
    assert p.end == (dt.date.fromisoformat(end) if end else None)


@pytest.mark.parametrize(
    ("text", "status"),
    [("2025 (preliminary)", "preliminary"), ("annual 2024 (Final)", "final"), ("2023(快报)", "preliminary"),
     ("2023 (最终核实)", "final"), ("2021 (revised)", "revised"), ("2023", ""), ("2021 (Dec)", ""),
     ("2023 (Jan-Sep)", "")],
)  # fmt: skip
def test_release_status_after_the_period_is_data(text, status):
    assert parse_period(text).status == status
    assert set(RELEASE_STATUSES) == {"preliminary", "final", "revised"}
    from planlib import _schemas

    assert set(_schemas.RELEASE_STATUSES) == {"", *RELEASE_STATUSES}  # the tidy schema knows every status


def test_only_whole_years_and_year_ends_count_as_annual():
    assert ANNUAL_TYPES == {"full_year", "year_end"}
    assert is_annual(parse_period("2023")) and is_annual(parse_period("2023", kind="year_end"))
    assert not is_annual(parse_period("2023 (Jan-Sep)"))
    assert not is_annual(parse_period("2016-2020"))
    assert not is_annual(parse_period("2020 (census, 1 Nov)"))
    assert not is_annual(parse_period("2021-2025 (as of 2025-10-10)"))


def _municipal_periods() -> list[tuple[str, str]]:
    table = read_table(raw_dir() / "chongqing_municipal_observations.csv")
    return sorted(set(zip(table["year"], table["kind"], strict=True)))


def _district_periods() -> list[tuple[str, str]]:
    table = read_table(raw_dir() / "district" / "observations.csv")
    return sorted(set(zip(table["period"], table["year"], strict=True)))


def test_every_period_in_the_municipal_file_parses():
    pairs = _municipal_periods()
    assert len(pairs) >= 30  # the test really walks the file
    for text, kind in pairs:
        p = parse_period(text, kind=kind)
        assert p.period_type in PERIOD_TYPES and p.label and p.raw == text
        assert p.start is None or p.end is None or p.start <= p.end
        assert (p.year is None) == (p.period_type in {"multi_year", "as_of", "static"})


def test_every_period_in_the_district_file_parses():
    pairs = _district_periods()
    assert {period for period, _ in pairs} == {"annual", "year-end", "census-date (2020-11-01)", "static"}
    for period, year in pairs:
        p = parse_period(period, year=year)
        assert p.period_type in PERIOD_TYPES and p.label
        if period == "static":
            assert p.period_type == "static" and p.year is None
        else:
            assert p.year == int(year)


@pytest.mark.parametrize(
    ("text", "kind", "ptype", "start", "end"),
    [
        ("2016-2020", "cumulative", "multi_year", "2016-01-01", "2020-12-31"),
        ("2019-2020", "cumulative", "multi_year", "2019-01-01", "2020-12-31"),
        ("2020 (end-Sep)", "year_end", "partial_year", "2020-09-30", "2020-09-30"),
        ("2022 (Jan-Mar)", "cumulative", "partial_year", "2022-01-01", "2022-03-31"),
        ("2025 (Jan-Jun)", "rate", "partial_year", "2025-01-01", "2025-06-30"),
        ("2025 (end-Mar)", "year_end", "partial_year", "2025-03-31", "2025-03-31"),
        ("2024", "year_end", "year_end", "2024-12-31", "2024-12-31"),
        ("2024", "annual", "full_year", "2024-01-01", "2024-12-31"),
    ],
)
def test_periods_taken_from_the_municipal_file(text, kind, ptype, start, end):
    assert (text, kind) in _municipal_periods()  # these are real cells, not invented ones
    p = parse_period(text, kind=kind)
    assert (p.period_type, p.start.isoformat(), p.end.isoformat()) == (ptype, start, end)


BAD_PERIODS = [
    "sometime",
    "20x3",
    "2023 (Feb-Jan)",
    "2025-2021",
    "1900",
    "2023 (next week)",
    "2023年13月",
    "2023年第五季度",
    "2023 (end-Foo)",
    "2023年2月30日",
    "census-date (2020-11-31)",
    "2010 (七普)",
    "截至明年",
    "2021-2025 (as of 2019-01-01)",
]


@pytest.mark.parametrize("text", BAD_PERIODS)
def test_bad_periods_quote_the_text(text):
    with pytest.raises(CleanError) as info:
        parse_period(text)
    assert f"“{text}”" in str(info.value)
    assert "2023年1—9月" in info.value.expected  # lists the accepted forms


@pytest.mark.parametrize(
    ("text", "kwargs", "quoted"),
    [
        ("annual", {}, "annual"),  # a period word needs the year column
        ("annual", {"year": "(static)"}, "annual"),
        ("2023 (Jan-Sep)", {"year": "2022"}, "2022"),  # the two columns disagree
        ("census-date (2020-11-01)", {"year": 2021}, "2021"),
        ("annual", {"year": "twenty"}, "twenty"),
        ("2023", {"kind": "monthly"}, "monthly"),
        ("year-end 2024", {"year": "2023"}, "2023"),
    ],
)
def test_period_and_year_column_must_agree(text, kwargs, quoted):
    with pytest.raises(CleanError) as info:
        parse_period(text, **kwargs)
    assert f"“{quoted}”" in str(info.value)


# ------------------------------------------------------------------ read_table

CSV_TEXT = "区县, 指标 ,数值,备注\n石柱县,城镇新增就业,4900,\n万州区,常住人口,\"1,564,449\",七普\n"


@pytest.fixture
def utf8_frame(tmp_path):
    path = tmp_path / "utf8.csv"
    path.write_bytes(CSV_TEXT.encode("utf-8"))
    return read_table(path)


def test_utf8_table(utf8_frame):
    assert list(utf8_frame.columns) == ["区县", "指标", "数值", "备注"]
    assert utf8_frame.to_dict("records")[1] == {"区县": "万州区", "指标": "常住人口", "数值": "1,564,449", "备注": "七普"}
    assert utf8_frame.iloc[0]["备注"] == ""  # empty stays an empty string, never NaN


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "gbk"])
def test_other_encodings_read_identically(tmp_path, utf8_frame, encoding):
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))
    pd.testing.assert_frame_equal(read_table(path), utf8_frame)


def test_real_files_read_as_text():
    table = read_table(raw_dir() / "district" / "clusters.csv")
    assert table.shape == (38, 7) and table.loc[0, "district_code"] == "500101"
    assert table.map(lambda cell: isinstance(cell, str)).all().all()


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("latin1.csv", "name,city\nJosé,Zürich\n".encode("latin-1"), "编码无法识别"),
        ("latin1-gbk.csv", "name,city\nMüller,München\nGößmann,Köln\n".encode("latin-1"), "乱码"),
        ("big5.csv", "區縣,數值\n石柱縣,4900\n萬州區,3\n".encode("big5"), "乱码"),
        ("random.csv", bytes(random.Random(1).randrange(0x80, 0x100) for _ in range(500)), "random.csv"),
        ("binary.csv", random.Random(0).randbytes(2000), "二进制"),
        ("double.csv", "区县,数值\n石柱县,4900\n".encode().decode("latin-1").encode(), "错误转码"),
        ("utf16.csv", "区县,数值\n".encode("utf-16"), "UTF-16"),
        ("empty.csv", b"  \n", "空文件"),
        ("sheet.xlsx", b"PK\x03\x04", "只读 CSV"),
        ("disguised.csv", b"PK\x03\x04rest-of-zip", "Excel 工作簿"),
        ("ragged.csv", b"a,b\n1,2\n1,2,3\n", "第 3 行有 3 个字段"),
        ("quote.csv", b'a,b\n1,"open\n', "引号没有闭合"),
        ("dupe.csv", b"a,a\n1,2\n", "重复的列名"),
    ],
)
def test_unreadable_files_raise_naming_the_file(tmp_path, name, data, fragment):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CleanError) as info:
        read_table(path)
    assert fragment in str(info.value) and f"“{name}”" in str(info.value)


def test_undecodable_file_names_the_byte_offset(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"a,b\n1,caf\xe9\n")  # Latin-1 é at byte 9, then a newline: neither UTF-8 nor GBK
    with pytest.raises(CleanError, match="第 9 字节"):
        read_table(path)


def test_short_rows_and_trailing_commas(tmp_path):
    path = tmp_path / "loose.csv"
    path.write_bytes(b"a,b,c,\n1,2\n3,4,5,\n\n")
    table = read_table(path)
    assert list(table.columns) == ["a", "b", "c"]
    assert table.to_dict("list") == {"a": ["1", "3"], "b": ["2", "4"], "c": ["", "5"]}


# ------------------------------------------------------------------ district names


@pytest.mark.parametrize(
    ("raw", "name", "code", "kind", "short"),
    [
        ("石柱县", "石柱土家族自治县", "500240", "district", "石柱"),
        ("石柱", "石柱土家族自治县", "500240", "district", "石柱"),
        ("秀山县", "秀山土家族苗族自治县", "500241", "district", "秀山"),
        ("酉阳", "酉阳土家族苗族自治县", "500242", "district", "酉阳"),
        ("彭水县", "彭水苗族土家族自治县", "500243", "district", "彭水"),
        ("万州", "万州区", "500101", "district", "万州"),
        (" 渝中区 ", "渝中区", "500103", "district", "渝中"),
        ("\u3000渝北区\u3000", "渝北区", "500112", "district", "渝北"),
        ("萬州區", "万州区", "500101", "district", "万州"),
        ("开县", "开州区", "500154", "district", "开州"),
        ("重庆市九龙坡区", "九龙坡区", "500107", "district", "九龙坡"),
        ("忠县", "忠县", "500233", "district", "忠县"),
        ("两江新区", "两江新区", None, "special_zone", "两江新区"),
        ("西部科学城重庆高新区", "重庆高新区", None, "special_zone", "高新区"),
        ("万盛", "万盛经开区", None, "special_zone", "万盛"),
        ("双桥经开区", "双桥经开区", None, "special_zone", "双桥"),
        ("主城都市区(合计)", "主城都市区", None, "cluster_total", "主城都市区"),
        ("主城都市区（合计）", "主城都市区", None, "cluster_total", "主城都市区"),
        ("渝东南武陵山区城镇群(合计)", "渝东南武陵山区城镇群", None, "cluster_total", "渝东南"),
        ("重庆市", "全市", None, "municipality", "全市"),
        ("重庆", "全市", None, "municipality", "全市"),
        ("全市", "全市", None, "municipality", "全市"),
    ],
)
def test_normalise_district(raw, name, code, kind, short):
    d = normalise_district(raw)
    assert isinstance(d, DistrictName)
    assert (d.name, d.code, d.kind, d.short, d.raw) == (name, code, kind, short, raw)


@pytest.mark.parametrize(("raw", "suggested"), [("万洲区", "万州区"), ("石住县", "石柱土家族自治县"), ("两江区", "两江新区")])
def test_unknown_district_quotes_it_and_suggests_the_closest(raw, suggested):
    with pytest.raises(CleanError) as info:
        normalise_district(raw)
    assert f"“{raw}”" in info.value.problem and suggested in info.value.problem


@pytest.mark.parametrize("raw", ["", "  ", None])
def test_empty_district_name_is_an_error(raw):
    with pytest.raises(CleanError, match="为空"):
        normalise_district(raw)


def test_every_district_in_the_data_is_known():
    table = read_table(raw_dir() / "district" / "observations.csv")
    kinds = {normalise_district(n).kind for n in table["district"]}
    assert kinds == {"district", "cluster_total"}


def test_yaml_has_the_38_districts_of_clusters_csv():
    table = district_table()
    districts = table[table["kind"] == "district"]
    clusters = read_table(raw_dir() / "district" / "clusters.csv")
    assert len(districts) == 38 and districts["code"].is_unique and districts["name"].is_unique
    assert set(zip(districts["name"], districts["code"], strict=True)) == set(
        zip(clusters["district"], clusters["district_code"], strict=True)
    )
    # every official name, map label and code resolves back to itself
    for name, code, short in zip(districts["name"], districts["code"], districts["short"], strict=True):
        assert normalise_district(name).code == code
        assert normalise_district(short).name == name


def test_non_districts_state_their_rule():
    table = district_table()
    assert list(table.columns) == ["name", "code", "short", "kind", "within", "rule", "groupings", "members"]
    zones = table[table["kind"] == "special_zone"].set_index("name")
    assert set(zones.index) == {"两江新区", "重庆高新区", "万盛经开区", "双桥经开区"}
    assert zones.loc["万盛经开区", "within"] == "綦江区"
    assert zones.loc["双桥经开区", "within"] == "大足区"
    assert zones.loc["两江新区", "within"] == "江北区、渝北区、北碚区"
    assert {"九龙坡区", "沙坪坝区", "璧山区", "江津区"} <= set(zones.loc["重庆高新区", "within"].split("、"))
    assert zones["rule"].str.contains("不计入区县合计|不得再加到").all()
    assert zones["code"].isna().all()
    totals = table[table["kind"] == "cluster_total"]
    assert set(totals["name"]) == {"主城都市区", "中心城区", "主城新区", "渝东北三峡库区城镇群", "渝东南武陵山区城镇群",
                                   "主城都市区(含垫江)", "渝西地区", "渝东新城", "渝东北三峡库区城镇群(不含垫江)"}
    assert table[table["kind"] != "district"]["rule"].notna().all()
    # the whole area of each plan: 全市 (Chongqing) and 全国 (the national plan's figures, data/raw/national)
    assert table.loc[table["kind"] == "municipality", "name"].tolist() == ["全市", "全国"]


def test_district_table_is_a_copy():
    first = district_table()
    first.loc[0, "name"] = "改掉"
    assert district_table().loc[0, "name"] == "万州区"


# ------------------------------------------------------------------ footnote markers and digit look-alikes

FOOTNOTE_EXPECTED = (
    "数字只用 0—9(全角数字亦可);脚注标记只能写在数值、单位和“以上”等字样之后,如 70.67①、70.67万人*、"
    "5.5%(注1),会单独记为脚注"
)


@pytest.mark.parametrize(
    ("cell", "value", "unit", "bound", "footnote"),
    [
        ("70.67①", 70.67, None, None, "①"),  # the shared case: not 70.671
        ("1234②", 1234.0, None, None, "②"),  # the shared case: not 12342
        ("70.67⑴", 70.67, None, None, "⑴"),
        ("70.67⒈", 70.67, None, None, "⒈"),
        ("70.67❶", 70.67, None, None, "❶"),
        ("70.67㉑", 70.67, None, None, "㉑"),
        ("70.67⓪", 70.67, None, None, "⓪"),
        ("70.67₁", 70.67, None, None, "₁"),  # a subscript is never an exponent
        ("70.67Ⅻ", 70.67, None, None, "Ⅻ"),
        ("70.67*", 70.67, None, None, "*"),
        ("70.67＊", 70.67, None, None, "＊"),
        ("70.67†", 70.67, None, None, "†"),
        ("70.67‡", 70.67, None, None, "‡"),
        ("70.67§", 70.67, None, None, "§"),
        ("70.67#", 70.67, None, None, "#"),
        ("70.67※", 70.67, None, None, "※"),
        ("70.67注1", 70.67, None, None, "注1"),
        ("70.67注①", 70.67, None, None, "注①"),
        ("70.67[1]", 70.67, None, None, "[1]"),
        ("70.67［２］", 70.67, None, None, "［２］"),
        ("70.67(注1)", 70.67, None, None, "(注1)"),
        ("70.67（注）", 70.67, None, None, "（注）"),
        ("70.67 ① ", 70.67, None, None, "①"),
        ("70.67①*", 70.67, None, None, "①*"),
        ("70.67万人①", 70.67, "万人", None, "①"),  # after the unit
        ("70.67万人¹", 70.67, "万人", None, "¹"),  # a superscript after a unit is a footnote
        ("300万人以上*", 300.0, "万人", ">=", "*"),  # after the bound word
        ("5.5%(注1)", 5.5, "%", None, "(注1)"),
        ("７０．６７②", 70.67, None, None, "②"),
        ("70.67", 70.67, None, None, None),
        ("3289.088km²", 3289.088, "平方公里", None, None),  # ² of km² is the unit
        ("3289㎢", 3289.0, "平方公里", None, None),
    ],
)
def test_footnote_markers_are_split_off_never_folded(cell, value, unit, bound, footnote):
    n = parse_number(cell)
    assert (n.value, n.unit, n.bound, n.footnote, n.raw) == (value, unit, bound, footnote, cell)


def test_footnote_on_a_range_and_a_missing_marker():
    n = parse_number("3—5个①")
    assert (n.low, n.high, n.unit, n.footnote) == (3.0, 5.0, "个", "①")
    m = parse_number("—①")
    assert m.missing and m.footnote == "①"


@pytest.mark.parametrize(
    ("cell", "problem", "expected"),
    [
        ("7①0", "“7①0”中的“①”是脚注或序号标记,不是数字", FOOTNOTE_EXPECTED),
        ("70①5", "“70①5”中的“①”是脚注或序号标记,不是数字", FOOTNOTE_EXPECTED),
        ("①70", "“①70”中的“①”是脚注或序号标记,不是数字", FOOTNOTE_EXPECTED),
        ("1🄂234", "“1🄂234”中的“🄂”是脚注或序号标记,不是数字", FOOTNOTE_EXPECTED),
        ("3½", "“3½”中的“½”是分数符号,不是数字", "小数,如 0.5;" + FOOTNOTE_EXPECTED),
        ("㍘5", "“㍘5”中的“㍘”是含数字的符号,不是数字", FOOTNOTE_EXPECTED),
        ("10²", "“10²”中的上标“²”紧跟在数字后,无法确定是脚注还是乘方",
         "脚注写成 70.67①、70.67* 或 70.67(注1);乘方请写出计算结果"),
        ("70.67¹", "“70.67¹”中的上标“¹”紧跟在数字后,无法确定是脚注还是乘方",
         "脚注写成 70.67①、70.67* 或 70.67(注1);乘方请写出计算结果"),
        ("①", "只有脚注标记,没有数字:“①”", None),
        ("*", "只有脚注标记,没有数字:“*”", None),
    ],
)  # fmt: skip
def test_digit_look_alikes_elsewhere_are_refused_by_name(cell, problem, expected):
    with pytest.raises(CleanError) as info:
        parse_number(cell)
    assert info.value.problem == problem
    if expected is not None:
        assert info.value.expected == expected


@pytest.mark.parametrize(
    ("text", "char"), [("202①", "①"), ("2023年⑨月", "⑨"), ("２０２３", None), ("2023¹", "¹"), ("2023(Q①)", "①")]
)
def test_periods_never_fold_look_alikes(text, char):
    if char is None:
        assert parse_period(text).year == 2023  # full-width digits are digits
        return
    with pytest.raises(CleanError) as info:
        parse_period(text)
    assert info.value.problem.startswith(f"时期“{text}”中的“{char}”是")
    assert info.value.expected == "年份和时期只用 0—9(全角数字亦可);脚注写在 note 列"
    with pytest.raises(CleanError):
        parse_period("annual", year=text)


def _code_points_folding_to_ascii_digits() -> list[str]:
    import sys
    import unicodedata

    return [chr(cp) for cp in range(0x80, sys.maxunicode + 1)
            if any("0" <= c <= "9" for c in unicodedata.normalize("NFKC", chr(cp)))]  # fmt: skip


def test_no_normalisation_changes_what_a_digit_means():
    """Every code point whose NFKC form holds an ASCII digit: parse_number keeps its meaning or refuses.

    A decimal digit (category Nd: ０, 𝟕 …) reads as that digit; anything else is refused naming it,
    or — only right after the number — split off as a footnote or read as the unit it is (㎢ = km²).
    It never becomes (part of) a different number.
    """
    import unicodedata

    chars = _code_points_folding_to_ascii_digits()
    assert len(chars) > 250  # ², ½, ①…⑳, ⑴, ⒈, ㉑, 🄂, ㋀, ㍘, ０–９, 𝟎–𝟿 …
    for char in chars:
        digit = unicodedata.decimal(char, None)
        for cell in (f"5{char}", f"{char}5", f"5{char}5", char):
            try:
                n = parse_number(cell)
            except CleanError as exc:
                assert char in exc.problem, (cell, exc.problem)  # refused, naming the character
                continue
            if digit is not None:  # a decimal digit: exactly that digit
                expected = float(cell.replace(char, str(digit)))
                assert (n.value, n.footnote) == (expected, None), (cell, n)
            else:  # after the number only: a footnote, or the unit it stands for; 5 stays 5
                assert cell == f"5{char}" and n.value == 5, (cell, n)
                assert n.footnote == char or (n.footnote is None and n.unit == "平方公里"), (cell, n)


# ------------------------------------------------------------------ encoding accidents, per cell

MOJIBAKE_TAIL = ":文件曾按错误的编码打开又保存"


@pytest.mark.parametrize(
    ("cell", "detail"),
    [
        ("测试\ufffd公报", "替换字符“\ufffd”,原字已丢失"),
        ("锟斤拷锟斤拷", "“锟斤拷锟斤拷”,原字已丢失"),
        ("标题烫烫烫", "“烫烫烫”,原字已丢失"),
        ("屯屯", "“屯屯”,原字已丢失"),
        ("鍩庨晣", "“鍩庨晣”,按 UTF-8 重读是“城镇”"),  # 城镇 in UTF-8, read as GBK
        ("2023年" + "重庆人口".encode().decode("gbk"), "“閲嶅簡浜哄彛”,按 UTF-8 重读是“重庆人口”"),
        ("åŸŽé•‡", "“åŸŽé•‡”,按 UTF-8 重读是“城镇”"),  # 城镇 in UTF-8, read as Windows-1252
        ("é‡\u008d庆", "“é‡?”,按 UTF-8 重读是“重”"),  # read as Latin-1: a C1 control shown as ?
    ],
)
def test_encoding_accidents_in_a_cell(cell, detail):
    assert encoding_accident(cell) == f"含有被错误转码的文字({detail}){MOJIBAKE_TAIL}"


@pytest.mark.parametrize(
    "cell",
    ["城镇新增就业", "重慶市人力社保局發佈:2024年全市城鎮新增就業71.9萬人(繁體轉載)", "José, Zürich, naïve café",
     "烫伤", "屯兵", "綦江区(含万盛经开区)", "瀼渡镇", "70.67①", "℃ ± × ÷ — … ·", ""],
)  # fmt: skip
def test_real_text_is_no_encoding_accident(cell):
    assert encoding_accident(cell) is None


def test_no_false_encoding_accident_in_the_real_data_and_the_plan():
    """Zero false positives on every text cell of data/raw and every line of the plan's text."""
    import csv
    import io

    cells = []
    for path in sorted(raw_dir().glob("**/*.csv")):
        for record in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))):
            cells += record
    # the plan's text and the research notes (not data/raw/README.md, which shows mojibake on purpose)
    for path in sorted(raw_dir().glob("**/*.txt")) + sorted(raw_dir().glob("**/*NOTES.md")):
        cells += path.read_text(encoding="utf-8").splitlines()
    assert len(cells) > 5_000
    assert [c for c in cells if encoding_accident(c)] == []


def test_read_table_names_every_garbled_cell(tmp_path):
    path = tmp_path / "garbled.csv"
    text = "指标,来源,备注\n城镇新增就业,鍩庨晣公报,\n常住人口,正常标题,锟斤拷\n"
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(TableCellError) as info:
        read_table(path)
    issues = [(i.line, i.column, i.problem, i.expected) for i in info.value.issues]
    remedy = "从原始来源重新复制,保存为 UTF-8 编码的 CSV"
    assert issues == [
        (2, "来源", f"含有被错误转码的文字(“鍩庨晣”,按 UTF-8 重读是“城镇”){MOJIBAKE_TAIL}", remedy),
        (3, "备注", f"含有被错误转码的文字(“锟斤拷”,原字已丢失){MOJIBAKE_TAIL}", remedy),
    ]
    assert info.value.problem == (
        f"“garbled.csv”第 2 行“来源”列含有被错误转码的文字(“鍩庨晣”,按 UTF-8 重读是“城镇”){MOJIBAKE_TAIL}(共 2 处)"
    )
    assert isinstance(info.value, CleanError) and info.value.expected == remedy


def test_a_garbled_header_is_named_as_line_1(tmp_path):
    path = tmp_path / "header.csv"
    path.write_bytes("指标,鍩庨晣\n城镇新增就业,1\n".encode())
    with pytest.raises(TableCellError) as info:
        read_table(path)
    assert [(i.line, i.column) for i in info.value.issues] == [(1, "鍩庨晣")]


# ------------------------------------------------------------------ 区县(含特殊功能区)


@pytest.mark.parametrize(
    ("raw", "name", "includes"),
    [
        ("綦江区(含万盛经开区)", "綦江区", ("万盛经开区",)),  # the shared case
        ("綦江(含万盛)", "綦江区", ("万盛经开区",)),  # the shared case
        ("綦江区（含万盛）", "綦江区", ("万盛经开区",)),
        ("重庆市綦江区(含万盛经开区)", "綦江区", ("万盛经开区",)),
        ("大足区(含双桥经开区)", "大足区", ("双桥经开区",)),
        ("大足(包括双桥)", "大足区", ("双桥经开区",)),
        ("渝北区(含两江新区)", "渝北区", ("两江新区",)),
        ("綦江区", "綦江区", ()),
        ("万盛经开区", "万盛经开区", ()),
        ("主城都市区(合计)", "主城都市区", ()),
    ],
)
def test_district_with_an_included_special_zone(raw, name, includes):
    d = normalise_district(raw)
    assert (d.name, d.includes, d.raw) == (name, includes, raw)
    assert d.kind == ("special_zone" if name == "万盛经开区" else "cluster_total" if "合计" in raw else "district")


@pytest.mark.parametrize(
    ("raw", "problem", "expected"),
    [
        ("大足区(含万盛经开区)",
         "“大足区(含万盛经开区)”:万盛经开区不在大足区境内,大足区的数值不可能含万盛经开区(不是区县:位于綦江区境内,"
         "市统计局常以“綦江(含万盛经开区)”发布;单列的数值不得再加到綦江区上,不进入区县级表格和地图。)",
         "“大足区”;万盛经开区位于綦江区境内"),
        ("綦江区(不含万盛)", "“綦江区(不含万盛)”:括号前的名称是綦江区,括号中的“不含万盛”无法识别",
         "“綦江区”、“綦江区(含万盛经开区)”;区县名称后的括号只用于“含”某个位于该区县内的特殊功能区"),
        ("綦江区(含万州)", "“綦江区(含万州)”:括号中的“万州”不是特殊功能区,綦江区的数值只能注明含某个位于其境内的特殊功能区",
         "“綦江区”,或“綦江区(含特殊功能区名称)”"),
        ("万盛(含綦江)", "“万盛(含綦江)”:括号前的名称是万盛经开区,括号中的“含綦江”无法识别",
         "“万盛经开区”;区县名称后的括号只用于“含”某个位于该区县内的特殊功能区"),
    ],
)  # fmt: skip
def test_district_with_a_zone_outside_it_is_refused_naming_both(raw, problem, expected):
    with pytest.raises(CleanError) as info:
        normalise_district(raw)
    assert (info.value.problem, info.value.expected) == (problem, expected)


@pytest.mark.parametrize(
    ("raw", "hint"),
    [("綦江县(含万盛)", "綦江区、垫江县"), ("万洲区(含万盛)", "万州区"), ("万洲区(不含万盛)", "万州区"),
     ("主城区(合计)", "中心城区、主城新区、主城都市区")],
)  # fmt: skip
def test_hints_never_point_at_the_zone_in_the_parenthesis(raw, hint):
    with pytest.raises(CleanError) as info:
        normalise_district(raw)
    assert info.value.problem == f"“{raw}”不是已知的区县或区域名称;最接近的标准名称:{hint}"
    assert "万盛经开区" not in info.value.problem
