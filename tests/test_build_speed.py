"""Builds that stay fast: per-report hashes, an incremental ``planlib process``, warm kernels that keep one report's
failure from touching another, and the same site from the local pool, one process and a dask LocalCluster."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from planlib.publish import build as B
from tests.conftest import REPO, make_project

STATE = B.STATE_FILE
ALL = [{"id": r["id"], "notebook": r["notebook"], **({"title": r["title"]} if "title" in r else {})}
       for r in yaml.safe_load((REPO / "reports" / "manifest.yaml").read_text(encoding="utf-8"))["reports"]]  # fmt: skip
TWO = [{"id": "annual-2024", "notebook": "notebooks/annual.ipynb"},
       {"id": "annual-2025", "notebook": "notebooks/annual.ipynb"}]  # fmt: skip
RAW = Path("data") / "raw" / "chongqing_municipal_observations.csv"
# a published 2025 figure (地区生产总值 2025年1—9月, 24449.36 亿元) and a correction of it
FIGURE_2025 = "地区生产总值(GDP),2025 (Jan-Sep),24449.36,"
CORRECTED_2025 = "地区生产总值(GDP),2025 (Jan-Sep),24449.46,"


def _correct_2025(root: Path) -> None:
    raw = root / RAW
    text = raw.read_text(encoding="utf-8")
    assert text.count(FIGURE_2025) == 1
    raw.write_text(text.replace(FIGURE_2025, CORRECTED_2025), encoding="utf-8")


def _site_files(root: Path) -> dict[str, bytes]:
    site = root / "reports" / "_site"
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.name != STATE}  # fmt: skip


# ------------------------------------------------------------------ a report's hash covers what it can see


def _digests(root: Path) -> dict[str, str | None]:
    from planlib.publish.manifest import load_manifest

    return B.report_digests(load_manifest(root / "reports" / "manifest.yaml"), root, "offline test")


def test_a_2025_correction_changes_the_2025_reports_and_nothing_else(tmp_path, monkeypatch):
    root = make_project(tmp_path, monkeypatch, ALL)
    before = _digests(root)
    assert sorted(before) == ["annual-2021", "annual-2022", "annual-2023", "annual-2024", "annual-2025", "final-2025",
                              "midterm-2023"]  # fmt: skip
    _correct_2025(root)
    after = _digests(root)
    assert sorted(r for r in before if before[r] != after[r]) == ["annual-2025", "final-2025"]
    # a row every report can see (a 2019 value) changes every report
    raw = root / RAW
    raw.write_text(raw.read_text(encoding="utf-8") + "地区生产总值,2019,23605.77,亿元,annual,测试来源(合成数据;仅供测试),"
                   "https://example.org/t,low,synthetic test row\n", encoding="utf-8")  # fmt: skip
    again = _digests(root)
    assert sorted(r for r in after if after[r] != again[r]) == sorted(before)


def test_a_report_under_an_earlier_vintage_ignores_a_later_release(tmp_path, monkeypatch):
    """annual-2025 as known on 2025-09-30 cannot see the Jan–Sep 2025 figure (published in October)."""
    reports = [{"id": "annual-2025", "notebook": "notebooks/annual.ipynb", "parameters": {"vintage": "2025-09-30"}},
               {"id": "final-2025", "notebook": "notebooks/final.ipynb"}]  # fmt: skip
    root = make_project(tmp_path, monkeypatch, reports)
    before = _digests(root)
    _correct_2025(root)
    after = _digests(root)
    assert [r for r in before if before[r] != after[r]] == ["final-2025"]


# ------------------------------------------------------------------ real builds: edits, schedulers, identity


@pytest.fixture(scope="module")
def two_built(tmp_path_factory):
    """annual-2024 and annual-2025 built once with the local pool (--jobs 2)."""
    with pytest.MonkeyPatch.context() as mp:
        root = make_project(tmp_path_factory.mktemp("speed"), mp, TWO)
        result = B.build(progress=False, jobs=2)
        assert result.ok and sorted(result.built) == ["annual-2024", "annual-2025"]
    return root


def _copy(two_built: Path, tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(two_built, root)
    monkeypatch.setenv("PLANLIB_ROOT", str(root))
    return root


def test_a_2025_correction_rebuilds_only_the_2025_report(two_built, tmp_path, monkeypatch):
    root = _copy(two_built, tmp_path, monkeypatch)
    before = _site_files(root)
    _correct_2025(root)
    result = B.build(progress=False, jobs=2)
    assert result.ok and result.built == ["annual-2025"] and result.unchanged == ["annual-2024"]
    after = _site_files(root)
    assert {k for k in before if k.startswith("annual-2024")} and all(
        after[k] == v for k, v in before.items() if k.startswith("annual-2024"))  # fmt: skip
    assert B.build(progress=False).built == []  # and then nothing is left to do


def test_one_process_and_a_dask_cluster_give_the_same_files_as_the_pool(two_built, tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    expected = _site_files(two_built)
    assert {"annual-2024.html", "annual-2024.pdf", "annual-2024.docx", "annual-2025.pdf", "index.html"} <= set(expected)
    root = _copy(two_built, tmp_path, monkeypatch)
    shutil.rmtree(root / "reports" / "_site")
    serial = B.build(progress=False, jobs=1)
    assert serial.ok and serial.built == ["annual-2024", "annual-2025"]
    assert _site_files(root) == expected
    shutil.rmtree(root / "reports" / "_site")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        on_dask = B.build(progress=False, scheduler=cluster.scheduler_address)
    assert on_dask.ok and sorted(on_dask.built) == ["annual-2024", "annual-2025"]
    assert _site_files(root) == expected
    assert sorted(p.name for p in (root / "reports").iterdir()) == [".planlib-build.lock", "_site", "manifest.yaml"]


def test_scheduler_without_dask_names_the_extra(tmp_path, monkeypatch, capsys):
    from planlib.cli import main

    make_project(tmp_path, monkeypatch, TWO)
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if dask.distributed were not installed
    assert main(["build", "--quiet", "--engine", "offline", "--scheduler", "tcp://127.0.0.1:8786"]) == 1
    assert capsys.readouterr().err == ("--scheduler 需要 dask.distributed,当前环境未安装;请安装 planlib 的 scale 扩展:"
                                       "pip install 'planlib[scale]'\n")  # fmt: skip


# ------------------------------------------------------------------ warm kernels: a failure stays with its report

KERNELSPEC = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
              "language_info": {"name": "python"}}  # fmt: skip


def _notebook(path: Path, *code: str) -> None:
    nb = nbformat.v4.new_notebook(metadata=KERNELSPEC)
    params = nbformat.v4.new_code_cell('report_id = "x"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(c) for c in code)]
    nbformat.write(nb, path)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_or_dying_notebook_fails_alone(tmp_path, monkeypatch, jobs):
    reports = [{"id": "annual-2021", "notebook": "notebooks/good.ipynb"},
               {"id": "annual-2022", "notebook": "notebooks/poison.ipynb"},
               {"id": "annual-2023", "notebook": "notebooks/die.ipynb"},
               {"id": "annual-2024", "notebook": "notebooks/good.ipynb"},
               {"id": "annual-2025", "notebook": "notebooks/good.ipynb"}]  # fmt: skip
    root = make_project(tmp_path, monkeypatch, reports)
    good = ("from IPython.display import Markdown\n"
            "Markdown(f\"报告 {report_id}:{'前一份报告的变量仍在' if 'poison' in globals() else '命名空间是新的'}。\")")
    _notebook(root / "notebooks" / "good.ipynb", good)
    _notebook(root / "notebooks" / "poison.ipynb", "poison = 1", "raise ValueError('合成故障')")
    _notebook(root / "notebooks" / "die.ipynb", "poison = 1", "import os\nos._exit(3)")
    result = B.build(progress=False, jobs=jobs, formats=("html",))
    assert result.failed == {"annual-2022": "报告 annual-2022,笔记本第 3 个单元格:ValueError: 合成故障",
                             "annual-2023": "报告 annual-2023:内核意外退出(Kernel died)"}  # fmt: skip
    assert sorted(result.built) == ["annual-2021", "annual-2024", "annual-2025"]
    site = root / "reports" / "_site"
    for rid in ("annual-2021", "annual-2024", "annual-2025"):
        assert f"报告 {rid}:命名空间是新的。" in (site / f"{rid}.html").read_text(encoding="utf-8")
    assert not (site / "annual-2022.html").exists() and not (site / "annual-2023.html").exists()


def test_a_warm_kernel_runs_many_notebooks_and_is_replaced_after_a_failure(tmp_path):
    from planlib.publish.notebook import ReportError, WarmKernel, execute, to_markdown

    _notebook(tmp_path / "good.ipynb", "import os\nfrom IPython.display import Markdown\n"
              "Markdown(f\"{report_id} {os.environ.get('PLANLIB_ASSETS')} {os.getcwd()} {'poison' in globals()}\")")
    _notebook(tmp_path / "bad.ipynb", "poison = 1", "raise ValueError('合成故障')")
    kernel = WarmKernel(tmp_path / "kernel.log")
    seen = []
    try:
        for i, name in enumerate(["good", "good", "bad", "good"]):
            cwd = tmp_path / f"run{i}"
            cwd.mkdir()
            try:
                out = execute(f"r{i}", tmp_path / f"{name}.ipynb", cwd / "out.ipynb", {"report_id": f"r{i}"}, cwd=cwd,
                              env={"PLANLIB_ASSETS": f"r{i}"} if i != 1 else {}, kernel=kernel)  # fmt: skip
                seen.append((to_markdown(out, f"r{i}").markdown, kernel.starts))
            except ReportError as exc:
                seen.append((str(exc), kernel.starts))
    finally:
        kernel.close()
    assert seen == [(f"r0 r0 {tmp_path / 'run0'} False\n", 1),
                    (f"r1 None {tmp_path / 'run1'} False\n", 1),  # same kernel; the previous env key is gone
                    ("报告 r2,笔记本第 3 个单元格:ValueError: 合成故障", 1),
                    (f"r3 r3 {tmp_path / 'run3'} False\n", 2)]  # a new kernel after the failure  # fmt: skip
    assert kernel.km is None


def test_a_warm_kernel_belongs_to_one_project(tmp_path):
    """Two projects built one after the other in one process (the engine tests do) with the same code and data:
    the second gets a kernel of its own, which logs into its own reports/_build. Reused, the first project's
    kernel restarted with its log in the first project, after that build had removed its reports/_build."""
    import threading

    from planlib.publish.executors import warm_kernel

    got = {}

    def run() -> None:  # a thread of its own: its kernels are not the test process's
        got["a"], got["a again"] = warm_kernel(tmp_path / "a", "same"), warm_kernel(tmp_path / "a", "same")
        got["b"], got["b new code"] = warm_kernel(tmp_path / "b", "same"), warm_kernel(tmp_path / "b", "changed")

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert got["a"] is got["a again"]  # warm: one kernel for every report of a build
    assert got["b"] is not got["a"] and got["b new code"] is not got["b"]
    assert got["a"].log_path.parent == tmp_path / "a" / "reports" / "_build" / "kernels"
    assert got["b"].log_path.parent == tmp_path / "b" / "reports" / "_build" / "kernels"
    assert all(k.km is None for k in got.values()) and not (tmp_path / "a").exists()  # none started here


# ------------------------------------------------------------------ planlib process is incremental


def test_process_rewrites_only_when_something_changed(repo_copy, capsys):
    from planlib.cli import main
    from planlib.inputs.processing import process

    out = repo_copy / "data" / "processed"
    first = process(incremental=True)
    assert first.rewritten and [p.name for p in first.outputs] == ["observations.csv", "observations.meta.json",
                                                                    "plan_targets.csv", "districts.csv"]  # fmt: skip
    stamps = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.iterdir()}
    again = process(incremental=True)  # unchanged inputs: nothing recomputed, nothing written
    assert not again.rewritten and again.rows == first.rows and again.report.lines() == first.report.lines()
    recomputed = process()  # recomputed, the same bytes: nothing written either
    assert not recomputed.rewritten
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.iterdir()} == stamps
    capsys.readouterr()
    assert main(["process"]) == 0
    assert capsys.readouterr().out.splitlines()[-5:] == [f"未变化 {out / n}" for n in (
        "observations.csv", "observations.meta.json", "plan_targets.csv", "districts.csv")] + [
        f"完成:{first.rows} 行清洗后的观测值。"]  # fmt: skip
    _correct_2025(repo_copy)
    edited = process(incremental=True)
    assert edited.rewritten
    text = (out / "observations.csv").read_text(encoding="utf-8")
    assert ",24449.46," in text and ",24449.36," not in text
