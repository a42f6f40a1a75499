"""SYNTHETIC record-level monitoring data for tests and benchmarks — invented records, never real data.

Every file written here is labelled three ways: its name contains ``synthetic``, every row carries the
``synthetic`` column (“SYNTHETIC 合成测试数据”), and planlib marks everything computed from it as
synthetic (confidence ``test``, 合成 in every source title and in the bulletin).

The data are made in DuckDB SQL from a seed (deterministic: the same arguments give the same bytes),
for Chongqing's 38 区县 with district sizes drawn once from a lognormal-like spread, seasonal flows
(graduates in July, returners after 春节), industries, age groups, 重点群体 flags and the identifier
columns real extracts carry (姓名, 身份证号-shaped person keys, 手机号, 企业名称, 统一社会信用代码) so the
removal of identifiers is exercised. Small sizes for tests, 2×10⁷ register rows for the benchmark.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from planlib.inputs.district_names import district_table

SYNTHETIC_LABEL = "SYNTHETIC 合成测试数据"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
OCCUPATIONS = ["生产制造人员", "商业服务人员", "专业技术人员", "办事人员", "运输设备操作人员", "社会生产服务人员"]


def _districts(seed: int) -> pd.DataFrame:
    """The 38 区县 with a synthetic size weight (deterministic in ``seed``), spread over 1000 lookup slots."""
    import numpy as np

    table = district_table()
    table = table[table["kind"] == "district"].reset_index(drop=True)
    rng = np.random.default_rng(seed)
    w = np.exp(rng.normal(0, 0.6, len(table)))
    table["weight"] = w / w.sum()
    return table[["name", "code", "weight"]]


def _slots(values: list, weights: list[float]) -> list:
    """1000 slots, each value taking a share proportional to its weight (a row picks slot floor(u·1000))."""
    total = sum(weights)
    out, acc = [], 0.0
    for value, weight in zip(values, weights, strict=True):
        acc += weight / total
        out += [value] * (round(acc * 1000) - len(out))
    return (out + [values[-1]] * 1000)[:1000]


def _months(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _connection(seed: int, first: str, last: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"preserve_insertion_order": True})
    districts = _districts(seed)
    names = _slots(list(districts["name"]), list(districts["weight"]))
    con.register("districts_df", pd.DataFrame({"slot": range(1000), "name": names}))
    con.execute("CREATE TABLE districts AS SELECT * FROM districts_df")
    months = _months(first, last)
    season = {1: 1.3, 2: 1.25, 3: 1.1, 7: 1.35, 8: 1.15}  # 春节 returners, graduates
    starts = [dt.date.fromisoformat(m + "-01") for m in months]
    con.register("months_df", pd.DataFrame({"idx": range(len(months)), "month": starts}))
    con.execute("CREATE TABLE months AS SELECT * FROM months_df")
    slots = _slots(starts, [season.get(d.month, 1.0) for d in starts])
    con.register("month_slots_df", pd.DataFrame({"slot": range(1000), "month": slots}))
    con.execute("CREATE TABLE month_slots AS SELECT * FROM month_slots_df")
    return con


def _u(i: str, seed: int, k: int) -> str:
    """A uniform number in [0, 1) from the row index, the seed and a stream number (deterministic)."""
    return f"((hash({i}, {seed}, {k}) % 1000003) / 1000003.0)"


def _copy(con: duckdb.DuckDBPyConnection, select: str, path: Path, dates: tuple[str, ...] = ()) -> Path:
    """Write CSV (text) or Parquet (dates typed as DATE, as a database export would have them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        if dates:
            select = f"SELECT * REPLACE ({', '.join(f'CAST({d} AS DATE) AS {d}' for d in dates)}) FROM ({select})"
        con.execute(f"COPY ({select}) TO '{path}' (FORMAT PARQUET)")
    else:
        con.execute(f"COPY ({select}) TO '{path}' (FORMAT CSV, HEADER)")
    return path


def write_registers(path: Path, rows: int, *, first: str = "2025-01", last: str = "2026-10", seed: int = 1,
                    identifiers: bool = True) -> Path:
    """``rows`` SYNTHETIC register events (about 55 % 就业登记, 25 % 失业登记, 20 % 登记注销, plus 期初在册
    rows on the first day) over the months ``first``–``last``, CSV or Parquet by the suffix of ``path``."""
    con = _connection(seed, first, last)
    opening = max(38, rows // 20)
    persons = max(50, rows // 3)
    ident = (f", '{SURNAMES}'[1 + (hash(p, {seed}, 20) % {len(SURNAMES)})::INT] || "
             f"'{GIVEN}'[1 + (hash(p, {seed}, 21) % {len(GIVEN)})::INT] || "
             f"'{GIVEN}'[1 + (hash(p, {seed}, 24) % {len(GIVEN)})::INT] AS 姓名, "
             f"'1' || (3 + hash(p, {seed}, 22) % 7)::VARCHAR || lpad((hash(p, {seed}, 23) % 1000000000)::VARCHAR, 9, '0') "
             f"AS 手机号") if identifiers else ""  # fmt: skip
    person = (f"'500' || lpad((hash(p, {seed}, 29) % 244)::VARCHAR, 3, '0') || (1960 + hash(p, {seed}, 30) % 45)::VARCHAR || lpad((1 + hash(p, {seed}, 31) % 12)::VARCHAR, 2, '0') "
              f"|| lpad((1 + hash(p, {seed}, 32) % 28)::VARCHAR, 2, '0') || lpad((hash(p, {seed}, 33) % 1000)::VARCHAR, 3, '0') "
              f"|| (hash(p, {seed}, 34) % 10)::VARCHAR") if identifiers else \
        "'P' || lpad(p::VARCHAR, 9, '0')"  # fmt: skip
    body = f"""
    WITH base AS (
      SELECT i, (hash(i, {seed}, 1) % {persons}) AS p, {_u('i', seed, 2)} AS u_district, {_u('i', seed, 3)} AS u_month,
             {_u('i', seed, 4)} AS u_event, {_u('i', seed, 5)} AS u_day, {_u('i', seed, 6)} AS u_ind,
             {_u('i', seed, 7)} AS u_age, {_u('i', seed, 8)} AS u_g1, {_u('i', seed, 9)} AS u_g2, {_u('i', seed, 10)} AS u_g3,
             i < {opening} AS is_opening
      FROM range({rows}) r(i)
    ), placed AS (
      SELECT b.*, d.name, m.month
      FROM base b JOIN districts d ON d.slot = CAST(floor(b.u_district * 1000) AS INTEGER)
      JOIN month_slots m ON m.slot = CAST(floor(b.u_month * 1000) AS INTEGER)
    )
    SELECT {person} AS person_id, name AS 区县,
           CASE WHEN is_opening THEN '期初在册' WHEN u_event < 0.55 THEN '就业登记'
                WHEN u_event < 0.80 THEN '失业登记' ELSE '登记注销' END AS event,
           strftime(CASE WHEN is_opening THEN DATE '{first}-01'
                         ELSE month + CAST(floor(u_day * 28) AS INTEGER) END, '%Y-%m-%d') AS event_date,
           CASE WHEN u_ind < 0.25 THEN 'C' WHEN u_ind < 0.35 THEN 'E' WHEN u_ind < 0.50 THEN 'F'
                WHEN u_ind < 0.57 THEN 'G' WHEN u_ind < 0.67 THEN 'H' WHEN u_ind < 0.72 THEN 'I'
                WHEN u_ind < 0.78 THEN 'L' WHEN u_ind < 0.81 THEN 'M' WHEN u_ind < 0.88 THEN 'O'
                WHEN u_ind < 0.92 THEN 'A' WHEN u_ind < 0.96 THEN 'Q' ELSE '' END AS industry,
           CASE WHEN u_age < 0.22 THEN '16-24' WHEN u_age < 0.50 THEN '25-34' WHEN u_age < 0.74 THEN '35-44'
                WHEN u_age < 0.92 THEN '45-54' ELSE '55+' END AS age_group,
           CASE WHEN u_age < 0.22 AND u_g1 < 0.6 THEN 1 ELSE 0 END AS is_graduate,
           CASE WHEN u_g2 < 0.25 THEN 1 ELSE 0 END AS is_migrant_worker,
           CASE WHEN u_g3 < 0.07 THEN 1 ELSE 0 END AS is_hard_to_employ,
           '{SYNTHETIC_LABEL}' AS synthetic {ident}
    FROM placed ORDER BY i
    """
    out = _copy(con, body, Path(path), ("event_date",))
    con.close()
    return out


def write_enterprises(path: Path, enterprises: int, *, first: str = "2025-01", last: str = "2026-10", seed: int = 2,
                      identifiers: bool = True) -> Path:
    """SYNTHETIC 失业动态监测 sample: ``enterprises`` enterprises, one row each per month ``first``–``last``."""
    con = _connection(seed, first, last)
    ident = (f", '合成测试企业' || lpad(e::VARCHAR, 5, '0') || '有限公司' AS 企业名称, "
             f"'91500' || lpad((hash(e, {seed}, 40) % 1000)::VARCHAR, 3, '0') || 'MA' || "
             f"upper(substr(md5(e::VARCHAR || '{seed}'), 1, 8)) AS 统一社会信用代码") if identifiers else ""  # fmt: skip
    body = f"""
    WITH ents AS (
      SELECT e, {_u('e', seed, 1)} AS u_district, {_u('e', seed, 2)} AS u_ind,
             20 + CAST(exp(3 + 2.2 * {_u('e', seed, 3)}) AS INTEGER) AS base, {_u('e', seed, 4)} - 0.5 AS trend
      FROM range({enterprises}) r(e)
    ), rows AS (
      SELECT e.*, m.idx, m.month, {_u('e * 1000 + m.idx', seed, 5)} AS u_add, {_u('e * 1000 + m.idx', seed, 6)} AS u_cut,
             {_u('e * 1000 + m.idx', seed, 7)} AS u_reason,
             CAST(e.base * (1 + 0.01 * e.trend * m.idx) AS INTEGER) AS jobs_start
      FROM ents e CROSS JOIN months m
    )
    SELECT 'E' || lpad(e::VARCHAR, 6, '0') AS enterprise_id, d.name AS district,
           CASE WHEN u_ind < 0.45 THEN 'C' WHEN u_ind < 0.6 THEN 'E' WHEN u_ind < 0.72 THEN 'F' WHEN u_ind < 0.8 THEN 'G'
                WHEN u_ind < 0.88 THEN 'H' WHEN u_ind < 0.94 THEN 'I' ELSE 'L' END AS industry,
           strftime(month, '%Y-%m') AS month, jobs_start,
           jobs_start + CAST(jobs_start * 0.04 * u_add AS INTEGER) - CAST(jobs_start * 0.045 * u_cut AS INTEGER) AS jobs_end,
           CAST(jobs_start * 0.045 * u_cut AS INTEGER) AS jobs_cut, CAST(jobs_start * 0.04 * u_add AS INTEGER) AS jobs_added,
           CASE WHEN CAST(jobs_start * 0.045 * u_cut AS INTEGER) = 0 THEN ''
                WHEN u_reason < 0.3 THEN '订单减少' WHEN u_reason < 0.5 THEN '生产经营困难' WHEN u_reason < 0.7 THEN '自然减员'
                WHEN u_reason < 0.85 THEN '合同到期' ELSE '其他' END AS cut_reason,
           '{SYNTHETIC_LABEL}' AS synthetic {ident}
    FROM rows JOIN districts d ON d.slot = CAST(floor(u_district * 1000) AS INTEGER)
    ORDER BY e, idx
    """
    out = _copy(con, body, Path(path))
    con.close()
    return out


def write_postings(path: Path, rows: int, *, first: str = "2025-01", last: str = "2026-10", seed: int = 3,
                   identifiers: bool = True) -> Path:
    """SYNTHETIC job postings (招聘, 1–20 vacancies each) and applications (求职, 1 person each)."""
    con = _connection(seed, first, last)
    occupations = "[" + ", ".join(f"'{o}'" for o in OCCUPATIONS) + "]"
    ident = (f", CASE WHEN u_type >= 0.45 THEN '{SURNAMES}'[1 + (hash(i, {seed}, 20) % {len(SURNAMES)})::INT] || "
             f"'{GIVEN}'[1 + (hash(i, {seed}, 21) % {len(GIVEN)})::INT] || "
             f"'{GIVEN}'[1 + (hash(i, {seed}, 24) % {len(GIVEN)})::INT] ELSE '' END AS 姓名, "
             f"CASE WHEN u_type >= 0.45 THEN '1' || (3 + hash(i, {seed}, 22) % 7)::VARCHAR || "
             f"lpad((hash(i, {seed}, 23) % 1000000000)::VARCHAR, 9, '0') ELSE '' END AS 联系电话") if identifiers else ""
    body = f"""
    WITH base AS (
      SELECT i, {_u('i', seed, 1)} AS u_district, {_u('i', seed, 2)} AS u_month, {_u('i', seed, 3)} AS u_type,
             {_u('i', seed, 4)} AS u_day, {_u('i', seed, 5)} AS u_ind, {_u('i', seed, 6)} AS u_n
      FROM range({rows}) r(i)
    ), placed AS (
      SELECT b.*, d.name, m.month
      FROM base b JOIN districts d ON d.slot = CAST(floor(b.u_district * 1000) AS INTEGER)
      JOIN month_slots m ON m.slot = CAST(floor(b.u_month * 1000) AS INTEGER)
    )
    SELECT strftime(month + CAST(floor(u_day * 28) AS INTEGER), '%Y-%m-%d') AS date, name AS district,
           CASE WHEN u_ind < 0.3 THEN 'C' WHEN u_ind < 0.4 THEN 'E' WHEN u_ind < 0.55 THEN 'F' WHEN u_ind < 0.63 THEN 'G'
                WHEN u_ind < 0.75 THEN 'H' WHEN u_ind < 0.83 THEN 'I' WHEN u_ind < 0.9 THEN 'L' WHEN u_ind < 0.95 THEN 'M'
                ELSE 'O' END AS industry,
           CASE WHEN u_type < 0.45 THEN '招聘' ELSE '求职' END AS record_type,
           CASE WHEN u_type < 0.45 THEN 1 + CAST(u_n * u_n * 20 AS INTEGER) ELSE 1 END AS count,
           {occupations}[1 + (hash(i, {seed}, 7) % {len(OCCUPATIONS)})::INT] AS occupation,
           '{SYNTHETIC_LABEL}' AS synthetic {ident}
    FROM placed ORDER BY i
    """
    out = _copy(con, body, Path(path), ("date",))
    con.close()
    return out


SIZES = {  # register rows, enterprises, posting rows
    "small": (20_000, 400, 12_000),
    "large": (20_000_000, 20_000, 2_000_000),
}


def write_all(folder: Path, size: str = "small", *, suffix: str = ".csv", identifiers: bool = True,
              first: str = "2025-01", last: str = "2026-10") -> dict[str, Path]:
    """All three SYNTHETIC files in ``folder`` (names say synthetic); returns kind → path."""
    n_reg, n_ent, n_post = SIZES[size]
    folder = Path(folder)
    return {
        "registers": write_registers(folder / f"synthetic_registers{suffix}", n_reg, first=first, last=last,
                                     identifiers=identifiers),
        "enterprises": write_enterprises(folder / f"synthetic_enterprises{suffix}", n_ent, first=first, last=last,
                                         identifiers=identifiers),
        "postings": write_postings(folder / f"synthetic_postings{suffix}", n_post, first=first, last=last,
                                   identifiers=identifiers),
    }  # fmt: skip
