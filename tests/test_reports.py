"""All seven reports, built offline from the real data, read clean from cover to appendix."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.conftest import REPO, make_project

REPORTS = ["annual-2021", "annual-2022", "annual-2023", "annual-2024", "annual-2025", "midterm-2023", "final-2025"]
RAW_REPRS = ("nan", "NaN", "None", "NaT", "<NA>", "inf", "dtype", "object", "Traceback")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from planlib.publish.build import build
    from planlib.publish.manifest import load_manifest

    mp = pytest.MonkeyPatch()
    manifest = load_manifest(REPO / "reports" / "manifest.yaml")
    entries = [{"id": r.id, "notebook": str(r.notebook), "title": r.title} for r in manifest.reports]
    root = make_project(tmp_path_factory.mktemp("all"), mp, entries)
    result = build(progress=False, jobs=2)
    yield root / "reports" / "_site", result
    mp.undo()


def test_all_seven_build(site):
    path, result = site
    assert result.ok and sorted(result.built) == sorted(REPORTS)
    for rid in REPORTS:
        assert (path / f"{rid}.html").is_file() and (path / f"{rid}.pdf").is_file()


@pytest.mark.parametrize("rid", REPORTS)
def test_no_raw_repr_and_no_later_year(site, rid):
    path, _ = site
    page = (path / f"{rid}.html").read_text(encoding="utf-8")
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    # the source list may name the year a source was published (a 2023 figure in a 2024 bulletin)
    page, _, sources = page.partition('id="数据来源"')
    body = re.sub(r"<[^>]+>", " ", page)  # visible text only
    text = body + re.sub(r"<[^>]+>", " ", sources)
    for raw in RAW_REPRS:
        assert not re.search(rf"(?<![A-Za-z]){re.escape(raw)}(?![A-Za-z])", text), (rid, raw)
    as_of = int(rid[-4:])
    assert "<caption>数据来源</caption>" in sources  # the cut really is at the source list
    for later in range(as_of + 1, 2025):  # 2025 is the plan's target year and appears as such
        assert f"{later}年" not in body, (rid, later)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed; .ci/run installs it")
@pytest.mark.parametrize("rid", REPORTS)
def test_pdfs_have_only_the_house_fonts_and_no_raw_repr(site, rid):
    path, _ = site
    pdf = path / f"{rid}.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]} == {"NotoSansSC-Regular",
                                                                                  "NotoSansSC-Bold"}
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for raw in RAW_REPRS:
        assert not re.search(rf"(?<![A-Za-z]){re.escape(raw)}(?![A-Za-z])", text), (rid, raw)
    for heading in ("摘要", "主要指标完成情况", "分领域进展", "区域协调", "失业预警", "数据覆盖", "附录", "数据来源"):
        assert heading in text, (rid, heading)


def test_mid_term_and_final_have_their_own_sections(site):
    path, _ = site
    mid = (path / "midterm-2023.html").read_text(encoding="utf-8")
    assert "时间过半、任务过半" in mid and "2024—2025年所需年均" in mid and "缺少数据、无法判断的主要指标" in mid
    final = (path / "final-2025.html").read_text(encoding="utf-8")
    assert "终期评估前仍待公布的数据" in final and "与“十三五”比较" in final
    assert "348(2021—2025年累计,公布数截至2025-10-10)" in final
