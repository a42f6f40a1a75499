"""Commentary files: shape errors, live references, the digit rule, the safe Markdown subset, the skeleton."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planlib.errors import DataError
from planlib.inputs.commentary import read_commentary
from planlib.sections.commentary import STYLE

FIXTURE = Path(__file__).parent / "fixtures" / "commentary" / "annual-2024.md"  # the sample (synthetic authors)
HEAD = "---\nauthors: 甲\ndate: 2026-11-30\n---\n# 摘要\n"
PLACES = ["摘要", "就业创业", "社会保障", "技能人才队伍发展", "存在问题", "下一步建议"]


@pytest.fixture(scope="module")
def ctx():
    import planlib.sections.report as R

    return R.context(as_of=2024, report_kind="annual")


def _read(tmp_path: Path, text: str):
    path = tmp_path / "c.md"
    path.write_text(text, encoding="utf-8")
    return read_commentary(path, PLACES, name="c.md")


def _error(tmp_path: Path, text: str) -> str:
    with pytest.raises(DataError) as info:
        _read(tmp_path, text)
    return str(info.value)


def test_the_places_of_a_report_come_from_the_plan(ctx):
    from planlib.sections.commentary import places

    assert places(ctx) == PLACES


@pytest.mark.parametrize(("text", "message"), [
    ("# 摘要\n文字\n",
     "c.md,第 1 行:缺少开头的“---”(作者和日期);应为:文件以 ---、authors: …、date: YYYY-MM-DD、--- 四行开头"),
    ("---\nauthors: [甲]\ndate: 2026-11-30\n# 摘要\n",
     "c.md,第 1 行:开头的作者和日期没有以“---”结束;应为:在 date 行之后写一行 ---"),
    ("---\ndate: 2026-11-30\n---\n# 摘要\n文字\n",
     "c.md,第 1 行,字段“authors”:缺少作者;应为:至少一位作者，如 authors: [张三, 李四]"),
    ("---\nauthors: []\ndate: 2026-11-30\n---\n",
     "c.md,第 2 行,字段“authors”:缺少作者;应为:至少一位作者，如 authors: [张三, 李四]"),
    ("---\nauthors: [甲]\n---\n", "c.md,第 1 行,字段“date”:缺少日期;应为:YYYY-MM-DD，如 2026-11-30"),
    ("---\nauthors: 甲\ndate: 2026-02-30\n---\n",
     "c.md,第 3 行,字段“date”:日期“2026-02-30”无效;应为:YYYY-MM-DD 格式的真实日期，如 2026-11-30"),
    ("---\nauthors: 甲\ndate: 30.11.2026\n---\n",
     "c.md,第 3 行,字段“date”:日期“30.11.2026”无效;应为:YYYY-MM-DD 格式的真实日期，如 2026-11-30"),
    ("---\nauthors: 甲\ndate: 2026-11-30\ntitle: x\n---\n", "c.md,第 4 行:未知的项“title”;应为:authors、date"),
    ("---\nauthors: 甲\ndate: 2026-11-30\n---\n\n# 摘要\n\n文字\n\n# 结论\n\n文字\n",
     "c.md,第 10 行:未知的位置“结论”;应为:摘要、就业创业、社会保障、技能人才队伍发展、存在问题、下一步建议"),
    ("---\nauthors: 甲\ndate: 2026-11-30\n---\n# 摘要\n# 摘要\n", "c.md,第 6 行:位置“摘要”写了两次;应为:每个位置只写一次"),
    ("---\nauthors: 甲\ndate: 2026-11-30\n---\n前言\n更多\n# 摘要\n",
     "c.md,第 5 行:正文写在了第一个位置标题之前;应为:先写位置标题，如“# 摘要”"),
])  # fmt: skip
def test_shape_errors_name_file_and_line(tmp_path, text, message):
    assert _error(tmp_path, text) == message


def test_authors_date_and_places_are_read(tmp_path):
    found = _read(tmp_path, "---\nauthors: [张三, 李四]\ndate: 2026-11-30\n---\n\n# 存在问题\n\n甲\n乙\n\n# 摘要\n丙\n")
    assert found.authors == ("张三", "李四")
    assert str(found.date) == "2026-11-30"
    assert list(found.places) == ["存在问题", "摘要"]
    assert found.places["存在问题"].lines == ((7, ""), (8, "甲"), (9, "乙"), (10, ""))
    assert found.places["摘要"].line == 11


def _render(ctx, tmp_path: Path, body: str) -> str:
    from planlib.sections.commentary import render

    return render(_read(tmp_path, HEAD + body + "\n"), ctx)["摘要"]


def _render_error(ctx, tmp_path: Path, body: str) -> str:
    with pytest.raises(DataError) as info:
        _render(ctx, tmp_path, body)
    return str(info.value)


# the real annual-2024 assessment: 城镇新增就业 2021–2024 sum 291.57 万人 of a 300 target (97.2%, 序时进度
# 4/5 = 80.0%), 2024 71.9 against 73.9 in 2023; 城镇调查失业率 5.3% in 2024, 5.4% in 2023; remaining pace
# (300 − 291.57) / 1 = 8.43 万人/年
@pytest.mark.parametrize(("body", "shown"), [
    ("{{cumulative urban_new_jobs}}", "291\\.57万人"), ("{{completion urban_new_jobs}}", "97\\.2\\%"),
    ("{{status urban_new_jobs}}", "达到序时进度、预计可超额完成"), ("{{time_progress}}", "80\\.0\\%"),
    ("{{latest 城镇新增就业}}", "71\\.9万人"), ("{{latest_year urban_new_jobs}}", "2024年"),
    ("{{value urban_new_jobs 2023}}", "73\\.9万人"), ("{{change urban_new_jobs}}", "减少2万人"),
    ("{{change surveyed_unemployment_rate}}", "下降0\\.1个百分点"),
    ("{{target surveyed_unemployment_rate}}", "\\<5\\.5\\%（每年）"),
    ("{{required_pace urban_new_jobs}}", "8\\.43 万人\\/年"), ("{{name urban_new_jobs}}", "城镇新增就业"),
    ("{{latest work_injury_insurance_enrolment | 或数据暂缺}}", "数据暂缺"),
    ("{{district 万州区 gdp 2024}}", "1\\,222\\.36亿元"),
    ("到2025年", "到2025年"),
])  # fmt: skip
def test_references_are_filled_like_the_tables(ctx, tmp_path, body, shown):
    assert _render(ctx, tmp_path, body).split("\n")[3] == f"> {shown}"


KINDS = "name、latest、latest_year、cumulative、completion、status、target、required_pace、time_progress、value、district、change、national"


@pytest.mark.parametrize(("body", "message"), [
    ("{{latest foo}}", "引用的指标“foo”不在规划中;应为:规划指标或目标的编号或名称（planlib plan -v 列出）"),
    ("{{foo urban_new_jobs}}", f"未知的引用类型“foo”;应为:{KINDS}"),
    ("{{value urban_new_jobs 2025}}", "引用的年份 2025 晚于本报告的评估年份 2024;应为:2024 年或更早"),
    ("{{latest work_injury_insurance_enrolment}}",
     "“{{latest work_injury_insurance_enrolment}}”在本报告中没有数值（数据暂缺）;"
     "应为:换用有数据的引用，或写作“{{latest work_injury_insurance_enrolment | 或数据暂缺}}”"),
    ("{{national work_injury_insurance_enrolment}}",
     "“{{national work_injury_insurance_enrolment}}”在本报告中没有数值（数据暂缺）;"
     "应为:换用有数据的引用，或写作“{{national work_injury_insurance_enrolment | 或数据暂缺}}”"),
    ("{{latest x | 或者}}", "引用“{{latest x | 或者}}”中“|”后的“或者”无法识别;应为:“| 或数据暂缺”或不写"),
    ("{{}}", f"空的引用“{{{{}}}}”;应为:{{{{类型 指标}}}}，类型为{KINDS}"),
    ("{{value urban_new_jobs}}", "引用“{{value urban_new_jobs}}”的参数个数不对;应为:{{value 序列 年份}}"),
    ("{{value urban_new_jobs 20x3}}", "“20x3”不是年份;应为:四位数的年份，如 2023"),
    ("{{district 某区 gdp 2024}}", "“某区”不是区县名称;应为:区县的正式名称，如 万州区"),
    ("{{cumulative surveyed_unemployment_rate}}", "“城镇调查失业率”不是五年累计指标，没有累计值;应为:latest、completion 等引用"),
    ("就业增加了12万人", "正文中直接写了数字“12”;应为:用引用填入数字，如 {{latest urban_new_jobs}}；只有规划期年份（2020—2025）可以直接写"),
    ("{{latest urban_new_jobs", "引用的“{{”和“}}”没有配对;应为:{{类型 指标}}，写在同一行"),
    ("2019年", "正文中直接写了数字“2019”;应为:用引用填入数字，如 {{latest urban_new_jobs}}；只有规划期年份（2020—2025）可以直接写"),
    ("增长３.５%", "正文中直接写了数字“３.５”;应为:用引用填入数字，如 {{latest urban_new_jobs}}；只有规划期年份（2020—2025）可以直接写"),
])  # fmt: skip
def test_reference_and_digit_errors_name_file_and_line(ctx, tmp_path, body, message):
    assert _render_error(ctx, tmp_path, body) == f"c.md,第 6 行:{message}"


def test_every_problem_of_a_file_is_reported_at_once(ctx, tmp_path):
    message = _render_error(ctx, tmp_path, "{{latest foo}}\n\n# 存在问题\n增加了3人")
    assert message.split("\n") == [
        "c.md,第 6 行:引用的指标“foo”不在规划中;应为:规划指标或目标的编号或名称（planlib plan -v 列出）",
        "c.md,第 9 行:正文中直接写了数字“3”;应为:用引用填入数字，如 {{latest urban_new_jobs}}；只有规划期年份（2020—2025）可以直接写",
    ]  # fmt: skip


def test_markup_in_commentary_stays_text_except_the_safe_subset(ctx, tmp_path):
    body = "<b>x</b> [a](http://x) **粗{{status urban_new_jobs}}** *斜* `c` $x$ #let\n\n- 甲\n  续\n- 乙"
    out = _render(ctx, tmp_path, body)
    assert out == (
        f'::: {{.commentary style="{STYLE}"}}\n'
        "> **分析意见**（撰写：甲；2026年11月30日）\n>\n"
        "> \\<b\\>x\\<\\/b\\> \\[a\\]\\(http\\:\\/\\/x\\) **粗达到序时进度、预计可超额完成** *斜* \\`c\\` \\$x\\$ \\#let\n>\n"
        "> - 甲续\n> - 乙\n:::\n"
    )


def test_closing_places_bring_their_heading_and_a_missing_file_shows_nothing(ctx, tmp_path, monkeypatch):
    from planlib.sections.commentary import commentary

    monkeypatch.setenv("PLANLIB_ROOT", str(tmp_path))
    assert commentary(ctx, "annual-2024", "存在问题") == ""
    folder = tmp_path / "reports" / "commentary"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURE, folder / "annual-2024.md")
    assert commentary(ctx, "annual-2024", "存在问题") == (
        f'# 存在问题\n\n::: {{.commentary style="{STYLE}"}}\n'
        "> **分析意见**（撰写：样例作者甲、样例作者乙；2026年11月30日）\n>\n"
        "> - 工伤保险参保人数数据暂缺，约束性指标无法评估。\n> - 劳动年龄人口平均受教育年限数据暂缺。\n:::\n")
    assert commentary(ctx, "annual-2024", "社会保障") == ""  # a place the file leaves out
    with pytest.raises(ValueError, match="报告没有位置“结论”"):
        commentary(ctx, "annual-2024", "结论")


def test_the_sample_has_only_references_and_fills(ctx):
    from planlib.sections.commentary import render

    out = render(read_commentary(FIXTURE, PLACES, name="sample"), ctx)
    assert list(out) == ["摘要", "就业创业", "存在问题", "下一步建议"]
    assert out["摘要"].split("\n")[3] == ("> 截至2024年，城镇新增就业累计291\\.57万人，完成五年目标的97\\.2\\%，"
                                          "**达到序时进度、预计可超额完成**（序时进度80\\.0\\%）。")  # fmt: skip


def test_skeleton_command_writes_references_that_fill_and_never_overwrites(tmp_path, monkeypatch, capsys):
    from planlib.cli import main
    from planlib.sections import report
    from planlib.sections.commentary import render
    from tests.conftest import make_project

    root = make_project(tmp_path, monkeypatch, [{"id": "annual-2024", "notebook": "notebooks/annual.ipynb"}])
    target = root / "reports" / "commentary" / "annual-2024.md"
    assert main(["commentary", "annual-2024"]) == 0
    text = target.read_text(encoding="utf-8")
    body = text.split("---\n", 2)[2]  # after the front matter (whose YAML comments also start with #)
    assert [line for line in body.splitlines() if line.startswith("# ")] == [
        "# 摘要", "# 就业创业", "# 社会保障", "# 技能人才队伍发展", "# 存在问题", "# 下一步建议"]
    assert "- {{name urban_new_jobs}}在剩余年份每年须完成{{required_pace urban_new_jobs}}。" in text
    # unsigned on purpose: the file does not enter the report until someone signs it
    with pytest.raises(DataError, match="字段“authors”:缺少作者"):
        read_commentary(target, PLACES)
    target.write_text(text.replace("authors: []", "authors: [甲]"), encoding="utf-8")
    signed = target.read_bytes()
    out = render(read_commentary(target, PLACES), report.context(as_of=2024))
    assert "> - 城镇新增就业在剩余年份每年须完成8\\.43 万人\\/年。" in out["下一步建议"]
    assert main(["commentary", "annual-2024"]) == 1
    assert "已存在,未改动;加 --force 覆盖" in capsys.readouterr().err
    assert target.read_bytes() == signed
    assert main(["commentary", "annual-2024", "--force"]) == 0
    assert "authors: []" in target.read_text(encoding="utf-8")
    assert main(["commentary", "annual-1999"]) == 1
    assert "清单中没有报告“annual-1999”;应为:annual-2024 之一" in capsys.readouterr().err


def test_each_site_reads_the_commentary_beside_its_own_manifest(tmp_path, monkeypatch):
    # a user test found the national site printing the Chongqing analysts' text: the folder is per manifest
    from planlib.inputs.commentary import COMMENTARY_ENV, commentary_path
    from planlib.publish.manifest import load_manifest

    repo = Path(__file__).resolve().parents[1]
    monkeypatch.delenv("PLANLIB_ROOT", raising=False)
    monkeypatch.delenv(COMMENTARY_ENV, raising=False)
    national = load_manifest(repo / "reports" / "national" / "manifest.yaml")
    assert {r.commentary_dir for r in national.reports} == {str(repo / "reports" / "national" / "commentary")}
    assert {r.commentary_dir for r in load_manifest().reports} == {str(repo / "reports" / "commentary")}
    assert commentary_path("annual-2024") == repo / "reports" / "commentary" / "annual-2024.md"
    monkeypatch.setenv(COMMENTARY_ENV, str(tmp_path))  # as the publisher sets it for a national report
    assert commentary_path("annual-2024") == tmp_path / "annual-2024.md"
