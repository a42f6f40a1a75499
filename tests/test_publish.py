"""Publishing: manifest validation, and real offline builds checked with poppler and byte comparison."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml

from planlib.errors import DataError
from planlib.publish.build import build
from planlib.publish.manifest import load_manifest
from tests.conftest import make_project

REPO = Path(__file__).resolve().parents[1]
needs_poppler = pytest.mark.skipif(shutil.which("pdffonts") is None,
                                   reason="poppler-utils (pdffonts, pdftotext) not installed; .ci/run installs it")


def _project(tmp_path: Path, monkeypatch, reports: list[dict]) -> Path:
    return make_project(tmp_path, monkeypatch, reports)


def test_repository_manifest_lists_the_seven_reports():
    manifest = load_manifest(REPO / "reports" / "manifest.yaml")
    assert [r.id for r in manifest.reports] == [
        "annual-2021", "annual-2022", "annual-2023", "annual-2024", "annual-2025", "midterm-2023", "final-2025"]
    assert manifest.get("midterm-2023").as_of == 2023
    assert manifest.get("annual-2022").parameters == {"as_of": 2022, "report_kind": "annual", "report_id": "annual-2022",
                                                      "plan": "cq-employment-14th"}


@pytest.mark.parametrize(
    ("entry", "fragment"),
    [
        ({"id": "annual-2027", "notebook": "notebooks/annual.ipynb"}, "不在规划期 2021—2025 内"),
        ({"id": "yearly-2023", "notebook": "notebooks/annual.ipynb"}, "格式不对"),
        ({"id": "annual-2023", "notebook": "notebooks/annual.ipynb", "parameters": {"as_of": 2022}}, "不一致"),
        ({"id": "annual-2023", "notebook": "notebooks/annual.py"}, "不是 .ipynb"),
    ],
)
def test_manifest_errors_are_clear(tmp_path, monkeypatch, entry, fragment):
    root = _project(tmp_path, monkeypatch, [entry])
    with pytest.raises(DataError) as info:
        load_manifest(root / "reports" / "manifest.yaml")
    assert fragment in str(info.value) and "manifest.yaml" in str(info.value) and "reports[0]" in str(info.value)


def test_build_writes_the_site_layout(built):
    root, result = built
    site = root / "reports" / "_site"
    assert result.ok and result.built == ["annual-2023"]
    assert all((site / f"annual-2023.{ext}").is_file() for ext in ("html", "pdf", "docx"))
    index = (site / "index.html").read_text(encoding="utf-8")
    assert ('<a href="annual-2023.html">网页版</a> · <a href="annual-2023.pdf">PDF</a> · '
            '<a href="annual-2023.docx">Word 版</a>') in index
    csvs = sorted(p.name for p in (site / "annual-2023" / "tables").glob("*.csv"))
    assert csvs == ["annual-targets.csv", "clusters-vs-city.csv", "coverage.csv", "headline-indicators.csv", "heat-index.csv",
                    "previous-year.csv", "project-targets-annex.csv", "project-targets.csv", "sources.csv",
                    "unemployment-alerts.csv",
                    "vs-national.csv"]
    figures = sorted(p.name for p in (site / "annual-2023" / "figures").glob("*.png"))
    assert figures == ["alerts-unemployment.png", "gdp-map-2022.png", "layout-map.png", "progress-urban-new-jobs.png", "status-overview.png",
                       "trajectory-graduate-placement-rate.png", "trajectory-high-skilled-workers-total.png",
                       "trajectory-pension-coverage-rate.png", "trajectory-poverty-alleviated-migrant-workers.png",
                       "trajectory-skilled-workers-total.png", "trajectory-surveyed-unemployment-rate.png",
                       "trajectory-unemployment-insurance-enrolment.png", "trajectory-urban-employment-share.png",
                       "trajectory-work-injury-insurance-enrolment.png"]  # every indicator with any data  # 2023 has too few district GDP values: 2022 shown
    page = (site / "annual-2023.html").read_text(encoding="utf-8")
    assert page.count("<table") >= 4 and "annual-2023/tables/headline-indicators.csv" in page
    assert '<p class="downloads"><a href="annual-2023.pdf">PDF 版</a> <a href="annual-2023.docx">Word 版</a></p>' in page
    # figures: print-resolution PNGs beside the page, each with its alt text
    assert '<img src="annual-2023/figures/layout-map.png"' in page and 'alt="重庆市38个区县的分区示意图' in page
    assert "219.67" in page and "数据暂缺" in page
    for raw_repr in ("nan", "None", "NaN", "<NA>", "NaT"):  # no Python/pandas repr reaches a reader
        assert not re.search(rf"(?<![A-Za-z]){raw_repr}(?![A-Za-z])", page), raw_repr
    # no external requests: no remote scripts, stylesheets, fonts or images
    assert (site / "fonts" / "NotoSansSC-Bold.ttf").is_file() and "url(\"fonts/NotoSansSC-Regular.ttf\")" in page
    for marker in ('src="http', "@import", 'rel="stylesheet" href="http', "fonts.googleapis"):
        assert marker not in page and marker not in index


@needs_poppler
def test_pdf_embeds_only_the_shipped_fonts_with_real_bold(built):
    root, _ = built
    pdf = root / "reports" / "_site" / "annual-2023.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}
    assert names == {"NotoSansSC-Regular", "NotoSansSC-Bold", "NotoSerifSC-Regular", "NotoSerifSC-Bold"}
    assert all(" yes yes yes " in line for line in fonts.splitlines()[2:])  # embedded, subset, unicode
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for fragment in ("目录", "摘要", "主要指标完成情况", "219.67", "数据暂缺"):
        assert fragment in text, fragment
    assert re.search(r"第\s*2\s*页\s*/\s*共\s*\d+\s*页", text)  # page numbers as text
    assert re.search(r"表\s*1\s", text)  # numbered tables


def test_second_build_is_a_no_op(built):
    again = build(progress=False)
    assert again.built == [] and again.unchanged == ["annual-2023"] and again.ok


def test_builds_are_reproducible(built):
    root, _ = built
    site = root / "reports" / "_site"
    before = {p: (site / p).read_bytes() for p in ("annual-2023.html", "annual-2023.pdf", "annual-2023.docx",
                                                   "index.html")}  # fmt: skip
    result = build(progress=False, force=True)
    assert result.built == ["annual-2023"]
    after = {p: (site / p).read_bytes() for p in before}
    assert after == before


def test_to_docx_rebuilds_only_the_word_file(built, capsys):
    from planlib.cli import main

    root, _ = built
    site = root / "reports" / "_site"
    before = {p.name: p.read_bytes() for p in site.glob("annual-2023.*")}
    assert main(["build", "--to", "docx", "--force", "--quiet", "--engine", "offline", "--jobs", "1"]) == 0
    assert "引擎 offline:生成 1 份,未变化 0 份,失败 0 份" in capsys.readouterr().out
    after = {p.name: p.read_bytes() for p in site.glob("annual-2023.*")}
    assert after == before  # the HTML and PDF untouched, the Word file rebuilt byte for byte
    with zipfile.ZipFile(site / "annual-2023.docx") as docx:
        document = docx.read("word/document.xml").decode("utf-8")
    for text in ("2023年度评估报告", "摘要", "主要指标完成情况", "数据来源"):
        assert text in document, text
    assert document.count("<w:tbl>") >= 4 and 'descr="重庆市38个区县的分区示意图' in document
    state = json.loads((site / ".planlib-build.json").read_text(encoding="utf-8"))["annual-2023"]
    assert state["docx"] == state["html"] == state["pdf"]  # built from the same inputs


def test_failing_report_names_the_cell_and_keeps_the_rest(built):
    root, _ = built
    site = root / "reports" / "_site"
    old_pdf = (site / "annual-2023.pdf").read_bytes()
    state_before = json.loads((site / ".planlib-build.json").read_text(encoding="utf-8"))["annual-2023"]
    nb = nbformat.read(root / "notebooks" / "annual.ipynb", as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("raise RuntimeError('合成故障:测试用')"))
    nbformat.write(nb, root / "notebooks" / "broken.ipynb")
    manifest_path = root / "reports" / "manifest.yaml"
    manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    manifest["reports"].append({"id": "annual-2022", "notebook": "notebooks/annual.ipynb"})
    manifest["reports"][0]["notebook"] = "notebooks/broken.ipynb"
    manifest_path.write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    result = build(progress=False, jobs=2)
    assert "annual-2023" in result.failed and "第 4 个单元格" in result.failed["annual-2023"]
    assert "合成故障" in result.failed["annual-2023"]
    assert result.built == ["annual-2022"] and (site / "annual-2022.pdf").is_file()
    assert (site / "annual-2023.pdf").read_bytes() == old_pdf  # the previous version survives
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "<td>本次生成失败,显示的是上一版</td>" in index and "<td>最新</td>" in index
    # the failed report keeps the hashes of the files still published, so the next build retries it
    state = json.loads((site / ".planlib-build.json").read_text(encoding="utf-8"))
    assert state["annual-2023"] == state_before and {"html", "pdf"} <= set(state["annual-2022"])


def test_report_never_shows_a_year_after_as_of(tmp_path, monkeypatch):
    root = _project(tmp_path, monkeypatch, [{"id": "annual-2022", "notebook": "notebooks/annual.ipynb"}])
    assert build(progress=False, formats=("html",)).ok
    page = (root / "reports" / "_site" / "annual-2022.html").read_text(encoding="utf-8")
    # the source list may name when a source was published (a 2022 figure in a 2023 work report)
    page, _, sources = page.partition('id="数据来源"')
    assert "2022年" in page and "<caption>数据来源</caption>" in sources
    for later in ("2023年", "2024年", "2025年1", "73.9"):
        assert later not in page, later
