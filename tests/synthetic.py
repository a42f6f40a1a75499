"""SYNTHETIC observation rows for tests and benchmarks — invented numbers, never real data.

Every row says so in its source title, so a synthetic value can never pass for a published one.
"""

from __future__ import annotations

import pandas as pd

from planlib.inputs.observations import TIDY_COLUMNS

SYNTHETIC_SOURCE = "合成测试数据(SYNTHETIC,非真实数据)"


def row(series: str, year: int | None, value: float, *, period_type: str = "full_year", region: str = "全市",
        start: str | None = None, end: str | None = None, label: str | None = None) -> dict:
    start = start or (f"{year}-01-01" if year else None)
    end = end or (f"{year}-12-31" if year else None)
    return {
        "indicator_id": series, "region": region, "region_code": None,
        "region_kind": "municipality" if region == "全市" else "district",
        "year": year, "period_type": period_type, "period_start": start, "period_end": end,
        "period_label": label or (f"{year}年" if year else ""), "value": float(value),
        "value_low": None, "value_high": None, "bound": None, "approx": False, "unit": "",
        "is_annual": period_type in ("full_year", "year_end"), "preferred": True, "conflict": False,
        "published_name": series, "published_value": str(value), "published_unit": "",
        "source_title": SYNTHETIC_SOURCE, "source_url": "https://example.org/synthetic", "confidence": "high",
        "note": "synthetic", "source_file": "synthetic", "source_line": 2,
    }  # fmt: skip


def frame(rows: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=TIDY_COLUMNS)
    out["year"] = out["year"].astype("Int64")
    return out
