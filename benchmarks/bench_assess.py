"""Benchmark assess() and disparity() on a SYNTHETIC frame of ~10⁵ indicator × district × year rows.

All values are random numbers generated here (labelled synthetic in every row's source title); they
say nothing about Chongqing. Run: `.venv/bin/python benchmarks/bench_assess.py`. Prints timings;
nothing asserts on them.
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planlib import load_clusters, load_plan
from planlib.indicators.assessment import assess
from planlib.indicators.disparity import disparity
from planlib.inputs.observations import TIDY_COLUMNS

SOURCE = "合成基准数据(SYNTHETIC,随机数,非真实数据)"


def synthetic_frame(plan, n_target_rows: int = 100_000, seed: int = 20261125) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = list(plan.all_targets["id"])
    regions = ["全市", *load_clusters()["district"]]
    years = list(range(2016, 2026))
    per_series = len(regions) * len(years)
    n_series = max(1, n_target_rows // per_series)
    series = (ids * (n_series // len(ids) + 1))[:n_series]
    series = [s if i < len(ids) else f"{s}_extra{i}" for i, s in enumerate(series)]
    grid = pd.MultiIndex.from_product([series, regions, years], names=["indicator_id", "region", "year"]).to_frame(
        index=False)
    n = len(grid)
    grid["region_code"] = None
    grid["region_kind"] = np.where(grid["region"] == "全市", "municipality", "district")
    grid["period_type"] = "full_year"
    grid["period_start"] = grid["year"].astype(str) + "-01-01"
    grid["period_end"] = grid["year"].astype(str) + "-12-31"
    grid["period_label"] = grid["year"].astype(str) + "年"
    grid["value"] = rng.uniform(1, 100, n)
    for col in ("value_low", "value_high", "bound"):
        grid[col] = None
    grid["approx"] = False
    grid["unit"] = ""
    grid["is_annual"] = True
    grid["preferred"] = True
    grid["conflict"] = False
    grid["published_name"] = grid["indicator_id"]
    grid["published_value"] = grid["value"].astype(str)
    grid["published_unit"] = ""
    grid["source_title"] = SOURCE
    grid["source_url"] = "https://example.org/synthetic"
    grid["confidence"] = "high"
    grid["note"] = "synthetic"
    grid["source_file"] = "synthetic"
    grid["source_line"] = 2
    grid["year"] = grid["year"].astype("Int64")
    return grid[TIDY_COLUMNS]


def timed(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    plan = load_plan()
    frame = synthetic_frame(plan)
    clusters = load_clusters().set_index("district")
    print(f"machine: {platform.machine()}, {platform.processor() or '?'}; python {platform.python_version()}")
    print(f"synthetic rows: {len(frame):,} ({frame['indicator_id'].nunique()} series × 39 regions × 10 years)")
    t_assess = timed(lambda: assess(plan, frame, as_of=2024))
    print(f"assess(as_of=2024), {len(plan.all_targets)} targets: best of 5 = {t_assess * 1000:.1f} ms")
    districts = frame[frame["region_kind"] == "district"]
    pop = pd.Series(np.linspace(20, 200, 38), index=clusters.index)

    def all_disparities():
        for (_, _), part in districts.groupby(["indicator_id", "year"]):
            values = part.set_index("region")["value"]
            disparity(values, pop, clusters["cluster"])

    n_groups = districts.groupby(["indicator_id", "year"]).ngroups
    t_disp = timed(all_disparities, repeat=1)
    print(f"disparity() for {n_groups:,} series-years of 38 districts: {t_disp:.2f} s "
          f"({t_disp / n_groups * 1000:.2f} ms each)")


if __name__ == "__main__":
    main()
