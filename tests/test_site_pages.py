"""The site's monitoring pages (issue 14, "The pages"): one page per 专栏1 indicator, one for 专栏2–13, one per
区县; CSV and XLSX beside every table; the bulk archive with its JSON index; the index's links and counts;
pagefind's index; rebuilt pages byte-identical. Uses the shared offline build of annual-2023 (conftest)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The pages of one real offline build of annual-2023, in a project of this module's own (the shared
    ``built`` project is changed by other modules' tests: its manifest gains reports)."""
    from planlib.publish.build import build

    from .conftest import make_project

    mp = pytest.MonkeyPatch()
    root = make_project(tmp_path_factory.mktemp("pages"), mp, [{"id": "annual-2023", "notebook": "notebooks/annual.ipynb"}],
                        pages=True)
    try:
        result = build(progress=False)
        assert result.ok and "site-pages" not in result.failed, result.failed
        yield root / "reports" / "_site"
    finally:
        mp.undo()


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_one_page_per_headline_indicator_district_and_the_projects(site):
    import planlib

    plan = planlib.load_plan()
    indicators = sorted(p.stem for p in (site / "indicators").glob("*.html"))
    assert indicators == sorted([*plan.indicators["id"], "projects", "index"])
    assert len(plan.indicators) == 14
    districts = sorted(p.stem for p in (site / "districts").glob("*.html"))
    assert districts == sorted([*planlib.load_clusters()["district_code"], "index"]) and len(districts) == 39
    for name in ("search.html", "data/index.html", "data/planlib-data.zip", "data/datapackage.json"):
        assert (site / name).is_file(), name


def test_indicator_page_shows_each_reports_judgement_with_hand_checked_values(site):
    rows = _csv(site / "data" / "indicators" / "urban_new_jobs" / "judgements.csv")
    # the test project's manifest has one report: annual-2023; 75.1 + 70.67 + 73.9 = 219.67 of 300 = 73.2%
    assert rows == [{"报告": "2023年度评估报告", "数据截至": "2023年", "数据版本": "最新", "最新全年值": "73.9(2023年)",
                     "进展": "累计 219.67,完成 73.2%", "状态": "达到序时进度、预计可超额完成"}]  # fmt: skip
    page = (site / "indicators" / "urban_new_jobs.html").read_text(encoding="utf-8")
    assert '<h1 class="title">城镇新增就业(万人)</h1>' in page
    assert "基数：362万人（2016—2020年累计）；目标：≥300万人（五年累计）。" in page  # the 十三五 total, not a 2020 value
    assert '<a href="../data/indicators/urban_new_jobs/observations.xlsx">XLSX</a>' in page
    observations = _csv(site / "data" / "indicators" / "urban_new_jobs" / "observations.csv")
    first = observations[0]
    assert (first["时期"], first["数值"], first["时期类型"], first["采用"]) == (
        "2016—2020年累计",
        "362.3",
        "多年合计",
        "是",
    )


def test_low_confidence_values_carry_the_dagger_and_its_legend(site):
    from planlib.indicators.marks import legend

    for path in sorted((site / "data" / "indicators").glob("*/observations.csv")):
        rows = _csv(path)
        if any(r["数值"].endswith("†") for r in rows):
            page = (site / "indicators" / f"{path.parent.name}.html").read_text(encoding="utf-8")
            assert f"注:{legend(['†'])[0]}" in page
            return
    pytest.fail("no indicator page shows a low-confidence value (†)")


def test_district_page_compares_with_cluster_and_city_and_names_missing_data(site):
    rows = _csv(site / "data" / "districts" / "500101" / "values.csv")
    by_key = {(r["指标"], r["时期"]): r for r in rows}
    pop = by_key[("常住人口", "2024年末")]
    # 万州区 153.88; 渝东北三峡库区城镇群 = the sum over its 11 区县 (all have 2024 values); 全市 3,190.47
    assert (pop["本区县"], pop["渝东北三峡库区城镇群(汇总)"], pop["全市"], pop["单位"]) == (
        "153.88",
        "786.89",
        "3,190.47",
        "万人",
    )
    assert by_key[("地区生产总值", "2020年")]["渝东北三峡库区城镇群(汇总)"] == "数据暂缺(5/11 个区县有数据)"
    page = (site / "districts" / "500101.html").read_text(encoding="utf-8")
    assert "行政区划代码 500101 · 渝东北三峡库区城镇群" in page
    assert "城镇新增就业:2020年、2021年、2022年、2023年、2024年" in page
    assert 'src="figures/locator-500101.png"' in page and 'src="figures/compare-500101.png"' in page


