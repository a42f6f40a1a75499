"""What the README says about installing Jupyter, rebuilding a recomputed month and poppler's message is true."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_jupyter_is_installed_by_the_command_the_readme_gives():
    """The 'In Jupyter' section says how to get JupyterLab, and that extra is the one pyproject defines."""
    section = README[README.index("## In Jupyter\n"):]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.S)[1]
    assert block == ".venv/bin/pip install -e '.[lab]'\n.venv/bin/jupyter lab\n"
    extras = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(dep.startswith("jupyterlab") for dep in extras["lab"])


def test_a_recomputed_month_rebuilds_without_force(tmp_path):
    """The README no longer asks for --force after monitor run: every report's hash covers data/monitoring."""
    from planlib.publish.build import inputs_hash

    assert "does not yet hash" not in README and "--only monthly-2026-10 --force" not in README
    (tmp_path / "data" / "raw").mkdir(parents=True)
    before = inputs_hash(tmp_path)
    month = tmp_path / "data" / "monitoring" / "2026-10"
    month.mkdir(parents=True)
    (month / "values.csv").write_text("region,value\n全市,1\n", encoding="utf-8")
    first = inputs_hash(tmp_path)
    (month / "values.csv").write_text("region,value\n全市,2\n", encoding="utf-8")  # the month computed again
    assert len({before, first, inputs_hash(tmp_path)}) == 3


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo (poppler-utils) 未安装:.ci/run 会安装它")
def test_poppler_prints_only_the_suspects_message_the_readme_explains(tmp_path):
    from planlib.publish.offline import render_pdf

    quoted = re.search(r"prints `(Syntax Error: [^`]*)`", " ".join(README.split()))[1]
    assert quoted == "Syntax Error: Suspects object is wrong type (boolean)"
    pdf = render_pdf("# 摘要\n\n正文。\n", tmp_path / "r.pdf", root=tmp_path, title="合成测试报告(SYNTHETIC)",
                     subtitle="s", date="2023年")  # fmt: skip
    run = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert run.stderr.splitlines() == [quoted]  # nothing else is wrong with the file
    assert "Tagged:          yes" in run.stdout and "Suspects:        no" in run.stdout  # /Suspects false, read right
