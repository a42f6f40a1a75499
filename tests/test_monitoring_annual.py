"""The annual report gains the monthly picture where record-level monitoring results exist (SYNTHETIC data)."""

from __future__ import annotations

import re

from planlib.cli import main
from tests.conftest import make_project
from tests.synthetic_records import write_registers


def test_an_annual_report_shows_the_months_of_its_year(tmp_path, monkeypatch):
    root = make_project(tmp_path, monkeypatch, [{"id": "annual-2025", "notebook": "notebooks/annual.ipynb"}])
    registers = write_registers(tmp_path / "records" / "registers.csv", 4000, first="2025-01", last="2025-12")
    assert main(["monitor", "run", "--month", "2025-12", "--registers", str(registers)]) == 0
    assert main(["build", "--only", "annual-2025", "--engine", "offline", "--quiet", "--to", "html"]) == 0
    page = (root / "reports" / "_site" / "annual-2025.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", page))
    assert "月度就业监测（行政记录）" in text and "2025年全市月度就业监测（行政记录）‡" in text
    assert "行政记录/监测数据（非公布统计数据）：由登记记录计算，不是统计部门公布的数字" in text
    assert "‡测试值，非公布数据，不得作为评估依据。" in text.replace(",", "，")  # synthetic input: test values
    months = re.findall(r"2025年(\d{1,2})月", text)
    assert {"1", "12"} <= set(months)


def test_without_monitoring_results_there_is_no_section(tmp_path, monkeypatch):
    import planlib.sections.report as R

    make_project(tmp_path, monkeypatch, [{"id": "annual-2025", "notebook": "notebooks/annual.ipynb"}])
    assert str(R.monthly_picture(R.context(2025))) == ""
