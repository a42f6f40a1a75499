"""Builds that stay fast (issue 14): cold build, no-op, one data edit, the floor, Quarto, scaling (not a test).

Everything runs in a throwaway copy of the project (real data, the repository's notebooks and manifest); the
repository's own site and data/processed are untouched. Each scenario runs in a fresh Python process, as
``make report`` would (``planlib process`` then ``planlib build``), and reports the per-stage breakdown that
``BuildResult.stages`` records: process, 执行笔记本 (execute), 网页 (pandoc → HTML), PDF (pandoc → Typst → PDF),
Word (pandoc → docx), 站点 (index, fonts, the swap).

* cold: ``process`` then ``build --jobs J`` with nothing built.
* no-op: both again, nothing changed.
* one data edit: a 2025 figure corrected (地区生产总值 2025年1—9月), then both: only annual-2025 and final-2025
  are rebuilt.
* floor, measured in the same run: a trivial notebook cycle (a new kernel, ``import planlib.sections.report``,
  one figure, pandoc HTML, pandoc → Typst PDF) timed ``--floor-runs`` times; floor = best cycle × pages ÷ jobs;
  the ratio cold build ÷ floor.
* Quarto: the offline engine with execution (the cold build's execute + typeset time per report, summed)
  against ``quarto render`` of the same prepared documents alone (benchmarks/bench_engines.py prepares them),
  when a supported Quarto is on PATH ($HOME/.cache/planlib-quarto/bin).
* scaling: forced full builds with ``--jobs 1``, ``--jobs 2`` and on a 2-worker dask LocalCluster; seconds per
  page.

Results go to ``benchmarks/results/speed-<label>.json`` and ``.md`` with the machine (cores, load average at the
start and end: the machine may be shared, so say so). Run:
``PATH="$HOME/.cache/planlib-quarto/bin:$PATH" .venv/bin/python benchmarks/bench_speed.py --label after``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
RAW = Path("data") / "raw" / "chongqing_municipal_observations.csv"
FIGURE_2025 = ("地区生产总值(GDP),2025 (Jan-Sep),24449.36,", "地区生产总值(GDP),2025 (Jan-Sep),24449.46,")

# one scenario in a fresh process: process, then build; prints one JSON line
STEP = r"""
import json, sys, time
t = time.perf_counter()
from planlib.inputs.processing import process
from planlib.publish.build import build
kw = json.loads(sys.argv[1])
p0 = time.perf_counter()
try:  # planlib before issue 14 had no incremental process (the "before" figures)
    processed = process(incremental=True) if kw.pop("process") else None
except TypeError:
    processed = process()
p1 = time.perf_counter()
scheduler = kw.pop("cluster", None)
if scheduler:
    from distributed import LocalCluster
    cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None)
    kw["scheduler"] = cluster.scheduler_address
b0 = time.perf_counter()
result = build(progress=False, **kw)
b1 = time.perf_counter()
if scheduler:
    cluster.close()
rewrote = None if processed is None else getattr(processed, "rewritten", True)
print(json.dumps({"import": p0 - t, "process": p1 - p0, "process_rewrote": rewrote, "build": b1 - b0,
                  "built": result.built, "failed": result.failed, "stages": getattr(result, "stages", {}),
                  "total": time.perf_counter() - t}, ensure_ascii=False))
