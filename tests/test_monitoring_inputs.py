"""Record files: validation messages (exact), identifier removal, and the bulletin end to end.

All record files here are SYNTHETIC test data (a ``synthetic`` column or names containing synthetic);
identifier-shaped values are invented and never belong to anyone.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from planlib.cli import main
from planlib.errors import DataError
from planlib.inputs import records as R
from tests.synthetic_records import write_all
from tests.test_monitoring import REGISTER_HEADER, write_csv

TODAY = dt.date(2026, 11, 29)
LABEL = "SYNTHETIC 合成测试数据"


def problems(path: Path, kind: str | None = None) -> list[str]:
    with pytest.raises(DataError) as err:
        R.inspect_file(path, kind, today=TODAY)
    return [str(p) for p in err.value.problems]


def reg(*rows: list[object]) -> list[list[object]]:
    return [[*r, 0, 0, 0, LABEL] for r in rows]


def test_register_cells_are_checked_with_line_field_and_expectation(tmp_path):
    path = write_csv(tmp_path / "registers.csv", REGISTER_HEADER, reg(
        ["p1", "万州区", "就业登记", "2026-10-08", "C", "25-34"],
        ["p2", "万州", "失业登记", "2026-13-01", "制造业", "16-24"],
        ["p3", "两江新区", "就业登记", "2026-10-08", "C", ""],
        ["p4", "涪陵区", "入职", "2026-12-01", "Z", "老年"],
        ["", "500103", "登记注销", "2026/10/08", "", ""],
    ))
    shown = str(path)
    assert problems(path) == [
        f"{shown},第 6 行,字段“person_id”:值为空;应为:人员编号:人员的编号(身份证号也可,读取时即替换为加盐哈希)",
        f"{shown},第 3 行,字段“event_date”:日期“2026-13-01”不是 YYYY-MM-DD 格式或不存在;应为:YYYY-MM-DD 格式的日期,如 2026-10-08",
        f"{shown},第 6 行,字段“event_date”:日期“2026/10/08”不是 YYYY-MM-DD 格式或不存在;应为:YYYY-MM-DD 格式的日期,如 2026-10-08",
        f"{shown},第 5 行,字段“event_date”:日期 2026-12-01 晚于今天(2026-11-29),不可能已经发生;应为:已经过去的日期",
        f"{shown},第 4 行,字段“district”:“两江新区”是两江新区,不是区县:"
        + R._district_map("两江新区").problem.split("不是区县:", 1)[1] + f";应为:{R.DISTRICT_EXPECTED}",
        f"{shown},第 5 行,字段“event”:登记类型“入职”不在规定范围内;应为:就业登记、失业登记、登记注销、失业登记注销、期初在册",
        f"{shown},第 5 行,字段“industry”:行业“Z”不是 GB/T 4754—2017 的门类;应为:门类字母 A—T 或门类名称,如 C 或 制造业",
        f"{shown},第 5 行,字段“age_group”:年龄组“老年”不在规定范围内;应为:16-24、25-34、35-44、45-54、55+(或留空)",
    ]


def test_enterprise_balance_and_missing_columns(tmp_path):
    header = ["enterprise_id", "区县", "industry", "month", "jobs_start", "jobs_end", "jobs_cut", "jobs_added", "synthetic"]
    path = write_csv(tmp_path / "enterprises.csv", header, [
        ["E1", "万州区", "C", "2026-10", 100, 104, 2, 6, LABEL],
        ["E2", "万州区", "C", "2026-10", 50, 47, 5, 0, LABEL],
        ["E3", "万州区", "C", "2026-11", -1, 0, 0, 0, LABEL],
    ])
    assert problems(path) == [
        f"{path},第 4 行,字段“month”:月份 2026-11 尚未结束(今天是 2026-11-29),不可能已有该月的监测数据;应为:已经结束的月份",
        f"{path},第 4 行,字段“jobs_start”:“-1”不是非负整数;应为:0 或正整数",
        f"{path},第 3 行,字段“jobs_end”:期初 50 + 新增 0 − 减少 5 = 45,与期末用工人数 47 不符;应为:期初用工人数 + 岗位新增数 − 岗位减少数 = 期末用工人数",
        f"{path},第 4 行,字段“jobs_end”:期初 -1 + 新增 0 − 减少 0 = -1,与期末用工人数 0 不符;应为:期初用工人数 + 岗位新增数 − 岗位减少数 = 期末用工人数",
    ]
    short = write_csv(tmp_path / "postings.csv", ["date", "district", "record_type", "synthetic"], [["2026-10-01", "万州区", "招聘", LABEL]])
    assert problems(short) == [f"{short},第 1 行:缺少必需的列:industry(行业)、count(人数);应为:招聘求职文件的表头含 date、district、industry、record_type、count"]


def test_unknown_kind_broken_lines_and_encoding(tmp_path):
    odd = write_csv(tmp_path / "odd.csv", ["a", "b"], [[1, 2]])
    assert problems(odd) == [f"{odd},第 1 行:无法判断文件类型:表头中没有 person_id、enterprise_id 或 record_type;"
                             "应为:登记文件含 person_id(人员编号),企业样本含 enterprise_id(企业编号),招聘求职文件含 record_type(类型)"]
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(",".join(REGISTER_HEADER).encode() + "\np1,万州区,就业登记,2026-10-08,C,,0,0,0,x\n".encode("gbk"))
    assert problems(gbk) == [f"{gbk},第 2 行:不是 UTF-8 编码的文本;应为:以 UTF-8 编码保存的 CSV 文件"]
    other = tmp_path / "data.xlsx"
    other.write_bytes(b"PK")
    assert problems(other) == [f"{other}:文件类型“.xlsx”无法读取;应为:.csv(UTF-8,逗号分隔)或 .parquet 文件"]


def test_many_bad_rows_are_counted_after_twenty(tmp_path):
    rows = reg(*[[f"p{i}", "万州区", "就业登记", "2026-10-32", "C", ""] for i in range(25)])
    path = write_csv(tmp_path / "registers.csv", REGISTER_HEADER, rows)
    found = problems(path)
    assert len(found) == 21
    assert found[-1] == f"{path},字段“event_date”:另有 5 行同类问题(未逐行列出)"


def test_parquet_records_are_numbered_and_types_accepted(tmp_path):
    path = tmp_path / "registers.parquet"
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT * FROM (VALUES ('p1', 500101, '就业登记', DATE '2026-10-08', 'C', '', 0, 0, 0, '{LABEL}'),
                                              ('p2', 500199, '就业登记', DATE '2026-10-09', 'C', '', 0, 0, 0, '{LABEL}'))
                   t(person_id, district, event, event_date, industry, age_group, is_graduate, is_migrant_worker,
                     is_hard_to_employ, synthetic)) TO '{path}' (FORMAT PARQUET)""")
    assert problems(path) == [f"{path},第 2 条记录,字段“district”:“500199”不是重庆市 38 个区县的行政区划代码;"
                              "应为:记录所在区县(38 个区县之一)的标准名称、常用简称或 6 位行政区划代码,如 万州区、万州、500101"]


