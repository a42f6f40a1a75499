"""The 一区两群 layout: which 区县 belongs to which cluster, as data with its source."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from planlib._paths import PACKAGE_DIR, raw_dir
from planlib.errors import CleanError, DataError, Problem

if TYPE_CHECKING:
    import pandas as pd

CLUSTERS_FILE = "district/clusters.csv"
MAIN_URBAN = "主城都市区"
NORTHEAST = "渝东北三峡库区城镇群"
SOUTHEAST = "渝东南武陵山区城镇群"
CLUSTERS = (MAIN_URBAN, NORTHEAST, SOUTHEAST)
SUBCLUSTERS = ("中心城区", "主城新区")
# Short names used in charts and tables where the full name does not fit.
CLUSTER_SHORT = {MAIN_URBAN: "主城都市区", NORTHEAST: "渝东北", SOUTHEAST: "渝东南"}


def load_clusters() -> pd.DataFrame:
    """The 38 区县 with code, cluster, subcluster (主城都市区 only), short name and source.

    Read from ``data/raw/district/clusters.csv`` and checked: every name is an official 区县, each
    appears once, and every cluster is one of the three of the plan.
    """
    return _load_clusters().copy()


@functools.cache
def _load_clusters() -> pd.DataFrame:
    from planlib import clean

    path = raw_dir() / CLUSTERS_FILE
    display = f"data/raw/{CLUSTERS_FILE}"
    table = clean.read_table(path)
    problems = []
    names, shorts = [], []
    for i, rec in enumerate(table.to_dict("records")):
        line = i + 2
        try:
            dn = clean.normalise_district(rec["district"])
        except CleanError as exc:
            problems.append(
                Problem(file=display, row=line, field="district", problem=exc.problem, expected=exc.expected)
            )
            continue
        if dn.kind != "district":
            problems.append(Problem(file=display, row=line, field="district", problem=f"“{rec['district']}”不是区县"))
        elif dn.code != rec["district_code"]:
            problems.append(Problem(file=display, row=line, field="district_code",
                                    problem=f"代码 {rec['district_code']} 与 {dn.name} 的行政区划代码 {dn.code} 不符"))
        if rec["cluster"] not in CLUSTERS:
            problems.append(Problem(file=display, row=line, field="cluster", problem=f"未知的片区“{rec['cluster']}”",
                                    expected="、".join(CLUSTERS)))
        sub = rec.get("subcluster", "")
        if (rec["cluster"] == MAIN_URBAN) != (sub in SUBCLUSTERS):
            problems.append(Problem(file=display, row=line, field="subcluster",
                                    problem=f"子片区“{sub}”与片区“{rec['cluster']}”不符",
                                    expected="主城都市区的区县填 中心城区 或 主城新区,其他留空"))
        names.append(dn.name)
        shorts.append(dn.short)
    if problems:
        raise DataError(problems)
    if len(set(names)) != len(names) or len(names) != 38:
        raise DataError(Problem(file=display, problem=f"应恰好列出 38 个不同的区县,实际 {len(set(names))} 个"))
    out = table.assign(district=names, short=shorts)
    out["subcluster"] = out["subcluster"].replace("", None)
    cols = ["district", "district_code", "short", "cluster", "subcluster", "source_title", "source_url", "note"]
    return out[cols].sort_values("district_code").reset_index(drop=True)


AGGREGATION_FILE = PACKAGE_DIR / "settings" / "aggregation.yaml"


@functools.cache
def aggregation_rules() -> dict[str, str]:
    from planlib._config import load_mapping

    raw = load_mapping(AGGREGATION_FILE, "含 rules(序列 id: sum、population_weighted_mean 或 none)")
    rules = {str(k): str(v) for k, v in (raw.get("rules") or {}).items()}
    bad = {k: v for k, v in rules.items() if v not in {"sum", "population_weighted_mean", "none"}}
    if bad:
        raise DataError([Problem(file=str(AGGREGATION_FILE), entry=f"rules.{k}", problem=f"未知的汇总规则“{v}”",
                                 expected="sum、population_weighted_mean 或 none") for k, v in bad.items()])
    return rules


def district_values(
    observations: pd.DataFrame, series_id: str, *, year: int | None = None, period_type: str | None = None
) -> pd.Series:
    """Preferred district values of one series for one year (full-year/year-end) or one period type.

    Indexed by official district name; districts without a value are absent (not zero, not estimated).
    """
    obs = observations[
        (observations["indicator_id"] == series_id) & (observations["region_kind"] == "district")
        & observations["preferred"]
    ]  # fmt: skip
    if period_type is not None:
        obs = obs[obs["period_type"] == period_type]
    else:
        obs = obs[obs["is_annual"]]
    if year is not None:
        obs = obs[obs["year"] == year]
    if obs.duplicated("region").any():
        dupes = sorted(set(obs.loc[obs.duplicated("region"), "region"]))
        raise ValueError(f"{series_id}: 以下区县有多个时期的数值,请指定 year 或 period_type:{'、'.join(dupes)}")
    return obs.set_index("region")["value"].rename(series_id)


def aggregate_clusters(
    values: pd.Series, rule: str, *, population: pd.Series | None = None, level: str = "cluster"
) -> pd.DataFrame:
    """Aggregate district ``values`` to clusters (``level="cluster"``) or sub-clusters (``"subcluster"``).

    ``rule`` is ``sum`` or ``population_weighted_mean`` (then ``population`` is required). A group gets a
    value only if all its member districts have one; ``missing`` names the others.
    """
    import pandas as pd

    if rule == "none":
        raise ValueError("该序列按规则不可跨区县汇总(见 settings/aggregation.yaml)")
    clusters = load_clusters()
    groups = clusters.dropna(subset=[level]) if level == "subcluster" else clusters
    rows = []
    for name, members in groups.groupby(level, sort=False):
        names = list(members["district"])
        have = [d for d in names if d in values.index and pd.notna(values[d])]
        missing = [d for d in names if d not in have]
        value = float("nan")
        if not missing:
            v = values[names].astype(float)
            if rule == "sum":
                value = float(v.sum())
            elif rule == "population_weighted_mean":
                if population is None:
                    raise ValueError("population_weighted_mean 需要人口数据")
                pop = population.reindex(names)
                if pop.isna().any():
                    missing = [d for d in names if pd.isna(pop[d])]
                else:
                    value = float((v * pop).sum() / pop.sum())
            else:
                raise ValueError(f"未知的汇总规则:{rule}")
        rows.append({"group": name, "value": value, "n_districts": len(names), "n_with_data": len(have),
                     "complete": not missing, "missing": "、".join(missing)})
    return pd.DataFrame(rows)
