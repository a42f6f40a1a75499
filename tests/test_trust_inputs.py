"""Trust, part two (issue 20): a user's own figures never go wrong silently.

Excel workbooks are read as the person who filled them sees them (number formats, merged and hidden cells,
formulas, damaged or protected files), a value 10× away from its series or outside its unit's range is refused
by check, add and process, and the plan YAML is validated as data. Every value entered here is SYNTHETIC TEST
DATA (source title 合成测试数据, confidence ``test`` unless a test says otherwise); URLs are placeholders. The
messages are asserted whole: they are the feature.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from planlib.cli import main
from planlib.errors import DataError
from planlib.inputs import observations
from planlib.inputs.number_formats import shown_number
from planlib.inputs.observations import Mark, read_raw_file, value_marks
from planlib.inputs.plan import load_plan
from planlib.inputs.template import write_template

from .conftest import USER_TODAY

WORKBOOKS = Path(__file__).parent / "fixtures" / "workbooks"
FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]
TODAY = USER_TODAY
SYNTHETIC = "合成测试数据(测试用、非公布数据)"
URL = "https://example.org/synthetic"
H = "indicator,year,value,unit,kind,source_title,source_url,confidence,note"
HEADER = ["indicator", "year", "value", "unit", "source_title", "source_url", "confidence", "note"]
MAGNITUDE_EXPECTED = ("应为:核对原文的数值和单位;确是口径变化造成的序列断点时,在说明(note)列以“序列断点:”开头写明原因"
                      "(如“序列断点:2023年起按新口径统计”)")  # fmt: skip


@pytest.fixture
def project(one_row_project):
    """The one-row project of conftest (城镇新增就业 2022 = 70.67 万人), today fixed at TODAY."""
    return one_row_project


def _run(capsys, *argv) -> tuple[int, list[str], list[str]]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out.splitlines(), err.splitlines()


def _row(ws, series: str, year: int) -> int:
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == series and ws.cell(r, 3).value == year:
            return r
    raise AssertionError((series, year))


def _fill(ws, r: int, value, fmt: str | None = None, extra: dict | None = None) -> int:
    """Fill row ``r`` of a template's region sheet (数值 in E, source in F–H; ``extra``: column number → value)."""
    ws.cell(r, 5).value = value
    if fmt:
        ws.cell(r, 5).number_format = fmt
    cells = {6: SYNTHETIC, 7: URL, 8: "test", **(extra or {})}
    for col, v in cells.items():
        ws.cell(r, col).value = v
    return r


def _plain(path: Path, rows: list[list], title: str = "数据") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _rows(frame) -> list[tuple]:
    return sorted(zip(frame["region"], frame["indicator_id"], frame["period_label"], frame["value"], strict=True))


# ================================================================== number formats


@pytest.mark.parametrize(
    ("fmt", "value", "text", "display"),
    [
        ('0!.0000"万"', 706700, "70.67万", "70.6700万"),  # Excel's escape, the usual way to show 万
        ('0\\.0000"万"', 706700, "70.67万", "70.6700万"),  # the same as LibreOffice writes it
        ('0"."0000"万"', 706700, "70.67万", "70.6700万"),
        ('0!.0,"万"', 706700, "70.67万", "70.7万"),  # ÷1000 by the comma, ÷10 by the literal dot
        ('0!.00,,"亿"', 1234567890, "12.3456789亿", "12.35亿"),
        ('0.00,,"亿"', 123456789, "123.456789亿", "123.46亿"),  # the display says 亿 for millions: read as shown
        ("0.0%", 0.053, "5.3%", "5.3%"),
        ("#,##0", 1234.5, "1234.5", "1235"),  # the stored precision is read, not the rounding of the display
        ('"约"0.0', 70.67, "约70.67", "约70.7"),
        ("[$¥-804]#,##0.00", 1234.5, "1234.5", "1234.50"),  # the currency sign is left out
        ("0.0;(0.0)", -3.2, "-3.2", "-3.2"),  # accounting brackets are a minus sign
        ('0;-0;"-"', 0, "-", "-"),  # a zero shown as a dash is shown as no number
        ("General", 706700, "706700", "706700"),
        ("@", 5, "5", "5"),
        ('[>=10000]0!.0,"万";0', 5000, "5000", "5000"),  # the condition picks the plain section
        ('[>=10000]0!.0,"万";0', 706700, "70.67万", "70.7万"),
        ("0.00E+00", 12345, "12345", "12345"),
        ("General", 0.1 + 0.2, "0.3", "0.3"),  # 15 significant digits, as Excel stores them
    ],
)  # fmt: skip
def test_a_number_is_read_as_its_format_shows_it(fmt, value, text, display):
    shown = shown_number(value, fmt)
    assert (shown.text, shown.display, shown.sign_hidden) == (text, display, False)