def test_identifier_columns_are_not_read_and_keys_are_hashed(tmp_path):
    header = ["person_id", "姓名", "手机号", "district", "event", "event_date", "备注", "synthetic"]
    path = write_csv(tmp_path / "registers.csv", header, [
        ["500101199001011234", "测试甲某", "13800000000", "万州区", "就业登记", "2026-10-08", "无", LABEL]])
    record = R.inspect_file(path, today=TODAY)
    assert record.notices() == [
        f"{path}:含个人或企业身份信息的列 姓名、手机号 未读取,不进入任何计算和输出",
        f"{path}:编号列“person_id”的值形如身份证号,读取时已替换为加盐哈希,原值不进入任何输出",
        f"{path}:格式中没有的列 备注 未读取",
        f"{path}:标记为合成测试数据(synthetic 列),由此计算的结果均标注为合成数据",
    ]
    with R.open_records([path], today=TODAY) as records:
        columns = [r[0] for r in records.con.execute("DESCRIBE registers").fetchall()]
        key = records.con.execute("SELECT person_key FROM registers").fetchall()[0][0]
    assert "person_id" not in columns and "姓名" not in columns and isinstance(key, int)


def test_identifier_values_are_never_shown_in_messages(tmp_path):
    path = write_csv(tmp_path / "registers.csv", REGISTER_HEADER, reg(
        ["p1", "500101199001011234", "就业登记", "2026-10-08", "C", ""],
        ["p2", "万州区", "13800000000", "2026-10-08", "C", ""]))
    text = "\n".join(problems(path))
    assert "500101199001011234" not in text and "13800000000" not in text
    assert text == (f"{path},第 2 行,字段“district”:值(形如身份证号的值,已隐去)不是有效的区县;"
                    "应为:记录所在区县(38 个区县之一)的标准名称、常用简称或 6 位行政区划代码,如 万州区、万州、500101\n"
                    f"{path},第 3 行,字段“event”:值(形如手机号的值,已隐去)不是有效的登记类型;"
                    "应为:就业登记、失业登记、登记注销、失业登记注销、期初在册")