"""

FLOOR_NOTEBOOK = {
    "cells": [
        {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "execution_count": None, "outputs": [],
         "source": "report_id = 'floor'"},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "import matplotlib.pyplot as plt\nimport planlib.sections.report as R\n"
                   "from planlib.presentation.figures import Figure\n"
                   "fig, ax = plt.subplots(figsize=(6, 3.5))\nax.plot([2021, 2022, 2023], [1, 2, 3])\n"
                   "Figure(fig, alt='最小示例图(合成数据,仅供基准测试)', caption='最小示例图(合成数据)',"
                   " name='floor')"},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                 "language_info": {"name": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}  # fmt: skip


def machine() -> dict:
    return {"cores": os.cpu_count(), "load_average_start": list(os.getloadavg()), "platform": platform.platform(),
            "python": platform.python_version(),
            "note": "shared machine: other sessions were running builds and tests at the same time"}  # fmt: skip


def project(tmp: Path) -> Path:
    root = tmp / "proj"
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    (root / "data" / "processed").mkdir(parents=True)
    shutil.copytree(REPO / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns("figures", "tables"))
    (root / "reports").mkdir()
    shutil.copy(REPO / "reports" / "manifest.yaml", root / "reports" / "manifest.yaml")
    return root


def step(root: Path, **kw) -> dict:
    env = dict(os.environ, PLANLIB_ROOT=str(root))
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", STEP, json.dumps(kw)], env=env, capture_output=True, text=True,
                         check=True, cwd=root)  # fmt: skip
    line = [x for x in out.stdout.splitlines() if x.startswith("{")][-1]
    data = json.loads(line)
    data["wall"] = time.perf_counter() - started  # with the interpreter's start, as `planlib` on the command line
    data["stage_totals"] = totals(data["stages"])
    return data


def totals(stages: dict) -> dict:
    out: dict[str, float] = {}
    for per in stages.values():
        for name, seconds in per.items():
            out[name] = out.get(name, 0.0) + seconds
    return {k: round(v, 2) for k, v in out.items()}


def floor_cycle(tmp: Path, runs: int) -> float:
    """The best of ``runs`` trivial cycles: new kernel, imports, one figure, pandoc HTML, Typst PDF."""
    from planlib._assets import ENV
    from planlib.publish.notebook import execute, to_markdown
    from planlib.publish.offline import render_html, render_pdf

    nb = tmp / "floor.ipynb"
    nb.write_text(json.dumps(FLOOR_NOTEBOOK, ensure_ascii=False), encoding="utf-8")
    best = float("inf")
    for i in range(runs):
        folder = tmp / f"floor{i}"
        folder.mkdir()
        started = time.perf_counter()
        executed = execute("floor", nb, folder / "floor.ipynb", {"report_id": "floor"}, cwd=folder, env={ENV: "floor"})
        markdown = to_markdown(executed, "floor").markdown
        render_html(markdown, folder / "floor.html", title="基准", subtitle="", site_title="基准", downloads=[],
                    notes=[])  # fmt: skip
        render_pdf(markdown, folder / "floor.pdf", root=folder, title="基准", subtitle="", date="",
                   notes=[])  # fmt: skip
        best = min(best, time.perf_counter() - started)
    return best


def quarto_vs_offline(root: Path, cold: dict, reports: list[str]) -> dict | None:
    """quarto render of prepared documents alone vs the offline engine with execution (from the cold build)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    os.environ["PLANLIB_ROOT"] = str(root)
    from planlib.publish import quarto

    if quarto.find_quarto() is None:
        return None
    quarto.check()
    import bench_engines

    from planlib.publish.manifest import load_manifest

    manifest = load_manifest(root / "reports" / "manifest.yaml")
    out = {"quarto": quarto.quarto_version(quarto.find_quarto()), "reports": {}}
    with tempfile.TemporaryDirectory() as tmp:
        base, work = Path(tmp) / "base", Path(tmp) / "work"
        for rid in reports:
            report = manifest.get(rid)
            markdown, notice, _ = bench_engines.prepare(report, base)
            started = time.perf_counter()
            bench_engines.render("quarto", report, markdown, notice, base, work, manifest.title)
            offline = sum(cold["stages"].get(rid, {}).values())
            out["reports"][rid] = {"quarto_render": round(time.perf_counter() - started, 2),
                                   "offline_with_execution": round(offline, 2)}  # fmt: skip
    q = sum(r["quarto_render"] for r in out["reports"].values())
    o = sum(r["offline_with_execution"] for r in out["reports"].values())
    out["ratio_offline_with_execution_to_quarto_render"] = round(o / q, 2)
    return out


# — in a column: not recorded (planlib before issue 14 has no BuildResult.stages; a no-op runs no stage)
STAGES = ("执行笔记本", "网页", "PDF", "Word", "站点")