def test_a_format_that_hides_the_minus_sign_is_flagged():
    shown = shown_number(-3.2, "0.0;0.0")
    assert (shown.text, shown.sign_hidden) == ("3.2", True)


# ================================================================== the two shared workbooks


def test_the_wan_formatted_template_reads_the_value_excel_shows(project, capsys):
    path = WORKBOOKS / "wan_format_template.xlsx"
    assert _run(capsys, "check", path) == (0, [
        f"{path}: 通过 —— 1 行,载入 1 行,1 个序列,1 个地区",
        f"  注意:{path} 工作表“全市”第 6 行 E 列“数值*”:单元格存的是 706700,格式“0!.0000\"万\"”显示为“70.6700万”,"
        "按所见读作 70.67 万人",
    ], [])  # fmt: skip
    frame, _ = read_raw_file(path)
    row = frame.iloc[0]
    assert (row["indicator_id"], row["region"], row["period_label"], row["value"], row["unit"]) == (
        "urban_new_jobs", "全市", "2024年", 70.67, "万人")


def test_the_same_cell_without_its_format_is_refused_as_a_unit_slip(project, tmp_path, capsys):
    path = tmp_path / "wan.xlsx"
    wb = load_workbook(WORKBOOKS / "wan_format_template.xlsx")
    wb["全市"]["E6"].number_format = "General"  # now the cell shows 706700
    wb.save(path)
    assert _run(capsys, "check", path) == (1, [], [
        "发现 1 个问题:",
        f"  {path},工作表“全市”,第 6 行,E 列“数值*”:城镇新增就业(urban_new_jobs)·全市·2024年的数值 706700 万人与同一序列其他"
        "数值的中位数 70.67 万人(只有 1 个)相差超过 10 倍(是其 10000 倍):可能是单位写错了——706700 像是以“人”计,而不是“万人”"
        f"(706700 人 = 70.67 万人);{MAGNITUDE_EXPECTED}",
    ])  # fmt: skip


def test_the_merged_district_template_names_its_date_year_and_resolves_the_merge(project, tmp_path, capsys):
    path = WORKBOOKS / "merged_district_template.xlsx"
    assert _run(capsys, "check", path) == (1, [], [
        "发现 1 个问题:",
        f"  {path},工作表“全市”,第 68 行,C 列“年份*”:年份单元格是日期“2020-01-01”,不是年份;应为:四位年份,如 2020"
        "(把单元格格式设为“常规”再填写);年内的时点写在“时期”列,如 2020年6月末",
    ])  # fmt: skip
    fixed = tmp_path / "merged.xlsx"
    wb = load_workbook(path)
    wb["全市"]["C68"].number_format = "yyyy"  # the same date, shown as the year only: read as 2020
    wb.save(fixed)
    assert _run(capsys, "check", fixed) == (0, [
        f"{fixed}: 通过 —— 4 行,载入 4 行,2 个序列,2 个地区",
        f"  注意:{fixed} 工作表“区县”:合并单元格 A2:A4(A 列“区县*”)显示“万州区”,第 2—4 行都按“万州区”读取",
    ], [])  # fmt: skip
    frame, _ = read_raw_file(fixed)
    # the rows under the merged 万州区 are 万州区's, never 全市's; stocks: a bare year is the year end
    assert _rows(frame) == [("万州区", "resident_population", "2021年末", 156.2),
                            ("万州区", "resident_population", "2022年末", 155.9),
                            ("万州区", "resident_population", "2023年末", 155.4),
                            ("全市", "skilled_workers_total", "2020年末", 400.0)]  # fmt: skip


def test_district_rows_without_a_district_are_refused(project, tmp_path, capsys):
    path = tmp_path / "unmerged.xlsx"
    wb = load_workbook(WORKBOOKS / "merged_district_template.xlsx")
    wb["区县"].unmerge_cells("A2:A4")  # the lower two rows have no 区县 now
    wb["全市"]["C68"].value, wb["全市"]["C68"].number_format = 2020, "General"
    wb.save(path)
    message = ("A 列“区县*”:“区县”工作表的每一行都须填写区县,这一行的区县为空;应为:从下拉列表选择区县或片区合计;"
               "全市的数值请填在“全市”工作表")  # fmt: skip
    assert _run(capsys, "check", path) == (1, [], [
        "发现 2 个问题:", f"  {path},工作表“区县”,第 3 行,{message}", f"  {path},工作表“区县”,第 4 行,{message}"])


# ================================================================== workbooks saved by LibreOffice


