"""pandera schemas: the contract of a raw observations file and of the tidy observations frame."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandera.pandas as pa

from planlib.errors import Problem

if TYPE_CHECKING:
    import pandas as pd

# high > medium > low > test; test marks a user's test value (测试值,非公布数据), never a published figure
CONFIDENCES = ["high", "medium", "low", "test"]
RAW_KINDS = ["annual", "cumulative", "rate", "year_end", ""]
PERIOD_TYPES = ["full_year", "year_end", "partial_year", "multi_year", "census_date", "as_of", "static"]
REGION_KINDS = ["municipality", "district", "cluster_total", "special_zone"]
BOUNDS = [">", ">=", "<", "<="]
# release status written after a period (settings/choice.yaml release_status); "" when none is written
RELEASE_STATUSES = ["", "preliminary", "final", "revised"]

NO_URL = "(no URL known)"  # a source without a known address says so explicitly; the cell is never just empty
_RAW_URL = r"^(https?://\S+( ; https?://\S+)*|\(no URL known\))$"
_ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"


def _not_blank(what: str) -> pa.Check:
    return pa.Check(lambda s: s.str.strip().str.len() > 0, element_wise=False, error=f"{what}不能为空")


def _stripped(test, error: str) -> pa.Check:
    """A cell check on the value without surrounding spaces (a trailing space copied from a sheet is harmless)."""
    return pa.Check(lambda s: test(s.str.strip()), element_wise=False, error=error)


def raw_schema(columns: Iterable[str]) -> pa.DataFrameSchema:
    """Cell-level rules for a raw file. Content (numbers, periods, names) is parsed later
    (:mod:`planlib.inputs.numbers`, :mod:`planlib.inputs.periods`, :mod:`planlib.inputs.district_names`)."""
    cols = {
        "indicator": pa.Column(str, _not_blank("指标名称")),
        "year": pa.Column(str, _not_blank("年份/时期")),
        "value": pa.Column(str, _not_blank("数值")),
        "unit": pa.Column(str),
        "source_title": pa.Column(str, _not_blank("来源标题")),
        "source_url": pa.Column(
            str, _stripped(lambda s: s.str.match(_RAW_URL),
                           "以 http:// 或 https:// 开头的网址(多个用“ ; ”分隔);确实没有网址时填 (no URL known)")
        ),
        "confidence": pa.Column(
            str, _stripped(lambda s: s.isin(CONFIDENCES), "high、medium、low 或 test(测试值,非公布数据)之一")
        ),
    }  # fmt: skip
    present = set(columns)
    if "kind" in present:
        cols["kind"] = pa.Column(
            str, _stripped(lambda s: s.isin(RAW_KINDS), "annual、cumulative、rate、year_end 之一或留空")
        )
    return pa.DataFrameSchema(cols, strict=False, coerce=False)


def raw_schema_failures(schema: pa.DataFrameSchema, table: pd.DataFrame, display: str) -> list[Problem]:
    """Validate lazily and turn pandera's failure cases into Problems (file, line, field, expectation)."""
    try:
        schema.validate(table, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems = []
        cases = exc.failure_cases.sort_values(["index", "column"], na_position="first", kind="stable")
        for case in cases.to_dict("records"):
            index = case.get("index")
            row = int(index) + 2 if index is not None and index == index else None
            shown = case.get("failure_case")
            problems.append(
                Problem(
                    file=display, row=row, field=case.get("column"),
                    problem=f"不符合要求的值“{shown}”" if shown not in (None, "") else "值为空",
                    expected=str(case.get("check")),
                )
            )  # fmt: skip
        return problems
    return []


def tidy_schema() -> pa.DataFrameSchema:
    """Output contract of :func:`planlib.inputs.observations.load_observations`."""
    opt_str = {"nullable": True}
    return pa.DataFrameSchema(
        {
            "indicator_id": pa.Column(str, pa.Check.str_matches(r"^[a-z][a-z0-9_]*$")),
            "region": pa.Column(str, pa.Check.str_length(min_value=1)),
            "region_code": pa.Column(object, **opt_str),
            "region_kind": pa.Column(str, pa.Check.isin(REGION_KINDS)),
            "includes": pa.Column(str),
            "year": pa.Column("Int64", pa.Check.in_range(1949, 2100), nullable=True),
            "period_type": pa.Column(str, pa.Check.isin(PERIOD_TYPES)),
            "period_start": pa.Column(object, **opt_str),
            "period_end": pa.Column(object, **opt_str),
            "period_label": pa.Column(str),
            "value": pa.Column(float, nullable=True),
            "value_low": pa.Column(float, nullable=True),
            "value_high": pa.Column(float, nullable=True),
            "bound": pa.Column(object, pa.Check.isin(BOUNDS), nullable=True),
            "approx": pa.Column(bool),
            "footnote": pa.Column(str),
            "unit": pa.Column(str),
            "is_annual": pa.Column(bool),
            "preferred": pa.Column(bool),
            "conflict": pa.Column(bool),
            "superseded": pa.Column(bool),
            "choice": pa.Column(str),
            "published_name": pa.Column(str),
            "published_value": pa.Column(str),
            "published_unit": pa.Column(str),
            "source_title": pa.Column(str, pa.Check.str_length(min_value=1)),
            "source_url": pa.Column(str, pa.Check.str_matches(_RAW_URL)),
            "confidence": pa.Column(str, pa.Check.isin(CONFIDENCES)),
            "published": pa.Column(object, pa.Check.str_matches(_ISO_DAY), nullable=True),
            "published_guess": pa.Column(object, pa.Check.str_matches(_ISO_DAY), nullable=True),
            "revised": pa.Column(bool),
            "status": pa.Column(str, pa.Check.isin(RELEASE_STATUSES)),
            "note": pa.Column(str),
            "quote": pa.Column(str),
            "source_file": pa.Column(str),
            "source_line": pa.Column(int, pa.Check.ge(2)),
        },
        checks=[
            # a year's value exists only for whole-year periods, and ranges carry both ends
            pa.Check(lambda df: ~df["is_annual"] | df["year"].notna(), error="is_annual 行必须有 year"),
            pa.Check(lambda df: df["value"].notna() | (df["value_low"].notna() & df["value_high"].notna()),
                     error="每行须有数值或完整区间"),
            # a superseded row (an earlier vintage of the figure) is never the one used
            pa.Check(lambda df: ~(df["superseded"] & df["preferred"]), error="superseded 行不能是 preferred"),
        ],
        strict=True,
        coerce=True,
        ordered=True,
    )
