"""失业预警: documented threshold rules (``settings/alerts.yaml``) on the surveyed unemployment rate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from planlib._paths import PACKAGE_DIR

if TYPE_CHECKING:
    import pandas as pd

RULES_FILE = PACKAGE_DIR / "settings" / "alerts.yaml"
TESTS = ("at_least", "near_ceiling", "yoy_rise")
COLUMNS = ["region", "year", "period_label", "period_type", "rule", "level", "description", "value", "threshold",
           "previous", "previous_year_value", "source_title", "source_url", "marks"]  # fmt: skip


def load_rules(path: Path = RULES_FILE) -> dict[str, Any]:
    """The 失业预警 rules (``settings/alerts.yaml``): series, ceiling, rules (id, level, test, threshold, text).

    Raises :class:`planlib.errors.DataError` naming the file, the rule and the key for a YAML syntax error,
    an unknown key or test, or a threshold that is not a number.
    """
    from pydantic import BaseModel, ConfigDict, ValidationError

    from planlib._config import load_mapping, validation_problems
    from planlib.errors import DataError

    class _Strict(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)

    class Rule(_Strict):
        id: str
        level: str
        test: Literal["at_least", "near_ceiling", "yoy_rise"]
        threshold: float
        text: str

    class File(_Strict):
        series: str
        ceiling: float
        rules: list[Rule]

    raw = load_mapping(path, "含 series、ceiling 和 rules")
    try:
        return File.model_validate(raw).model_dump()
    except ValidationError as exc:
        raise DataError(validation_problems(path, raw, exc.errors())) from None


def unemployment_alerts(observations: pd.DataFrame, as_of: int, rules: dict[str, Any] | None = None,
                        region: str = "全市") -> pd.DataFrame:  # fmt: skip
    """Every alert fired by data for years ≤ ``as_of``, for ``region`` (the area whose plan the rules'
    ceiling belongs to: 全市 for settings/alerts.yaml) and any district with data — never for another area
    (a national figure is not judged against Chongqing's 控制线).

    Level rules apply to full-year and partial-period values (labelled); the year-on-year rule compares
    full-year values only (its ``previous`` is the value compared). ``previous_year_value`` is the full-year
    value of the year before the alert's year wherever one exists (shown as 上年值), else missing. The data
    seen are :func:`planlib.indicators.assessment.visible` for ``as_of``.
    """
    import pandas as pd

    from planlib.indicators.assessment import visible
    from planlib.indicators.marks import symbols

    spec = rules or load_rules()
    ceiling = float(spec["ceiling"])
    seen = visible(observations, as_of)
    obs = seen[
        (seen["indicator_id"] == spec["series"]) & seen["preferred"] & seen["period_end"].notna()
        & ((seen["region"] == region) | (seen["region_kind"] == "district"))
        & seen["period_type"].isin(["full_year", "year_end", "partial_year"])
    ]  # fmt: skip
    rows = []
    for region, data in obs.groupby("region", sort=True):
        annual = {int(r["year"]): float(r["value"]) for r in data[data["is_annual"]].to_dict("records")}
        for rec in data.sort_values("period_end").to_dict("records"):
            value = float(rec["value"])
            for rule in spec["rules"]:
                fired, threshold, previous = False, float(rule["threshold"]), None
                if rule["test"] == "at_least":
                    fired = value >= threshold
                elif rule["test"] == "near_ceiling":
                    fired = ceiling - threshold - 1e-9 <= value < ceiling
                elif rule["test"] == "yoy_rise" and rec["is_annual"]:
                    previous = annual.get(int(rec["year"]) - 1)
                    fired = previous is not None and value - previous >= threshold - 1e-9
                if fired:
                    rows.append({"region": region, "year": rec["year"], "period_label": rec["period_label"],
                                 "period_type": rec["period_type"], "rule": rule["id"], "level": rule["level"],
                                 "description": rule["text"], "value": value, "threshold": threshold,
                                 "previous": previous, "previous_year_value": annual.get(int(rec["year"]) - 1),
                                 "source_title": rec["source_title"],
                                 "source_url": rec["source_url"], "marks": symbols([rec])})
    return pd.DataFrame(rows, columns=COLUMNS)