def test_a_libreoffice_saved_template_reads_as_shown(project, capsys):
    path = WORKBOOKS / "libreoffice_template.xlsx"
    code, out, err = _run(capsys, "check", path)
    assert (code, err) == (0, [])
    assert out == [
        f"{path}: 通过 —— 6 行,载入 6 行,4 个序列,2 个地区",
        f"  注意:{path} 工作表“全市”第 6 行 E 列“数值*”:单元格存的是 706700,格式“0\\.0000\\万”显示为“70.6700万”,"
        "按所见读作 70.67 万人",
        f"  警告:{path} 工作表“全市”的第 5 行是隐藏行(或被筛选隐藏),未读取;如需载入,请取消隐藏后再检查",
        f"  注意:{path} 工作表“区县”:合并单元格 A2:A3(A 列“区县*”)显示“万州区”,第 2—3 行都按“万州区”读取",
    ]
    frame, _ = read_raw_file(path)
    assert _rows(frame) == [
        ("万州区", "resident_population", "2022年末", 155.9),
        ("万州区", "resident_population", "2023年末", 155.4),
        ("全市", "resident_population", "2023年末", 3191.43),  # full-width digits stored as text
        ("全市", "surveyed_unemployment_rate", "2023年", 5.3),  # 0.053 shown as 5.3%
        ("全市", "unemployment_insurance_enrolment", "2022年末", 614.24),  # =600+14.24, its saved result
        ("全市", "urban_new_jobs", "2024年", 70.67),  # the hidden row's 99.9 (2023) is not read
    ]


def test_a_libreoffice_saved_template_with_faults_names_every_cell(project, capsys):
    path = WORKBOOKS / "libreoffice_refused.xlsx"
    assert _run(capsys, "check", path) == (1, [], [
        "发现 4 个问题:",
        f"  {path},工作表“全市”,第 5 行,E 列“数值*”:城镇新增就业(urban_new_jobs)·全市·2023年的数值 706700 万人与同一序列其他"
        "数值的中位数 70.67 万人(只有 1 个)相差超过 10 倍(是其 10000 倍):可能是单位写错了——706700 像是以“人”计,而不是“万人”"
        f"(706700 人 = 70.67 万人);{MAGNITUDE_EXPECTED}",
        f"  {path},工作表“全市”,第 6 行,E 列“数值*”:单元格是错误值“#DIV/0!”(公式无法计算或引用无效);"
        "应为:修正公式使其算出数值,或直接填写数值",
        f"  {path},工作表“全市”,第 11 行,E 列“数值*”:单元格存的是 -5.2,但格式“0.0;0.0”把它显示为“5.2”(不显示负号);"
        "应为:把单元格格式改为“常规”或带负号的数值格式,核对数值后再检查",
        f"  {path},工作表“区县”,第 2 行,F 列“数值*”:数值单元格 F2:F3 合并了 2 行,一个数值不能同时作为几行的数值;"
        "应为:取消合并,每行填写自己的数值",
    ])  # fmt: skip


# ================================================================== workbooks written as Excel and WPS write them


def test_a_wan_format_under_a_person_unit_is_read_in_persons(project, tmp_path):
    path = _plain(tmp_path / "mine.xlsx", [HEADER, ["城镇新增就业", 2023, 706700, "人", SYNTHETIC, URL, "test", ""]])
    wb = load_workbook(path)
    wb["数据"]["C2"].number_format = '0!.0000"万"'  # shows 70.6700万 under 人: 706700 人
    wb.save(path)
    frame, report = read_raw_file(path)
    row = frame.iloc[0]
    assert (row["value"], row["unit"], row["published_value"], row["published_unit"]) == (70.67, "万人", "706700", "人")
    assert report.notices == [f"{path} 工作表“数据”第 2 行 C 列“value”:单元格存的是 706700,格式“0!.0000\"万\"”显示为"
                              "“70.6700万”,按所见读作 706700 人"]  # fmt: skip


@pytest.mark.parametrize(
    ("series", "year", "value", "fmt", "message"),
    [
        ("城镇新增就业", 2023, 7.067, "0%", "数值自带单位“%”与 unit 列“万人”不一致;应为:二者一致,或只写在一处"),
        ("城镇调查失业率", 2023, 5.3, '0.0"万"', "单元格格式把数值显示为“5.3万”,但单位是“%”,无法确定“万”指什么;"
                                            "应为:把单元格格式改为“常规”,按单位“%”填写数值"),
        ("城镇新增就业", 2023, dt.datetime(2023, 3, 15), "yyyy-mm-dd",
         "数值单元格是日期或时间(显示为 2023-03-15),不是数值;应为:把单元格格式设为“常规”或“数值”,再填写数值"),
        ("城镇新增就业", 2023, "#N/A", None, "单元格是错误值“#N/A”(公式无法计算或引用无效);应为:修正公式使其算出数值,或直接填写数值"),
    ],
)  # fmt: skip
def test_a_value_cell_whose_display_cannot_be_read_is_refused(project, tmp_path, capsys, series, year, value, fmt,
                                                              message):  # fmt: skip
    path = write_template(tmp_path / "t.xlsx").path
    wb = load_workbook(path)
    r = _fill(wb["全市"], _row(wb["全市"], series, year), value, fmt)
    wb.save(path)
    assert _run(capsys, "check", path) == (1, [], ["发现 1 个问题:", f"  {path},工作表“全市”,第 {r} 行,E 列“数值*”:{message}"])


