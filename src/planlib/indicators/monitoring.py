"""Monthly monitoring indicators from record-level data (issue 15), stated once each.

Every aggregation over records is one DuckDB SQL statement (:data:`REGISTER_SQL`, :data:`ENTERPRISE_SQL`,
:data:`POSTING_SQL`) run on the views of :class:`planlib.inputs.records.RecordSet`; what follows works on
their small results (区县 × month). The indicators, per 区县 and 全市 and month:

* 登记 flows (人次): 新增就业登记 ``mon_new_employment``, 新增失业登记 ``mon_unemployment_inflow``,
  失业登记注销 ``mon_unemployment_exits``; the month-end stock 登记失业人数 ``mon_registered_unemployed``
  = Σ 期初在册 + Σ 新增失业登记 − Σ 注销 up to the month (the stock-flow identity); per 10,000 residents
  (七普常住人口, a published figure) ``…_per_10k``; 注销率 ``mon_exit_rate`` = 注销 ÷ 上月末登记失业人数 × 100;
  重点群体 and 青年 breakdowns ``mon_new_employment_<group>``, ``mon_unemployment_inflow_<group>``.
* 失业动态监测: sample size ``mon_enterprise_sample``, 岗位净变化率 ``mon_enterprise_net_change_rate`` =
  (Σ期末 − Σ期初) ÷ Σ期初 × 100, 减员率 ``mon_enterprise_layoff_rate`` = Σ岗位减少 ÷ Σ期初 × 100.
* 招聘求职: ``mon_vacancies``, ``mon_applicants``, 求人倍率 ``mon_vacancy_ratio`` = vacancies ÷ applicants.
* 区县就业工作热力指数 ``mon_heat_index``: components and weights from ``settings/monitoring.yaml``.
* 重点行业就业景气指数, per industry (全市): 求人倍率 ``mon_industry_vacancy_ratio_<x>`` (CIER style) and the
  enterprise diffusion index ``mon_industry_diffusion_<x>`` = 50 + 50 × (share adding jobs − share
  cutting), with the same month a year earlier beside each.
* 失业预警: the rules of ``settings/monitoring.yaml`` on the published values, each alert naming its rule.

Disclosure control (:func:`suppress`) runs before anything leaves this module: a count of 1 to
threshold − 1 persons is never published, complementary cells are hidden so that no hidden cell can be
recovered from a total or the stock-flow identity, rates made from a hidden count are hidden, and
enterprise rates need ``min_enterprises`` sampled enterprises. The results (:class:`MonthlyResult`) hold
only publishable values; :meth:`MonthlyResult.observations` gives them as ordinary tidy observations
(``planlib.inputs.observations.TIDY_COLUMNS``), marked as administrative/monitoring data with their provenance.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planlib.errors import DataError, Problem
from planlib.inputs.records import MonitoringSettings, RecordSet, load_settings

if TYPE_CHECKING:
    import pandas as pd

MUNICIPALITY = "全市"
MUNICIPALITY_CODE = "500000"
SYNTHETIC_TITLE = "合成测试数据（SYNTHETIC，非真实数据）"

# ---------------------------------------------------------------- the record-level aggregations (DuckDB SQL)

# 登记 events per 区县, month and meaning, with the 青年 and 重点群体 counts ({groups}: ", sum(g) AS g, …"):
# aggregated on the values as written, then the few result rows are mapped through the lookup tables
REGISTER_SQL = """
WITH agg AS (
  SELECT district, event, month, count(*) AS n, sum(youth) AS youth{groups}
  FROM registers
  GROUP BY ALL
)
SELECT d.code AS district_code, left(CAST(a.month AS VARCHAR), 7) AS month, e.meaning AS event, sum(a.n) AS n,
       sum(a.youth) AS youth{groups_outer}
FROM agg a JOIN _district d ON d.raw = a.district JOIN _event e ON e.raw = a.event
WHERE left(CAST(a.month AS VARCHAR), 7) <= $month
GROUP BY ALL
"""

# 失业动态监测 sample per 区县, industry and month
ENTERPRISE_SQL = """
SELECT district_code, industry, strftime(month, '%Y-%m') AS month, count(*) AS n,
       count(*) FILTER (WHERE jobs_end > jobs_start) AS n_up, count(*) FILTER (WHERE jobs_end < jobs_start) AS n_down,
       sum(jobs_start) AS jobs_start, sum(jobs_end) AS jobs_end, sum(jobs_cut) AS jobs_cut,
       sum(jobs_added) AS jobs_added
FROM enterprises
WHERE month <= $last_day
GROUP BY ALL
"""

# 招聘求职 per 区县, industry, month and type (vacancies / applicants)
POSTING_SQL = """
SELECT district_code, industry, strftime(date_trunc('month', date), '%Y-%m') AS month, posting_type,
       sum(count) AS n
