"""Wrong numbers a tester got past check, process and build (issue 10 review), each now refused or ranked right.

Every input here is synthetic test data; the real figures compared against are in data/raw.
"""

from __future__ import annotations

import pytest

from planlib.errors import CleanError
from planlib.inputs.numbers import parse_number
from planlib.inputs.observations import revision_word


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("5 4", "“5 4”的数字中间有空白(“5 4”),无法确定是一个数还是几个数;应为:一个数字,不含空格(如 70.67);千位分隔只用逗号且每组三位(如 1,234)"),
        ("70\t67", "“70\t67”的数字中间有空白(“70\t67”),无法确定是一个数还是几个数;应为:一个数字,不含空格(如 70.67);千位分隔只用逗号且每组三位(如 1,234)"),
        ("1 2 3", "“1 2 3”的数字中间有空白(“1 2 3”),无法确定是一个数还是几个数;应为:一个数字,不含空格(如 70.67);千位分隔只用逗号且每组三位(如 1,234)"),
        ("1e309", "数值太大,超出可表示的范围:“1e309”;应为:一个数字,可带单位和修饰,如 70.67、７０．６７、1,234、约75万人、300万人以上、3—5个、5.5%、0.1个百分点、一百二十;没有数据时写 — 或 暂无"),
        ("9" * 400, "数值太大,超出可表示的范围:“" + "9" * 40 + "…(共 400 个字符)”;应为:一个数字,可带单位和修饰,如 70.67、７０．６７、1,234、约75万人、300万人以上、3—5个、5.5%、0.1个百分点、一百二十;没有数据时写 — 或 暂无"),
    ],
)  # fmt: skip
def test_spaces_between_digits_and_overflow_are_refused(cell, message):
    with pytest.raises(CleanError) as info:
        parse_number(cell)
    assert str(info.value) == message


@pytest.mark.parametrize(("cell", "value"), [("1 234", 1234.0), ("70 670", 70670.0), ("1 234.5", 1234.5),
                                             ("约 75 万人", 75.0), ("5.5 %", 5.5)])  # fmt: skip
def test_spaces_that_are_not_inside_a_number_still_pass(cell, value):
    assert parse_number(cell).value == value


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("某聚合页转载(数据未经修订)", None), ("初步核算数,待第五次全国经济普查后修订", None), ("2023年初步核算(五经普前)", None),
        ("本表为初步数,非最终核实数", None), ("初步数(经济普查后将调整)", None), ("未作修正", None), ("不是修订数", None),
        ("正在修订中", None), ("修订版待发布", None), ("预计将修订", None), ("与修订后口径不可比", None),
        ("重庆统计年鉴2025(第五次全国经济普查后修订)", "第五次全国经济普查"),
        ("根据第五次全国经济普查结果,将2023年地区生产总值修订为30614.28亿元", "第五次全国经济普查"),
        ("地区生产总值(GDP,修订值)", "修订"), ("2024年最终核实数", "最终核实"),
    ],
)  # fmt: skip
def test_revision_wording_counts_only_when_it_says_the_value_was_revised(text, word):
    assert revision_word(text) == word


def _check(tmp_path, capsys, rows: list[str]):
    from planlib.cli import main

    path = tmp_path / "user_observations.csv"
    path.write_text("indicator,year,value,unit,kind,source_title,source_url,confidence,note,published\n"
                    + "".join(r + "\n" for r in rows), encoding="utf-8")  # fmt: skip
    code = main(["check", str(path)])
    return code, capsys.readouterr().out, str(path)


def test_a_test_value_never_displaces_a_published_one(tmp_path, capsys):
    code, out, path = _check(tmp_path, capsys, [
        "城镇新增就业,2023,99.9,万人,annual,我的试算(合成测试),https://example.org/t,test,试一试,2024-06-01",
        "城镇新增就业,2022,88.8,万人,annual,某聚合页转载(数据未经修订),https://example.org/w,low,,",
    ])  # fmt: skip
    assert code == 0
    assert ("警告:冲突:城镇新增就业(urban_new_jobs)·全市·2023年:选用 73.9 万人(“新华网重庆:数读2024年重庆市政府工作报告"
            "(2023年成绩)”,data/raw/chongqing_municipal_observations.csv 第 6 行,可信度中);未选用 99.9 万人(“我的试算(合成测试)”,"
            f"{path} 第 2 行,可信度测试值)——另一条是测试值(非公布数据),测试值从不取代其他数值") in out
    assert ("未选用 88.8 万人(“某聚合页转载(数据未经修订)”," f"{path} 第 3 行,可信度低)——选用的来源可信度较高(可信度中,另一来源低)") in out


