from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo_copy(tmp_path, monkeypatch):
    """A throwaway copy of the repository's data/ with PLANLIB_ROOT pointing at it."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    (root / "data" / "processed").mkdir(parents=True)
    monkeypatch.setenv("PLANLIB_ROOT", str(root))
    from planlib import observations, regions

    observations._load.cache_clear()
    regions._load_clusters.cache_clear()
    yield root
    observations._load.cache_clear()
    regions._load_clusters.cache_clear()
