"""The 一区两群 layout: which 区县 belongs to which cluster, as data with its source, in each grouping.

Two groupings are in use (``districts.yaml`` ``groupings``): ``plan2020``, the plan's own 一区两群 (members
in ``data/raw/district/clusters.csv``; 垫江 in 渝东北) and the default here, and ``spatial2024``, the 2024
spatial master plan's grouping that the statistical yearbooks now print (members listed with its cluster
totals in ``districts.yaml``; 垫江 in 主城都市区, which divides into 中心城区, 渝西地区 and 渝东新城). Every
cluster aggregate names its grouping.
"""

from __future__ import annotations

import functools
from pathlib import Path
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


DEFAULT_GROUPING = "plan2020"  # the grouping the plan itself uses (规划的“一区两群”,2020年划分)


def groupings() -> dict[str, dict[str, str]]:
    """The groupings planlib knows: id → {name, source, note} (``districts.yaml``)."""
    from planlib.inputs.district_names import district_groupings

    return district_groupings()


def grouping_name(grouping: str | None = None) -> str:
    """The grouping's name as reports print it, e.g. “一区两群(2020年划分,本规划采用)”."""
    return groupings()[_grouping_id(grouping)]["name"]


def _grouping_id(grouping: str | None) -> str:
    gid = grouping or DEFAULT_GROUPING
    known = groupings()
    if gid not in known:
        listed = "、".join(f"{k}({v['name']})" for k, v in known.items())
        raise ValueError(f"未知的区县分组“{gid}”;可用:{listed}")
    return gid


def load_clusters(grouping: str | None = None) -> pd.DataFrame:
    """The 38 区县 with code, short name, cluster, subcluster and source, in one ``grouping``.

    Columns: district, district_code, short, cluster, subcluster (None outside the clusters that divide),
    source_title, source_url, note, grouping (the id). ``grouping`` is ``plan2020`` (default: the plan's
    一区两群, from ``data/raw/district/clusters.csv``, checked: every name an official 区县, each once, every
    cluster one of the three) or ``spatial2024`` (the yearbooks' grouping, from the cluster totals' members
    in ``districts.yaml``). Raises ValueError for an unknown grouping, :class:`DataError` for a bad file.
    """
    gid = _grouping_id(grouping)
    frame = _load_clusters() if gid == DEFAULT_GROUPING else _load_grouping_members(gid)
    return frame.assign(grouping=gid)


def _file_key(path: Path) -> tuple[str, int, int]:
    """What a cache of a file's contents is keyed on: the path, its modification time and size — an edited
    file (or another ``PLANLIB_ROOT``) is read again, never served stale."""
    try:
        stat = path.stat()
    except OSError:
        return (str(path), -1, -1)  # the reader names the missing file
    return (str(path), stat.st_mtime_ns, stat.st_size)


@functools.cache
def _load_grouping_members(gid: str) -> pd.DataFrame:
    """A grouping defined by the members of its cluster totals: the largest total holding a 区县 is its
    cluster, a smaller one inside it its subcluster. Every 区县 must be in exactly one cluster."""
    import pandas as pd

    from planlib.inputs.district_names import district_table

    table = district_table()
    spec = groupings()[gid]
    totals = [(r["name"], r["short"], set(str(r["members"]).split("、")))
              for r in table[table["kind"] == "cluster_total"].to_dict("records")
              if gid in str(r["groupings"] or "").split("、") and r["members"]]  # fmt: skip
    districts = table[table["kind"] == "district"]
    rows, problems = [], []
    for d in districts.to_dict("records"):
        holding = sorted((t for t in totals if d["name"] in t[2]), key=lambda t: -len(t[2]))
        if not holding:
            problems.append(f"{d['name']} 不属于 {gid} 的任何片区")
            continue
        tops = [t for t in holding if len(t[2]) == len(holding[0][2])]
        if len(tops) > 1:
            problems.append(f"{d['name']} 同时属于 {'、'.join(t[0] for t in tops)}")
        rows.append({"district": d["name"], "district_code": d["code"], "short": d["short"],
                     "cluster": holding[0][0], "subcluster": holding[1][0] if len(holding) > 1 else None,
                     "source_title": spec["source"], "source_url": "(no URL known)", "note": spec["note"]})  # fmt: skip
    if problems:
        raise DataError(Problem(file="src/planlib/districts.yaml", entry=f"groupings.{gid}",
                                problem=";".join(problems)))  # fmt: skip
    cols = ["district", "district_code", "short", "cluster", "subcluster", "source_title", "source_url", "note"]
    return pd.DataFrame(rows, columns=cols).sort_values("district_code").reset_index(drop=True)


def _load_clusters() -> pd.DataFrame:
    return _read_clusters(_file_key(raw_dir() / CLUSTERS_FILE)).copy()


# tests (and a long-running kernel) may still empty the cache by hand
_load_clusters.cache_clear = lambda: _read_clusters.cache_clear()  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=8)
def _read_clusters(key: tuple[str, int, int]) -> pd.DataFrame:
    from planlib.inputs.csv_tables import read_table
    from planlib.inputs.district_names import normalise_district

    path = Path(key[0])
    display = f"data/raw/{CLUSTERS_FILE}"
    table = read_table(path)
    problems = []
    names, shorts = [], []
    for i, rec in enumerate(table.to_dict("records")):
        line = i + 2
        try:
            dn = normalise_district(rec["district"])
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


