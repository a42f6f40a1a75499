from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


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
