"""The notebooks run as they are in Jupyter and contain no data transformation of their own."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_explore_notebook_executes(tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.read(REPO / "notebooks" / "explore.ipynb", as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    # figures show as embedded images with their caption, never as the publisher's Markdown
    figures = [o["data"]["text/html"] for o in outputs if "planlib-figure" in o.get("data", {}).get("text/html", "")]
    assert len(figures) == 8 and not any("text/markdown" in o.get("data", {}) for o in outputs)
    assert "常住人口（2020年11月1日(普查)，示意图）" in figures[1] and "38个区县有数据" in figures[1]
    assert sorted(p.name for p in (tmp_path / "figures").glob("*.png")) == [
        "cluster-dots.png", "district-map-2.png", "district-map.png", "layout-map.png", "progress-urban-new-jobs.png",
        "small-multiples.png", "status-overview.png", "trajectory-surveyed-unemployment-rate.png"]
    assert (tmp_path / "评估_2024.xlsx").is_file() and (tmp_path / "主要指标_2024.xlsx").is_file()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebooks_only_call_planlib(path):
    """No data transformation in a notebook: only imports, assignments from calls, and calls."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.parse(cell.source).body:
            assert isinstance(node, ast.Import | ast.ImportFrom | ast.Assign | ast.Expr), (path.name, cell.source)
            value = node.value if isinstance(node, ast.Assign | ast.Expr) else None
            if value is not None:
                assert isinstance(value, ast.Call | ast.Constant), (path.name, ast.unparse(node))
                for sub in ast.walk(value):  # no arithmetic, comprehensions, indexing or lambdas
                    assert not isinstance(sub, ast.BinOp | ast.Subscript | ast.Lambda | ast.comprehension), (
                        path.name, ast.unparse(node))


@pytest.mark.parametrize("name", ["annual.ipynb", "midterm.ipynb", "final.ipynb"])
def test_report_notebooks_have_one_parameters_cell(name):
    nb = nbformat.read(REPO / "notebooks" / name, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "as_of =" in tagged[0].source and "report_kind =" in tagged[0].source
