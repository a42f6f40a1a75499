"""Comparisons that give a number its meaning: on the previous year, beside the national figure, each cluster
beside the city, and the change the remaining years need where an indicator moved against its target.

Pure functions on the tidy observations (:func:`planlib.inputs.observations.load_observations` columns) and the
assessment frame (:func:`planlib.indicators.assessment.assess`). Only preferred full-year (or year-end) values
are compared (``is_annual`` and ``preferred``), never a test value (confidence ``test``: shown, not
compared); nothing is estimated: a comparison without both values is left out. Units are those of the series
(a rate's change is in percentage points, a count's in its own unit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

CITY = "全市"
NATIONAL = "全国"
RATE_UNITS = ("%",)


def _annual(obs: pd.DataFrame, region: str | None = None, region_kind: str | None = None, *,
            tests: bool = False) -> pd.DataFrame:  # fmt: skip
    sel = obs["is_annual"].astype(bool) & obs["preferred"].astype(bool) & obs["year"].notna()
    if not tests and "confidence" in obs:
        sel &= obs["confidence"] != "test"
    if region is not None:
        sel &= obs["region"] == region
    if region_kind is not None:
        sel &= obs["region_kind"] == region_kind
    return obs[sel]


def annual_row(obs: pd.DataFrame, series_id: str, year: int, region: str = CITY) -> dict | None:
    """The preferred full-year observation row (a dict) of ``series_id`` for ``region`` and ``year``, or None
    (a test value included: the caller prints its mark)."""
    rows = _annual(obs, region, tests=True)
    rows = rows[(rows["indicator_id"] == series_id) & (rows["year"] == year)]
    return rows.iloc[0].to_dict() if not rows.empty else None


def previous_year_change(obs: pd.DataFrame, series_id: str, year: int, region: str = CITY) -> dict | None:
    """``series_id`` in ``year`` against ``year − 1`` for ``region``: ``{"year", "value", "previous",
    "change", "unit", "row", "previous_row"}`` (``change`` = value − previous, in the series' unit; for a
    ``%`` series percentage points), or None when either year has no full-year value."""
    now, before = annual_row(obs, series_id, year, region), annual_row(obs, series_id, year - 1, region)
    if now is None or before is None or "test" in (now.get("confidence"), before.get("confidence")):
        return None  # a test value is never compared
    return {"year": int(year), "value": float(now["value"]), "previous": float(before["value"]),
            "change": float(now["value"]) - float(before["value"]), "unit": now["unit"], "row": now,
            "previous_row": before}  # fmt: skip


def year_on_year(obs: pd.DataFrame, series_ids: list[str], as_of: int, region: str = CITY) -> pd.DataFrame:
    """One row per series of ``series_ids`` whose latest full-year value up to ``as_of`` has a value for the
    year before: indicator_id, year, value, previous, change, unit (see :func:`previous_year_change`), and the
    marks († ‡, :func:`planlib.indicators.marks.symbols`) of the two values."""
    import pandas as pd

    from planlib.indicators.marks import symbols

    rows = []
    annual = _annual(obs, region)
    for sid in series_ids:
        years = annual.loc[(annual["indicator_id"] == sid) & (annual["year"] <= as_of), "year"]
        if years.empty:
            continue
        found = previous_year_change(obs, sid, int(years.max()), region)
        if found is not None:
            rows.append({"indicator_id": sid, **{k: v for k, v in found.items() if not k.endswith("row")},
                         "marks": symbols([found["row"]]), "previous_marks": symbols([found["previous_row"]])})
    return pd.DataFrame(rows, columns=["indicator_id", "year", "value", "previous", "change", "unit", "marks",
                                       "previous_marks"])


def vs_national(obs: pd.DataFrame, series_ids: list[str], as_of: int, region: str = CITY) -> pd.DataFrame:
    """``region`` (the plan's area, e.g. 全市) beside the national figure (region ``全国``) for the same series
    and year, for every
    year up to ``as_of`` where both have a full-year value in the same unit. Columns: indicator_id, year,
    city, national, difference (city − national, in the unit; percentage points for rates), unit,
    national_source. Empty (with these columns) when no national observations exist."""
    import pandas as pd

    cols = ["indicator_id", "year", "city", "national", "difference", "unit", "national_source"]
    nat = _annual(obs, NATIONAL)
    if nat.empty:
        return pd.DataFrame(columns=cols)
    city = _annual(obs, region)
    rows = []
    for n in nat[nat["indicator_id"].isin(series_ids) & (nat["year"] <= as_of)].to_dict("records"):
        c = city[(city["indicator_id"] == n["indicator_id"]) & (city["year"] == n["year"])
                 & (city["unit"] == n["unit"])]  # fmt: skip
        if c.empty:
            continue
        value = float(c.iloc[0]["value"])
        rows.append({"indicator_id": n["indicator_id"], "year": int(n["year"]), "city": value,
                     "national": float(n["value"]), "difference": value - float(n["value"]), "unit": n["unit"],
                     "national_source": n["source_title"]})  # fmt: skip
    frame = pd.DataFrame(rows, columns=cols)
    return frame.sort_values(["indicator_id", "year"], kind="stable").reset_index(drop=True)


def clusters_vs_city(obs: pd.DataFrame, year: int, region: str = CITY) -> pd.DataFrame:
    """Each published cluster figure (``region_kind == "cluster_total"``: 一区两群 and their parts, as the
    sources name them) of ``year`` beside the figure of ``region`` (the plan's area, e.g. 全市) of the same
    series and year, taken from the same source as the cluster figure when that source gives one (a yearbook's
    preliminary clusters beside its own preliminary total, never beside a later revision, so shares add up);
    otherwise the preferred figure, and ``same_source`` says so.

    Columns: indicator_id, region, year, value, city, unit, share (value ÷ city for counts and totals, NaN for
    rates), difference (value − city for rates, in percentage points; NaN for counts), same_source (bool),
    city_source. Rows without a figure for ``region`` are left out."""
    import pandas as pd

    cols = ["indicator_id", "region", "year", "value", "city", "unit", "share", "difference", "same_source",
            "city_source"]  # fmt: skip
    clusters = _annual(obs, region_kind="cluster_total")
    clusters = clusters[clusters["year"] == year]
    city = _annual(obs, region)
    # every full-year figure of the area, preferred or not: a source's own total
    every = obs[obs["is_annual"].astype(bool) & (obs["region"] == region) & (obs["year"] == year)]
    rows = []
    for c in clusters.to_dict("records"):
        like = (every["indicator_id"] == c["indicator_id"]) & (every["unit"] == c["unit"])
        own = every[like & (every["source_title"] == c["source_title"])]
        m = own if not own.empty else city[(city["indicator_id"] == c["indicator_id"]) & (city["year"] == year)
                                           & (city["unit"] == c["unit"])]  # fmt: skip
        if m.empty:
            continue
        value, whole = float(c["value"]), float(m.iloc[0]["value"])
        rate = c["unit"] in RATE_UNITS
        rows.append({"indicator_id": c["indicator_id"], "region": c["region"], "year": int(year), "value": value,
                     "city": whole, "unit": c["unit"], "share": float("nan") if rate or not whole else value / whole,
                     "difference": value - whole if rate else float("nan"), "same_source": not own.empty,
                     "city_source": m.iloc[0]["source_title"]})  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def _direction(rec: dict) -> int:
    """+1 when the target asks for more (≥, >, 稳步增长), −1 for less (<, ≤), 0 otherwise."""
    comp = rec.get("comparator")
    return {">": 1, ">=": 1, "steady_growth": 1, "<": -1, "<=": -1}.get(comp, 0)


def required_change(assessment: pd.DataFrame, obs: pd.DataFrame, as_of: int, period_end: int,
                    region: str = CITY) -> pd.DataFrame:
    """Headline indicators whose latest full-year value moved against the target's direction on the year
    before, and what the remaining years need.

    ``assessment``: the frame of :func:`planlib.indicators.assessment.assess`; ``obs``: the observations the
    report may see. For a level target (2025 level) the remaining years (``latest year + 1 … period_end``)
    must change by (target − latest) ÷ remaining years each year; for a yearly ceiling or floor the value must
    come back by (latest − target) or may move by at most the margin left; for a five-year total the pace is
    the assessment's ``required_pace`` (and a fall in its yearly flow counts only when that flow is below the
    pace the rest of the period needs: a total ahead of 序时进度 may grow more slowly).
    Columns: id, name, unit, year, change (the move against the target),
    target, remaining_years, required_per_year (NaN where only a margin applies), margin (target − latest in
    the target's direction; negative = the target is missed now), kind.
    """
    import pandas as pd

    cols = ["id", "name", "unit", "year", "change", "target", "remaining_years", "required_per_year", "margin",
            "kind"]  # fmt: skip
    rows = []
    head = assessment[(assessment["group"] == "headline")]
    for rec in head.to_dict("records"):
        sign = _direction(rec)
        if not sign or rec["kind"] not in ("level", "annual", "cumulative"):
            continue
        years = _annual(obs, region)
        years = years.loc[(years["indicator_id"] == rec["id"]) & (years["year"] <= as_of), "year"]
        if years.empty:
            continue
        moved = previous_year_change(obs, rec["id"], int(years.max()), region)
        if moved is None or moved["change"] * sign >= 0:
            continue  # no change on the year before, or a move towards the target
        pace = rec.get("required_pace")
        if rec["kind"] == "cumulative" and not (pace == pace and pace is not None and moved["value"] < pace):
            continue  # a smaller yearly flow of a five-year total is against it only below the pace still needed
        remaining = period_end - moved["year"]
        target = rec["target"]
        margin = sign * (moved["value"] - target) if target == target else float("nan")
        if rec["kind"] == "level" and remaining > 0 and target == target:
            per_year = (target - moved["value"]) / remaining
        elif rec["kind"] == "cumulative":
            per_year = float(rec["required_pace"]) if rec["required_pace"] == rec["required_pace"] else float("nan")
        else:
            per_year = float("nan")
        rows.append({"id": rec["id"], "name": rec["name"], "unit": rec["unit"], "year": moved["year"],
                     "change": moved["change"], "target": target, "remaining_years": remaining,
                     "required_per_year": per_year, "margin": margin, "kind": rec["kind"]})  # fmt: skip
    return pd.DataFrame(rows, columns=cols)
