"""A statistician's own figures: the Excel 填报模板, .xlsx in check/process, planlib add, files that do not load.

Every value entered here is SYNTHETIC TEST DATA, labelled so in its source title (合成测试数据) and with
confidence ``test``; URLs are placeholders. The messages are asserted whole: they are the feature.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from planlib.cli import main
from planlib.inputs import observations
from planlib.inputs.observations import load_observations
from planlib.inputs.template import write_template

from .conftest import USER_TODAY, make_project

TODAY = USER_TODAY
SYNTHETIC = "合成测试数据(测试用、非公布数据)"
URL = "https://example.org/synthetic"
H = "indicator,year,value,unit,kind,source_title,source_url,confidence,note"


@pytest.fixture
def project(one_row_project):
    """The one-row project of conftest (城镇新增就业 2022 = 70.67 万人), today fixed at TODAY."""
    return one_row_project


def _run(capsys, *argv) -> tuple[int, list[str], list[str]]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out.splitlines(), err.splitlines()


def _fill(ws, series: str, year: int, value, **extra) -> int:
    """Fill the pre-listed 全市 row of ``series`` × ``year``; returns its row number."""
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == series and ws.cell(r, 3).value == year:
            cells = {"数值*": value, "来源标题*": SYNTHETIC, "来源网址*": URL, "可信度*": "test", **extra}
            headers = [c.value for c in ws[1]]
            for header, v in cells.items():
                ws.cell(r, headers.index(header) + 1).value = v
            return r
    raise AssertionError((series, year))


# ------------------------------------------------------------------ the template


def test_template_sheets_rows_units_and_drop_downs(tmp_path):
    info = write_template(tmp_path / "t.xlsx")
    assert info.plan_id == "cq-employment-14th" and info.missing == ()
    # 14 headline indicators + 2 targets of 专栏2–13 with a series, each for 2020–2025
    assert len(info.series) == 16 and info.municipal_rows == 16 * 6
    wb = load_workbook(info.path)
    assert wb.sheetnames == ["填表说明", "全市", "区县", "选项", "_planlib"]
    assert [ws.sheet_state for ws in wb.worksheets] == ["visible", "visible", "visible", "hidden", "veryHidden"]
    city, county = wb["全市"], wb["区县"]
    assert [c.value for c in city[1]] == ["指标*", "单位", "年份*", "时期", "数值*", "来源标题*", "来源网址*", "可信度*",
                                          "发布日期", "说明"]
    assert [c.value for c in county[1]][:3] == ["区县*", "指标*", "单位"]
    assert [c.value for c in city[2]][:3] == ["城镇新增就业", "万人", 2020]
    assert [c.value for c in city[97]][:3] == ["就业困难人员就业", "万人", 2025]
    # an added row looks the unit up from the series chosen (units are fixed per series)
    assert city.cell(98, 2).value == "=IFERROR(VLOOKUP(A98,'选项'!$A$2:$B$58,2,FALSE),\"\")"
    lists = {str(dv.sqref): dv.formula1 for dv in county.data_validations.dataValidation}
    assert lists == {"B2:B501": "='选项'!$A$2:$A$58", "I2:I501": "='选项'!$D$2:$D$5", "A2:A501": "='选项'!$C$2:$C$48"}
    options = wb["选项"]
    assert [options.cell(r, 4).value for r in range(2, 6)] == ["high", "medium", "low", "test"]
    assert options["C2"].value == "万州区" and options["C39"].value == "彭水苗族土家族自治县"
    assert options["C40"].value == "主城都市区"  # the 9 cluster totals follow the 38 区县
    guide = [c.value for c in wb["填表说明"]["A"]]
    assert guide[0] == "planlib 填报模板:重庆市就业促进“十四五”规划(2021—2025年)"
    assert "5. 来源标题和来源网址必填" in guide[7]


def test_an_empty_template_passes_check_with_no_rows(tmp_path, project, capsys):
    path = write_template(tmp_path / "t.xlsx").path
    assert _run(capsys, "check", str(path)) == (0, [f"{path}: 通过 —— 0 行,载入 0 行,0 个序列,0 个地区"], [])


def test_every_problem_of_a_workbook_at_once_with_sheet_row_and_column(tmp_path, project, capsys):
    path = write_template(tmp_path / "t.xlsx").path
    wb = load_workbook(path)
    city = wb["全市"]
    r1 = _fill(city, "城镇新增就业", 2021, -5)
    r2 = _fill(city, "城镇调查失业率", 2023, 5.1, **{"单位": "人"})
    r3 = _fill(city, "失业保险参保人数", 2022, 614.24, **{"来源网址*": "ftp://example.org/x"})
    city["A120"], city["C120"], city["E120"] = "不存在的指标", 2022, 1
    city["F120"], city["G120"], city["H120"] = SYNTHETIC, URL, "test"
    county = wb["区县"]
    for cell, value in zip("ABDFGHI", ["万州", "常住人口", 2099, 150.1, SYNTHETIC, URL, "very high"], strict=True):
        county[f"{cell}2"] = value
    wb.save(path)
    code, out, err = _run(capsys, "check", str(path))
    assert (code, out) == (1, [])
    assert err == [
        "发现 6 个问题:",
        f"  {path},工作表“全市”,第 {r1} 行,E 列“数值*”:数值 -5(万人)不合理:城镇新增就业(urban_new_jobs)是计数,"
        "计数、存量和金额不能为负(series.yaml measures.count);应为:不小于 0 的数值;请核对原文和单位",
        f"  {path},工作表“全市”,第 {r2} 行,B 列“单位”:单位“人”不是模板为城镇调查失业率规定的“%”;"
        "应为:%(模板中每个指标的单位是固定的,请把数值换算为 %)",
        f"  {path},工作表“全市”,第 {r3} 行,G 列“来源网址*”:不符合要求的值“ftp://example.org/x”;"
        "应为:以 http:// 或 https:// 开头的网址(多个用“ ; ”分隔);确实没有网址时填 (no URL known)",
        f"  {path},工作表“全市”,第 120 行,A 列“指标*”:未知的指标名称“不存在的指标”;"
        "应为:src/planlib/series.yaml 中列出的名称;新指标请先在该文件登记",
        # 常住人口 is a stock: the template reads its bare year as the year end (issue 20)
        f"  {path},工作表“区县”,第 2 行,D 列“年份*”:时期“2099”(2099年末)尚未开始,不可能已有公布的数值;"
        "应为:已经结束的时期(今天是 2026-06-30);规划目标和预测值不是观测值",
        f"  {path},工作表“区县”,第 2 行,I 列“可信度*”:不符合要求的值“very high”;"
        "应为:high、medium、low 或 test(测试值,非公布数据)之一",
    ]


def _plain_workbook(path: Path, rows: list[list], title: str = "数据") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


HEADER = H.split(",")


def test_a_plain_sheet_in_the_csv_layout_loads_with_percent_cells_and_dates(tmp_path, project, capsys):
    path = _plain_workbook(tmp_path / "mine.xlsx", [
        [*HEADER, "published"],
        ["城镇调查失业率", 2021, 0.053, "%", "rate", SYNTHETIC, URL, "test", "note", dt.datetime(2022, 3, 20)],
    ])  # fmt: skip
    wb = load_workbook(path)
    wb["数据"]["C2"].number_format = "0.0%"  # typed as 5.3% in Excel: stored 0.053
    wb.save(path)
    assert _run(capsys, "check", str(path)) == (0, [f"{path}: 通过 —— 1 行,载入 1 行,1 个序列,1 个地区"], [])
    frame, _ = observations.read_raw_file(path)
    row = frame.iloc[0]
    assert (row["value"], row["published"], row["source_line"]) == (5.3, "2022-03-20", 2)
    assert row["source_file"] == f"{path} 工作表“数据”"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["重庆市就业数据(测试)"], HEADER, ["城镇新增就业", 2020, 70, "万人", "annual", SYNTHETIC, URL, "test", ""]],
         "{path},工作表“数据”,第 1 行:表头在第 2 行,上面的第 1 行像是标题或说明;应为:第 1 行就是表头,列名 indicator, "
         "year, value, unit, source_title, source_url, confidence 等;请删除表头上方的 1 行"),
        ([["指标", "年份"], ["城镇新增就业", 2020]],
         # the template's Chinese headers are understood in any sheet: 指标 and 年份 are indicator and year
         "{path},工作表“数据”,第 1 行:第 1 行不是观测数据的表头(缺少 value、unit、source_title、"
         "source_url、confidence);应为:第 1 行就是表头,列名 indicator, year, value, unit, source_title, "
         "source_url, confidence 等"),
    ],
)  # fmt: skip
def test_a_sheet_without_its_header_on_top_is_named(tmp_path, project, capsys, rows, message):
    path = _plain_workbook(tmp_path / "mine.xlsx", rows)
    assert _run(capsys, "check", str(path)) == (1, [], ["发现 1 个问题:", "  " + message.replace("{path}", str(path))])


def test_a_formula_without_a_saved_result_is_refused(tmp_path, project, capsys):
    path = _plain_workbook(tmp_path / "mine.xlsx", [
        HEADER, ["城镇新增就业", 2020, "=70+5", "万人", "annual", SYNTHETIC, URL, "test", ""]])  # fmt: skip
    assert _run(capsys, "check", str(path)) == (1, [], [
        "发现 1 个问题:",
        f"  {path},工作表“数据”,第 2 行,C 列“value”:单元格是公式,但文件中没有保存计算结果;"
        "应为:在 Excel 中打开并保存一次,或直接填写数值"])  # fmt: skip


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "{path}:“broken.xlsx”不是有效的 Excel 工作簿(.xlsx),或已损坏;"
         "应为:扩展名为 .xlsx 的 Excel 工作簿(planlib template 生成的填报模板,或第一行为观测数据表头的工作表)"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "{path}:“old.xls”是旧版 Excel 工作簿(.xls),planlib 读不了;"
         "planlib 读 .xlsx 工作簿和 CSV;应为:在 Excel、WPS 或 LibreOffice 中另存为 .xlsx 或 CSV UTF-8(逗号分隔)"),
    ],
)  # fmt: skip
def test_files_that_are_not_workbooks(tmp_path, project, capsys, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    assert _run(capsys, "check", str(path)) == (1, [], ["发现 1 个问题:", "  " + message.replace("{path}", str(path))])


# ------------------------------------------------------------------ CSV: one pass, delimiters, title rows


def test_check_lists_unknown_names_together_with_the_other_errors(tmp_path, project, capsys):
    path = tmp_path / "mine_observations.csv"
    path.write_text("\n".join([
        H,
        f"城镇新增就业,2020,-5,万人,annual,{SYNTHETIC},{URL},test,",
        f"城镇新增就业人数,2020,75,万人,annual,{SYNTHETIC},{URL},test,",
        f"城镇调查失业率,2021,5.1,%,rate,{SYNTHETIC},{URL},sure,",
    ]) + "\n", encoding="utf-8")  # fmt: skip
    code, out, err = _run(capsys, "check", str(path))
    assert (code, out) == (1, [])
    assert err == [
        "发现 3 个问题:",
        f"  {path},第 2 行,字段“value”:数值 -5(万人)不合理:城镇新增就业(urban_new_jobs)是计数,"
        "计数、存量和金额不能为负(series.yaml measures.count);应为:不小于 0 的数值;请核对原文和单位",
        f"  {path},第 3 行,字段“indicator”:未知的指标名称“城镇新增就业人数”(相近的已知名称:城镇新增就业人员、城镇新增就业、"
        "城镇就业人员);应为:src/planlib/series.yaml 中列出的名称;新指标请先在该文件登记",
        f"  {path},第 4 行,字段“confidence”:不符合要求的值“sure”;应为:high、medium、low 或 test(测试值,非公布数据)之一",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (H.replace(",", "\t") + "\n" + f"城镇新增就业\t2020\t70\t万人\tannual\t{SYNTHETIC}\t{URL}\ttest\t\n",
         "{path}:“mine_observations.csv”的列用制表符(Tab)分隔,不是逗号(第 1 行“indicator→year→value→unit→kind→"
         "source_title→source_url→confidence→note”):整行会被读成一列;应为:逗号分隔的 CSV;在 Excel 中“另存为 → "
         "CSV UTF-8(逗号分隔)”,或把分隔符换成英文逗号"),
        (H.replace(",", ";") + "\n" + f"城镇新增就业;2020;70,5;万人;annual;{SYNTHETIC};{URL};test;\n",
         "{path}:“mine_observations.csv”的列用分号(;)分隔,不是逗号(第 1 行“indicator;year;value;unit;kind;"
         "source_title;source_url;confidence;note”):整行会被读成一列;应为:逗号分隔的 CSV;在 Excel 中“另存为 → "
         "CSV UTF-8(逗号分隔)”,或把分隔符换成英文逗号"),
        ("2023年重庆市就业数据(测试),,,,,,,,\n" + H + "\n" + f"城镇新增就业,2020,70,万人,annual,{SYNTHETIC},{URL},test,\n",
         "{path}:“mine_observations.csv”的表头在第 2 行,上面的第 1 行像是标题或说明;应为:第 1 行就是表头"
         "(列名 indicator, year, value, unit, source_title, source_url, confidence 等);请删除表头上方的 1 行"),
        ("测试数据\n说明:单位万人\n" + H + "\n" + f"城镇新增就业,2020,70,万人,annual,{SYNTHETIC},{URL},test,\n",
         "{path}:“mine_observations.csv”的表头在第 3 行,上面的第 1—2 行像是标题或说明;应为:第 1 行就是表头"
         "(列名 indicator, year, value, unit, source_title, source_url, confidence 等);请删除表头上方的 2 行"),
    ],
)  # fmt: skip
def test_wrong_delimiter_and_title_rows_are_named(tmp_path, project, capsys, text, message):
    path = tmp_path / "mine_observations.csv"
    path.write_text(text, encoding="utf-8")
    assert _run(capsys, "check", str(path)) == (1, [], ["发现 1 个问题:", "  " + message.replace("{path}", str(path))])


# ------------------------------------------------------------------ files that would not load


def test_check_says_when_process_would_not_load_a_file(tmp_path, project, capsys):
    path = tmp_path / "mydata.csv"
    path.write_text(f"{H}\n城镇新增就业,2020,70,万人,annual,{SYNTHETIC},{URL},test,\n", encoding="utf-8")
    assert _run(capsys, "check", str(path)) == (0, [
        f"{path}: 通过 —— 1 行,载入 1 行,1 个序列,1 个地区",
        "  注意:文件名“mydata.csv”不以 observations.csv 结尾,放进 data/raw 后 planlib process 不会载入它;"
        "请用 planlib add 添加(会按规则命名并记下来源),或改名为“mydata_observations.csv”",
    ], [])  # fmt: skip


def test_process_reports_every_file_in_data_raw_that_it_does_not_load(project, capsys):
    raw = project / "data" / "raw"
    (raw / "mydata.csv").write_text(f"{H}\n", encoding="utf-8")
    (raw / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (raw / "notes.txt").write_text("测试", encoding="utf-8")
    (raw / "README.md").write_text("说明", encoding="utf-8")  # documentation: known
    (raw / "~$open.xlsx").write_bytes(b"lock")  # Excel's lock file: ignored
    (raw / "round9" / "original").mkdir(parents=True)
    (raw / "round9" / "original" / "delivered.csv").write_text("a\n", encoding="utf-8")  # an original: known
    _, report = load_observations(with_report=True)
    assert report.unloaded == [
        ("data/raw/mydata.csv", "CSV 文件名不以 observations.csv 结尾,不会作为观测数据载入;若是观测数据,请用 planlib add 添加,"
         "或改名为“mydata_observations.csv”;若是别的用途,请在 src/planlib/settings/raw_files.yaml 的 others 中登记"),
        ("data/raw/notes.txt", "planlib 只载入 *observations.csv 和 .xlsx 文件;若是观测数据,请另存为其中一种并用 planlib add 添加;"
         "若是别的用途,请在 src/planlib/settings/raw_files.yaml 的 others 中登记"),
        ("data/raw/old.xls", "旧版 Excel 工作簿(.xls)不能读取;请在 Excel 中另存为 .xlsx 工作簿(或 CSV UTF-8),再用 planlib add 添加"),
    ]  # fmt: skip
    assert "未载入的文件:data/raw/old.xls——旧版 Excel 工作簿(.xls)不能读取;请在 Excel 中另存为 .xlsx 工作簿(或 CSV UTF-8)," \
           "再用 planlib add 添加" in report.lines()
    assert report.as_dict()["unloaded"][0]["file"] == "data/raw/mydata.csv"
    # loading chosen files is not loading data/raw: nothing is said about the rest
    elsewhere = project.parent / "elsewhere_observations.csv"
    elsewhere.write_bytes((raw / "base_observations.csv").read_bytes())
    _, chosen = load_observations([elsewhere], with_report=True)
    assert chosen.unloaded == []


def test_planlib_process_prints_the_files_it_does_not_load(repo_copy, capsys):
    (repo_copy / "data" / "raw" / "district" / "区县补充.csv").write_text(f"{H}\n", encoding="utf-8")
    code, out, err = _run(capsys, "process")
    assert (code, err) == (0, [])
    assert [line for line in out if line.startswith("未载入的文件:")] == [
        "未载入的文件:data/raw/district/区县补充.csv——CSV 文件名不以 observations.csv 结尾,不会作为观测数据载入;"
        "若是观测数据,请用 planlib add 添加,或改名为“区县补充_observations.csv”;若是别的用途,"
        "请在 src/planlib/settings/raw_files.yaml 的 others 中登记"]  # fmt: skip
    meta = json.loads((repo_copy / "data" / "processed" / "observations.meta.json").read_text(encoding="utf-8"))
    assert [x["file"] for x in meta["load_report"]["unloaded"]] == ["data/raw/district/区县补充.csv"]


def test_the_real_data_raw_has_no_file_that_does_not_load():
    assert observations.unloaded_raw_files() == []


# ------------------------------------------------------------------ planlib add


def test_add_copies_with_provenance_and_never_replaces(tmp_path, project, capsys):
    source = tmp_path / "mydata.csv"
    data = f"{H}\n城镇新增就业,2020,70,万人,annual,{SYNTHETIC},{URL},test,\n".encode()
    source.write_bytes(data)
    code, out, err = _run(capsys, "add", str(source), "--note", "测试:区统计局提供")
    assert (code, err) == (0, [])
    assert out == [
        f"{source}: 通过 —— 1 行,载入 1 行,1 个序列,1 个地区",
        "已加入 data/raw/user/mydata_observations.csv(来源说明 data/raw/user/mydata_observations.csv.provenance.json)",
        "运行 planlib process 更新 data/processed,再用 planlib build 生成报告。",
    ]
    dest = project / "data" / "raw" / "user" / "mydata_observations.csv"
    assert dest.read_bytes() == data
    meta = json.loads((dest.parent / "mydata_observations.csv.provenance.json").read_text(encoding="utf-8"))
    assert (meta["original_name"], meta["note"], meta["bytes"]) == ("mydata.csv", "测试:区统计局提供", len(data))
    assert meta["sha256"] == __import__("hashlib").sha256(data).hexdigest()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", meta["added_at"])
    # it loads, and nothing under data/raw is reported as not loaded
    obs, report = load_observations(with_report=True)
    assert report.unloaded == [] and "data/raw/user/mydata_observations.csv" in set(obs["source_file"])
    # a second add of the same name is refused: nothing in data/raw is ever replaced
    code, out, err = _run(capsys, "add", str(source))
    assert (code, out) == (1, [])
    assert err == ["未加入任何文件(1 个问题):",
                   f"  {source}:data/raw/user/mydata_observations.csv 已存在。planlib 不修改或替换已加入的文件"
                   "(更正请加一行较新的数据);请用 --name 另取文件名"]  # fmt: skip


def test_add_refuses_a_file_with_problems_and_copies_nothing(tmp_path, project, capsys):
    source = tmp_path / "bad_observations.csv"
    source.write_text(f"{H}\n城镇新增就业,2020,-1,万人,annual,{SYNTHETIC},{URL},test,\n", encoding="utf-8")
    code, out, err = _run(capsys, "add", str(source))
    assert (code, out) == (1, [])
    assert err[0] == "未加入任何文件:校验发现 1 个问题:"
    assert not (project / "data" / "raw" / "user").exists()


# ------------------------------------------------------------------ a filled template all the way into a report


def test_a_filled_template_goes_into_a_report(tmp_path, monkeypatch, capsys):
    """Template → filled in code (synthetic test values) → add → process → offline build → the values in the HTML."""
    from planlib.publish.build import build

    root = make_project(tmp_path, monkeypatch, [{"id": "annual-2023", "notebook": "notebooks/annual.ipynb"}])
    observations._load.cache_clear()
    template = tmp_path / "填报.xlsx"
    assert _run(capsys, "template", "-o", str(template))[0] == 0
    wb = load_workbook(template)
    # 劳动年龄人口平均受教育年限 has no published value: the synthetic test value becomes the report's figure
    _fill(wb["全市"], "劳动年龄人口平均受教育年限", 2023, 11.37, **{"说明": "SYNTHETIC test value"})
    county = wb["区县"]
    for cell, value in zip("ABDFGHI", ["万州", "城镇新增就业", 2023, 2.468, SYNTHETIC, URL, "test"], strict=True):
        county[f"{cell}2"] = value
    wb.save(template)
    code, out, err = _run(capsys, "add", str(template))
    assert (code, err) == (0, []) and out[1] == (
        "已加入 data/raw/user/填报.xlsx(来源说明 data/raw/user/填报.xlsx.provenance.json)")
    assert _run(capsys, "process")[0] == 0
    obs = load_observations()
    mine = obs[obs["source_file"].str.startswith("data/raw/user/填报.xlsx")]
    assert sorted(zip(mine["region"], mine["indicator_id"], mine["value"], mine["confidence"], strict=True)) == [
        ("万州区", "urban_new_jobs", 2.468, "test"), ("全市", "working_age_schooling_years", 11.37, "test")]
    result = build(progress=False, formats=("html",))
    assert result.ok, result.failed
    html = (root / "reports" / "_site" / "annual-2023.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)  # table cells may be split into spans that keep short runs unbroken
    assert "11.37‡" in text and SYNTHETIC in text