@pytest.mark.parametrize("value", ["70.67", "７０．６７", " 70.67 ", 70.67])
def test_text_stored_numbers_and_full_width_digits_read_as_numbers(project, tmp_path, value):
    path = write_template(tmp_path / "t.xlsx").path
    wb = load_workbook(path)
    _fill(wb["全市"], _row(wb["全市"], "城镇新增就业", 2023), value)
    wb.save(path)
    frame, _ = read_raw_file(path)
    assert list(frame["value"]) == [70.67]


def test_a_year_shown_as_a_year_is_read_and_a_stock_year_is_its_year_end(project, tmp_path):
    path = write_template(tmp_path / "t.xlsx").path
    wb = load_workbook(path)
    city = wb["全市"]
    r = _fill(city, _row(city, "城镇新增就业", 2023), 73.9)
    city.cell(r, 3).value, city.cell(r, 3).number_format = dt.datetime(2023, 1, 1), 'yyyy"年"'  # shows 2023年
    _fill(city, _row(city, "失业保险参保人数", 2023), 640.2)  # a stock
    _fill(city, _row(city, "失业保险参保人数", 2024), 655.1, extra={4: "2024年6月末"})  # a period written: kept
    wb.save(path)
    frame, _ = read_raw_file(path)
    assert sorted(zip(frame["indicator_id"], frame["period_type"], frame["period_label"], frame["value"],
                      strict=True)) == [
        ("unemployment_insurance_enrolment", "partial_year", "2024年6月末", 655.1),
        ("unemployment_insurance_enrolment", "year_end", "2023年末", 640.2),
        ("urban_new_jobs", "full_year", "2023年", 73.9)]  # fmt: skip


def test_hidden_rows_sheets_and_columns_are_said_and_hidden_rows_not_read(project, tmp_path, capsys):
    path = _plain(tmp_path / "mine.xlsx", [
        HEADER, ["城镇新增就业", 2021, 75.1, "万人", SYNTHETIC, URL, "test", ""],
        ["城镇新增就业", 2023, 73.9, "万人", SYNTHETIC, URL, "test", ""],
        ["城镇新增就业", 2024, 71.9, "万人", SYNTHETIC, URL, "test", ""]])  # fmt: skip
    wb = load_workbook(path)
    ws = wb["数据"]
    ws.row_dimensions[3].hidden = ws.row_dimensions[4].hidden = True  # filtered out
    ws.column_dimensions["H"].hidden = True
    other = wb.create_sheet("旧数据")
    other.append(HEADER)
    other.append(["城镇新增就业", 2020, 99.0, "万人", SYNTHETIC, URL, "test", ""])
    other.sheet_state = "hidden"
    wb.save(path)
    code, out, err = _run(capsys, "check", path)
    assert (code, err) == (0, [])
    assert out == [
        f"{path}: 通过 —— 1 行,载入 1 行,1 个序列,1 个地区",
        f"  警告:{path} 工作表“旧数据”是隐藏的工作表,其中的内容未读取;如需载入,请在 Excel 中取消隐藏后再检查",
        f"  警告:{path} 工作表“数据”的 H 列“note”是隐藏列,其中的内容照常读取;请取消隐藏并核对",
        f"  警告:{path} 工作表“数据”的第 3—4 行是隐藏行(或被筛选隐藏),未读取;如需载入,请取消隐藏后再检查",
    ]
    frame, _ = read_raw_file(path)
    assert list(frame["value"]) == [75.1]


def test_a_template_sheet_that_is_not_a_data_sheet_is_said(project, tmp_path, capsys):
    path = write_template(tmp_path / "t.xlsx").path
    wb = load_workbook(path)
    wb.create_sheet("我的草稿").append(["城镇新增就业", 2023, 73.9])
    wb.save(path)
    assert _run(capsys, "check", path) == (0, [
        f"{path}: 通过 —— 0 行,载入 0 行,0 个序列,0 个地区",
        f"  警告:{path} 工作表“我的草稿”不是填报模板的数据表(数据表为“全市”、“区县”),其中的内容未读取"], [])


def test_a_template_without_its_region_sheet_is_said(project, tmp_path, capsys):
    path = write_template(tmp_path / "t.xlsx").path
    wb = load_workbook(path)
    wb["全市"].title = "重庆"  # renamed: its values cannot be known as 全市's
    wb.save(path)
    assert _run(capsys, "check", path) == (0, [
        f"{path}: 通过 —— 0 行,载入 0 行,0 个序列,0 个地区",
        f"  警告:{path} 工作表“重庆”不是填报模板的数据表(数据表为“全市”、“区县”),其中的内容未读取",
        f"  警告:{path} 填报模板中没有“全市”工作表(被删除或改名),全市的数值没有读取;请用 planlib template 重新生成模板,"
        "在“全市”工作表中填写"], [])  # fmt: skip


