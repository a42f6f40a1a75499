"""Values that are not ordinary published figures are marked wherever a report shows them.

† low confidence, ‡ test value (settings/choice.yaml); a footnote marker stripped from a value, a special
zone a district figure includes and a value chosen over another for the same period get a note; the
report's footer and the site's promise say what the build used. Test rows are synthetic and say so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pandas as pd
import pytest

from planlib.indicators.assessment import assess
from planlib.indicators.marks import legend, report_notice, symbols
from planlib.inputs.plan import load_plan
from tests.conftest import make_project

LOW = "† 低可信度来源(转载、聚合页等),仅供参考。"
TEST = "‡ 测试值,非公布数据,不得作为评估依据。"


def test_symbols_and_legend_come_from_the_settings():
    assert symbols([{"confidence": "low"}, {"confidence": "high"}, {"confidence": "test"}, {"confidence": "low"}]) == "†‡"
    assert symbols([{"confidence": "medium", "footnote": "①"}]) == ""  # a footnote is a note, not a sign
    assert legend(["‡", "", "†"]) == [LOW, TEST]
    assert legend([""]) == []
    assert report_notice("†") == {"published_only": True, "notes": [LOW]}
    assert report_notice("†‡") == {"published_only": False, "notes": [LOW, TEST]}


def _obs(rows: list[dict]) -> pd.DataFrame:
    base = {"region": "全市", "region_kind": "municipality", "period_type": "full_year", "is_annual": True,
            "preferred": True, "conflict": False, "superseded": False, "choice": "", "footnote": "", "includes": "",
            "source_url": "https://example.org/s", "note": ""}  # fmt: skip
    out = []
    for r in rows:
        rec = {**base, **r}
        rec.setdefault("period_label", f"{rec['year']}年")
        rec.setdefault("period_start", f"{rec['year']}-01-01")
        rec.setdefault("period_end", f"{rec['year']}-12-31")
        out.append(rec)
    return pd.DataFrame(out)


def test_assess_carries_the_marks_and_notes_of_the_values_it_uses():
    plan = load_plan()
    obs = _obs([
        {"indicator_id": "urban_new_jobs", "year": 2021, "value": 75.1, "confidence": "medium", "source_title": "甲(合成)"},
        {"indicator_id": "urban_new_jobs", "year": 2022, "value": 70.67, "confidence": "low", "source_title": "乙(合成)",
         "footnote": "①"},
        {"indicator_id": "urban_new_jobs", "year": 2023, "value": 73.9, "confidence": "test", "source_title": "丙(合成)",
         "choice": "选用本值;同一指标、地区、时期另有 70 万人(合成)。"},
        {"indicator_id": "skilled_workers_total", "year": 2023, "value": 500.0, "confidence": "low",
         "source_title": "丁(合成)"},
    ])  # fmt: skip
    a = assess(plan, obs, as_of=2023).set_index("id")
    jobs = a.loc["urban_new_jobs"]
    # the test value of 2023 is shown beside the judgement, never judged: 2021–2023 cannot be summed
    assert (jobs["latest_year"], jobs["latest_value"], jobs["status"]) == (2022, 70.67, "数据不足，无法判断")
    assert jobs["latest_marks"] == "†" and jobs["marks"] == "†"  # the latest year, then every year used
    assert jobs["note"] == "缺少2023年全年数，无法计算累计值"
    assert jobs["value_notes"] == ("城镇新增就业（2022年）：原文数值带脚注标记“①”,脚注内容见来源。",
                                   "城镇新增就业（2023年）：测试值73.9‡万人，不作为评估依据")
    skilled = a.loc["skilled_workers_total"]
    assert skilled["latest_marks"] == "†" and skilled["marks"] == "†" and skilled["value_notes"] == ()
    assert a.loc["surveyed_unemployment_rate", "marks"] == ""  # no data, nothing to mark


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def _text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", "".join(parser.parts))  # pandoc wraps long lines at spaces


@pytest.fixture(scope="module")
def marked_site(tmp_path_factory):
    """A real build of annual-2022 with a low-confidence 2021 value, a test value and a conflicting duplicate."""
    from planlib.publish.build import build

    mp = pytest.MonkeyPatch()
    root = make_project(tmp_path_factory.mktemp("marks"), mp, [{"id": "annual-2022", "notebook": "notebooks/annual.ipynb"},
                                                               {"id": "annual-2021", "notebook": "notebooks/annual.ipynb"}])
    raw = root / "data" / "raw" / "chongqing_municipal_observations.csv"
    lines = raw.read_text(encoding="utf-8").splitlines(keepends=True)
    # 2021 城镇新增就业 read from a repost only (low), 2022 失业保险参保人数 a test value (synthetic)
    lines = [line.replace(",medium,", ",low,", 1) if line.startswith("城镇新增就业,2021,75.1,") else line for line in lines]
    raw.write_text("".join(lines), encoding="utf-8")
    (root / "data" / "raw" / "user_observations.csv").write_text(
        "indicator,year,value,unit,kind,source_title,source_url,confidence,note\n"
        "城镇新增就业,2022,99.99,万人,annual,合成测试来源(重复值),https://example.org/dup,high,synthetic conflicting duplicate\n"
        "工伤保险参保人数,2022,650,万人,annual,合成测试来源(测试值),https://example.org/t,test,synthetic test value\n",
        encoding="utf-8")  # fmt: skip
    try:
        result = build(progress=False, jobs=2)
        assert result.ok, result.failed
        yield root / "reports" / "_site"
    finally:
        mp.undo()  # also when the build above fails: PLANLIB_ROOT must not leak into later tests


def test_report_marks_values_and_explains_choices(marked_site):
    page = (marked_site / "annual-2022.html").read_text(encoding="utf-8")
    text = _text(page)
    # the headline table: the summed total carries † (2021 is low) and ‡ nowhere near it
    assert "累计 175.09†，完成 58.4%" in text  # 75.1 + 99.99: the high-confidence duplicate is used…
    assert ("城镇新增就业（2022年）：选用本值;同一指标、地区、时期另有 70.67 万人（“2022年重庆市国民经济和社会发展统计公报"
            in text)  # …and the report says so, with the other value and its source
    # the test value is shown with its mark under the table, judged nowhere and compared with nothing
    assert "工伤保险参保人数（2022年）：测试值650‡万人，不作为评估依据" in text and "650‡（2022年）" not in text
    assert "占全国2.2%" not in text  # 650 / 29,112 would compare a test value with the national figure
    assert LOW in text and TEST in text
    # the source list marks the sources of marked values
    assert "合成测试来源(测试值)‡" in text
    # the page footer says what this report used
    footer = re.search(r'<footer class="site-footer">(.*?)</footer>', page, re.S).group(1)
    assert footer == f"由 planlib 生成；数据来源见各表注与附录。 {LOW} {TEST}"
    # the PDF says the same, on its cover and beside the values
    if shutil.which("pdftotext"):
        pdf = subprocess.run(["pdftotext", str(marked_site / "annual-2022.pdf"), "-"], capture_output=True, text=True,
                             check=True).stdout  # fmt: skip
        flat = re.sub(r"\s+", "", pdf)
        for fragment in ("累计175.09†", "测试值650‡万人，不作为评估依据", LOW, TEST, "合成测试来源(测试值)‡"):
            assert re.sub(r"\s+", "", fragment) in flat, fragment


def test_site_promise_adapts_to_what_the_build_used(marked_site):
    index = (marked_site / "index.html").read_text(encoding="utf-8")
    footer = re.search(r'<footer class="site-footer">(.*?)</footer>', index, re.S).group(1)
    assert footer == ("由 planlib 生成。注意:2022年度评估报告含非公布的测试值,不得作为评估依据;其余数字来自已公布的数据或由其计算得出;"
                      f"缺失的数据标为“数据暂缺”。 {LOW} {TEST}")
    other = (marked_site / "annual-2021.html").read_text(encoding="utf-8")
    assert "‡" not in _text(other) and "75.1†" in _text(other)


def test_unmarked_reports_keep_the_promise(tmp_path, monkeypatch):
    from planlib.publish.build import PROMISE, site_footer
    from planlib.publish.manifest import load_manifest

    root = make_project(tmp_path, monkeypatch, [{"id": "annual-2023", "notebook": "notebooks/annual.ipynb"}])
    manifest = load_manifest(root / "reports" / "manifest.yaml")
    assert site_footer(manifest, {}) == "由 planlib 生成。" + PROMISE
    state = {"annual-2023": {"notice": {"published_only": True, "notes": [LOW]}}}
    assert site_footer(manifest, state) == f"由 planlib 生成。{PROMISE} {LOW}"