def rewrite_markdown(label: str) -> None:
    """Write the Markdown table again from the JSON of run ``label``."""
    info = json.loads((RESULTS / f"speed-{label}.json").read_text(encoding="utf-8"))
    (RESULTS / f"speed-{label}.md").write_text(markdown(info), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="run")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--floor-runs", type=int, default=3)
    parser.add_argument("--quarto-reports", default="annual-2023,final-2025")
    parser.add_argument("--no-scaling", action="store_true")
    args = parser.parse_args()
    info = {"machine": machine(), "jobs": args.jobs, "label": args.label}
    with tempfile.TemporaryDirectory() as tmp:
        root = project(Path(tmp))
        pages = len(__import__("yaml").safe_load((root / "reports" / "manifest.yaml").read_text("utf-8"))["reports"])
        info["pages"] = pages
        info["cold"] = step(root, process=True, jobs=args.jobs)
        info["noop"] = step(root, process=True, jobs=args.jobs)
        raw = root / RAW
        raw.write_text(raw.read_text(encoding="utf-8").replace(*FIGURE_2025), encoding="utf-8")
        info["one_edit"] = step(root, process=True, jobs=args.jobs)
        os.environ["PLANLIB_ROOT"] = str(root)
        cycle = floor_cycle(Path(tmp), args.floor_runs)
        info["floor"] = {"cycle": round(cycle, 2), "floor": round(cycle * pages / args.jobs, 2),
                         "ratio_cold_build_to_floor": round(info["cold"]["build"] / (cycle * pages / args.jobs), 2)}
        info["quarto"] = quarto_vs_offline(root, info["cold"], [r for r in args.quarto_reports.split(",") if r])
        if not args.no_scaling:
            info["scaling"] = {}
            for label, kw in (("jobs 1", {"jobs": 1}), ("jobs 2", {"jobs": 2}), ("dask LocalCluster 2 workers",
                                                                                 {"cluster": True})):
                run = step(root, process=False, force=True, **kw)
                info["scaling"][label] = {"build": round(run["build"], 2), "per_page": round(run["build"] / pages, 2),
                                          "stage_totals": run["stage_totals"]}  # fmt: skip
    info["machine"]["load_average_end"] = list(os.getloadavg())
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"speed-{args.label}.json").write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n",
                                                      encoding="utf-8")  # fmt: skip
    (RESULTS / f"speed-{args.label}.md").write_text(markdown(info), encoding="utf-8")
    print(markdown(info))


def markdown(info: dict) -> str:
    m = info["machine"]
    lines = [f"# Build speed — {info['label']}", "",
             f"Machine: {m['cores']} cores, {m['platform']}, Python {m['python']}; load average at start "
             f"{' / '.join(f'{x:.2f}' for x in m['load_average_start'])}, at end "
             f"{' / '.join(f'{x:.2f}' for x in m.get('load_average_end', []))} ({m['note']}). "
             f"{info['pages']} reports, HTML+PDF+Word, offline engine, --jobs {info['jobs']}.", "",
             "| case | process (s) | build (s) | wall incl. start-up (s) | rebuilt | execute | 网页 | PDF | Word "
             "| 站点 |",
             "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for key, label in (("cold", "cold"), ("noop", "no-op"), ("one_edit", "one 2025 edit")):
        r = info[key]
        st = r["stage_totals"]
        lines.append(f"| {label} | {r['process']:.2f} | {r['build']:.2f} | {r['wall']:.2f} | {len(r['built'])} | "
                     + " | ".join(f"{st[k]:.1f}" if k in st else "—" for k in STAGES) + " |")
    f = info["floor"]
    lines += ["", "Stage columns are the sums over reports of each stage's seconds (CPU-parallel across workers).", "",
              f"Floor (same run): trivial cycle {f['cycle']:.2f} s × {info['pages']} pages ÷ {info['jobs']} jobs = "
              f"{f['floor']:.2f} s; cold build ÷ floor = **{f['ratio_cold_build_to_floor']:.2f}×**."]  # fmt: skip
    q = info.get("quarto")
    if q:
        lines += ["", f"Quarto {q['quarto']}: offline engine with execution ÷ `quarto render` of the same prepared "
                  f"documents alone = **{q['ratio_offline_with_execution_to_quarto_render']:.2f}×** "
                  "(" + ", ".join(f"{k}: {v['offline_with_execution']} s vs {v['quarto_render']} s"
                                  for k, v in q["reports"].items()) + ")."]  # fmt: skip
    if info.get("scaling"):
        lines += ["", "| scaling (forced full build) | build (s) | per page (s) |", "|---|---|---|"]
        lines += [f"| {k} | {v['build']:.2f} | {v['per_page']:.2f} |" for k, v in info["scaling"].items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
