"""Benchmark (not a test): 2×10⁷ SYNTHETIC register rows → all monthly 区县 indicators, DuckDB against pandas.

    .venv/bin/python benchmarks/bench_monitoring.py [--rows 20000000] [--dir /tmp/planlib-bench] [--skip-pandas]

Each measurement runs in its own process (``--one WHAT``) so its peak RSS (``ru_maxrss``) is its own:

* ``duckdb-csv`` / ``duckdb-parquet``: :func:`planlib.inputs.records.open_records` (validation of the file
  where it lies) and :func:`planlib.indicators.monitoring.compute_monthly` (every monthly 区县 indicator and
  the disclosure control), 2 threads, timed separately;
* ``duckdb-csv-512MB``: the same with DuckDB's memory limited to 512 MB (the CSV is several times larger);
  peak RSS is VmHWM of each process;
* ``pandas``: the same register aggregation written in pandas (read the CSV's needed columns, group by
  区县, month and event), then the same post-processing; its aggregate is checked equal to DuckDB's.

The data are made by ``tests/synthetic_records.py`` (labelled synthetic; identifier columns included so
the files look like real extracts) and cached in ``--dir``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
MONTH = "2026-10"


def _population():
    from planlib.indicators.monitoring import _population
    from planlib.inputs.records import load_settings

    return _population(load_settings())


def _peak_mb() -> float:
    """This process's peak resident set (VmHWM: per address space, so not inherited from the parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_duckdb(path: Path, memory_limit: str | None) -> dict:
    from planlib.indicators.monitoring import compute_monthly
    from planlib.inputs.records import open_records

    population = _population()
    base = _peak_mb()
    t0 = time.perf_counter()
    records = open_records([path], threads=2, memory_limit=memory_limit, temp_directory=path.parent / "spill")
    t1 = time.perf_counter()
    result = compute_monthly(records, MONTH, population=population)
    t2 = time.perf_counter()
    from planlib.indicators.monitoring import REGISTER_SQL
    from planlib.inputs.records import load_settings

    settings = load_settings()
    ids = [g["id"] for g in settings["key_groups"]]
    sql = REGISTER_SQL.format(groups="".join(f", sum({g}) AS {g}" for g in ids),
                              groups_outer="".join(f", sum(a.{g}) AS {g}" for g in ids))
    t3 = time.perf_counter()
    agg = records.con.execute(sql, {"month": MONTH}).df()
    t4 = time.perf_counter()
    records.close()
    checksum = int(agg["n"].sum())
    return {"validate_s": t1 - t0, "indicators_s": t2 - t1, "aggregate_only_s": t4 - t3,
            "rows": records.rows("registers"), "values": len(result.values), "peak_rss_mb": _peak_mb(),
            "baseline_rss_mb": base, "checksum": checksum}


def run_pandas(path: Path) -> dict:
    """The register aggregation of REGISTER_SQL in pandas, then the same indicator code on its result."""
    import pandas as pd

    from planlib.indicators import monitoring as M
    from planlib.inputs.records import _district_map, load_settings

    settings = load_settings()
    population = _population()
    base = _peak_mb()
    t0 = time.perf_counter()
    groups = [g["column"] for g in settings["key_groups"]]
    frame = pd.read_csv(path, usecols=["区县", "event", "event_date", "age_group", *groups],
                        dtype={"区县": "category", "event": "category", "age_group": "category",
                               **{g: "int8" for g in groups}})  # fmt: skip
    t1 = time.perf_counter()
    codes = {name: _district_map(name)[1] for name in frame["区县"].cat.categories}
    frame["district_code"] = frame["区县"].map(codes)
    frame["event"] = frame["event"].map(settings["events"])
    frame["month"] = frame["event_date"].str.slice(0, 7)
    frame = frame[frame["event_date"] <= M._month_end(MONTH).isoformat()]
    frame["youth"] = (frame["age_group"] == settings["youth"]).astype("int8")
    ids = {g["column"]: g["id"] for g in settings["key_groups"]}
    agg = frame.rename(columns=ids).groupby(["district_code", "month", "event"], observed=True).agg(
        n=("youth", "size"), youth=("youth", "sum"), **{i: (i, "sum") for i in ids.values()}).reset_index()
    t2 = time.perf_counter()

    class _Result:
        @staticmethod
        def df():
            return agg

    class _Connection:  # stands in for DuckDB: every query returns the pandas aggregate
        @staticmethod
        def execute(sql, params=None):
            return _Result

    class _Records:  # the aggregate handed to the same indicator code (compute_monthly) as DuckDB's
        kinds = ("registers",)
        con = _Connection
        files = {"registers": ()}  # noqa: RUF012 - read only
        synthetic = True

        @staticmethod
        def provenance(kinds=None, day=None):
            return f"由 {path.name} 计算"

    result = M.compute_monthly(_Records, MONTH, population=population, settings=settings)
    t3 = time.perf_counter()
    return {"read_s": t1 - t0, "aggregate_s": t2 - t1, "indicators_s": t3 - t2, "total_s": t3 - t0,
            "rows": len(frame), "values": len(result.values), "peak_rss_mb": _peak_mb(), "baseline_rss_mb": base,
            "checksum": int(agg["n"].sum())}