def aggregation_rules() -> dict[str, str]:
    """Series id → how its district values add up to a cluster (``sum``, ``population_weighted_mean`` or
    ``none``: not aggregable), from ``settings/aggregation.yaml``. Raises :class:`DataError` for an unknown
    rule."""
    return dict(_read_rules(_file_key(AGGREGATION_FILE)))


@functools.lru_cache(maxsize=4)
def _read_rules(key: tuple[str, int, int]) -> dict[str, str]:
    from planlib._config import load_mapping

    raw = load_mapping(Path(key[0]), "含 rules(序列 id: sum、population_weighted_mean 或 none)")
    rules = {str(k): str(v) for k, v in (raw.get("rules") or {}).items()}
    bad = {k: v for k, v in rules.items() if v not in {"sum", "population_weighted_mean", "none"}}
    if bad:
        raise DataError([Problem(file=str(AGGREGATION_FILE), entry=f"rules.{k}", problem=f"未知的汇总规则“{v}”",
                                 expected="sum、population_weighted_mean 或 none") for k, v in bad.items()])
    return rules


def district_values(
    observations: pd.DataFrame, series_id: str, *, year: int | None = None, period_type: str | None = None
) -> pd.Series:
    """The preferred district (区县) values of one series, for one year or one period type.

    ``observations`` is the tidy frame of :func:`planlib.load_observations`; ``series_id`` a series id of
    ``series.yaml`` (e.g. ``gdp``, ``resident_population``, ``urbanisation_rate``). Without ``period_type``
    only full-year or year-end values count (``is_annual``); ``period_type="census_date"`` gives e.g. the
    七普 population. Values are in the series' unit (``series.yaml``: 万人, 亿元, %, …), as published.

    Returns a float Series named ``series_id``, indexed by official district name (e.g. ``万州区``);
    districts without a value are absent (not zero, not estimated). ``attrs`` carries what a figure or table
    needs to say about it: ``series_id``, ``name`` (e.g. 地区生产总值), ``unit``, ``period`` (e.g. ``2022年``
    or ``2020年11月1日``), ``year`` (int, or None when several) and ``sources`` (the source titles, in order
    of frequency). :func:`planlib.maps.district_map` titles itself from these.

    Raises ``ValueError`` when a district has values for several periods (give ``year`` or
    ``period_type``).
    """
    from planlib.inputs.observations import load_series_map

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
    out = obs.set_index("region")["value"].astype(float).rename(series_id)
    series_map = load_series_map()
    units = list(dict.fromkeys(obs["unit"])) or ([series_map.unit(series_id)] if series_id in series_map.series else [])
    years = sorted({int(y) for y in obs["year"].dropna()})
    periods = list(dict.fromkeys(obs["period_label"]))
    out.attrs = {
        "series_id": series_id,
        "name": series_map.name(series_id),
        "unit": "、".join(units),
        "period": "、".join(periods) if len(periods) <= 3 else f"{periods[0]}—{periods[-1]}",
        "year": years[0] if len(years) == 1 else None,
        "sources": list(obs["source_title"].value_counts().index),
    }
    return out


def aggregate_clusters(
    values: pd.Series, rule: str | None = None, *, population: pd.Series | None = None, level: str = "cluster",
    grouping: str | None = None,
) -> pd.DataFrame:
    """Aggregate district ``values`` (indexed by official 区县 name) to clusters (``level="cluster"``) or
    sub-clusters (``"subcluster"``) of ``grouping`` (default: the plan's, see :func:`load_clusters`).

    ``rule`` is ``sum`` or ``population_weighted_mean`` (then ``population``, indexed like ``values``, is
    required); left out, it is the rule ``settings/aggregation.yaml`` gives for the series named by
    ``values.name``. A group gets a value only if all its member districts have one; ``missing`` names the
    others. Returns one row per group: group, value, n_districts, n_with_data, complete, missing, grouping
    (the grouping's name, which every table of aggregates must show). Keys of ``values`` and ``population``
    are read as ``planlib check`` reads names (:func:`planlib.inputs.district_names.district_keyed`: 万州,
    500101 and 万州区 are one district). Raises ValueError for a series whose rule is ``none`` (not
    aggregable) or that has no rule, and naming every key that is not a 区县 or names one twice.
    """
    import pandas as pd

    from planlib.inputs.district_names import district_keyed

    values = district_keyed(values, what="汇总的区县数值")
    if population is not None:
        population = district_keyed(population, what="人口")

    if rule is None:
        rules = aggregation_rules()
        if values.name not in rules:
            raise ValueError(f"序列“{values.name}”在 settings/aggregation.yaml 中没有汇总规则;请给出 rule=")
        rule = rules[str(values.name)]
    if rule == "none":
        raise ValueError("该序列按规则不可跨区县汇总(见 settings/aggregation.yaml)")
    clusters = load_clusters(grouping)
    label = grouping_name(grouping)
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
                     "complete": not missing, "missing": "、".join(missing), "grouping": label})
    return pd.DataFrame(rows)
