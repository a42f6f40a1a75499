"""Offline engine vs Quarto engine, in one sitting, on the same prepared documents (not a test).

Each report's notebook is executed once (papermill, as ``planlib build`` does; timed), then the same
Markdown and figures are typeset by the offline engine and by the Quarto engine (one ``quarto render`` for
every format), each in a fresh copy of the scratch folder, alternating engines, ``--repeat`` times; the
fastest of the repeats counts. Prints per report and in total: execution, offline render, offline with
execution, Quarto render, and the ratios. Then renders PDF pages of both engines side by side — the
cover, the first table page and the map page of the first report — into ``--out``
(default tests/artifacts/engines, not tracked by git).

With ``--full JOBS``, also a cold ``planlib build`` of the whole manifest with each engine (wall clock,
notebooks executed in parallel as users see it).

Run: ``PATH="$HOME/.cache/planlib-quarto/bin:$PATH" .venv/bin/python benchmarks/bench_engines.py
[--reports annual-2023,midterm-2023] [--repeat 2] [--full 2]``. Needs a Quarto of a supported version on PATH and
poppler-utils (pdftoppm, pdftotext) for the page images. Real data only; the repository's site is untouched.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def prepare(report, base: Path) -> tuple[str, dict, float]:
    """Execute ``report``'s notebook into ``base/<id>`` as ``build_one`` does; (markdown, notice, seconds)."""
    from planlib._assets import ENV
    from planlib.publish.notebook import execute, to_markdown

    folder = base / report.id
    folder.mkdir(parents=True)
    started = time.perf_counter()
    executed = execute(report.id, REPO / report.notebook, folder / f"{report.id}.ipynb", report.parameters,
                       cwd=folder, env={ENV: report.id})  # fmt: skip
    doc = to_markdown(executed, report.id)
    return doc.markdown, doc.notice, time.perf_counter() - started


def render(engine: str, report, markdown: str, notice: dict, base: Path, work: Path, site_title: str) -> Path:
    """Typeset the prepared report with ``engine`` in a fresh copy of its scratch folder; its output folder."""
    from planlib.publish.engines import FORMATS, RenderJob, engine_module
    from planlib.publish.report_task import DOWNLOAD_LABELS

    build = work / engine / report.id
    shutil.rmtree(build, ignore_errors=True)
    shutil.copytree(base / report.id, build)
    out = build / "_out"
    out.mkdir()
    downloads = [(DOWNLOAD_LABELS[f], f"{report.id}.{f}") for f in FORMATS if f != "html"]
    job = RenderJob(report=report, markdown=markdown, build=build, out=out, formats=FORMATS, site_title=site_title,
                    downloads=downloads, notes=list(notice.get("notes", [])))  # fmt: skip
    engine_module(engine).render(job)
    return out


def page_of(pdf: Path, pattern: str) -> int:
    """The first page whose text matches ``pattern`` (1 if none does)."""
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                             text=True).stdout).group(1))  # fmt: skip
    for number in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
                              capture_output=True, text=True).stdout  # fmt: skip
        if re.search(pattern, re.sub(r"\s+", "", text)):
            return number
    return 1