FROM postings
WHERE date <= $last_day
GROUP BY ALL
"""


# ---------------------------------------------------------------- the series


@dataclass(frozen=True)
class Series:
    """One monthly series: name and unit as shown, how it is protected, which cells it is made from.

    ``disclosure``: ``count`` (persons: threshold and complementary suppression), ``derived`` (hidden
    when a cell in ``base`` is hidden), ``sample`` (hidden below ``min_enterprises``), ``none``.
    ``point``: ``flow`` (the month) or ``stock`` (the month's end). ``parent``: for a 重点群体 count,
    the total it is part of.
    """

    id: str
    name: str
    unit: str
    disclosure: str
    point: str = "flow"
    base: tuple[str, ...] = ()
    parent: str | None = None


def series_table(settings: MonitoringSettings | None = None) -> dict[str, Series]:
    """Every monthly series of a 区县 (and 全市), by id."""
    settings = settings or load_settings()
    out = [
        Series("mon_new_employment", "新增就业登记", "人次", "count"),
        Series("mon_unemployment_inflow", "新增失业登记", "人次", "count"),
        Series("mon_unemployment_exits", "失业登记注销", "人次", "count"),
        Series("mon_registered_unemployed", "登记失业人数（月末）", "人", "count", "stock"),
        Series("mon_new_employment_per_10k", "每万常住人口新增就业登记", "人次/万人", "derived",
               base=("mon_new_employment",)),
        Series("mon_unemployment_inflow_per_10k", "每万常住人口新增失业登记", "人次/万人", "derived",
               base=("mon_unemployment_inflow",)),
        Series("mon_registered_unemployed_per_10k", "每万常住人口登记失业人数（月末）", "人/万人", "derived", "stock",
               base=("mon_registered_unemployed",)),
        Series("mon_exit_rate", "失业登记注销率", "%", "derived",
               base=("mon_unemployment_exits", "mon_registered_unemployed@prev")),
        Series("mon_enterprise_sample", "监测企业数", "家", "none"),
        Series("mon_enterprise_net_change_rate", "监测企业岗位净变化率", "%", "sample"),
        Series("mon_enterprise_layoff_rate", "监测企业减员率", "%", "sample"),
        Series("mon_vacancies", "招聘岗位数", "个", "none"),
        Series("mon_applicants", "求职人数", "人", "count"),
        Series("mon_vacancy_ratio", "求人倍率", "倍", "derived", base=("mon_applicants",)),
    ]  # fmt: skip
    groups = [(g["id"], g["label"]) for g in settings["key_groups"]] + [("youth", f"青年（{settings['youth']}岁）")]
    for gid, label in groups:
        out.append(Series(f"mon_new_employment_{gid}", f"新增就业登记：{label}", "人次", "count",
                          parent="mon_new_employment"))  # fmt: skip
        out.append(Series(f"mon_unemployment_inflow_{gid}", f"新增失业登记：{label}", "人次", "count",
                          parent="mon_unemployment_inflow"))  # fmt: skip
    return {s.id: s for s in out}


HEAT_SERIES = Series("mon_heat_index", "区县就业工作热力指数", "指数（0—100）", "none")


# ================================================================== months


def _month_start(month: str) -> dt.date:
    try:
        if len(month) != 7 or month[4] != "-":
            raise ValueError
        return dt.date(int(month[:4]), int(month[5:]), 1)
    except ValueError:
        raise DataError(Problem(file="参数 month", problem=f"月份“{month}”不是 YYYY-MM 格式或不存在",
                                expected="YYYY-MM 格式的月份,如 2026-10")) from None  # fmt: skip


def _month_end(month: str) -> dt.date:
    start = _month_start(month)
    nxt = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def shift_month(month: str, months: int) -> str:
    """``shift_month("2026-10", -12)`` → ``"2025-10"``."""
    start = _month_start(month)
    index = start.year * 12 + start.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_label(month: str, *, end: bool = False) -> str:
    """``2026年10月`` (``end``: ``2026年10月末``)."""
    start = _month_start(month)
    return f"{start.year}年{start.month}月" + ("末" if end else "")


# ================================================================== disclosure control


def suppress(cells: pd.DataFrame, settings: MonitoringSettings | None = None,
             series: dict[str, Series] | None = None) -> pd.Series:  # fmt: skip
    """Which cells may not be published: a boolean Series aligned with ``cells``.

    ``cells`` has columns series, region (a 区县 name or 全市), month, value (raw, unrounded). Pure
    function; the rules (``settings/monitoring.yaml`` ``disclosure``):

    1. primary: a ``count`` cell with 1 ≤ value < threshold (0 too unless ``publish_zero``);
       a 重点群体 cell whose rest of the 区县 total (parent − group) is in that range;
    2. complementary, repeated until nothing changes: in each column (one series and month: the 区县
       add up to 全市) with hidden cells, at least two are hidden and they sum to at least threshold +
       (number hidden − 1) — else the smallest published positive 区县 cell is hidden too, or, when
       none is left, the 全市 total; in each stock-flow identity (上月末 + 新增失业登记 − 注销 = 本月末, for
       a region and a month without 期初在册 rows) no cell is the only hidden one;
    3. ``derived`` cells are hidden when a cell they are made from is hidden (``@prev``: the month
       before); ``sample`` cells are hidden when the region has fewer than ``min_enterprises`` enterprises.
    """
    import pandas as pd

    settings = settings or load_settings()
    series = series or series_table(settings)
    rules = settings["disclosure"]
    threshold = int(rules["threshold"])
    low = 0 if not rules["publish_zero"] else 1
    frame = cells.reset_index(drop=True)
    key = list(zip(frame["series"], frame["region"], frame["month"], strict=True))
    value = dict(zip(key, frame["value"].astype(float), strict=True))
    hidden: set[tuple] = set()

    def is_count(sid: str) -> bool:
        return sid in series and series[sid].disclosure == "count"

    def small(v: float) -> bool:
        return not math.isnan(v) and low <= v < threshold and not (v == 0 and rules["publish_zero"])

    for k, v in value.items():
        if is_count(k[0]) and small(v):
            hidden.add(k)
        parent = series[k[0]].parent if k[0] in series else None
        if parent and (parent, k[1], k[2]) in value:
            rest = value[(parent, k[1], k[2])] - v
            if small(rest):
                hidden.add(k)
    # columns: (series, month) → districts and the 全市 total
    columns: dict[tuple[str, str], list[tuple]] = {}
    for k in value:
        if is_count(k[0]) and k[1] != MUNICIPALITY:
            columns.setdefault((k[0], k[2]), []).append(k)
    identities = []
    opening_months = set(cells.attrs.get("opening", ()))  # (region, month) with 期初在册 rows: identity not usable
    for k in value:
        if k[0] == "mon_registered_unemployed":
            prev = ("mon_registered_unemployed", k[1], shift_month(k[2], -1))
            inflow, exits = ("mon_unemployment_inflow", k[1], k[2]), ("mon_unemployment_exits", k[1], k[2])
            if prev in value and inflow in value and exits in value and (k[1], k[2]) not in opening_months:
                identities.append([k, prev, inflow, exits])
    changed = True
    while changed:
        changed = False
        for (sid, month), members in columns.items():
            total = (sid, MUNICIPALITY, month)
            inner = [m for m in members if m in hidden]
            if not inner or total in hidden:
                continue
            while len(inner) < 2 or sum(value[m] for m in inner) < threshold + len(inner) - 1:
                candidates = sorted((value[m], m[1], m) for m in members if m not in hidden and value[m] > 0)
                if not candidates:
                    hidden.add(total)
                    break
                hidden.add(candidates[0][2])
                inner.append(candidates[0][2])
                changed = True
        for cells_of in identities:
            shown = [c for c in cells_of if c not in hidden]
            if len(cells_of) - len(shown) == 1:
                candidates = sorted((value[c], c[0] == "mon_registered_unemployed", c[1], c) for c in shown
                                    if value[c] > 0)  # fmt: skip
                if candidates:
                    hidden.add(candidates[0][3])
                    changed = True
    out = []
    for k in key:
        sid = k[0]
        spec = series.get(sid)
        flag = k in hidden
        if spec is not None and spec.disclosure == "derived":
            for base in spec.base:
                name, _, when = base.partition("@")
                month = shift_month(k[2], -1) if when == "prev" else k[2]
                if (name, k[1], month) in hidden:
                    flag = True
        out.append(flag)
    return pd.Series(out, index=cells.index, name="suppressed")


# ================================================================== computing a month


@dataclass
class MonthlyResult:
    """Publishable monthly monitoring results up to ``month`` (suppressed cells have no value).

    ``values``: series, region, region_code, month, value, suppressed (bool; value NaN when True).
    ``heat``: region, region_code, month, index, n_components, components_used, missing_components.
    ``industry``: industry, industry_name, key (重点行业), month, vacancy_ratio, vacancy_ratio_last_year,
    diffusion, diffusion_last_year, n_enterprises (NaN where not published).
    ``alerts``: region, month, rule, level, description, series, value, unit, threshold, reference,
    reference_label.
    """

    month: str
    values: pd.DataFrame
    heat: pd.DataFrame
    industry: pd.DataFrame
    alerts: pd.DataFrame
    provenance: str
    files: dict[str, list[str]]
    synthetic: bool
    notices: list[str] = field(default_factory=list)
    computed: str = ""
    heat_weights: dict[str, float] = field(default_factory=dict)
    settings: MonitoringSettings = field(default_factory=load_settings)

    @property
    def series(self) -> dict[str, Series]:
        table = series_table(self.settings)
        table[HEAT_SERIES.id] = HEAT_SERIES
        for letter, name in self.settings.industry_names.items():
            table[f"mon_industry_vacancy_ratio_{letter.lower()}"] = Series(
                f"mon_industry_vacancy_ratio_{letter.lower()}", f"行业求人倍率：{name}", "倍", "none")
            table[f"mon_industry_diffusion_{letter.lower()}"] = Series(
                f"mon_industry_diffusion_{letter.lower()}", f"企业用工扩散指数：{name}", "指数（50 为荣枯线）", "none")
        return table

    @property
    def source_title(self) -> str:
        """The source title of every value: the marking, the files with their record counts, the date."""
        marking = self.settings["output"]["marking"]
        prefix = f"{SYNTHETIC_TITLE}·" if self.synthetic else ""
        return f"{prefix}{marking}：{self.provenance}"

    def value(self, series: str, region: str = MUNICIPALITY, month: str | None = None) -> float:
        """One published value (NaN when suppressed or absent)."""
        v = self.values
        hit = v[(v["series"] == series) & (v["region"] == region) & (v["month"] == (month or self.month))]
        return float(hit["value"].iloc[0]) if not hit.empty else float("nan")

    def observations(self) -> pd.DataFrame:
        """The published values as tidy observations (``TIDY_COLUMNS``), validated with the tidy schema.

        Suppressed cells are absent; industry indices have region 全市 and one series per industry;
        ``source_file`` is where :meth:`save` writes them (``data/monitoring/<month>/observations.csv``).
        """
        import pandas as pd

        from planlib._schemas import tidy_schema
        from planlib.inputs.observations import TIDY_COLUMNS
        from planlib.inputs.periods import is_annual, parse_period

        table = self.series
        rows = []
        frames = [self.values[~self.values["suppressed"]][["series", "region", "region_code", "month", "value"]]]
        heat = self.heat.dropna(subset=["index"])
        frames.append(pd.DataFrame({"series": HEAT_SERIES.id, "region": heat["region"],
                                    "region_code": heat["region_code"], "month": heat["month"],
                                    "value": heat["index"].round(2)}))  # fmt: skip
        for column, prefix in (("vacancy_ratio", "mon_industry_vacancy_ratio_"),
                               ("diffusion", "mon_industry_diffusion_")):  # fmt: skip
            ind = self.industry.dropna(subset=[column])
            ind = ind[ind["industry"] != "全部"]
            frames.append(pd.DataFrame({"series": prefix + ind["industry"].str.lower(), "region": MUNICIPALITY,
                                        "region_code": MUNICIPALITY_CODE, "month": ind["month"], "value": ind[column]}))
        data = pd.concat(frames, ignore_index=True).dropna(subset=["value"])
        data = data.sort_values(["series", "month", "region_code"], kind="stable").reset_index(drop=True)
        marking = self.settings["output"]["marking"]
        confidence = "test" if self.synthetic else self.settings["output"]["confidence"]
        where = f"{self.settings['output']['folder']}/{self.month}/observations.csv"
        for line, rec in enumerate(data.to_dict("records"), start=2):
            spec = table[rec["series"]]
            period = parse_period(month_label(rec["month"], end=spec.point == "stock"))
            municipal = rec["region"] == MUNICIPALITY
            rows.append({
                "indicator_id": rec["series"], "region": rec["region"],
                "region_code": None if municipal else rec["region_code"],
                "region_kind": "municipality" if municipal else "district", "includes": "", "year": period.year,
                "period_type": period.period_type, "period_start": period.start.isoformat(),
                "period_end": period.end.isoformat(), "period_label": period.label, "value": float(rec["value"]),
                "value_low": None, "value_high": None, "bound": None, "approx": False, "footnote": "",
                "unit": spec.unit, "is_annual": is_annual(period), "preferred": True, "conflict": False,
                "superseded": False, "choice": "", "published_name": f"{spec.name}（监测数据）",
                "published_value": _fmt(rec["value"]), "published_unit": spec.unit, "source_title": self.source_title,
                "source_url": "(no URL known)", "confidence": confidence, "published": None, "published_guess": None,
                "revised": False, "note": f"{marking}；{'合成测试数据，非真实数据；' if self.synthetic else ''}"
                                          f"计算日期 {self.computed}",
                "source_file": where, "source_line": line,
            })  # fmt: skip
        frame = pd.DataFrame(rows)
        for column in TIDY_COLUMNS:  # a column the tidy frame gained since (release status, quote …): empty text
            if column not in frame.columns:
                frame[column] = ""
        frame = frame[TIDY_COLUMNS]
        frame["year"] = frame["year"].astype("Int64")
        return tidy_schema().validate(frame)

    # ---------------------------------------------------------------- files

    def save(self, folder: Path | str) -> list[Path]:
        """Write the publishable results to ``folder`` (CSV, UTF-8) with ``meta.json``; returns the paths.

        Nothing unpublishable is written: suppressed cells are empty, and which were hidden first is not
        recorded anywhere."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        for name, frame in (("values", self.values), ("heat_index", self.heat), ("industry", self.industry),
                            ("alerts", self.alerts), ("observations", self.observations())):  # fmt: skip
            path = folder / f"{name}.csv"
            frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
            out.append(path)
        meta = {"month": self.month, "provenance": self.provenance, "files": self.files, "synthetic": self.synthetic,
                "notices": self.notices, "computed": self.computed, "heat_weights": self.heat_weights,
                "threshold": self.settings.threshold}  # fmt: skip
        path = folder / "meta.json"
        path.write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return [*out, path]