def test_a_unit_slip_is_named(tmp_path, capsys):
    # issue 20: a unit slip is refused (exit 1), no longer only warned about
    from planlib.cli import main

    path = tmp_path / "user_observations.csv"
    path.write_text("indicator,year,value,unit,kind,source_title,source_url,confidence,note,published\n"
                    "城镇新增就业,2023,70.67,人,annual,合成测试来源,https://example.org/x,high,,\n", encoding="utf-8")
    assert main(["check", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.splitlines() == [
        "发现 1 个问题:",
        f"  {path},第 2 行,字段“value”:城镇新增就业(urban_new_jobs)·全市·2023年的数值 0.007067 万人与同一序列其他数值的"
        "中位数 72.39 万人(共 6 个)相差超过 10 倍(是其 1/10243):可能是单位写错了——70.67 像是以“万人”计,而不是“人”"
        "(70.67 万人 = 70.67 万人);应为:核对原文的数值和单位;确是口径变化造成的序列断点时,在说明(note)列以“序列断点:”"
        "开头写明原因(如“序列断点:2023年起按新口径统计”)",
    ]


def test_lines_are_the_editor_lines_after_blank_lines_and_multi_line_cells(tmp_path, capsys):
    from planlib.cli import main

    path = tmp_path / "ml_observations.csv"
    path.write_text("indicator,year,value,unit,kind,source_title,source_url,confidence,note\n\n"
                    "城镇新增就业,2021,75.1,万人,annual,\"多行\n标题(合成)\",https://example.org/a,high,\n\n"
                    "城镇新增就业,2022,abc,万人,annual,公报(合成),https://example.org/a,high,\n", encoding="utf-8")  # fmt: skip
    assert main(["check", str(path)]) == 1
    assert capsys.readouterr().err.splitlines()[1].startswith(f"  {path},第 6 行,字段“value”:无法识别的数值“abc”")


def test_a_file_with_mac_line_ends_reads(tmp_path, capsys):
    from planlib.cli import main

    path = tmp_path / "cr_observations.csv"
    path.write_bytes("indicator,year,value,unit,kind,source_title,source_url,confidence,note\r"
                     "城镇新增就业,2099,xyz,万人,annual,公报(合成),https://example.org/a,high,\r".encode())  # fmt: skip
    assert main(["check", str(path)]) == 1
    assert capsys.readouterr().err.splitlines()[1].startswith(f"  {path},第 2 行,")


def test_a_misspelt_column_is_refused_and_an_undrawable_character_announced(tmp_path, capsys):
    from planlib.cli import main

    bad = tmp_path / "col_observations.csv"
    bad.write_text("indicator,year,value,unit,kind,source_title,source_url,confidence,note,publised,备注\n"
                   "城镇新增就业,2022,70.67,万人,annual,公报(合成),https://example.org/a,high,,2023-03-17,自用列\n",
                   encoding="utf-8")  # fmt: skip
    assert main(["check", str(bad)]) == 1
    assert capsys.readouterr().err.splitlines()[1] == (
        f"  {bad},字段“publised”:列名“publised”不认识,像是“published”的笔误;这一列不会被读取;"
        "应为:改为 published;其他自用的列可保留,planlib 不读")
    emoji = tmp_path / "emoji_observations.csv"
    emoji.write_text("indicator,year,value,unit,kind,source_title,source_url,confidence,note\n"
                     "城镇新增就业,2022,70.67,万人,annual,公报😀(合成),https://example.org/a,high,\n", encoding="utf-8")  # fmt: skip
    assert main(["check", str(emoji)]) == 0
    assert (f"  注意:{emoji} 第 2 行,字段“source_title”:字符 “😀”(U+1F600) 自带字体中没有,报告中无法显示,"
            "生成报告时会报错;请改用通行写法") in capsys.readouterr().out.splitlines()


def test_chinese_zero_is_a_numeral_digit_not_a_footnote():
    from planlib.inputs.numbers import digit_lookalike

    assert not digit_lookalike("〇") and digit_lookalike("①")


def test_settings_out_of_order_and_duplicate_yaml_keys_are_refused(tmp_path):
    from planlib.errors import DataError
    from planlib.indicators.assessment import load_settings

    path = tmp_path / "assessment.yaml"
    path.write_text("schedule:\n  ahead: 0.5\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_settings(path)
    assert str(info.value) == f"{path}:schedule 的界值须满足 ahead ≥ in_line ≥ broadly_in_line > 0,现为 0.5、1.0、0.95"
    path.write_text("approx_tolerance: 1.5\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_settings(path)
    assert str(info.value) == f"{path}:approx_tolerance 须在 0 与 1 之间(如 0.05),现为 1.5"
    path.write_text("schedule:\n  ahead: 1.1\n  ahead: 0.9\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_settings(path)
    assert str(info.value) == (f"{path},第 3 行:YAML 语法错误:同一层里有重复的键(后写的会覆盖先写的)(第 3 列;found duplicate "
                               "key 'ahead' (first on line 2));应为:检查该处的缩进、冒号、括号和引号")