def test_settings_errors_name_file_entry_and_field(tmp_path):
    import yaml

    raw = yaml.safe_load(R.SETTINGS_FILE.read_text(encoding="utf-8"))
    raw["alerts"]["rules"][1]["min_count"] = 2
    raw["key_industries"].append("Z")
    path = tmp_path / "monitoring.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError) as err:
        R.load_settings(path)
    assert [str(p) for p in err.value.problems] == [
        f"{path},key_industries:“Z”不是 industries 中的门类;应为:industries 中的门类字母",
        f"{path},alerts.rules[1] (id=inflow_yoy),字段“min_count”:min_count 为 2,低于公布阈值 5;"
        "应为:不小于 disclosure.threshold 的整数(小于阈值的人数不公布,也不据以预警)",
    ]


def test_monitor_check_command(tmp_path, capsys):
    good = write_csv(tmp_path / "registers.csv", REGISTER_HEADER, reg(["p1", "万州区", "就业登记", "2026-10-08", "C", ""]))
    assert main(["monitor", "check", str(good)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{good}:就业失业登记,1 条记录,2026-10-08 至 2026-10-08,通过"
    bad = write_csv(tmp_path / "bad.csv", REGISTER_HEADER, reg(["p1", "万州区", "就业登记", "2026-10-99", "C", ""]))
    assert main(["monitor", "check", str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "发现 1 个问题:"
    assert err[1].startswith(f"  {bad},第 2 行,字段“event_date”:日期“2026-10-99”")


# ---------------------------------------------------------------- the bulletin end to end


@pytest.fixture(scope="module")
def bulletin(tmp_path_factory):
    """SYNTHETIC files (with identifier columns) → planlib monitor run → planlib build of monthly-2026-10 in a
    throwaway project (the repository's manifest and data/raw are never touched)."""
    from tests.conftest import make_project

    mp = pytest.MonkeyPatch()
    base = tmp_path_factory.mktemp("monthly")
    files = write_all(base / "records", "small")
    root = make_project(base, mp, [{"id": "monthly-2026-10", "notebook": "notebooks/monthly.ipynb"}])
    code = main(["monitor", "run", "--month", "2026-10", "--registers", str(files["registers"]),
                 "--enterprises", str(files["enterprises"]), "--postings", str(files["postings"])])
    assert code == 0
    code = main(["build", "--only", "monthly-2026-10", "--engine", "offline", "--quiet"])
    yield root, files, code
    mp.undo()


def identifier_strings(files: dict[str, Path]) -> set[str]:
    """Every identifier value in the input files: person ids, names, phone numbers, enterprise names, credit codes."""
    con = duckdb.connect()
    found: set[str] = set()
    for path, columns in ((files["registers"], ["person_id", "姓名", "手机号"]), (files["enterprises"], ["企业名称", "统一社会信用代码"]),
                          (files["postings"], ["姓名", "联系电话"])):
        for column in columns:
            found |= {r[0] for r in con.execute(f"SELECT DISTINCT \"{column}\" FROM read_csv('{path}', all_varchar=true)").fetchall() if r[0]}
    return found


def test_bulletin_is_built_with_the_monthly_title_and_synthetic_warning(bulletin):
    root, _, code = bulletin
    assert code == 0
    site = root / "reports" / "_site"
    html = (site / "monthly-2026-10.html").read_text(encoding="utf-8")
    assert "2026年10月就业监测简报" in html and "监测月份:2026年10月" in html
    assert "本简报由合成测试数据（SYNTHETIC）生成" in html
    assert (site / "monthly-2026-10" / "figures" / "heat-map-2026-10.png").is_file()
    assert (site / "monthly-2026-10" / "figures" / "industry-climate-2026-10.png").is_file()
    assert sorted(p.name for p in (site / "monthly-2026-10" / "tables").glob("*.csv")) == [
        "district-market.csv", "district-registers.csv", "heat-index-monthly.csv", "industry-climate.csv",
        "key-groups.csv", "monitoring-alerts.csv"]
    assert "2026年10月" in (site / "index.html").read_text(encoding="utf-8")


def test_no_identifier_reaches_any_output(bulletin):
    root, files, _ = bulletin
    secrets_ = identifier_strings(files)
    assert len(secrets_) > 1000
    texts = {}
    for path in [*(root / "data" / "monitoring").rglob("*"), *(root / "reports" / "_site").rglob("*")]:
        if path.suffix in (".csv", ".json", ".html"):
            texts[str(path)] = path.read_text(encoding="utf-8")
    if shutil.which("pdftotext"):
        pdf = root / "reports" / "_site" / "monthly-2026-10.pdf"
        texts[str(pdf)] = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "合成测试数据" in texts[str(pdf)]
    assert len(texts) >= 15
    leaks = [(name, s) for name, text in texts.items() for s in secrets_ if s in text]
    assert leaks == []
