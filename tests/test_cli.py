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
