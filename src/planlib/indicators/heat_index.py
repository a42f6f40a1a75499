"""区县就业热力指数: a composite of district indicators, 0–100, components and weights as data.

Runs on whatever district data exist and says which components were missing; an index built from
fewer components than defined says so in ``n_components`` / ``missing_components``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from planlib._paths import PACKAGE_DIR

if TYPE_CHECKING:
    import pandas as pd

SPEC_FILE = PACKAGE_DIR / "settings" / "heat_index.yaml"


@dataclass
class HeatIndex:
    """Result of :func:`heat_index`."""

    index: pd.DataFrame  # district, year, index, n_components, components_used, missing_components
    components: pd.DataFrame  # district, year, component, raw, normalised, denominator
    weights: pd.Series  # component -> weight (0 for dropped components)
    spec: dict[str, Any]
    missing_components: list[str] = field(default_factory=list)  # defined but without any data
    dropped_components: list[str] = field(default_factory=list)  # constant: no information

    def describe(self) -> list[str]:
        labels = {c["id"]: c["label"] for c in self.spec["components"]}
        out = [f"{self.spec['name']}：定义 {len(labels)} 项指标，权重方法 {self.spec['weights']}，"
               f"标准化基准 {self.spec['goalposts']}，至少 {self.spec['min_components']} 项指标才计算指数。"]
        if self.missing_components:
            out.append("无任何数据、未纳入的指标：" + "、".join(labels[c] for c in self.missing_components))
        if self.dropped_components:
            out.append("各区县取值相同、权重为 0 的指标：" + "、".join(labels[c] for c in self.dropped_components))
        return out


def load_spec(path: Path = SPEC_FILE) -> dict[str, Any]:
    """The heat-index definition (``settings/heat_index.yaml``) as a dict (name, goalposts, weights,
    min_components, components with id, label, series, per, direction, caveat).

    Raises :class:`planlib.errors.DataError` naming the file, the component and the key for a YAML syntax
    error, an unknown key, a direction other than higher/lower or a non-integer ``min_components``.
    """
    from pydantic import BaseModel, ConfigDict, ValidationError

    from planlib._config import load_mapping, validation_problems
    from planlib.errors import DataError

    class _Strict(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)

    class Component(_Strict):
        id: str
        label: str
        series: str
        direction: Literal["higher", "lower"]
        per: str | None = None
        caveat: str | None = None

    class File(_Strict):
        name: str
        goalposts: Literal["pooled", "per_year"]
        weights: Literal["equal", "entropy"]
        min_components: int
        components: list[Component]

    raw = load_mapping(path, "含 name、goalposts、weights、min_components 和 components")
    try:
        spec = File.model_validate(raw).model_dump()
    except ValidationError as exc:
        raise DataError(validation_problems(path, raw, exc.errors())) from None
    for comp in spec["components"]:  # optional keys absent in the file stay absent, as callers expect
        for key in ("per", "caveat"):
            if comp[key] is None:
                del comp[key]
    return spec


def component_values(observations: pd.DataFrame, spec: dict[str, Any]) -> pd.DataFrame:
    """Raw component values per district-year (long), with the denominator used where ``per`` is set."""
    import pandas as pd

    obs = observations[(observations["region_kind"] == "district") & observations["preferred"]]
    annual = obs[obs["is_annual"]]
    census = obs[obs["period_type"] == "census_date"]
    rows = []
    for comp in spec["components"]:
        data = annual[annual["indicator_id"] == comp["series"]]
        per = comp.get("per")
        for rec in data.to_dict("records"):
            value, denominator = float(rec["value"]), ""
            if per:
                same_year = annual[(annual["indicator_id"] == per) & (annual["region"] == rec["region"])
                                   & (annual["year"] == rec["year"])]  # fmt: skip
                fallback = census[(census["indicator_id"] == per) & (census["region"] == rec["region"])]
                if not same_year.empty:
                    value, denominator = value / float(same_year["value"].iloc[0]), f"{rec['year']}年末常住人口"
                elif not fallback.empty:
                    value, denominator = value / float(fallback["value"].iloc[0]), "七普常住人口（该年年末数缺）"
                else:
                    continue
            rows.append({"district": rec["region"], "year": int(rec["year"]), "component": comp["id"],
                         "raw": value, "denominator": denominator})
    return pd.DataFrame(rows, columns=["district", "year", "component", "raw", "denominator"])


def entropy_weights(z: pd.DataFrame) -> pd.Series:
    """Entropy weights of the columns of ``z`` (normalised 0–1 values; NaN = not available).

    p_ij = z_ij / Σ_i z_ij, e_j = −(1/ln m) Σ_i p_ij ln p_ij (0·ln 0 = 0), d_j = 1 − e_j, w_j = d_j / Σ d_j.
    A constant column (no information) and a column with fewer than two values get weight 0.
    """
    import numpy as np
    import pandas as pd

    d = {}
    for col in z.columns:
        v = z[col].dropna().to_numpy(float)
        m = len(v)
        if m < 2 or v.sum() == 0 or np.ptp(v) == 0:
            d[col] = 0.0
            continue
        p = v / v.sum()
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1)), 0.0)
        d[col] = 1 - (-plogp.sum() / math.log(m))
    total = sum(d.values())
    return pd.Series({k: (v / total if total else 0.0) for k, v in d.items()}, name="weight")


def heat_index(observations: pd.DataFrame, spec: dict[str, Any] | None = None) -> HeatIndex:
    """Compute the 区县就业热力指数 from district observations (default spec: ``settings/heat_index.yaml``)."""
    import pandas as pd

    spec = spec or load_spec()
    ids = [c["id"] for c in spec["components"]]
    direction = {c["id"]: c["direction"] for c in spec["components"]}
    comps = component_values(observations, spec)
    missing = [c for c in ids if c not in set(comps["component"])]

    # direction-aware min-max per component (pooled over years, or within each year)
    keys = "component" if spec["goalposts"] == "pooled" else ["component", "year"]
    comps["normalised"] = float("nan")
    for key, idx in comps.groupby(keys).groups.items():
        comp = key[0] if isinstance(key, tuple) else key
        raw = comps.loc[idx, "raw"]
        lo, hi = raw.min(), raw.max()
        if hi > lo:
            z = (raw - lo) / (hi - lo)
            comps.loc[idx, "normalised"] = 100 * (1 - z if direction[comp] == "lower" else z)
    constant = [c for c in ids if c not in missing and comps.loc[comps["component"] == c, "normalised"].isna().all()]
    wide = comps.pivot_table(index=["district", "year"], columns="component", values="normalised", aggfunc="first")
    wide = wide.reindex(columns=[c for c in ids if c not in missing])
    if spec["weights"] == "entropy":
        weights = entropy_weights(wide / 100)
    else:
        usable = [c for c in wide.columns if c not in constant]
        weights = pd.Series({c: (1 / len(usable) if c in usable else 0.0) for c in wide.columns}, name="weight")
    weights = weights.reindex(ids, fill_value=0.0)
    rows = []
    for (district, year), rec in wide.iterrows():
        avail = [c for c in wide.columns if pd.notna(rec[c]) and weights[c] > 0]
        wsum = sum(weights[c] for c in avail)
        enough = len(avail) >= spec["min_components"] and wsum > 0
        value = sum(weights[c] * rec[c] for c in avail) / wsum if enough else float("nan")
        rows.append({"district": district, "year": int(year), "index": value, "n_components": len(avail),
                     "components_used": "、".join(avail),
                     "missing_components": "、".join(c for c in ids if c not in avail)})
    index = pd.DataFrame(rows, columns=["district", "year", "index", "n_components", "components_used",
                                        "missing_components"])  # fmt: skip
    return HeatIndex(index=index, components=comps, weights=weights, spec=spec, missing_components=missing,
                     dropped_components=constant)
