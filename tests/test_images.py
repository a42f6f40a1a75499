"""Rendered figures compared with committed reference images (matplotlib's RMS image comparison).

A broken map (lost districts, wrong colours, missing labels, tofu) changes many pixels and fails. To
accept an intended change, regenerate the references: PLANLIB_UPDATE_BASELINE=1 pytest tests/test_images.py
(the run then skips), look at the new PNGs in tests/baseline/, and commit them.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import pandas as pd
import pytest
from matplotlib.testing.compare import compare_images

from planlib import charts, load_observations, load_plan, maps
from planlib.indicators.assessment import assess
from planlib.inputs.regions import load_clusters

BASELINE = Path(__file__).parent / "baseline"
DPI = 50  # small references; enough to see every district and label


def _figures():
    clusters = load_clusters()
    synthetic = pd.Series(range(1, 39), index=clusters["district_code"], dtype=float).iloc[:-4]  # SYNTHETIC
    plan, obs = load_plan(), load_observations()
    return {
        "layout-map": lambda: maps.layout_map(),
        "choropleth-synthetic": lambda: maps.district_map(synthetic, title="合成测试值", unit="单位", year=2022,
                                                          source="合成数据(SYNTHETIC)"),
        "progress-2024": lambda: charts.cumulative_progress(plan, obs, "urban_new_jobs", 2024),
        "status-2024": lambda: charts.status_overview(assess(plan, obs, as_of=2024), 2024, "专栏1"),
    }


@pytest.mark.parametrize("name", ["layout-map", "choropleth-synthetic", "progress-2024", "status-2024"])
def test_figure_matches_reference(tmp_path, name):
    fig = _figures()[name]()
    actual = tmp_path / f"{name}.png"
    fig.figure.savefig(actual, dpi=DPI, metadata={"Software": None})
    expected = BASELINE / f"{name}.png"
    if os.environ.get("PLANLIB_UPDATE_BASELINE"):
        BASELINE.mkdir(exist_ok=True)
        expected.write_bytes(actual.read_bytes())
        pytest.skip("reference image regenerated")
    assert expected.is_file(), f"no reference image {expected}; see the module docstring"
    result = compare_images(str(expected), str(actual), tol=8)
    assert result is None, result


def test_comparison_can_fail(tmp_path):
    """A map with a quarter of the districts blanked out must not pass as the reference."""
    clusters = load_clusters()
    values = pd.Series(range(1, 39), index=clusters["district_code"], dtype=float).iloc[:-14]
    fig = maps.district_map(values, title="合成测试值", unit="单位", year=2022, source="合成数据(SYNTHETIC)")
    actual = tmp_path / "changed.png"
    fig.figure.savefig(actual, dpi=DPI, metadata={"Software": None})
    assert compare_images(str(BASELINE / "choropleth-synthetic.png"), str(actual), tol=8) is not None
