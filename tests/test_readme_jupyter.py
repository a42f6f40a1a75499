"""README's "In Jupyter" section runs as written: its code blocks, verbatim, one cell each, in a real kernel on
the real data/raw, in a temporary folder; and notebooks/explore.ipynb calls every planlib function it names."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]


def _section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("## In Jupyter\n")
    return text[start:text.index("\n## ", start + 1)]


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", _section(), flags=re.S)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    from nbclient import NotebookClient

    folder = tmp_path_factory.mktemp("readme")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(b) for b in _blocks()])
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return nb, folder


def _data(cell) -> dict:
    """The last shown output of a cell (what Jupyter displays under it)."""
    shown = [o for o in cell.outputs if o.get("output_type") in ("execute_result", "display_data")]
    return shown[-1]["data"] if shown else {}


def test_the_section_has_every_next_step():
    blocks = _blocks()
    assert len(blocks) == 9
    joined = "\n".join(blocks)
    for step in ('a.query("id == ', "数据暂缺", "as_of=2022", "planlib.maps.district_map(rate)",
                 "planlib.aggregate_clusters(census)", "to_excel(", "so.Plot("):  # fmt: skip
        assert step in joined, step


def test_every_block_runs_and_shows_what_it_says(executed):
    nb, folder = executed
    cells = nb.cells
    assert not [o for c in cells for o in c.outputs if o.get("output_type") == "error"]
    # one indicator's row
    row = _data(cells[1])["text/plain"]
    assert "城镇调查失业率" in row and "surveyed_unemployment_rate" in row
    # what lacks data as of 2023: 71 targets 数据暂缺 and 6 数据不足，无法判断 (thin years, a 口径 break, a gap)
    assert "[77 rows x 5 columns]" in _data(cells[2])["text/plain"]
    # two years compared: the 14 headline indicators
    compared = _data(cells[3])["text/html"]
    assert compared.count("<tr>") == 14 and "status_2024" in compared and "城镇调查失业率" in compared  # body rows
    # the choropleth titles itself from the data and is an embedded image
    figure = _data(cells[4])
    assert sorted(figure) == ["image/png", "text/html", "text/plain"]
    assert "<figcaption>常住人口城镇化率（2024年末，示意图）</figcaption>" in figure["text/html"]
    assert (folder / "figures" / "district-map.png").is_file()
    # 七普 population by cluster, summed by the rule of settings/aggregation.yaml
    aggregate = _data(cells[5])["text/plain"]
    assert "主城都市区  2112.2370" in aggregate and "一区两群(2020年划分,本规划采用)" in aggregate
    assert "n_districts      38.000000" in _data(cells[6])["text/plain"]
    # the Excel files
    assessment = pd.read_excel(folder / "评估_2023.xlsx")
    assert len(assessment) == 81 and "城镇调查失业率" in set(assessment["name"])
    table = pd.read_excel(folder / "主要指标_2024.xlsx", sheet_name=None)
    assert list(table) == ["表格", "说明"] and len(table["表格"]) == 14
    assert table["说明"].iloc[0].tolist() == ["表名", "“十四五”就业促进主要指标完成情况（截至2024年）"]
    # the seaborn plot: drawn, and no glyph missing (matplotlib would warn on stderr)
    assert (folder / "城镇新增就业.png").stat().st_size > 10_000
    warned = [o["text"] for o in cells[8].outputs if o.get("output_type") == "stream"]
    assert not [t for t in warned if "missing from font" in t]


def test_explore_notebook_calls_everything_the_section_names():
    named = set(re.findall(r"planlib\.((?:maps\.|charts\.|report\.)?[a-z_]+)\(", _section()))
    assert {"load_plan", "assess", "maps.district_map", "charts.trajectory", "disparity"} <= named
    nb = nbformat.read(REPO / "notebooks" / "explore.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    missing = sorted(n for n in named if f"planlib.{n}(" not in code)
    assert missing == []


def test_import_planlib_gives_the_public_api():
    import planlib.charts
    import planlib.maps as maps_alias
    import planlib.report as report_alias

    import planlib
    from planlib.presentation import charts, maps
    from planlib.sections import report

    assert report_alias is report and maps_alias is maps and planlib.charts is charts and planlib.report is report
    assert callable(planlib.assess) and planlib.assess.__module__ == "planlib.indicators.assessment"
    for name in ("load_plan", "load_observations", "district_values", "aggregate_clusters", "disparity",
                 "heat_index", "unemployment_alerts", "load_clusters", "load_boundaries", "use_house_style"):
        assert callable(getattr(planlib, name)), name
        assert getattr(planlib, name).__doc__, name
