"""The Excel 填报模板 for a plan (``planlib template``): what a statistician fills in to bring their own figures.

Sheets, in order:

* 填表说明 — how to fill it, the rules that are checked, the commands that follow, and a table of every
  series with its fixed unit, kind and plausibility rule;
* the plan's region (``plan.region``: 全市 for the Chongqing plan, 全国 for the national one) — one row per
  series × year, pre-listed for the plan's headline indicators (专栏1) and the other targets that have a
  series, from the baseline year to the plan's last year, then empty rows; columns 指标 单位 年份 时期 数值
  来源标题 来源网址 可信度 发布日期 说明; every value on it is a value of that region;
* 区县 — only for a plan with a district layout (``plan.layout_name``): one row per district × series ×
  year (empty rows): 区县 first (required), then the same columns;
* 选项 (hidden) — the lists behind the drop-downs: series names with their units, district names,
  confidence levels; _planlib (hidden) — the mark :mod:`planlib.inputs.excel` recognises, the plan id,
  the template version, the region and whether there is a 区县 sheet.

Drop-down lists: 指标 (every series of ``series.yaml``), 区县 (the 38 区县, then cluster totals),
可信度 (high, medium, low, test). The unit is fixed per series: pre-listed rows show it, added rows
look it up with a formula, and the reader refuses any other unit. Columns marked * are required,
including both source columns. The file is read back by ``planlib check`` / ``add`` / ``process``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from planlib.inputs.excel import (
    DISTRICT_SHEET,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    META_SHEET,
    TEMPLATE_MARK,
    TEMPLATE_VERSION,
)

CONFIDENCE_LEVELS = ("high", "medium", "low", "test")
MUNICIPAL_HEADERS = ["指标*", "单位", "年份*", "时期", "数值*", "来源标题*", "来源网址*", "可信度*", "发布日期", "说明"]
DISTRICT_HEADERS = ["区县*", *MUNICIPAL_HEADERS]
EXTRA_MUNICIPAL_ROWS = 100
DISTRICT_ROWS = 500
_WIDTHS = {"指标*": 34, "区县*": 22, "单位": 9, "年份*": 10, "时期": 16, "数值*": 12, "来源标题*": 44,
           "来源网址*": 40, "可信度*": 10, "发布日期": 13, "说明": 40}  # fmt: skip


@dataclass(frozen=True)
class TemplateInfo:
    """What :func:`write_template` wrote: the file, the plan, the pre-listed series and rows."""

    path: Path
    plan_id: str
    series: tuple[str, ...]  # series ids pre-listed on the region's sheet, in order
    municipal_rows: int  # pre-listed series × year rows
    missing: tuple[str, ...]  # plan indicators without a series in series.yaml (cannot be filled in)
    region: str = "全市"  # the plan's region: the name of the sheet its values are entered on
    districts: bool = True  # whether the template has a 区县 sheet (a plan with a district layout)


def _instructions(plan, years: range, smap, districts: bool) -> list[list[str]]:
    from planlib.inputs.plausibility import load_plausibility_settings

    first, last = years.start, years.stop - 1
    region = plan.meta.region
    marker = load_plausibility_settings().break_marker
    factor = format(load_plausibility_settings().factor, "g")
    second = ("2. “区县”工作表每行一个区县的一个数值,区县必填;区县和指标都从下拉列表选择"
              f"(片区合计请选“…(合计)”对应的名称)。{region}的数值只填在“{region}”工作表。" if districts
              else f"2. 本规划没有分区县的指标,模板不含“区县”工作表;“{region}”工作表中的每个数值都是{region}的数值。")
    lines = [
        [f"{TEMPLATE_MARK}:{plan.title}"],
        [],
        ["怎样填写"],
        [f"1. 每行一个数值。“{region}”工作表已按 指标 × 年份 列出规划主要指标(专栏1)和其他有数据序列的目标"
         f"({first}—{last}年),只需填写“数值”和来源;其他指标可在下方空行中从“指标”下拉列表选择。"],
        [second],
        ["3. 单位是固定的:每个指标的单位见“单位”列和下表。请把数值换算为该单位再填写(如 15016 人 → 1.5016 万人);"
         "填写其他单位会被拒绝。百分比填数字(5.3 表示 5.3%)。数值按单元格显示的读取:设置成“万”显示的单元格"
         "(如 706700 显示为 70.6700万)读作 70.67 万人;公式读取保存的计算结果。"],
        ["4. 年份:四位年份表示全年数,存量指标(人口、参保人数、人才总量等)表示年末数。年内部分时期写在“时期”列,"
         "如 2023年1—9月、2023年6月末;初步核算数、最终核实数可写 2024 (preliminary)、2024 (final)。"],
        ["5. 来源标题和来源网址必填:写明公报或文件名称及网址(多个网址用“ ; ”分隔,确实没有网址时写 (no URL known))。"],
        ["6. 可信度:high 官方原文;medium 官方转载;low 聚合或二手来源(报告中标 †);"
         "test 测试值,非公布数据(报告中标 ‡,不得作为评估依据)。"],
        ["7. 发布日期:来源的发布日期,写成 YYYY-MM-DD,不知道可留空。同一指标、地区、时期有多个数值时全部保留,"
         "按 src/planlib/settings/choice.yaml 的规则选用(写明修订的、发布较晚的、可信度较高的优先),"
         "报告会说明选用理由。"],
        ["8. 带 * 的列必填。没有填写数值的预列行不算数据,可以留空。隐藏的行和工作表不读取;合并单元格只能在一列之内"
         "(如一个区县合并几行),数值单元格不能合并。"],
        [f"9. 与同一指标往年数值相差 {factor} 倍以上的数值会被拒绝(多半是单位填错,如把人数按“人”填进“万人”列)。"
         f"确属口径变化造成的序列断点,请在“说明”列以“{marker}:”开头写明原因,如“{marker}:2023年起按新口径统计”;"
         "报告会在该数值旁注明。"],
        [],
        ["填好之后"],
        ["planlib check 文件.xlsx  —— 检查:逐条指出工作表、行、列和问题,一次列出全部问题。"],
        ["planlib add 文件.xlsx    —— 检查通过后复制到 data/raw/user/,并记下来源说明(*.provenance.json);"
         "不修改已公布的数据。"],
        ["planlib process          —— 更新 data/processed;planlib build —— 生成报告。"],
        [],
        ["指标一览(单位固定)"],
        ["指标", "单位", "类别", "合理范围", "说明"],
    ]
    for sid, spec in smap.series.items():
        rule = smap.plausibility(sid)
        lines.append([str(spec["name"]), str(spec["unit"]), rule.measure_name, rule.rule,
                      str(spec.get("note") or "").strip()])  # fmt: skip
    return lines


def write_template(path: Path | str, plan_name: str | Path | None = None) -> TemplateInfo:
    """Write the 填报模板 of a plan (default: the default plan) to ``path`` (.xlsx) and say what it holds.

    Raises :class:`planlib.errors.DataError` for an unknown plan; the file is written atomically.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from planlib._io import write_atomic
    from planlib.inputs.district_names import district_table
    from planlib.inputs.observations import load_series_map
    from planlib.inputs.plan import DEFAULT_PLAN, load_plan

    plan = load_plan(plan_name or DEFAULT_PLAN)
    smap = load_series_map()
    years = range(int(plan.meta.baseline_year), int(plan.meta.period_end) + 1)
    targets = [*plan.indicators["id"], *plan.targets["id"]]
    listed = [t for t in dict.fromkeys(targets) if t in smap.series]
    missing = tuple(t for t in plan.indicators["id"] if t not in smap.series)

    wb = Workbook()
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")

    region = plan.meta.region
    districts = plan.meta.layout_name is not None  # a plan with district sections has district figures
    guide = wb.active
    guide.title = INSTRUCTIONS_SHEET
    lines = _instructions(plan, years, smap, districts)
    for row in lines:
        guide.append(row)
    headings = {"怎样填写", "填好之后", "指标一览(单位固定)"}
    for number, row in enumerate(lines, start=1):
        if number == 1 or (row and row[0] in headings):
            guide[f"A{number}"].font = Font(bold=True, size=12 if number == 1 else 11)
    guide.column_dimensions["A"].width = 34
    for column, width in (("B", 10), ("C", 10), ("D", 40), ("E", 80)):
        guide.column_dimensions[column].width = width

    lists = wb.create_sheet(LISTS_SHEET)
    lists.append(["指标", "单位", "区县", "可信度"])
    names = [(str(spec["name"]), str(spec["unit"])) for spec in smap.series.values()]
    table = district_table()
    regions = [*table.loc[table["kind"] == "district", "name"], *table.loc[table["kind"] == "cluster_total", "name"]]
    for i in range(max(len(names), len(regions), len(CONFIDENCE_LEVELS))):
        name, unit = names[i] if i < len(names) else ("", "")
        lists.append([name, unit, regions[i] if i < len(regions) else "",
                      CONFIDENCE_LEVELS[i] if i < len(CONFIDENCE_LEVELS) else ""])  # fmt: skip
    lists.sheet_state = "hidden"
    series_range = f"'{LISTS_SHEET}'!$A$2:$A${len(names) + 1}"
    region_range = f"'{LISTS_SHEET}'!$C$2:$C${len(regions) + 1}"
    confidence_range = f"'{LISTS_SHEET}'!$D$2:$D${len(CONFIDENCE_LEVELS) + 1}"

    def sheet(title: str, headers: list[str], rows: list[list], blank: int) -> None:
        ws = wb.create_sheet(title)
        ws.append(headers)
        for cell in ws[1]:
            cell.font, cell.fill, cell.alignment = bold, head_fill, Alignment(horizontal="center")
        for row in rows:
            ws.append(row)
        unit_col = headers.index("单位") + 1
        name_col = get_column_letter(headers.index("指标*") + 1)
        first_blank = len(rows) + 2
        units = f"'{LISTS_SHEET}'!$A$2:$B${len(names) + 1}"
        for r in range(first_blank, first_blank + blank):
            # the unit follows the series chosen in 指标 (units are fixed per series)
            ws.cell(r, unit_col, f'=IFERROR(VLOOKUP({name_col}{r},{units},2,FALSE),"")')
        last = first_blank + blank - 1
        checks = [(name_col, series_range, "请从下拉列表选择指标(series.yaml 中登记的名称)"),
                  (get_column_letter(headers.index("可信度*") + 1), confidence_range, "high、medium、low 或 test")]
        if "区县*" in headers:
            checks.append((get_column_letter(headers.index("区县*") + 1), region_range, "请从下拉列表选择区县"))
        for column, source, message in checks:
            dv = DataValidation(type="list", formula1=f"={source}", allow_blank=True, showErrorMessage=True,
                                errorTitle="不在列表中", error=message)  # fmt: skip
            dv.add(f"{column}2:{column}{last}")
            ws.add_data_validation(dv)
        for i, header in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(header, 12)
        ws.freeze_panes = "A2"

    municipal = [[smap.name(sid), smap.unit(sid), year] + [""] * 7 for sid in listed for year in years]
    sheet(region, MUNICIPAL_HEADERS, municipal, EXTRA_MUNICIPAL_ROWS)
    if districts:
        sheet(DISTRICT_SHEET, DISTRICT_HEADERS, [], DISTRICT_ROWS)

    wb.move_sheet(lists, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS_SHEET))  # after 区县
    meta = wb.create_sheet(META_SHEET)
    meta.append([TEMPLATE_MARK])
    meta.append(["plan", plan.id])
    meta.append(["version", TEMPLATE_VERSION])
    meta.append(["region", region])  # the reader gives every value of the region's sheet this region
    meta.append(["districts", "yes" if districts else "no"])
    meta.sheet_state = "veryHidden"
    wb.active = 0
    # fixed document dates: the same plan and series give the same workbook content
    wb.properties.created = wb.properties.modified = dt.datetime(2021, 1, 1)

    target = Path(path)
    write_atomic(target, lambda tmp: wb.save(tmp))
    return TemplateInfo(target, plan.id, tuple(listed), len(municipal), missing, region, districts)