def _fmt(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else format(value, ".10g")


def monitoring_dir(root: Path | None = None) -> Path:
    """Where ``planlib monitor run`` writes results: ``<project>/data/monitoring`` (``output.folder``)."""
    from planlib._paths import project_root

    return (root or project_root()) / load_settings()["output"]["folder"]


def load_monthly(month: str, folder: Path | str | None = None) -> MonthlyResult:
    """The results ``planlib monitor run`` saved for ``month`` (``data/monitoring/<month>``).

    Raises :class:`DataError` naming the folder when the month has not been computed."""
    import pandas as pd

    _month_start(month)
    folder = Path(folder) if folder is not None else monitoring_dir() / month
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        raise DataError(Problem(file=str(folder), problem=f"没有 {month} 的监测结果",
                                expected=f"先运行 planlib monitor run --month {month},"
                                         "并给出登记、企业样本或招聘求职文件"))  # fmt: skip
    meta = json.loads(meta_path.read_text(encoding="utf-8"))

    def read(name: str) -> pd.DataFrame:
        frame = pd.read_csv(folder / f"{name}.csv", dtype={"region_code": str, "month": str}, keep_default_na=False,
                            na_values=[""])  # fmt: skip
        return frame

    values = read("values")
    values["suppressed"] = values["suppressed"].astype(bool)
    return MonthlyResult(month=meta["month"], values=values, heat=read("heat_index"), industry=read("industry"),
                         alerts=read("alerts"), provenance=meta["provenance"], files=meta["files"],
                         synthetic=bool(meta["synthetic"]), notices=list(meta["notices"]), computed=meta["computed"],
                         heat_weights=dict(meta["heat_weights"]))  # fmt: skip


def load_monthly_observations(folder: Path | str | None = None) -> pd.DataFrame:
    """Every computed month's published values as one tidy frame (for the annual reports).

    Reads ``data/monitoring/*/observations.csv``; a month computed again replaces its earlier values
    (each month folder holds the series up to that month: the latest folder wins for a shared month).
    Returns an empty frame with ``TIDY_COLUMNS`` when nothing was computed.
    """
    import pandas as pd

    from planlib._schemas import tidy_schema
    from planlib.inputs.observations import TIDY_COLUMNS

    base = Path(folder) if folder is not None else monitoring_dir()
    frames = []
    for path in sorted(base.glob("*/observations.csv"), reverse=True):
        frames.append(pd.read_csv(path, dtype={"region_code": str, "published_value": str}, keep_default_na=False,
                                  na_values=[""]))  # fmt: skip
    if not frames:
        return pd.DataFrame(columns=TIDY_COLUMNS)
    data = pd.concat(frames, ignore_index=True)
    data = data.drop_duplicates(["indicator_id", "region", "period_start", "period_end"], keep="first")
    schema = tidy_schema()
    for column, spec in schema.columns.items():  # text written empty reads back as NaN: empty text again
        if column not in data.columns:
            data[column] = ""
        if not spec.nullable and "str" in str(spec.dtype):
            data[column] = data[column].astype(object).fillna("")
    return schema.validate(data[TIDY_COLUMNS].reset_index(drop=True))


# ---------------------------------------------------------------- computing


def compute_monthly(
    records: RecordSet, month: str, *, population: pd.Series | None = None,
    settings: MonitoringSettings | None = None, today: dt.date | None = None,
) -> MonthlyResult:
    """All monthly indicators up to ``month`` (YYYY-MM) from validated records, disclosure-controlled.

    ``population``: 常住人口 in 万人 by official 区县 name (default: the 七普 figures of ``data/raw`` through
    :func:`planlib.inputs.regions.district_values`); per-10,000 rates are missing where it is absent.
    Raises :class:`DataError` when ``month`` has not ended or no record file covers it.
    """
    import pandas as pd

    settings = settings or load_settings()
    today = today or dt.date.today()
    last_day = _month_end(month)
    if last_day > today:
        raise DataError(Problem(file="参数 month", problem=f"{month_label(month)}尚未结束(今天是 {today.isoformat()})",
                                expected="已经结束的月份"))  # fmt: skip
    table = series_table(settings)
    names = _district_names()
    if population is None:
        population = _population(settings)
    params = {"last_day": last_day, "month": month}
    long_rows: list[pd.DataFrame] = []
    opening: set[tuple[str, str]] = set()
    covered: list[str] = []
    if "registers" in records.kinds:
        reg, opening = _registers(records, params, settings, population, names)
        long_rows.append(reg)
        covered.append("registers")
    enterprise_agg = None
    if "enterprises" in records.kinds:
        enterprise_agg = records.con.execute(ENTERPRISE_SQL, {"last_day": last_day}).df()
        long_rows.append(_enterprise_series(enterprise_agg, settings, names))
    posting_agg = None
    if "postings" in records.kinds:
        posting_agg = records.con.execute(POSTING_SQL, {"last_day": last_day}).df()
        long_rows.append(_posting_series(posting_agg, names))
    raw = pd.concat(long_rows, ignore_index=True) if long_rows else pd.DataFrame(
        columns=["series", "region", "region_code", "month", "value"])
    raw = raw[raw["month"] <= month].reset_index(drop=True)
    if month not in set(raw["month"]):
        raise DataError(Problem(file="、".join(f.display for fs in records.files.values() for f in fs),
                                problem=f"记录中没有 {month_label(month)}的数据",
                                expected=f"含 {month} 记录的登记、企业样本或招聘求职文件"))  # fmt: skip
    raw.attrs["opening"] = opening
    hidden = suppress(raw, settings, table)
    # sample-gated enterprise rates
    sizes = raw[raw["series"] == "mon_enterprise_sample"].set_index(["region", "month"])["value"].to_dict()
    sample = raw["series"].map(lambda s: table[s].disclosure == "sample" if s in table else False)
    too_few = [sizes.get((r, m), 0) < settings["disclosure"]["min_enterprises"]
               for r, m in zip(raw["region"], raw["month"], strict=True)]  # fmt: skip
    gated = sample & pd.Series(too_few, index=raw.index, dtype=bool)
    hidden = hidden | gated
    # the index uses every value except enterprise rates from too small a sample
    heat, weights = _heat_index(raw[~gated], settings, month)
    published = raw.assign(suppressed=hidden.to_numpy())
    published.loc[published["suppressed"], "value"] = float("nan")
    published = published.sort_values(["series", "month", "region_code"], kind="stable").reset_index(drop=True)
    industry = _industry(enterprise_agg, posting_agg, settings, month)
    files = {k: [f.label for f in fs] for k, fs in records.files.items()}  # names masked: no identifier shown
    result = MonthlyResult(month=month, values=published, heat=heat, industry=industry,
                           alerts=pd.DataFrame(), provenance=records.provenance(day=today), files=files,
                           synthetic=records.synthetic, notices=_by_name(records), computed=today.isoformat(),
                           heat_weights=weights, settings=settings)  # fmt: skip
    result.alerts = alerts(result)
    missing = sorted(set(names.values()) - set(raw.loc[raw["region"] != MUNICIPALITY, "region"]))
    if missing:
        result.notices.append(f"以下区县在记录中没有任何数据，各项指标标为数据暂缺：{'、'.join(missing)}")
    return result


def _by_name(records: RecordSet) -> list[str]:
    """The record set's notices with each file named by its label alone (a bulletin shows no local paths, and
    no identifier-shaped run of a file name: :func:`planlib.inputs.records.safe_name`)."""
    out = []
    for files in records.files.values():
        for f in files:
            out += [line.replace(f.display, f.label, 1) for line in f.notices()]
    return out


def _district_names() -> dict[str, str]:
    """6-digit code → official 区县 name (the 38 区县)."""
    from planlib.inputs.district_names import district_table

    table = district_table()
    table = table[table["kind"] == "district"]
    return dict(zip(table["code"], table["name"], strict=True))


def _population(settings: MonitoringSettings) -> pd.Series:
    from planlib.inputs.observations import load_observations
    from planlib.inputs.regions import district_values

    spec = settings["population"]
    return district_values(load_observations(), spec["series"], period_type=spec["period_type"])


def _long(frame: pd.DataFrame, series: str, column: str, names: dict[str, str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({"series": series, "region": frame["district_code"].map(names).fillna(MUNICIPALITY),
                         "region_code": frame["district_code"], "month": frame["month"],
                         "value": frame[column].astype(float)})  # fmt: skip


def _with_city(frame: pd.DataFrame, value_columns: list[str]) -> pd.DataFrame:
    """Add the 全市 rows (sum over 区县) to a frame keyed by district_code and month."""
    import pandas as pd

    city = frame.groupby("month", as_index=False)[value_columns].sum()
    city["district_code"] = MUNICIPALITY_CODE
    return pd.concat([frame, city], ignore_index=True)


def _registers(records: RecordSet, params: dict, settings: MonitoringSettings, population: pd.Series,
               names: dict[str, str]) -> tuple[pd.DataFrame, set[tuple[str, str]]]:  # fmt: skip
    """The 登记 series of every 区县 and 全市 and month of the register's coverage."""
    import pandas as pd

    groups = [g["id"] for g in settings["key_groups"]]
    sql = REGISTER_SQL.format(groups="".join(f", sum({g}) AS {g}" for g in groups),
                              groups_outer="".join(f", sum(a.{g}) AS {g}" for g in groups))  # fmt: skip
    agg = records.con.execute(sql, {"month": params["month"]}).df()
    counts = ["n", "youth", *groups]
    wide = agg.pivot_table(index=["district_code", "month"], columns="event", values=counts, aggfunc="sum",
                           fill_value=0)  # fmt: skip
    months = _month_range(agg["month"].min(), agg["month"].max())
    districts = sorted(agg["district_code"].unique())
    grid = pd.MultiIndex.from_product([districts, months], names=["district_code", "month"])
    wide = wide.reindex(grid, fill_value=0)

    def col(what: str, event: str) -> pd.Series:
        return wide[(what, event)] if (what, event) in wide.columns else pd.Series(0, index=wide.index)

    frame = pd.DataFrame(index=wide.index)
    frame["new_employment"] = col("n", "employment")
    frame["inflow"] = col("n", "unemployment")
    frame["exits"] = col("n", "exit")
    frame["opening"] = col("n", "opening")
    for g in [*groups, "youth"]:
        frame[f"new_employment_{g}"] = col(g, "employment")
        frame[f"inflow_{g}"] = col(g, "unemployment")
    frame = frame.reset_index()
    opening = {(names.get(c, MUNICIPALITY), m) for c, m, o in zip(frame["district_code"], frame["month"],
                                                                   frame["opening"], strict=True) if o > 0}
    frame = _with_city(frame, [c for c in frame.columns if c not in ("district_code", "month")])
    opening |= {(MUNICIPALITY, m) for _, m in opening}
    frame = frame.sort_values(["district_code", "month"]).reset_index(drop=True)
    # the stock-flow identity: 月末登记失业人数 = Σ 期初在册 + Σ 新增失业登记 − Σ 注销
    frame["stock"] = (frame["opening"] + frame["inflow"] - frame["exits"]).groupby(frame["district_code"]).cumsum()
    frame["stock_prev"] = frame.groupby("district_code")["stock"].shift(1)
    pop = population.rename(index={v: k for k, v in names.items()}) if population is not None else None
    if pop is not None:
        pop = pop[pop.index.isin(list(names))]
        total = float(pop.sum()) if len(pop) == len(names) else float("nan")
        pop = pd.concat([pop, pd.Series({MUNICIPALITY_CODE: total})])
        people = frame["district_code"].map(pop).astype(float)
    else:
        people = pd.Series(float("nan"), index=frame.index)
    frame["new_employment_per_10k"] = frame["new_employment"] / people
    frame["inflow_per_10k"] = frame["inflow"] / people
    frame["stock_per_10k"] = frame["stock"] / people  # population in 万人: per 10,000 residents
    frame["exit_rate"] = (frame["exits"] / frame["stock_prev"].where(frame["stock_prev"] > 0)) * 100
    pairs = [("mon_new_employment", "new_employment"), ("mon_unemployment_inflow", "inflow"),
             ("mon_unemployment_exits", "exits"), ("mon_registered_unemployed", "stock"),
             ("mon_new_employment_per_10k", "new_employment_per_10k"),
             ("mon_unemployment_inflow_per_10k", "inflow_per_10k"),
             ("mon_registered_unemployed_per_10k", "stock_per_10k"), ("mon_exit_rate", "exit_rate")]  # fmt: skip
    for g in [*groups, "youth"]:
        pairs += [(f"mon_new_employment_{g}", f"new_employment_{g}"), (f"mon_unemployment_inflow_{g}", f"inflow_{g}")]
    parts = [_long(frame, sid, column, names) for sid, column in pairs]
    out = pd.concat(parts, ignore_index=True).dropna(subset=["value"])
    return out, opening


def _month_range(first: str, last: str) -> list[str]:
    out = [first]
    while out[-1] < last:
        out.append(shift_month(out[-1], 1))
    return out


def _enterprise_series(agg: pd.DataFrame, settings: MonitoringSettings, names: dict[str, str]) -> pd.DataFrame:
    import pandas as pd

    cols = ["n", "n_up", "n_down", "jobs_start", "jobs_end", "jobs_cut", "jobs_added"]
    by_district = agg.groupby(["district_code", "month"], as_index=False)[cols].sum()
    frame = _with_city(by_district, cols)
    start = frame["jobs_start"].where(frame["jobs_start"] > 0)
    frame["net"] = (frame["jobs_end"] - frame["jobs_start"]) / start * 100
    frame["layoff"] = frame["jobs_cut"] / start * 100
    return pd.concat([_long(frame, "mon_enterprise_sample", "n", names),
                      _long(frame, "mon_enterprise_net_change_rate", "net", names),
                      _long(frame, "mon_enterprise_layoff_rate", "layoff", names)], ignore_index=True).dropna()


def _posting_series(agg: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    import pandas as pd

    wide = agg.pivot_table(index=["district_code", "month"], columns="posting_type", values="n", aggfunc="sum",
                           fill_value=0).reset_index()  # fmt: skip
    for column in ("vacancies", "applicants"):
        if column not in wide.columns:
            wide[column] = 0
    frame = _with_city(wide[["district_code", "month", "vacancies", "applicants"]], ["vacancies", "applicants"])
    frame["ratio"] = frame["vacancies"] / frame["applicants"].where(frame["applicants"] > 0)
    return pd.concat([_long(frame, "mon_vacancies", "vacancies", names),
                      _long(frame, "mon_applicants", "applicants", names),
                      _long(frame, "mon_vacancy_ratio", "ratio", names)], ignore_index=True).dropna()


def _industry(enterprise_agg: pd.DataFrame | None, posting_agg: pd.DataFrame | None, settings: MonitoringSettings,
              month: str) -> pd.DataFrame:  # fmt: skip
    """重点行业就业景气指数 per industry (and 全部) and month, with the same month a year earlier."""
    import pandas as pd

    columns = ["industry", "industry_name", "key", "month", "vacancy_ratio", "vacancy_ratio_last_year", "diffusion",
               "diffusion_last_year", "n_enterprises"]  # fmt: skip
    threshold = settings.threshold
    min_ent = settings["disclosure"]["min_enterprises"]
    parts = []
    if posting_agg is not None and not posting_agg.empty:
        wide = posting_agg.pivot_table(index=["industry", "month"], columns="posting_type", values="n", aggfunc="sum",
                                       fill_value=0)  # fmt: skip
        wide = wide.reindex(columns=["vacancies", "applicants"], fill_value=0).reset_index()
        total = wide.groupby("month", as_index=False)[["vacancies", "applicants"]].sum().assign(industry="全部")
        wide = pd.concat([wide, total], ignore_index=True)
        # CIER style: vacancies ÷ applicants; not published on fewer applicants than the threshold
        wide["vacancy_ratio"] = (wide["vacancies"] / wide["applicants"]).where(wide["applicants"] >= threshold)
        parts.append(wide[["industry", "month", "vacancy_ratio"]])
    if enterprise_agg is not None and not enterprise_agg.empty:
        ent = enterprise_agg.groupby(["industry", "month"], as_index=False)[["n", "n_up", "n_down"]].sum()
        total = ent.groupby("month", as_index=False)[["n", "n_up", "n_down"]].sum().assign(industry="全部")
        ent = pd.concat([ent, total], ignore_index=True)
        # diffusion index: 50 + 50 × (share adding − share cutting), 50 = as many adding as cutting
        ent["diffusion"] = (50 + 50 * (ent["n_up"] - ent["n_down"]) / ent["n"]).where(ent["n"] >= min_ent)
        ent["n_enterprises"] = ent["n"].where(ent["n"] >= min_ent)
        parts.append(ent[["industry", "month", "diffusion", "n_enterprises"]])
    if not parts:
        return pd.DataFrame(columns=columns)
    frame = parts[0]
    for part in parts[1:]:
        frame = frame.merge(part, on=["industry", "month"], how="outer")
    for column in ("vacancy_ratio", "diffusion", "n_enterprises"):
        if column not in frame.columns:
            frame[column] = float("nan")
    frame = frame[frame["month"] <= month]
    last_year = frame[["industry", "month", "vacancy_ratio", "diffusion"]].copy()
    last_year["month"] = last_year["month"].map(lambda m: shift_month(m, 12))
    frame = frame.merge(last_year, on=["industry", "month"], how="left", suffixes=("", "_last_year"))
    names = {**settings.industry_names, "全部": "全部行业"}
    frame["industry_name"] = frame["industry"].map(names)
    frame["key"] = frame["industry"].isin(settings["key_industries"])
    order = {k: i for i, k in enumerate(["全部", *settings.industry_names])}
    frame = frame.sort_values(["month", "industry"], key=lambda s: s.map(order) if s.name == "industry" else s)
    return frame[columns].reset_index(drop=True)


def _heat_index(raw: pd.DataFrame, settings: MonitoringSettings, month: str) -> tuple[pd.DataFrame, dict[str, float]]:
    """区县就业工作热力指数 per 区县 and month: direction-aware min-max (0–100) per component across 区县
    (within the month, or pooled over the months), weighted mean of the available components."""
    import pandas as pd

    from planlib.indicators.heat_index import entropy_weights

    spec = settings["heat_index"]
    comps = {c["series"]: c for c in spec["components"]}
    data = raw[raw["series"].isin(comps) & (raw["region"] != MUNICIPALITY)]
    columns = ["region", "region_code", "month", "index", "n_components", "components_used", "missing_components"]
    if data.empty:
        return pd.DataFrame(columns=columns), {}
    wide = data.pivot_table(index=["region", "region_code", "month"], columns="series", values="value", aggfunc="first")
    ids = [c["series"] for c in spec["components"]]
    wide = wide.reindex(columns=ids)
    keys = ["month"] if spec["goalposts"] == "per_month" else []
    norm = pd.DataFrame(index=wide.index, columns=ids, dtype=float)
    for sid in ids:
        values = wide[sid]
        groups = values.groupby(level="month") if keys else [(None, values)]
        for _, part in groups:
            lo, hi = part.min(), part.max()
            if pd.notna(lo) and hi > lo:
                z = (part - lo) / (hi - lo) * 100
                norm.loc[part.index, sid] = 100 - z if comps[sid]["direction"] == "lower" else z
    usable = [s for s in ids if norm[s].notna().any()]
    if spec["weights"] == "entropy":
        weights = entropy_weights(norm[usable] / 100).reindex(ids, fill_value=0.0)
    else:
        weights = pd.Series({s: (1 / len(usable) if s in usable else 0.0) for s in ids})
    labels = {c["series"]: c["label"] for c in spec["components"]}
    rows = []
    for (region, code, m), rec in norm.iterrows():
        avail = [s for s in ids if pd.notna(rec[s]) and weights[s] > 0]
        wsum = sum(weights[s] for s in avail)
        enough = len(avail) >= spec["min_components"] and wsum > 0
        value = sum(weights[s] * rec[s] for s in avail) / wsum if enough else float("nan")
        rows.append({"region": region, "region_code": code, "month": m, "index": value, "n_components": len(avail),
                     "components_used": "、".join(labels[s] for s in avail),
                     "missing_components": "、".join(labels[s] for s in ids if s not in avail)})  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns).sort_values(["month", "region_code"]).reset_index(drop=True)
    return frame[frame["month"] <= month].reset_index(drop=True), {s: float(weights[s]) for s in ids}


# ================================================================== 失业预警


ALERT_COLUMNS = ["region", "month", "rule", "level", "description", "series", "value", "unit", "threshold",
                 "reference", "reference_label"]  # fmt: skip


def alerts(result: MonthlyResult, rules: list[dict[str, Any]] | None = None) -> pd.DataFrame:
    """Every alert fired by the published values (all months up to the result's month), rule by rule.

    Tests (``settings/monitoring.yaml`` ``alerts``): ``at_least`` / ``at_most`` (value against the
    threshold), ``yoy_rise_pct`` (rise over the same month a year earlier, in %, both values ≥
    ``min_count``), ``above_city`` (value − 全市 value ≥ threshold). Hidden values never fire an alert.
    """
    import pandas as pd

    rules = rules if rules is not None else result.settings["alerts"]["rules"]
    table = result.series
    values = result.values.dropna(subset=["value"])
    lookup = {(s, r, m): v for s, r, m, v in zip(values["series"], values["region"], values["month"], values["value"],
                                                strict=True)}  # fmt: skip
    rows = []
    for rule in rules:
        data = values[values["series"] == rule["series"]]
        unit = table[rule["series"]].unit if rule["series"] in table else ""
        for rec in data.to_dict("records"):
            v, threshold = float(rec["value"]), float(rule["threshold"])
            reference, label, fired = None, "", False
            if rule["test"] == "at_least":
                fired = v >= threshold - 1e-9
            elif rule["test"] == "at_most":
                fired = v <= threshold + 1e-9
            elif rule["test"] == "yoy_rise_pct":
                previous = lookup.get((rule["series"], rec["region"], shift_month(rec["month"], -12)))
                least = rule.get("min_count") or 0
                if previous is not None and previous >= least and v >= least and previous > 0:
                    reference, label = previous, "上年同月"
                    fired = (v - previous) / previous * 100 >= threshold - 1e-9
            elif rule["test"] == "above_city" and rec["region"] != MUNICIPALITY:
                city = lookup.get((rule["series"], MUNICIPALITY, rec["month"]))
                if city is not None:
                    reference, label = city, "全市"
                    fired = v - city >= threshold - 1e-9
            if fired:
                rows.append({"region": rec["region"], "month": rec["month"], "rule": rule["id"], "level": rule["level"],
                             "description": rule["text"], "series": rule["series"], "value": v, "unit": unit,
                             "threshold": threshold, "reference": reference, "reference_label": label})  # fmt: skip
    frame = pd.DataFrame(rows, columns=ALERT_COLUMNS)
    return frame.sort_values(["month", "rule", "region"], kind="stable").reset_index(drop=True)