def test_every_page_image_has_alt_text_and_every_relative_link_resolves(site):
    pages = [*site.glob("indicators/*.html"), *site.glob("districts/*.html"), site / "index.html",
             site / "search.html", site / "data" / "index.html"]  # fmt: skip
    assert len(pages) == 14 + 2 + 38 + 1 + 3
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for img in re.findall(r"<img [^>]*>", text):
            assert re.search(r'alt="[^"]{10,}"', img), (page, img)
            assert (page.parent / re.search(r'src="([^"]+)"', img).group(1)).is_file()
        for href in re.findall(r'href="([^"#?]+)"', text):
            if href.startswith(("http://", "https://", "data:")):
                continue
            assert (page.parent / href).resolve().is_file(), (page.relative_to(site), href)


def test_index_links_the_pages_and_counts_headline_indicators_without_data(site):
    from planlib.indicators.assessment import assess
    from planlib.inputs.observations import load_observations
    from planlib.inputs.plan import load_plan

    a = assess(load_plan(), load_observations(), as_of=2023)
    missing = int((a[a["group"] == "headline"]["status"] == "数据暂缺").sum())
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "<th>专栏1 数据暂缺</th>" in index and f"<td>最新</td><td>{missing} 项</td>" in index
    assert missing == 6
    for href in ("indicators/index.html", "districts/index.html", "search.html", "data/index.html"):
        assert f'href="{href}"' in index


def test_xlsx_and_csv_beside_every_table_and_xlsx_bytes_are_deterministic(site, tmp_path):
    import openpyxl
    import pandas as pd

    from planlib.presentation.tables import Table
    from planlib.publish.downloads import write_table

    csvs = sorted(site.glob("data/**/*.csv")) + sorted(site.glob("annual-2023/tables/*.csv"))
    assert csvs and all(p.with_suffix(".xlsx").is_file() for p in csvs)
    table = Table(pd.DataFrame({"区县": ["甲区", "乙县"], "数值": [1.5, None]}), caption="测试表(合成数据)", name="t")
    a = write_table(table, tmp_path / "a")[1].read_bytes()
    b = write_table(table, tmp_path / "b")[1].read_bytes()
    assert a == b
    sheet = openpyxl.load_workbook(io.BytesIO(a))["数据"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["区县", "数值"], ["甲区", 1.5], ["乙县", None]]


def test_bulk_archive_holds_observations_assessments_and_plan_with_an_index(site):
    with zipfile.ZipFile(site / "data" / "planlib-data.zip") as z:
        names = z.namelist()
        assert names == sorted(names)
        assert {"observations.csv", "assessments/annual-2023.csv", "plan/targets.csv", "datapackage.json",
                "plan/cq-employment-14th.yaml"} <= set(names)  # fmt: skip
        assert {i.date_time for i in z.infolist()} == {(2020, 1, 1, 0, 0, 0)}
        index = json.loads(z.read("datapackage.json"))
        obs = list(csv.DictReader(io.StringIO(z.read("observations.csv").decode("utf-8-sig"))))
    assert index == json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f["description"] for f in index["resources"][0]["schema"]["fields"]}
    assert fields["source_url"] == "来源链接" and fields["unit"] == "单位"
    assert len(obs) == 893 and all(r["source_title"] for r in obs)  # 858 of Chongqing, 35 national (全国)
    tables = {t["csv"] for t in index["site_tables"]}
    assert "data/districts/500101/values.csv" in tables and len(tables) == 14 * 2 + 2 + 38


def test_search_index_is_written_by_pagefind_with_chinese(site):
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert "zh-cn" in entry["languages"]
    assert entry["languages"]["zh-cn"]["page_count"] >= 14 + 1 + 38 + 1
    for name in ("pagefind-ui.js", "pagefind-ui.css", "pagefind.js"):
        assert (site / "pagefind" / name).is_file()
    assert "python -m http.server --directory reports/_site 8000" in (site / "search.html").read_text(encoding="utf-8")


def test_pages_are_byte_identical_when_written_again(site, tmp_path):
    from planlib.publish.manifest import load_manifest
    from planlib.publish.pages import write_site_pages

    root = site.parents[1]
    manifest = load_manifest(root / "reports" / "manifest.yaml")
    index = (site / "index.html").read_text(encoding="utf-8")
    footer = re.search(r'<footer class="site-footer">(.*?)</footer>', index).group(1)
    again = tmp_path / "again"
    (again / "annual-2023" / "tables").mkdir(parents=True)
    for csv_file in (site / "annual-2023" / "tables").glob("*.csv"):
        (again / "annual-2023" / "tables" / csv_file.name).write_bytes(csv_file.read_bytes())
    write_site_pages(manifest, again, html.unescape(footer))
    files = [p.relative_to(again) for p in again.rglob("*") if p.is_file()]
    assert len(files) > 250  # 53 pages with their figures, CSV and XLSX, the lists, the archive
    different = [str(f) for f in files if (site / f).read_bytes() != (again / f).read_bytes()]
    assert different == []


