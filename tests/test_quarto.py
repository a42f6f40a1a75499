"""The Quarto engine without Quarto: the project file follows Quarto's conventions, notebooks are
executed and prepared for Quarto, and `quarto render` is called as documented (a stand-in binary
records the call, since the real one cannot be installed from PyPI alone)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import nbformat
import pytest
import yaml

from planlib.publish.quarto import build_quarto
from tests.conftest import make_project

REPO = Path(__file__).resolve().parents[1]


def test_quarto_project_file():
    config = yaml.safe_load((REPO / "reports" / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["project"]["type"] == "website" and config["project"]["output-dir"] == "_site"
    assert config["lang"] == "zh" and config["execute"]["enabled"] is False
    assert "freeze" not in config.get("execute", {})  # parameterized documents are never frozen
    assert set(config["format"]) == {"html", "typst"}
    typst = config["format"]["typst"]
    assert typst["mainfont"] == "Noto Sans SC"
    assert (REPO / "reports" / typst["font-paths"] / "NotoSansSC-Bold.ttf").is_file()  # relative to reports/
    assert config["format"]["html"]["css"] == "fonts.css" and (REPO / "reports" / "fonts.css").is_file()
    assert config["website"]["navbar"]["left"][0]["href"] == "index.qmd"
    index = (REPO / "reports" / "index.qmd").read_text(encoding="utf-8")
    assert "listing:" in index and '"annual-*.ipynb"' in index


def _fake_quarto(folder: Path, log: Path) -> None:
    script = folder / "quarto"
    script.write_text(f"#!/bin/sh\necho \"$@\" >> {log}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_quarto_engine_prepares_notebooks_and_calls_render(tmp_path, monkeypatch):
    root = make_project(tmp_path, monkeypatch, [{"id": "annual-2022", "notebook": "notebooks/annual.ipynb"}])
    (root / "reports" / "_quarto.yml").write_text((REPO / "reports" / "_quarto.yml").read_text(encoding="utf-8"),
                                                  encoding="utf-8")  # fmt: skip
    bin_dir, log = tmp_path / "bin", tmp_path / "quarto.log"
    bin_dir.mkdir()
    _fake_quarto(bin_dir, log)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    result = build_quarto(None, ("html", "pdf"))
    assert result.built == ["annual-2022"] and not result.failed
    assert log.read_text(encoding="utf-8").splitlines() == [
        f"render {root / 'reports'} --to html", f"render {root / 'reports'} --to typst"]
    nb = nbformat.read(root / "reports" / "annual-2022.ipynb", as_version=4)
    front = yaml.safe_load(nb.cells[0].source.strip("-\n"))
    assert nb.cells[0].cell_type == "raw" and front["title"] == "2022年度评估报告"
    assert front["format"] == {"html": "default", "typst": "default"}
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.source.startswith("#| output: asis") for c in code)
    assert not any("remove" in c.metadata.get("tags", []) for c in nb.cells)
    assert (root / "reports" / "annual-2022" / "tables" / "headline-indicators.csv").is_file()
    assert (root / "reports" / "fonts" / "NotoSansSC-Regular.ttf").is_file()


def test_quarto_engine_without_quarto_is_a_clear_error(tmp_path, monkeypatch):
    make_project(tmp_path, monkeypatch, [{"id": "annual-2022", "notebook": "notebooks/annual.ipynb"}])
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="--engine offline"):
        build_quarto(None, ("html",))
