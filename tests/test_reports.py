"""All seven reports, built offline from the real data, read clean from cover to appendix."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

import planlib.sections.report as R
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
        assert all((path / f"{rid}.{ext}").is_file() for ext in ("html", "pdf", "docx"))


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
    assert {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]} == {
        "NotoSansSC-Regular", "NotoSansSC-Bold", "NotoSerifSC-Regular", "NotoSerifSC-Bold"}
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for raw in RAW_REPRS:
        assert not re.search(rf"(?<![A-Za-z]){re.escape(raw)}(?![A-Za-z])", text), (rid, raw)
    for heading in ("摘要", "主要指标完成情况", "分领域进展", "区域协调", "失业预警", "数据覆盖", "附录", "数据来源"):
        assert heading in text, (rid, heading)


SHORT_CELLS = ("数据暂缺", "预期性", "约束性", "已完成", "达标", "已达到目标", "快于序时进度", "不适用")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed; .ci/run installs it")
@pytest.mark.parametrize("rid", REPORTS)
def test_the_headline_table_never_breaks_a_short_cell(site, rid):
    """On the page of the 专栏1 table (landscape: nine columns), every status, Eurostat and attribute word is
    whole on one line: as many times in the text as in the text without line breaks."""
    path, _ = site
    pdf = path / f"{rid}.pdf"
    pages = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")  # fmt: skip
    [number] = [i for i, page in enumerate(pages, start=1) if "就业促进主要指标完成情况（截至" in page]
    info = subprocess.run(["pdfinfo", "-f", str(number), "-l", str(number), str(pdf)], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert re.search(rf"Page\s+{number} size:\s+841\.89 x 595\.276", info), info  # landscape A4
    table = pages[number - 1]
    squeezed = re.sub(r"\s+", "", table)
    for word in SHORT_CELLS:
        assert table.count(word) == squeezed.count(word), (rid, word)
    assert table.count("预期性") + table.count("约束性") == 14  # one attribute per headline indicator


def test_mid_term_and_final_have_their_own_sections(site):
    path, _ = site
    mid = (path / "midterm-2023.html").read_text(encoding="utf-8")
    assert "时间过半、任务过半" in mid and "2024—2025年所需年均" in mid and "缺少数据、无法判断的主要指标" in mid
    final = (path / "final-2025.html").read_text(encoding="utf-8")
    assert "本报告尚未收集到的数据" in final and "与“十三五”比较" in final
    # 364.45 = 75.1 + 70.67 + 73.9 + 71.9 + 72.88: five full years, no published cumulative needed
    assert "364.45（2021—2025年累计）" in re.sub(r"<[^>]+>", "", final)  # a cell's phrases are kept in spans


@pytest.mark.parametrize("rid", REPORTS)
def test_links_are_http_or_the_reports_own_files(site, rid):
    """Only http(s) URLs from data become links; "[18](编号见附录…)" in a source note stays text."""
    path, _ = site
    page = (path / f"{rid}.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]*)"', re.sub(r"<style>.*?</style>", " ", page, flags=re.S))
    own = re.compile(rf"^(#.*|index\.html|{rid}\.pdf|{rid}\.docx|{rid}/tables/[a-z0-9-]+\.csv)$")
    assert [h for h in hrefs if not (h.startswith(("http://", "https://")) or own.match(h))] == []
    assert any(h.startswith("http") for h in hrefs)  # the source list links its URLs
    if (path / rid / "tables" / "heat-index.csv").is_file():  # its source note cites numbers "[18](编号见…)"
        assert "（编号见附录“数据来源”）" in page
    assert f'<a href="{rid}.docx">Word 版</a>' in page  # the report page links its Word file


def test_sources_table_names_the_raw_file_of_a_title_the_fonts_cannot_draw(repo_copy, monkeypatch):
    from planlib.errors import DataError

    (repo_copy / "data" / "raw" / "test_rare_observations.csv").write_text(
        "indicator,year,value,unit,kind,source_title,source_url,confidence,note\n"
        "高校毕业生年底去向落实率,2022,95.0,%,rate,重庆市𠀀局公报(测试数据),https://example.org/t,high,test\n",
        encoding="utf-8")  # test data: a title with an Extension-B character
    table = R.sources_table(R.context(2022))  # the context is made from the files as they are now
    row = list(table.frame["来源"]).index("重庆市𠀀局公报(测试数据)") + 1
    with pytest.raises(DataError) as info:
        table.check_glyphs()
    assert str(info.value) == (
        f"表“数据来源”,第 {row} 行,字段“来源”:字符“𠀀”(U+20000)无法显示:自带字体 Noto Sans SC 中没有它的字形,"
        "PDF 和图中会成为方框(见“重庆市𠀀局公报(测试数据)”,来自 data/raw/test_rare_observations.csv 第 2 行);"
        "应为:自带字体中有的字符(可改用通行写法,或用文字说明该字)")
