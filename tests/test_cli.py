"""`planlib check` on a corpus of bad inputs: every message names file, line, field and expectation."""

from __future__ import annotations

import subprocess
import sys

import pytest

from planlib._paths import raw_dir
from planlib.cli import main

HEADER = "indicator,year,value,unit,kind,source_title,source_url,confidence,note"
GOOD = "城镇新增就业,2022,70.67,万人,annual,2022年统计公报,https://example.org/b,high,"


def _write(tmp_path, lines, name="bad_observations.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


# (description, file lines, fragments the message must contain)
CASES = [
    ("missing column", ["indicator,year,value,unit,source_title,confidence", "城镇新增就业,2022,70.67,万人,公报,high"],
     ["缺少必需的列", "source_url"]),
    ("empty indicator", [HEADER, GOOD, ",2022,70.67,万人,annual,公报,https://e.org,high,"],
     ["第 3 行", "字段“indicator”", "指标名称不能为空"]),
    ("bad confidence", [HEADER, GOOD.replace(",high,", ",very high,")], ["第 2 行", "字段“confidence”", "very high"]),
    ("url without scheme", [HEADER, GOOD.replace("https://example.org/b", "www.example.org")],
     ["第 2 行", "字段“source_url”", "http"]),
    ("empty value", [HEADER, GOOD.replace(",70.67,", ",,")], ["第 2 行", "字段“value”"]),
    ("text value", [HEADER, GOOD.replace(",70.67,", ",很多,")], ["第 2 行", "字段“value”", "很多"]),
    ("two decimal points", [HEADER, GOOD.replace(",70.67,", ",70.6.7,")], ["第 2 行", "字段“value”", "70.6.7"]),
    ("bad year", [HEADER, GOOD.replace(",2022,", ",20x2,")], ["第 2 行", "字段“year”", "20x2"]),
    ("empty year", [HEADER, GOOD.replace(",2022,", ",,")], ["第 2 行", "字段“year”"]),
    ("unparseable period", [HEADER, GOOD.replace(",2022,", ",sometime in 2022,")], ["第 2 行", "sometime in 2022"]),
    ("incompatible unit", [HEADER, GOOD.replace(",万人,", ",亿元,")], ["第 2 行", "字段“unit”", "亿元", "万人"]),
    ("unit in value disagrees", [HEADER, GOOD.replace(",70.67,万人,", ",70.67%,万人,")],
     ["第 2 行", "字段“value”", "不一致"]),
    ("unknown district", [HEADER + ",district", GOOD + ",万洲区"], ["第 2 行", "字段“district”", "万州区"]),
    ("bad kind", [HEADER, GOOD.replace(",annual,", ",monthly,")], ["第 2 行", "字段“kind”", "monthly"]),
    ("empty source title", [HEADER, GOOD.replace(",2022年统计公报,", ",,")], ["第 2 行", "字段“source_title”"]),
    ("unknown indicator", [HEADER, GOOD.replace("城镇新增就业,", "城镇新增就业数,", 1)],
     ["第 2 行", "字段“indicator”", "城镇新增就业数", "城镇新增就业"]),
    ("missing marker as value", [HEADER, GOOD.replace(",70.67,", ",——,")], ["第 2 行", "字段“value”", "数值为空"]),
    ("direction word", [HEADER, GOOD.replace(",70.67,", ",下降0.1个百分点,")], ["第 2 行", "字段“value”", "下降"]),
    ("several problems at once", [HEADER, GOOD.replace(",high,", ",hi,"), GOOD.replace(",70.67,", ",x,")],
     ["第 2 行", "第 3 行", "2 个问题"]),
    ("header only", [HEADER], ["通过", "0 行"]),
]


@pytest.mark.parametrize(("desc", "lines", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_check_reports_bad_input(tmp_path, capsys, desc, lines, fragments):
    path = _write(tmp_path, lines)
    code = main(["check", str(path)])
    out, err = capsys.readouterr()
    text = out + err
    if "通过" in fragments:
        assert code == 0, text
    else:
        assert code == 1, text
        assert path.name in err
        assert "Traceback" not in text
    for fragment in fragments:
        assert fragment in text, (desc, fragment, text)


def test_gb18030_file_reads_and_reports_like_utf8(tmp_path, capsys):
    path = _write(tmp_path, [HEADER, GOOD.replace(",70.67,", ",很多,")], encoding="gb18030")
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "第 2 行" in err and "很多" in err


def test_binary_garbage_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "garbage_observations.csv"
    path.write_bytes(bytes(range(128, 256)) * 4)
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert path.name in err and "Traceback" not in err


def test_missing_file(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.csv")]) == 1
    assert "文件不存在" in capsys.readouterr().err


def test_real_raw_files_pass(capsys):
    files = sorted(raw_dir().glob("**/*observations.csv"))
    assert len(files) == 5  # the municipal and district files of rounds 1–2 and of round 3, the national file
    assert main(["check", *map(str, files)]) == 0
    out = capsys.readouterr().out
    assert out.count("通过") == 5


def test_console_script_help_and_exit_code(tmp_path):
    help_run = subprocess.run([sys.executable, "-m", "planlib.cli", "--help"], capture_output=True, text=True)
    assert help_run.returncode == 0 and "check" in help_run.stdout and "process" in help_run.stdout
    bad = _write(tmp_path, [HEADER, GOOD.replace(",high,", ",?,")])
    run = subprocess.run([sys.executable, "-m", "planlib.cli", "check", str(bad)], capture_output=True, text=True)
    assert run.returncode == 1 and "Traceback" not in run.stderr and "confidence" in run.stderr


def test_plan_command_counts(capsys):
    assert main(["plan"]) == 0
    out = capsys.readouterr().out
    assert "主要指标 14 项" in out and "专栏1: 14" in out


def test_import_planlib_is_light():
    code = "import sys, planlib; print(any(m in sys.modules for m in ('pandas', 'geopandas', 'matplotlib')))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


def test_plan_verbose_words_each_target_as_the_reports_do(capsys):
    """No comparator keys (higher_than, steady_growth) and no series ids; --ids adds the ids Python takes."""
    assert main(["plan", "-v"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "  [专栏1] 城镇新增就业：≥300万人（五年累计）（预期性）" in lines
    assert "  [专栏1] 城镇调查失业率：<5.5%（每年）（预期性）" in lines
    assert "  [专栏1] 全员劳动生产率增长：高于地区生产总值增速（预期性）" in lines
    assert "  [专栏1] 劳动报酬占比：稳步增长（预期性）" in lines
    text = "\n".join(lines)
    for word in ("higher_than", "steady_growth", "urban_new_jobs", ">=", " — "):
        assert word not in text, word
    assert main(["plan", "--ids"]) == 0
    assert "  [专栏1] 城镇新增就业：≥300万人（五年累计）（预期性） [urban_new_jobs]" in capsys.readouterr().out


def test_check_help_and_unreadable_spreadsheets_say_xlsx_is_read(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "校验观测数据文件(CSV 或 .xlsx 工作簿)" in shown and "只读 CSV" not in shown
    assert ".xls、.ods 等请先另存为 .xlsx 或 CSV UTF-8" in shown
    old, ods, disguised, text = (tmp_path / "old.xls", tmp_path / "t.ods", tmp_path / "x_observations.csv",
                                 tmp_path / "notes.txt")  # fmt: skip
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    ods.write_bytes(b"PK\x03\x04")
    disguised.write_bytes(b"PK\x03\x04rest")
    text.write_text("x", encoding="utf-8")
    assert main(["check", str(old), str(ods), str(disguised), str(text)]) == 1
    remedy = "应为:在 Excel、WPS 或 LibreOffice 中另存为 .xlsx 或 CSV UTF-8(逗号分隔)"
    assert capsys.readouterr().err.splitlines() == [
        "发现 4 个问题:",
        f"  {old}:“old.xls”是旧版 Excel 工作簿(.xls),planlib 读不了;planlib 读 .xlsx 工作簿和 CSV;{remedy}",
        f"  {ods}:“t.ods”是OpenDocument 表格(.ods),planlib 读不了;planlib 读 .xlsx 工作簿和 CSV;{remedy}",
        f"  {disguised}:“x_observations.csv”实际是 Excel 工作簿(.xlsx),只是扩展名为 .csv;"
        "应为:把扩展名改回 .xlsx(planlib 读 .xlsx 工作簿),或在 Excel 中“另存为 → CSV UTF-8(逗号分隔)”",
        f"  {text}:“notes.txt”不是 CSV 或 .xlsx 文件(扩展名为“.txt”);应为:CSV(逗号分隔的文本)或 .xlsx 工作簿;"
        "其他表格请先在 Excel、WPS 或 LibreOffice 中另存为 .xlsx 或 CSV UTF-8(逗号分隔)",
    ]


def test_list_says_whether_the_site_has_the_latest_version(tmp_path, monkeypatch, capsys):
    """A failed build keeps the previous files and their record: list calls them not the latest, never 已生成."""
    import json

    from planlib.publish import offline
    from planlib.publish.build import STATE_FILE, report_digests
    from planlib.publish.manifest import load_manifest
    from tests.conftest import make_project

    root = make_project(tmp_path, monkeypatch, [{"id": "annual-2023", "notebook": "notebooks/annual.ipynb"}])
    head = "annual-2023    2023年度评估报告  [notebooks/annual.ipynb]  数据截至 2023年  "
    assert main(["list"]) == 0
    assert capsys.readouterr().out.splitlines() == [head + "尚未生成"]
    site = root / "reports" / "_site"
    site.mkdir(parents=True)
    for ext in ("html", "pdf"):
        (site / f"annual-2023.{ext}").write_text("previous version", encoding="utf-8")
    (site / STATE_FILE).write_text(json.dumps({"annual-2023": {"html": "0" * 64, "pdf": "0" * 64}}), encoding="utf-8")
    assert main(["list"]) == 0
    assert capsys.readouterr().out.splitlines() == [head + "网页版、PDF不是最新版(上次生成后数据或代码有变化,或上次生成失败,"
                                                  "网站中保留的是上一版);运行 planlib build 更新"]
    now = report_digests(load_manifest(), root, f"offline {offline.fingerprint()}")["annual-2023"]
    (site / STATE_FILE).write_text(json.dumps({"annual-2023": {"html": now, "pdf": "0" * 64}}), encoding="utf-8")
    assert main(["list"]) == 0
    assert capsys.readouterr().out.splitlines() == [head + "PDF不是最新版(上次生成后数据或代码有变化,或上次生成失败,"
                                                  "网站中保留的是上一版);运行 planlib build 更新"]
    (site / STATE_FILE).write_text(json.dumps({"annual-2023": {"html": now, "pdf": now}}), encoding="utf-8")
    assert main(["list"]) == 0
    assert capsys.readouterr().out.splitlines() == [head + "最新:网页版、PDF"]


def test_process_prints_only_what_changed_in_chinese(repo_copy, capsys):
    """The second run prints none of the ~30 notices again, only their count; a new conflict is printed alone."""
    out = repo_copy / "data" / "processed"
    assert main(["process"]) == 0
    first = capsys.readouterr().out.splitlines()
    assert first[0] == "读取 5 个文件,共 931 行观测值。"
    notices = first[1:first.index(f"写入 {out / 'observations.csv'}")]
    assert len(notices) == 28
    # the one line that was English: the reason series.yaml gives for a name it does not load
    assert notices[0] == ("按 series.yaml 的 ignore 规则未载入:“常住人口城镇化率(七普,推算)”——由数据采集者推算"
                          "(城镇人口÷常住人口),不是公布的数字;planlib 用两项公布的七普数据在代码中计算,不作为数据载入")
    assert main(["process"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == [
        "读取 5 个文件,共 931 行观测值。",
        f"另有 28 条提示与上次相同,不再列出(全部提示见 {out / 'observations.meta.json'} 的 messages,或加 -v 全部列出)。"]
    extra = repo_copy / "data" / "raw" / "extra_observations.csv"
    extra.write_text(f"{HEADER}\n城镇新增就业,2022,99.99,万人,annual,合成测试公报(SYNTHETIC),https://example.org/t,low,\n",
                     encoding="utf-8")  # fmt: skip
    assert main(["process"]) == 0
    lines = capsys.readouterr().out.splitlines()
    meta = out / "observations.meta.json"
    assert lines[:2] == ["读取 6 个文件,共 932 行观测值。",
                         "同一指标、地区、时期有不同数值:17 组(来源有分歧 6 组,新版本取代旧版本 11 组),每组选用的数值及依据如下:"]
    assert lines[2].startswith("冲突:城镇新增就业(urban_new_jobs)·全市·2022年:选用 70.67 万人")
    assert lines[2].endswith("未选用 99.99 万人(“合成测试公报(SYNTHETIC)”,data/raw/extra_observations.csv 第 2 行,"
                             "可信度低)——选用的来源可信度较高(可信度中,另一来源低)")
    assert lines[3] == (f"另有 27 条提示与上次相同,不再列出;上次的 1 条提示已不再出现(全部提示见 {meta} 的 messages,"
                        "或加 -v 全部列出)。")  # the old count line (16 组) is the one gone
    assert lines[4] == f"写入 {out / 'observations.csv'}"
    assert main(["process", "-v"]) == 0  # nothing recomputed: every notice of the run that made the files
    everything = capsys.readouterr().out.splitlines()
    assert len([line for line in everything if not line.startswith(("写入", "未变化", "完成"))]) == 1 + 29


def test_monitor_run_names_the_manifest_step_only_when_the_entry_is_missing(tmp_path, monkeypatch, capsys):
    from tests.conftest import make_project
    from tests.synthetic_records import write_all

    files = write_all(tmp_path / "records", "small")
    run = ["monitor", "run", "--month", "2026-10", "--registers", str(files["registers"])]
    make_project(tmp_path / "without", monkeypatch, [{"id": "annual-2023", "notebook": "notebooks/annual.ipynb"}])
    assert main(run) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "生成简报:在 reports/manifest.yaml 中加入“- id: monthly-2026-10  notebook: notebooks/monthly.ipynb”,"
        "然后运行 planlib build --only monthly-2026-10")
    make_project(tmp_path / "with", monkeypatch, [{"id": "monthly-2026-10", "notebook": "notebooks/monthly.ipynb"}])
    assert main(run) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "生成简报:运行 planlib build --only monthly-2026-10(reports/manifest.yaml 中已有 monthly-2026-10)")
