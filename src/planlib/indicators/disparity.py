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


def disparity(values: pd.Series, population: pd.Series, groups: pd.Series | None = None) -> pd.Series:
    """CV (unweighted and population-weighted) and Theil (total, between and within ``groups``).

    All three Series are indexed by district. Districts missing a value or a population raise
    ``ValueError`` naming them: disparity over an incomplete set of districts is not comparable, so the
    caller decides (and says) which districts to use.
    """
    import pandas as pd

    frame = pd.DataFrame({"x": values, "n": population})
    if groups is not None:
        frame["g"] = groups
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
    if (x > 0).all():
        out["theil"] = _theil(x, w)
        if groups is not None:
            if frame["g"].isna().any():
                raise ValueError("有区县未归入任何片区")
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


def _theil(x: np.ndarray, w: np.ndarray) -> float:
    mu = float((w * x).sum())
    r = x / mu
    return float((w * r * np.log(r)).sum())