def test_pages_kept_when_nothing_they_show_changed_only_report_xlsx_redone(site, tmp_path):
    from planlib.publish.manifest import load_manifest
    from planlib.publish.pages import pages_digest, write_site_pages

    manifest = load_manifest(site.parents[1] / "reports" / "manifest.yaml")
    kept = tmp_path / "kept"
    for name in ("indicators/index.html", "data/datapackage.json", "annual-2023/tables/headline-indicators.csv"):
        (kept / name).parent.mkdir(parents=True, exist_ok=True)
        (kept / name).write_bytes((site / name).read_bytes())
    pages = write_site_pages(manifest, kept, "页脚", reuse={"digest": "x", "missing_headline": {"annual-2023": 6}})
    assert pages.reused and pages.missing_headline == {"annual-2023": 6} and pages.pages == []
    assert sorted(str(p.relative_to(kept)) for p in kept.rglob("*") if p.is_file()) == [
        "annual-2023/tables/headline-indicators.csv", "annual-2023/tables/headline-indicators.xlsx",
        "data/datapackage.json", "indicators/index.html"]  # fmt: skip
    # the digest follows the data and code (shared), the manifest and the footer
    assert pages_digest(manifest, "a", "页脚") != pages_digest(manifest, "b", "页脚")
    assert pages_digest(manifest, "a", "页脚") != pages_digest(manifest, "a", "另一页脚")
    assert pages_digest(manifest, "a", "页脚") == pages_digest(manifest, "a", "页脚")


def test_quarto_engine_gives_the_same_pages(site, tmp_path, monkeypatch):
    """The pages are made in Python, not by the engine: a Quarto build of the same project writes the same
    indicator and district pages, tables, figures and archive, byte for byte."""
    from planlib.publish.build import build
    from tests.conftest import make_project
    from tests.test_engines import skip_without_quarto

    skip_without_quarto()
    from planlib.publish import pages

    monkeypatch.setattr(pages, "_MEMO", {})  # drawn again here, not copied from the offline build of this process
    root = make_project(tmp_path, monkeypatch, [{"id": "annual-2023", "notebook": "notebooks/annual.ipynb"}],
                        pages=True)
    result = build(progress=False, engine="quarto", formats=("html",))
    assert result.ok, result.failed
    other = root / "reports" / "_site"
    files = [p.relative_to(site) for folder in ("indicators", "districts", "data") for p in (site / folder).rglob("*")
             if p.is_file()]  # fmt: skip
    assert len(files) > 250
    assert [str(f) for f in files if (other / f).read_bytes() != (site / f).read_bytes()] == []
    assert (other / "pagefind" / "pagefind-entry.json").is_file()


def test_pages_are_redrawn_after_a_correction_to_any_observation(tmp_path, monkeypatch):
    # the build's shared hash leaves observation files out (reports hash what they see), so the pages' digest
    # must count them itself: a correction to a 2025 figure changes what an indicator page shows
    from planlib.publish.manifest import load_manifest
    from planlib.publish.pages import pages_digest

    from .conftest import make_project

    root = make_project(tmp_path, monkeypatch, [{"id": "annual-2023", "notebook": "notebooks/annual.ipynb"}])
    manifest = load_manifest(root / "reports" / "manifest.yaml")
    before = pages_digest(manifest, "same-source", "页脚")
    target = sorted((root / "data" / "raw").rglob("*observations.csv"))[0]
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    from planlib.inputs.observations import raw_observation_files

    assert target in raw_observation_files(root / "data" / "raw")
    assert pages_digest(manifest, "same-source", "页脚") != before


def test_project_targets_keep_their_range_as_the_reports_word_it(site):
    # a user test found 20—30个 printed as “20个(每年)” on the projects page and in its CSV
    import csv as csv_module

    rows = list(csv_module.DictReader(
        (site / "data" / "indicators" / "projects" / "judgements.csv").read_text(encoding="utf-8-sig").splitlines()))
    targets = [r["目标"] for r in rows]
    assert any(t.startswith("20—30个") for t in targets) and any(t.startswith("3—5个") for t in targets)
    assert not any(t.startswith(("20个", "3个(")) for t in targets)