@pytest.mark.parametrize(
    ("merge", "message"),
    [
        ("E2:F2", "第 2 行,E 列“source_title”:单元格 E2:F2 合并了 “source_title”、“source_url” 几列,无法确定各列的内容;"
                  "应为:取消合并,每列分别填写"),
        ("A1:B1", "第 1 行:表头单元格 A1:B1 是合并单元格,无法确定每一列的列名和内容;"
                  "应为:取消合并,表头每列一个列名,数据从第 2 行起每行一条"),
    ],
)  # fmt: skip
def test_a_merge_across_columns_or_into_the_header_is_refused_naming_the_range(project, tmp_path, capsys, merge, message):
    path = _plain(tmp_path / "mine.xlsx", [HEADER, ["城镇新增就业", 2023, 73.9, "万人", SYNTHETIC, URL, "test", ""]])
    wb = load_workbook(path)
    wb["数据"].merge_cells(merge)
    wb.save(path)
    code, out, err = _run(capsys, "check", path)
    assert (code, out) == (1, [])
    assert err[1] == f"  {path},工作表“数据”,{message}"


# ================================================================== files that cannot be read


def _corrupt_member(source: Path, target: Path, member: str) -> None:
    """A copy of ``source`` whose compressed ``member`` has bytes overwritten: unpacking it raises zlib.error."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(member)
    name_len = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    data[start : start + 8] = b"\xff" * 8  # an invalid deflate block header
    target.write_bytes(bytes(data))


def test_a_damaged_workbook_is_one_message_naming_the_part(project, tmp_path, capsys):
    path = tmp_path / "damaged.xlsx"
    _corrupt_member(write_template(tmp_path / "t.xlsx").path, path, "xl/worksheets/sheet2.xml")
    with pytest.raises(zlib.error):  # what openpyxl raises: no reader of planlib may show it
        load_workbook(path)
    assert _run(capsys, "check", path) == (1, [], [
        "发现 1 个问题:",
        f"  {path}:“damaged.xlsx”已损坏:其中的部件“xl/worksheets/sheet2.xml”无法解压(文件可能没有完整复制或下载);"
        "应为:从原处重新复制或下载该文件;或在 Excel 中打开后另存为新的 .xlsx 工作簿"])  # fmt: skip


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (WORKBOOKS / "password_protected.xlsx",
         "“{name}”设有打开密码(文件已加密),无法读取;应为:去掉密码后另存再检查:Excel 中“文件 → 信息 → 保护工作簿 → "
         "用密码进行加密”,清空密码;WPS 中“文件 → 文档加密 → 密码加密”,清空打开密码"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
         "“{name}”实际上是旧版 Excel 97-2003 工作簿(.xls 格式),只是扩展名为 .xlsx;应为:在 Excel 或 WPS 中打开,"
         "另存为“Excel 工作簿(*.xlsx)”,再检查"),
    ],
)  # fmt: skip
def test_protected_and_old_workbooks_are_one_message(project, tmp_path, capsys, source, message):
    path = tmp_path / "mine.xlsx"
    if isinstance(source, Path):
        shutil.copyfile(source, path)
    else:
        path.write_bytes(source)
    assert _run(capsys, "check", path) == (1, [], ["发现 1 个问题:", f"  {path}:" + message.format(name=path.name)])


# ================================================================== the template's region


def test_the_national_template_has_a_national_sheet_and_no_district_sheet(tmp_path):
    info = write_template(tmp_path / "cn.xlsx", "cn-employment-14th")
    assert (info.region, info.districts, info.municipal_rows) == ("全国", False, 18)
    wb = load_workbook(info.path)
    assert wb.sheetnames == ["填表说明", "全国", "选项", "_planlib"]
    assert [list(r) for r in wb["_planlib"].iter_rows(values_only=True)] == [
        ["planlib 填报模板", None], ["plan", "cn-employment-14th"], ["version", "2"], ["region", "全国"],
        ["districts", "no"]]  # fmt: skip
    assert wb["填表说明"]["A5"].value == "2. 本规划没有分区县的指标,模板不含“区县”工作表;“全国”工作表中的每个数值都是全国的数值。"


def test_a_national_figure_is_a_national_value_never_chongqings(project, tmp_path, capsys):
    path = write_template(tmp_path / "cn.xlsx", "cn-employment-14th").path
    wb = load_workbook(path)
    _fill(wb["全国"], _row(wb["全国"], "城镇新增就业", 2021), 1234, extra={8: "high"})
    wb.save(path)
    frame, _ = read_raw_file(path)
    assert _rows(frame) == [("全国", "urban_new_jobs", "2021年", 1234.0)]
    assert frame.iloc[0]["source_file"] == f"{path} 工作表“全国”"


def test_a_first_version_national_template_with_a_quanshi_sheet_is_refused(project, tmp_path, capsys):
    path = write_template(tmp_path / "cn.xlsx", "cn-employment-14th").path
    wb = load_workbook(path)
    _fill(wb["全国"], _row(wb["全国"], "城镇新增就业", 2021), 1234, extra={8: "high"})
    wb["全国"].title = "全市"  # what version 1 wrote for every plan
    meta = wb["_planlib"]
    meta.delete_rows(3, 3)
    meta.append(["version", "1"])
    wb.save(path)
    assert _run(capsys, "check", path) == (1, [], [
        "发现 1 个问题:",
        f"  {path},工作表“全市”,第 1 行:这份旧版填报模板按规划 cn-employment-14th 生成,该规划的地区是“全国”,而数据表名为“全市”:"
        "其中的数值不能作为“全市”的数值载入,也不能确定属于“全国”;应为:用 planlib template --plan cn-employment-14th "
        "重新生成模板(数据表为“全国”),把数值填入后再检查"])  # fmt: skip


def test_the_city_on_the_district_sheet_is_refused(project, tmp_path, capsys):
    path = write_template(tmp_path / "t.xlsx").path
    wb = load_workbook(path)
    for col, v in zip("ABDFGHI", ["重庆市", "常住人口", 2023, 3191.43, SYNTHETIC, URL, "test"], strict=True):
        wb["区县"][f"{col}2"] = v
    wb.save(path)
    assert _run(capsys, "check", path) == (1, [], [
        "发现 1 个问题:",
        f"  {path},工作表“区县”,第 2 行,A 列“区县*”:“重庆市”不是区县:“区县”工作表只填区县、片区合计和功能区;"
        "应为:从下拉列表选择区县或片区合计;全市的数值请填在“全市”工作表"])  # fmt: skip


# ================================================================== implausible magnitude


def _csv(tmp_path: Path, rows: list[str], name: str = "user_observations.csv") -> Path:
    path = tmp_path / name
    path.write_text(H + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_value_ten_thousand_times_its_series_is_refused_by_check(tmp_path, capsys):
    path = _csv(tmp_path, [f"城镇新增就业,2023,739000,万人,annual,{SYNTHETIC},{URL},high,"])
    assert _run(capsys, "check", path) == (1, [], [
        "发现 1 个问题:",
        f"  {path},第 2 行,字段“value”:城镇新增就业(urban_new_jobs)·全市·2023年的数值 739000 万人与同一序列其他数值的中位数 "
        "72.39 万人(共 6 个)相差超过 10 倍(是其 10209 倍):可能是单位写错了——739000 像是以“人”计,而不是“万人”"
        f"(739000 人 = 73.9 万人);{MAGNITUDE_EXPECTED}"])  # fmt: skip


def test_a_declared_series_break_is_accepted_and_shown(tmp_path, capsys):
    note = "序列断点:合成测试——2023年起按新口径统计"
    path = _csv(tmp_path, [f"城镇新增就业,2023,739,万人,annual,{SYNTHETIC},{URL},test,{note}"])
    code, out, err = _run(capsys, "check", path)
    assert (code, err) == (0, []) and out[0] == f"{path}: 通过 —— 1 行,载入 1 行,1 个序列,1 个地区"
    frame, _ = read_raw_file(path)
    assert frame.iloc[0]["note"] == note  # the report-facing data keeps the flag
    assert value_marks(frame.iloc[0].to_dict()) == [Mark("‡", "‡ 测试值,非公布数据,不得作为评估依据。"),
                                                    Mark("", "序列断点：合成测试——2023年起按新口径统计。")]  # fmt: skip


def test_a_declared_break_is_printed_beside_the_value_in_the_assessment(repo_copy, tmp_path):
    from planlib.indicators.assessment import assess

    path = tmp_path / "break_observations.csv"
    path.write_text(f"{H},published\n城镇新增就业,2023,739,万人,annual,{SYNTHETIC},{URL},high,"
                    "序列断点:合成测试——2023年起按新口径统计,2025-01-10\n", encoding="utf-8")  # fmt: skip
    obs = observations.load_observations([*observations.raw_observation_files(), path])
    row = assess(load_plan(), obs, as_of=2023).set_index("id").loc["urban_new_jobs"]
    assert "城镇新增就业（2023年）：序列断点：合成测试——2023年起按新口径统计。" in row["value_notes"]


def test_after_a_break_the_series_is_judged_from_the_break_on(project, tmp_path, capsys):
    path = _csv(tmp_path, [f"城镇新增就业,2023,700,万人,annual,{SYNTHETIC},{URL},test,序列断点:合成测试口径",
                           f"城镇新增就业,2024,710,万人,annual,{SYNTHETIC},{URL},test,",
                           f"城镇新增就业,2025,7.1,万人,annual,{SYNTHETIC},{URL},test,"])  # fmt: skip
    code, out, err = _run(capsys, "check", path)
    assert (code, out) == (1, [])
    assert err == ["发现 1 个问题:",
                   f"  {path},第 4 行,字段“value”:城镇新增就业(urban_new_jobs)·全市·2025年的数值 7.1 万人与同一序列其他数值的中位数 "
                   "705 万人(共 2 个)相差超过 10 倍(是其 1/99.3):可能少写了 2 位数字,或小数点位置不对;" + MAGNITUDE_EXPECTED]  # fmt: skip


def test_a_break_marker_without_a_reason_is_refused(project, tmp_path, capsys):
    path = _csv(tmp_path, [f"城镇新增就业,2023,73.9,万人,annual,{SYNTHETIC},{URL},test,序列断点:"])
    assert _run(capsys, "check", path) == (1, [], [
        "发现 1 个问题:",
        f"  {path},第 2 行,字段“note”:说明以“序列断点”开头,但没有写明断点的原因;应为:“序列断点:”后写明口径怎样变化,"
        "如“序列断点:2023年起含两江新区”"])  # fmt: skip


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (f"常住人口,2023,3190000,万人,year_end,{SYNTHETIC},{URL},test,",
         "常住人口(resident_population)·全市·2023年末的数值 3190000 万人超出以“万人”计的数值可能的范围(0 到 150000 万人之间:"
         "全国总人口约 14.1 亿人(141000 万人),以万人计的人数不会更大):可能是单位写错了——3190000 像是以“人”计,而不是“万人”"
         "(3190000 人 = 319 万人)"),
        (f"城镇新增就业,2023,1e308,万人,annual,{SYNTHETIC},{URL},test,",
         "城镇新增就业(urban_new_jobs)·全市·2023年的数值 1e+308 万人与同一序列其他数值的中位数 70.67 万人(只有 1 个)相差超过 "
         "10 倍(是其 1.42e+306 倍):请核对数值和单位"),
        (f"地区生产总值,2023,3.06e7,亿元,annual,{SYNTHETIC},{URL},test,",
         "地区生产总值(gdp)·全市·2023年的数值 30600000 亿元超出以“亿元”计的数值可能的范围(不大于 3000000 亿元:全国国内生产总值约 "
         "134 万亿元(2024 年),以亿元计的金额不会大于其两倍):可能是单位写错了——30600000 像是以“万元”计,而不是“亿元”"
         "(30600000 万元 = 3060 亿元)"),
    ],
)  # fmt: skip
def test_a_value_outside_its_units_range_is_refused_without_history(project, tmp_path, capsys, row, message):
    path = _csv(tmp_path, [row])
    assert _run(capsys, "check", path) == (1, [], ["发现 1 个问题:", f"  {path},第 2 行,字段“value”:{message};{MAGNITUDE_EXPECTED}"])


def test_a_float_too_large_for_decimal_rounding_does_not_crash():
    # _same_figure rounds both values as statistics offices do: 1e308 once raised decimal.InvalidOperation
    assert observations._half_up(1e308, 2) == Decimal("1e308")
    assert observations._same_figure({"value": 1e308, "published_value": "1e308", "unit": "万人", "published_unit": "万人"},
                                     {"value": 7e307, "published_value": "7e307", "unit": "万人", "published_unit": "万人"}) is False


def test_add_refuses_a_unit_slip_and_copies_nothing(project, tmp_path, capsys):
    path = _csv(tmp_path, [f"城镇新增就业,2023,706700,万人,annual,{SYNTHETIC},{URL},test,"], name="mine.csv")
    code, out, err = _run(capsys, "add", path)
    assert (code, out, err[0]) == (1, [], "未加入任何文件:校验发现 1 个问题:")
    assert "相差超过 10 倍(是其 10000 倍)" in err[1]
    assert not (project / "data" / "raw" / "user").exists()


def test_process_refuses_a_unit_slip_in_data_raw_and_writes_nothing(repo_copy, capsys):
    raw = repo_copy / "data" / "raw" / "user"
    raw.mkdir()
    (raw / "slip_observations.csv").write_text(
        f"{H}\n城镇新增就业,2023,739000,万人,annual,{SYNTHETIC},{URL},high,\n", encoding="utf-8")
    code, _, err = _run(capsys, "process")
    assert code == 1
    assert ("  data/raw/user/slip_observations.csv,第 2 行,字段“value”:城镇新增就业(urban_new_jobs)·全市·2023年的数值 739000 万人"
            "与同一序列其他数值的中位数 72.39 万人(共 6 个)相差超过 10 倍(是其 10209 倍):可能是单位写错了——739000 像是以“人”计,"
            f"而不是“万人”(739000 人 = 73.9 万人);{MAGNITUDE_EXPECTED}") in err
    assert list((repo_copy / "data" / "processed").iterdir()) == []


def test_every_level_unit_has_a_plausible_range():
    from planlib.inputs.observations import load_series_map
    from planlib.inputs.plausibility import LEVEL_MEASURES, load_plausibility_settings

    smap = load_series_map()
    units = {str(spec["unit"]) for spec in smap.series.values() if spec["measure"] in LEVEL_MEASURES}
    assert units == {"万人", "万人次", "年", "亿元", "平方公里", "元"}
    assert units <= set(load_plausibility_settings().units)


def test_the_real_data_has_no_implausible_magnitude():
    from planlib.inputs.observations import load_series_map
    from planlib.inputs.plausibility import magnitude_slips

    assert magnitude_slips(observations.load_observations(), load_series_map()) == []


# ================================================================== the plan YAML


def _variant(tmp_path: Path, mutate, base: Path = FIXTURES / "synthetic_second_plan.yaml") -> Path:
    data = yaml.safe_load(base.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _set(*parts, value):
    def mutate(data):
        node = data
        for part in parts[:-1]:
            node = node[part]
        node[parts[-1]] = value

    return mutate


FINITE = "不是有限的数值:不能写 NaN(非数)、无穷大(.inf)或超出范围的数(如 1e400)"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_set("indicators", 0, "target", value=float("nan")), f"indicators[0] (id=talent_total),字段“target”:“nan”{FINITE}"),
        (_set("indicators", 0, "target", value="NaN"), f"indicators[0] (id=talent_total),字段“target”:“NaN”{FINITE}"),
        (_set("indicators", 0, "baseline", value=float("inf")), f"indicators[0] (id=talent_total),字段“baseline”:“inf”{FINITE}"),
        (_set("indicators", 1, "target", value="1e400"), f"indicators[1] (id=new_talent),字段“target”:“1e400”{FINITE}"),
        (_set("indicators", 0, "baseline_year", value=2027),
         "indicators[0] (id=talent_total),字段“baseline_year”:基数年份 2027 晚于规划期起始年 2026:基数是规划期开始时的数值,"
         "完成程度从它算起;应为:不晚于 2026 的年份(通常为 2025)"),
        (_set("plan", "baseline_year", value=2026),
         "plan,字段“baseline_year”:基期年份 2026 不早于规划期起始年 period_start 2026:基期是规划期开始之前的一年"),
        (_set("indicators", 0, "target", value=True),
         "indicators[0] (id=talent_total),字段“target”:true 是真假值,不是数值(YAML 把 yes、no、true、false 读作真假值)"),
        (_set("indicators", 0, "target", value=1e308),
         "indicators[0] (id=talent_total),字段“target”:目标值 1e+308(万人)超出以“万人”计的数值可能的范围(0 到 150000 "
         "万人之间:全国总人口约 14.1 亿人(141000 万人),以万人计的人数不会更大);应为:核对规划原文的数值和单位"),
        (_set("targets", 0, "target_high", value=None),
         "targets[0] (id=talent_parks),字段“target_high”:区间目标(comparator: range)须同时给出 target(下限)和更大的 "
         "target_high(上限)"),
    ],
)  # fmt: skip
def test_the_plan_takes_no_nonsense_and_names_file_target_and_field(tmp_path, mutate, message):
    path = _variant(tmp_path, mutate)
    with pytest.raises(DataError) as info:
        load_plan(path)
    assert str(info.value) == f"{path},{message}"


@pytest.mark.parametrize(
    ("target_id", "field", "value", "message"),
    [
        ("skilled_workers_total", "baseline", -5,
         "字段“baseline”:基数 -5(万人)不合理:技能人才总量(skilled_workers_total)是存量,计数、存量和金额不能为负"
         "(series.yaml measures.stock);应为:不小于 0 的数值;请核对原文和单位"),
        ("surveyed_unemployment_rate", "target", 150,
         "字段“target”:目标值 150(%)不合理:城镇调查失业率(surveyed_unemployment_rate)是比率,占比和比率必须在 0 到 100 之间"
         "(series.yaml measures.rate);应为:0 到 100 之间的数值;请核对原文和单位"),
    ],
)  # fmt: skip
def test_targets_and_baselines_obey_their_series_measure_rule(tmp_path, target_id, field, value, message):
    base = REPO / "src" / "planlib" / "plans" / "cq-employment-14th.yaml"

    def mutate(data):
        for spec in data["indicators"]:
            if spec["id"] == target_id:
                spec[field] = value

    path = _variant(tmp_path, mutate, base)
    index = [s["id"] for s in yaml.safe_load(base.read_text(encoding="utf-8"))["indicators"]].index(target_id)
    with pytest.raises(DataError) as info:
        load_plan(path)
    assert str(info.value) == f"{path},indicators[{index}] (id={target_id}),{message}"
