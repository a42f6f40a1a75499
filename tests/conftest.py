from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
USER_TODAY = dt.date(2026, 6, 30)  # the day the user-data tests (test_user_data, test_trust_inputs) run on
RAW_HEADER = "indicator,year,value,unit,kind,source_title,source_url,confidence,note"


@pytest.fixture
def one_row_project(tmp_path, monkeypatch):
    """A throwaway project whose data/raw holds one test row (城镇新增就业 2022 = 70.67 万人); today fixed at
    :data:`USER_TODAY`."""
    from planlib.inputs import observations

    root = tmp_path / "proj"
    (root / "data" / "raw").mkdir(parents=True)
    (root / "data" / "raw" / "base_observations.csv").write_text(
        f"{RAW_HEADER}\n城镇新增就业,2022,70.67,万人,annual,基准测试公报(测试数据),https://example.org/base,medium,test row\n",
        encoding="utf-8")  # fmt: skip
    monkeypatch.setenv("PLANLIB_ROOT", str(root))
    monkeypatch.setattr(observations, "_today", lambda: USER_TODAY)
    observations._load.cache_clear()
    yield root
    observations._load.cache_clear()


@pytest.fixture
def repo_copy(tmp_path, monkeypatch):
    """A throwaway copy of the repository's data/ with PLANLIB_ROOT pointing at it."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    (root / "data" / "processed").mkdir(parents=True)
    monkeypatch.setenv("PLANLIB_ROOT", str(root))
    from planlib.inputs import observations, regions

    observations._load.cache_clear()
    regions._load_clusters.cache_clear()
    yield root
    observations._load.cache_clear()
    regions._load_clusters.cache_clear()


def make_project(tmp_path: Path, monkeypatch, reports: list[dict], pages: bool = False) -> Path:
    """A throwaway project (real data and notebooks, a manifest of ``reports``) with PLANLIB_ROOT set.
    ``pages``: the site's monitoring pages too (they take ~20 s a build; only the tests of them ask)."""
    root = tmp_path / "proj"
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    shutil.copytree(REPO / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns("figures", "tables"))
    (root / "reports").mkdir()
    manifest = {"site": {"title": "测试站点", "plan": "cq-employment-14th", "pages": pages}, "reports": reports}
    (root / "reports" / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("PLANLIB_ROOT", str(root))
    return root


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """One real offline build of annual-2023 in a throwaway project, shared by the site tests."""
    from planlib.publish.build import build

    mp = pytest.MonkeyPatch()
    root = make_project(tmp_path_factory.mktemp("site"), mp, [{"id": "annual-2023", "notebook": "notebooks/annual.ipynb"}],
                        pages=True)
    try:
        result = build(progress=False)
        yield root, result
    finally:
        mp.undo()  # also when the build fails: PLANLIB_ROOT must not leak into later tests