def side_by_side(pdfs: dict[str, Path], out: Path) -> list[Path]:
    """PNG of the cover, the first table page and the map page, offline left and Quarto right."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.image import imread

    from planlib.presentation.style import use_house_style

    use_house_style()
    out.mkdir(parents=True, exist_ok=True)
    made = []
    # the cover; the first page with table 1's caption; the page of the 一区两群 layout map
    for name, pattern in (("cover", None), ("table", r"表1"), ("map", r"图\d+重庆市“一区两群”空间布局")):
        fig, axes = plt.subplots(1, len(pdfs), figsize=(6 * len(pdfs), 8.2))
        for ax, (engine, pdf) in zip(axes, pdfs.items(), strict=True):
            number = 1 if pattern is None else page_of(pdf, pattern)
            stem = out / f"{engine}-{name}"
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(number), "-l", str(number), "-singlefile",
                            str(pdf), str(stem)], check=True)  # fmt: skip
            ax.imshow(imread(f"{stem}.png"))
            ax.set_title(f"{engine} — {pdf.name} 第 {number} 页", fontsize=11)
            ax.axis("off")
        fig.tight_layout()
        path = out / f"engines-{name}.png"
        fig.savefig(path, dpi=100)
        plt.close(fig)
        made.append(path)
    return made


def full_builds(jobs: int) -> dict[str, float]:
    """Wall-clock seconds of a cold ``planlib build`` of the whole manifest with each engine (``--jobs``),
    each in a throwaway copy of the project, one after the other."""
    from planlib.publish.build import build

    seconds = {}
    for engine in ("offline", "quarto"):
        with tempfile.TemporaryDirectory(prefix=f"planlib-bench-{engine}-") as tmp:
            root = Path(tmp) / "proj"
            for part in ("data/raw", "notebooks", "reports"):
                skip = shutil.ignore_patterns("_site", "_build", ".quarto", "*.ipynb_checkpoints")
                shutil.copytree(REPO / part, root / part, ignore=skip)
            os.environ["PLANLIB_ROOT"] = str(root)
            started = time.perf_counter()
            result = build(progress=False, jobs=jobs, root=root, engine=engine)
            seconds[engine] = time.perf_counter() - started
            assert result.ok, result.failed
            print(f"cold full build, {len(result.built)} reports, --jobs {jobs}, {engine}: {seconds[engine]:.1f} s")
    print(f"full build quarto / offline: {seconds['quarto'] / seconds['offline']:.2f}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", default="annual-2023,midterm-2023", help="report ids, comma-separated")
    parser.add_argument("--repeat", type=int, default=2, help="renders per engine and report (fastest counts)")
    parser.add_argument("--out", default=str(REPO / "tests" / "artifacts" / "engines"), help="page images")
    parser.add_argument("--full", type=int, metavar="JOBS", default=0,
                        help="also time a cold `planlib build` of all reports with each engine, --jobs JOBS")
    args = parser.parse_args()

    from planlib.publish import quarto
    from planlib.publish.build import FORMATS
    from planlib.publish.manifest import load_manifest

    quarto.check()
    version = quarto.quarto_version(quarto.find_quarto())
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}; "
          f"Quarto {'.'.join(map(str, version))}; formats {', '.join(FORMATS)}")  # fmt: skip
    manifest = load_manifest(REPO / "reports" / "manifest.yaml")
    reports = [manifest.get(i) for i in args.reports.split(",")]
    totals = {"execute": 0.0, "offline": 0.0, "quarto": 0.0}
    first_pdfs: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="planlib-bench-") as tmp:
        base, work = Path(tmp) / "prepared", Path(tmp) / "work"
        for report in reports:
            markdown, notice, executed = prepare(report, base)
            best = {"offline": float("inf"), "quarto": float("inf")}
            for _ in range(args.repeat):
                for engine in ("offline", "quarto"):  # alternating: both see the same machine load
                    started = time.perf_counter()
                    out = render(engine, report, markdown, notice, base, work, manifest.title)
                    best[engine] = min(best[engine], time.perf_counter() - started)
                    if report is reports[0]:
                        keep = Path(tmp) / "pdf" / engine
                        keep.mkdir(parents=True, exist_ok=True)
                        first_pdfs[engine] = Path(shutil.copy(out / f"{report.id}.pdf", keep))
            totals["execute"] += executed
            totals["offline"] += best["offline"]
            totals["quarto"] += best["quarto"]
            print(f"{report.id}: execute {executed:.1f} s; offline render {best['offline']:.1f} s "
                  f"(with execution {executed + best['offline']:.1f} s); quarto render {best['quarto']:.1f} s "
                  f"(with execution {executed + best['quarto']:.1f} s)")  # fmt: skip
        ex, off, qu = totals["execute"], totals["offline"], totals["quarto"]
        print(f"total, {len(reports)} reports: execute {ex:.1f} s; offline render {off:.1f} s; quarto render "
              f"{qu:.1f} s")  # fmt: skip
        print(f"quarto render / offline render: {qu / off:.2f}; with execution, (execute + quarto) / "
              f"(execute + offline): {(ex + qu) / (ex + off):.2f}")  # fmt: skip
        if shutil.which("pdftoppm"):
            for path in side_by_side(first_pdfs, Path(args.out)):
                print(f"page images: {path}")
    if args.full:
        full_builds(args.full)


if __name__ == "__main__":
    main()
