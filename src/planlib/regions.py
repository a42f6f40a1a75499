"""The 一区两群 layout: which 区县 belongs to which cluster, as data with its source."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from planlib._paths import raw_dir
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
            problems.append(Problem(file=display, row=line, field="district", problem=exc.problem, expected=exc.expected))
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
