"""The manifest's monthly report kind (monthly-YYYY-MM) and the bulletin notebook."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import yaml

from planlib.errors import DataError
from planlib.publish.manifest import MonthlyReport, load_manifest

REPO = Path(__file__).resolve().parents[1]


def manifest(tmp_path: Path, reports: list[dict]) -> Path:
    path = tmp_path / "manifest.yaml"
    path.write_text(yaml.safe_dump({"site": {"title": "测试", "plan": "cq-employment-14th"}, "reports": reports},
                                   allow_unicode=True), encoding="utf-8")  # fmt: skip
    return path


def test_a_monthly_entry_has_a_month_cut_off(tmp_path):
    m = load_manifest(manifest(tmp_path, [{"id": "monthly-2026-10", "notebook": "notebooks/monthly.ipynb"},
                                          {"id": "annual-2023", "notebook": "notebooks/annual.ipynb"}]))
    report = m.get("monthly-2026-10")
    assert isinstance(report, MonthlyReport)
    assert (report.kind, report.title, report.month) == ("monthly", "2026年10月就业监测简报", "2026-10")
    assert report.parameters == {"month": "2026-10", "report_kind": "monthly", "report_id": "monthly-2026-10"}
    assert (report.cutoff, report.subtitle, report.cover_date) == (
        "2026年10月", "监测月份:2026年10月", "数据截至 2026年10月末(行政记录/监测数据)")
    assert m.get("annual-2023").cutoff == "2023年"


def test_monthly_entries_are_checked(tmp_path):
    path = manifest(tmp_path, [{"id": "monthly-2026-13", "notebook": "notebooks/monthly.ipynb"},
                               {"id": "monthly-2026-09", "notebook": "notebooks/monthly.ipynb",
                                "parameters": {"month": "2026-08"}},
                               {"id": "monthly-26-9", "notebook": "notebooks/monthly.ipynb"}])
    with pytest.raises(DataError) as err:
        load_manifest(path)
    assert [str(p) for p in err.value.problems] == [
        f"{path},reports[0] (id=monthly-2026-13),字段“id”:月份 13 不存在;应为:monthly-YYYY-MM,MM 为 01—12",
        f"{path},reports[1] (id=monthly-2026-09),字段“parameters.month”:month='2026-08' 与报告 id 中的月份 2026-09 不一致;"
        "应为:month: \"2026-09\"(或省略)",
        f"{path},reports[2] (id=monthly-26-9),字段“id”:报告 id “monthly-26-9” 格式不对;"
        "应为:annual-YYYY、midterm-YYYY、final-YYYY 或 monthly-YYYY-MM",
    ]


def test_the_repository_manifest_has_no_monthly_bulletin():
    """Synthetic data never reach the published site: the repository lists no monthly report (a user adds
    one for a month they computed from their own records)."""
    ids = [r.id for r in load_manifest(REPO / "reports" / "manifest.yaml").reports]
    assert not [i for i in ids if i.startswith("monthly-")]


def test_the_bulletin_notebook_has_one_parameters_cell_with_a_month():
    nb = nbformat.read(REPO / "notebooks" / "monthly.ipynb", as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert 'month = "2026-10"' in tagged[0].source and 'report_kind = "monthly"' in tagged[0].source
    assert nb.metadata["title"] == "月度就业监测简报"
