"""Regional disparity of a district-level per-capita value: CV and the Theil index with its
一区两群 decomposition.

Conventions (they change the numbers, so the report prints them): population standard deviation
(divide by n, not n − 1); the weighted CV uses the population-weighted mean; Theil needs strictly
positive values; between + within = total exactly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

CONVENTIONS = (
    "不加权变异系数 = 总体标准差（除以 n）÷ 算术平均；人口加权变异系数 = 人口加权标准差 ÷ 人口加权平均；"
    "泰尔指数 T = Σ(n_i/N)(x_i/μ)ln(x_i/μ)，按片区分解为组间 + 组内，二者之和等于总体；泰尔指数要求各值为正。"
)


def disparity(values: pd.Series, population: pd.Series, groups: pd.Series | pd.DataFrame | None = None, *,
              level: str = "cluster") -> pd.Series:  # fmt: skip
    """CV (unweighted and population-weighted) and Theil (total, between and within ``groups``).

    ``values``: a per-capita (or other positive) district value, e.g. GDP per person, indexed by district
    name; ``population``: the weights (any unit, e.g. 万人 from ``planlib.district_values(obs,
    "resident_population", year=…)``), indexed the same way; ``groups``: which cluster each district is in —
    the frame of :func:`planlib.load_clusters` (its ``district`` and ``level`` columns; ``level`` is
    ``cluster`` or ``subcluster``) or a Series district → group. Left out, no decomposition.

    Returns a Series: n_districts, mean, weighted_mean (in the unit of ``values``), cv, cv_weighted, theil,
    theil_between, theil_within (unitless; Theil is NaN unless every value is positive).

    Raises ``ValueError`` with a message naming the problem: values and population that share no district
    (e.g. names against 6-digit codes), districts missing a value or a population (disparity over an
    incomplete set is not comparable, so the caller decides and says which districts to use), districts
    in no group, a non-positive population, fewer than two districts.
    """
    import pandas as pd

    values = _series(values, "values")
    population = _series(population, "population")
    common = values.index.intersection(population.index)
    if common.empty:
        raise ValueError(f"数值与人口没有共同的区县(数值 {len(values)} 个,如“{values.index[0] if len(values) else ''}”;"
                         f"人口 {len(population)} 个,如“{population.index[0] if len(population) else ''}”);"
                         "应为:两者都以区县名为索引,如 planlib.district_values(...) 的结果")
    frame = pd.DataFrame({"x": values, "n": population})
    if groups is not None:
        frame["g"] = _groups(groups, level).reindex(frame.index)
    missing = frame.index[frame[["x", "n"]].isna().any(axis=1)].tolist()
    if missing:
        raise ValueError(f"以下区县缺少数值或人口:{'、'.join(map(str, missing))}")
    if len(frame) < 2:
        raise ValueError("至少需要两个区县")
    if (frame["n"] <= 0).any():
        raise ValueError("人口必须为正数")
    x = frame["x"].to_numpy(float)
    n = frame["n"].to_numpy(float)
    w = n / n.sum()
    mean = x.mean()
    wmean = float((w * x).sum())
    out = {
        "n_districts": len(frame),
        "mean": mean,
        "weighted_mean": wmean,
        "cv": float(x.std(ddof=0) / mean),
        "cv_weighted": float(np.sqrt((w * (x - wmean) ** 2).sum()) / wmean),
        "theil": np.nan,
        "theil_between": np.nan,
        "theil_within": np.nan,
    }
    if groups is not None and frame["g"].isna().any():
        outside = "、".join(map(str, frame.index[frame["g"].isna()]))
        raise ValueError(f"以下区县未归入任何片区:{outside}")
    if (x > 0).all():
        out["theil"] = _theil(x, w)
        if groups is not None:
            between = within = 0.0
            for _, part in frame.groupby("g", sort=True):
                share = part["n"].sum() / n.sum()
                xg = part["x"].to_numpy(float)
                wg = part["n"].to_numpy(float) / part["n"].sum()
                mg = float((wg * xg).sum())
                between += share * (mg / wmean) * np.log(mg / wmean)
                within += share * (mg / wmean) * _theil(xg, wg)
            out["theil_between"], out["theil_within"] = float(between), float(within)
    return pd.Series(out, name="disparity")


def _series(data: object, what: str) -> pd.Series:
    import pandas as pd

    if isinstance(data, pd.DataFrame) and data.shape[1] == 1:
        return data.iloc[:, 0]
    if not isinstance(data, pd.Series):
        raise ValueError(f"{what} 应为以区县名为索引的一列数值(pandas Series),实际为 {type(data).__name__}")
    return data


def _groups(groups: pd.Series | pd.DataFrame, level: str) -> pd.Series:
    """District → group, from :func:`planlib.load_clusters`'s frame or a Series."""
    import pandas as pd

    if isinstance(groups, pd.DataFrame):
        if "district" not in groups.columns or level not in groups.columns:
            raise ValueError(f"groups 应为 load_clusters() 的表(含 district 和 {level} 列)或以区县名为索引的 Series;"
                             f"实际的列:{'、'.join(map(str, groups.columns))}")
        return groups.set_index("district")[level]
    if not isinstance(groups, pd.Series):
        raise ValueError(f"groups 应为 load_clusters() 的表或以区县名为索引的 Series,实际为 {type(groups).__name__}")
    return groups


def _theil(x: np.ndarray, w: np.ndarray) -> float:
    mu = float((w * x).sum())
    r = x / mu
    return float((w * r * np.log(r)).sum())