def _one(what: str, folder: Path) -> None:
    csv, parquet = folder / "synthetic_registers.csv", folder / "synthetic_registers.parquet"
    if what == "duckdb-csv":
        out = run_duckdb(csv, None)
    elif what == "duckdb-parquet":
        out = run_duckdb(parquet, None)
    elif what == "duckdb-csv-512MB":
        out = run_duckdb(csv, "512MB")
    else:
        out = run_pandas(csv)
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--dir", default="/tmp/planlib-bench")
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = Path(args.dir) / str(args.rows)
    if args.one:
        _one(args.one, folder)
        return
    from tests.synthetic_records import write_registers

    folder.mkdir(parents=True, exist_ok=True)
    for suffix in (".parquet", ".csv"):
        path = folder / f"synthetic_registers{suffix}"
        if not path.is_file():
            t = time.perf_counter()
            write_registers(path, args.rows, first="2025-01", last=MONTH)
            print(f"generated {path.name}: {path.stat().st_size / 1e9:.2f} GB in {time.perf_counter() - t:.0f} s")
    print(f"{args.rows:,} SYNTHETIC register rows, month {MONTH}, {os.cpu_count()} cores")
    results = {}
    for what in ["duckdb-parquet", "duckdb-csv", "duckdb-csv-512MB"] + ([] if args.skip_pandas else ["pandas"]):
        proc = subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--dir", args.dir, "--one", what],
                              capture_output=True, text=True, check=True)  # fmt: skip
        results[what] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(what, json.dumps(results[what]))
    d = results["duckdb-csv"]
    if "pandas" in results:
        p = results["pandas"]
        assert p["checksum"] == d["checksum"], "pandas and DuckDB count different rows"
        print(f"CSV, all monthly 区县 indicators: DuckDB {d['indicators_s']:.2f} s "
              f"(+ validation {d['validate_s']:.2f} s), pandas {p['total_s']:.2f} s (read {p['read_s']:.2f}, "
              f"aggregate {p['aggregate_s']:.2f}, rest {p['indicators_s']:.2f}) → "
              f"{p['total_s'] / d['indicators_s']:.1f}× ({p['total_s'] / (d['indicators_s'] + d['validate_s']):.1f}× "
              f"with validation); record aggregation alone: DuckDB {d['aggregate_only_s']:.2f} s, "
              f"pandas {p['read_s'] + p['aggregate_s']:.2f} s; peak RSS DuckDB {d['peak_rss_mb']:.0f} MB, "
              f"pandas {p['peak_rss_mb']:.0f} MB")
    q = results["duckdb-parquet"]
    m = results["duckdb-csv-512MB"]
    print(f"Parquet: indicators {q['indicators_s']:.2f} s (record aggregation alone {q['aggregate_only_s']:.2f} s), "
          f"validation {q['validate_s']:.2f} s, peak RSS {q['peak_rss_mb']:.0f} MB")
    size = (folder / "synthetic_registers.csv").stat().st_size / 1e9
    print(f"CSV with memory_limit 512MB: indicators {m['indicators_s']:.2f} s, validation {m['validate_s']:.2f} s, "
          f"peak RSS {m['peak_rss_mb']:.0f} MB (file {size:.2f} GB)")


if __name__ == "__main__":
    main()
