"""Downloads of the site: every table as CSV and XLSX, and one bulk archive per build with a JSON index.

All files are byte-identical from one build to the next when the data are: XLSX and ZIP members carry a
fixed timestamp (:data:`FIXED_TIME`), the XLSX document properties a fixed creation date, members are
written in sorted order.

Safe to open in Excel, WPS and LibreOffice (:mod:`planlib._spreadsheet`): every XLSX cell holding data text
is a text cell, never a formula, and numbers stay numbers; in every CSV (the tables and the archive's
files) a text cell a spreadsheet would execute (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return) starts with one single quote, as OWASP's CSV-injection guidance describes. Nothing is lost: the
quote is the only change (:data:`CSV_NOTE` says so in ``datapackage.json``), and JSON keeps the raw text.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planlib._spreadsheet import csv_frame, csv_original, text_cells

if TYPE_CHECKING:
    import pandas as pd

    from planlib.inputs.plan import Plan
    from planlib.presentation.tables import Table

FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # zip member timestamps: a constant, so rebuilds give the same bytes
ARCHIVE = "data/planlib-data.zip"
INDEX = "data/datapackage.json"
CSV_NOTE = ("CSV 文件中，以 =、+、-、@、制表符或回车开头的文字单元格前加了一个英文单引号（'），以免电子表格软件把它当作"
            "公式执行（按 OWASP 关于 CSV 注入的建议）；去掉这一个单引号即为原文，数值单元格不变。XLSX 文件中来自数据的"
            "单元格一律为文本或数值，不含公式。本索引（JSON）中的文字为原文。")  # fmt: skip


def _normalized_zip(data: bytes) -> bytes:
    """The same zip with every member's timestamp fixed and attributes cleared (openpyxl stamps the time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time as "modified"
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 rb"\g<1>2020-01-01T00:00:00Z\g<2>", content)  # fmt: skip
            dst.writestr(member, content)
    return out.getvalue()


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "数据", notes: list[str] | None = None) -> bytes:
    """``frame`` as an XLSX workbook (one sheet; ``notes``, e.g. source and legend, on a second sheet 说明)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    ws.append([str(c) for c in frame.columns])
    for rec in frame.itertuples(index=False):
        ws.append([_cell(v) for v in rec])
    text_cells(ws)  # data text is never a formula
    if notes:
        extra = wb.create_sheet("说明")
        for note in notes:
            extra.append([note])
        text_cells(extra)
    fixed = dt.datetime(*FIXED_TIME)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "planlib"
    buffer = io.BytesIO()
    wb.save(buffer)
    return _normalized_zip(buffer.getvalue())


def _cell(value: Any) -> Any:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalar → Python
        return value.item()
    return value


def table_notes(table: Table) -> list[str]:
    """What a table says beside its cells: caption, source, notes."""
    return [f"表:{table.caption}", *([f"资料来源:{table.source}"] if table.source else []),
            *[f"注:{n}" for n in table.notes]]  # fmt: skip


def write_table(table: Table, folder: Path) -> tuple[Path, Path]:
    """``<folder>/<name>.csv`` (UTF-8 with BOM, as the reports' tables) and ``<folder>/<name>.xlsx``."""
    csv = table.to_csv(folder)
    xlsx = folder / f"{table.name}.xlsx"
    xlsx.write_bytes(xlsx_bytes(table.frame, notes=table_notes(table)))
    return csv, xlsx


def report_tables_xlsx(site: Path, report_ids: list[str]) -> list[Path]:
    """An XLSX beside every CSV table of the reports (``<id>/tables/<name>.csv`` → ``.xlsx``), holding the
    original texts (the single quote the CSV puts before an executable-looking text is taken off again)."""
    import pandas as pd

    written = []
    for rid in report_ids:
        for csv in sorted((site / rid / "tables").glob("*.csv")):
            frame = pd.read_csv(csv, encoding="utf-8-sig", dtype=str, keep_default_na=False).map(csv_original)
            frame.columns = [csv_original(c) for c in frame.columns]
            out = csv.with_suffix(".xlsx")
            out.write_bytes(xlsx_bytes(frame))
            written.append(out)
    return written


# columns of the archive's files: (column, unit or meaning) — the JSON index lists them
OBSERVATION_COLUMNS = {
    "indicator_id": "序列 id(src/planlib/series.yaml)", "region": "地区(全市、区县或片区)",
    "region_code": "行政区划代码", "region_kind": "municipality / district / cluster_total", "year": "年份",
    "period_type": "时期类型", "period_start": "时期起(YYYY-MM-DD)", "period_end": "时期止(YYYY-MM-DD)",
    "period_label": "时期(读者所见)", "value": "数值(单位见 unit)", "unit": "单位", "is_annual": "是否全年/年末值",
    "preferred": "是否为采用值", "conflict": "是否与另一来源冲突", "choice": "选用说明",
    "published_name": "公布时的名称", "published_value": "公布时的数值", "published_unit": "公布时的单位",
    "source_title": "来源", "source_url": "来源链接", "confidence": "可信度(high/medium/low)",
    "published": "公布日期", "revised": "是否为修订值", "note": "说明", "quote": "原文摘录",
    "source_file": "原始文件", "source_line": "原始文件中的行号",
}  # fmt: skip


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    return csv_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def write_bulk(site: Path, plan: Plan, observations: pd.DataFrame, assessments: dict[str, pd.DataFrame],
               pages: list[tuple[str, str, list[Table]]]) -> tuple[Path, Path]:  # fmt: skip
    """The bulk archive ``data/planlib-data.zip`` (all observations with provenance, every report's assessment,
    the plan's registry of targets, ``datapackage.json``) and the same JSON index at ``data/datapackage.json``,
    which also lists every table of the pages (``pages``: (page path, title, tables)) with its CSV and XLSX."""
    cols = [c for c in OBSERVATION_COLUMNS if c in observations.columns]
    members: dict[str, bytes] = {"observations.csv": _csv_bytes(observations[cols])}
    resources = [{"name": "observations", "path": "observations.csv", "format": "csv", "encoding": "utf-8-sig",
                  "title": "全部已收集的数值及其来源", "schema": {"fields": [
                      {"name": c, "description": OBSERVATION_COLUMNS[c]} for c in cols]},
                  "sources": sorted(set(observations["source_url"].dropna().astype(str)))}]  # fmt: skip
    for rid, frame in assessments.items():
        path = f"assessments/{rid}.csv"
        flat = frame.assign(value_notes=frame["value_notes"].map(lambda t: ";".join(map(str, t or ()))))
        members[path] = _csv_bytes(flat)
        resources.append({"name": f"assessment-{rid}", "path": path, "format": "csv", "encoding": "utf-8-sig",
                          "title": f"报告 {rid} 的评估(每个目标一行)",
                          "schema": {"fields": [{"name": str(c)} for c in flat.columns]}})  # fmt: skip
    registry = plan.all_targets
    members["plan/targets.csv"] = _csv_bytes(registry)
    members[f"plan/{plan.path.name}"] = plan.path.read_bytes()
    resources.append({"name": "plan-targets", "path": "plan/targets.csv", "format": "csv", "encoding": "utf-8-sig",
                      "title": f"{plan.title}:全部量化目标(专栏1 与专栏2—13、正文)",
                      "schema": {"fields": [{"name": str(c)} for c in registry.columns]}})  # fmt: skip
    resources.append({"name": "plan", "path": f"plan/{plan.path.name}", "format": "yaml", "title": "规划登记(YAML)"})
    tables = [{"page": page, "page_title": title, "table": t.caption, "csv": f"data/{_folder(page)}/{t.name}.csv",
               "xlsx": f"data/{_folder(page)}/{t.name}.xlsx", "columns": [str(c) for c in t.frame.columns]}
              for page, title, ts in pages for t in ts]  # fmt: skip
    index = {"name": "planlib-data", "title": plan.title, "profile": "data-package", "resources": resources,
             "site_tables": tables, "licenses_note": "数值来自所列来源;计算由 planlib 完成。",
             "description": CSV_NOTE}  # fmt: skip
    text = json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    members["datapackage.json"] = text.encode("utf-8")
    archive = site / ARCHIVE
    archive.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, members[name])
    archive.write_bytes(buffer.getvalue())
    (site / INDEX).write_text(text, encoding="utf-8")
    return archive, site / INDEX


def _folder(page_path: str) -> str:
    """``indicators/urban_new_jobs.html`` → ``indicators/urban_new_jobs`` (the page's folder of downloads)."""
    return page_path.rsplit(".", 1)[0]
