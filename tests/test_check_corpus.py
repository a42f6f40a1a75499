"""A corpus of bad and messy observation files through `planlib check`: a clear message for each, never a traceback.

Every file is generated here from a table (text or bytes) into a temporary folder and checked with
``planlib.cli.main(["check", path])``. Each case states the exit status and the EXACT lines printed
on stdout and stderr (``{path}`` stands for the checked file). The project root is a throwaway one
whose ``data/raw`` holds BASE (below), so comparisons with "what data/raw already holds" are exact;
"today" is fixed at 2026-06-30.

All values are TEST DATA (synthetic, labelled “测试” in their sources); URLs are placeholders. The
cases marked “shared case” are copies of the files in the project's shared ``cases/`` folder (issue
10), which the tests must not read at run time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from planlib.cli import main
from planlib.inputs import observations

TODAY = dt.date(2026, 6, 30)

# data/raw of the throwaway project: test data only
BASE = (
    "indicator,year,value,unit,kind,source_title,source_url,confidence,note\n"
    "城镇新增就业,2022,70.67,万人,annual,基准测试公报甲(测试数据),https://example.org/base-a,medium,test row\n"
    "城镇新增就业,2021,75.1,万人,annual,基准测试公报乙(测试数据),https://example.org/base-b,high,test row\n"
)
BASE_FILE = "data/raw/base_observations.csv"

H = "indicator,year,value,unit,kind,source_title,source_url,confidence,note"
HP = "indicator,year,value,unit,kind,source_title,source_url,confidence,published,note"
HD = "district,indicator,year,value,unit,period,source_title,source_url,confidence,note"


def row(value: str = "70.67", *, name: str = "城镇新增就业", year: str = "2020", unit: str = "万人", kind: str = "annual",
        title: str = "测试公报(测试数据)", confidence: str = "test", note: str = "") -> str:
    """One line of a municipal file (2020 by default: BASE has no 2020 row, so nothing conflicts)."""
    return f"{name},{year},{value},{unit},{kind},{title},https://example.org/t,{confidence},{note}"


def csv(*lines: str) -> str:
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Case:
    id: str
    data: str | bytes  # text is written as UTF-8
    code: int
    out: tuple[str, ...] = ()
    err: tuple[str, ...] = ()


def passed(rows: int, loaded: int | None = None, series: int = 1, regions: int = 1) -> str:
    loaded = rows if loaded is None else loaded
    return f"{{path}}: 通过 —— {rows} 行,载入 {loaded} 行,{series} 个序列,{regions} 个地区"


def problems(*lines: str) -> tuple[str, ...]:
    return (f"发现 {len(lines)} 个问题:", *(f"  {line}" for line in lines))


FOOTNOTE_EXPECTED = (
    "数字只用 0—9(全角数字亦可);脚注标记只能写在数值、单位和“以上”等字样之后,如 70.67①、70.67万人*、"
    "5.5%(注1),会单独记为脚注"
)
MOJIBAKE = "文件曾按错误的编码打开又保存;应为:从原始来源重新复制,保存为 UTF-8 编码的 CSV"
ENCODINGS = "UTF-8、带 BOM 的 UTF-8 或 GB18030/GBK 编码的 CSV(在 Excel 中“另存为 → CSV UTF-8(逗号分隔)”)"
FUTURE = "应为:已经结束的时期(今天是 2026-06-30);规划目标和预测值不是观测值"
DATE_EXPECTED = "应为:YYYY-MM-DD 格式的日期,如 2024-03-20;不知道发布日期时留空"


def fn_notice(line: int, value: str, marker: str) -> str:
    return f"  注意:{{path}} 第 {line} 行:数值“{value}”末尾的“{marker}”是脚注标记,已与数字分开(记入 footnote 列)"


def mojibake(line: int, field: str, detail: str) -> str:
    return f"{{path}},第 {line} 行,字段“{field}”:含有被错误转码的文字({detail}):{MOJIBAKE}"


GBK_JOBS = "城镇就业".encode().decode("gb18030")  # UTF-8 bytes read as GBK: 鍩庨晣灏变笟
GBK_TITLE = "重庆人口数据".encode().decode("gb18030")  # 閲嶅簡浜哄彛鏁版嵁
LATIN_TITLE = "公报".encode().decode("cp1252")  # UTF-8 bytes read as Windows-1252: å…¬æŠ¥

CASES = [
    # ---------------------------------------------------------------- footnote markers: split off, shown
    Case("footnote circled", csv(H, row("70.67①")), 0, (passed(1), fn_notice(2, "70.67①", "①"))),
    Case("footnote star", csv(H, row("70.67*")), 0, (passed(1), fn_notice(2, "70.67*", "*"))),
    Case("footnote dagger", csv(H, row("70.67†")), 0, (passed(1), fn_notice(2, "70.67†", "†"))),
    Case("footnote 注1", csv(H, row("70.67注1")), 0, (passed(1), fn_notice(2, "70.67注1", "注1"))),
    Case("footnote [1]", csv(H, row("70.67[1]")), 0, (passed(1), fn_notice(2, "70.67[1]", "[1]"))),
    Case("footnote （注①）", csv(H, row("70.67（注①）")), 0, (passed(1), fn_notice(2, "70.67（注①）", "（注①）"))),
    Case("footnote after unit", csv(H, row("70.67万人¹")), 0, (passed(1), fn_notice(2, "70.67万人¹", "¹"))),
    Case("footnote subscript", csv(H, row("70.67₁")), 0, (passed(1), fn_notice(2, "70.67₁", "₁"))),
    Case("footnote two markers", csv(H, row("70.67①*")), 0, (passed(1), fn_notice(2, "70.67①*", "①*"))),
    Case(  # shared case footnote_marker_observations.csv (test values)
        "shared case footnote_marker",
        csv("indicator,year,value,unit,source_title,source_url,confidence,note",
            "城镇新增就业,2023,70.67①,万人,2023年重庆市统计公报(注①见表下),https://example.gov.cn/tjgb,high,"
            "footnote marker copied with the number",
            "失业保险参保人数,2023,1234②,万人,2023年重庆市统计公报,https://example.gov.cn/tjgb,high,"),
        0, (passed(2, series=2), fn_notice(2, "70.67①", "①"), fn_notice(3, "1234②", "②")),
    ),
    # ---------------------------------------------------------------- digit look-alikes that are refused
    Case("look-alike inside", csv(H, row("7①0.5")), 1, err=problems(
        f"{{path}},第 2 行,字段“value”:“7①0.5”中的“①”是脚注或序号标记,不是数字;应为:{FOOTNOTE_EXPECTED}")),
    Case("superscript after digit", csv(H, row("70.67¹")), 1, err=problems(
        "{path},第 2 行,字段“value”:“70.67¹”中的上标“¹”紧跟在数字后,无法确定是脚注还是乘方;"
        "应为:脚注写成 70.67①、70.67* 或 70.67(注1);乘方请写出计算结果")),
    Case("fraction sign", csv(H, row("3½")), 1, err=problems(
        f"{{path}},第 2 行,字段“value”:“3½”中的“½”是分数符号,不是数字;应为:小数,如 0.5;{FOOTNOTE_EXPECTED}")),
    Case("marker before number", csv(H, row("①70.67")), 1, err=problems(
        f"{{path}},第 2 行,字段“value”:“①70.67”中的“①”是脚注或序号标记,不是数字;应为:{FOOTNOTE_EXPECTED}")),
    Case("parenthesised digit inside", csv(H, row("7⑴5")), 1, err=problems(
        f"{{path}},第 2 行,字段“value”:“7⑴5”中的“⑴”是脚注或序号标记,不是数字;应为:{FOOTNOTE_EXPECTED}")),
    Case("telegraph symbol", csv(H, row("㋀5")), 1, err=problems(
        f"{{path}},第 2 行,字段“value”:“㋀5”中的“㋀”是含数字的符号,不是数字;应为:{FOOTNOTE_EXPECTED}")),
    Case("marker only", csv(H, row("①")), 1, err=problems(
        "{path},第 2 行,字段“value”:只有脚注标记,没有数字:“①”;应为:一个数字,可带单位和修饰,如 70.67、７０．６７、"
        "1,234、约75万人、300万人以上、3—5个、5.5%、0.1个百分点、一百二十;没有数据时写 — 或 暂无")),
    Case("marker in the year", csv(H, row(year="202①")), 1, err=problems(
        "{path},第 2 行,字段“year”:时期“202①”中的“①”是脚注或序号标记,不是数字;"
        "应为:年份和时期只用 0—9(全角数字亦可);脚注写在 note 列")),
    # ---------------------------------------------------------------- encoding accidents, per cell
    Case("U+FFFD in a title", csv(H, row(title="测试公报\ufffd(测试数据)")), 1, err=problems(
        mojibake(2, "source_title", "替换字符“\ufffd”,原字已丢失"))),
    Case("锟斤拷 in a note", csv(H, row(note="锟斤拷锟斤拷 测试")), 1, err=problems(
        mojibake(2, "note", "“锟斤拷锟斤拷”,原字已丢失"))),
    Case("烫烫烫 in a title", csv(H, row(title="烫烫烫烫(测试数据)")), 1, err=problems(
        mojibake(2, "source_title", "“烫烫烫烫”,原字已丢失"))),
    Case("屯屯屯 in a note", csv(H, row(note="屯屯屯")), 1, err=problems(mojibake(2, "note", "“屯屯屯”,原字已丢失"))),
    Case("GBK mojibake in the indicator", csv(H, row(name=GBK_JOBS)), 1, err=problems(
        mojibake(2, "indicator", f"“{GBK_JOBS}”,按 UTF-8 重读是“城镇就业”"))),
    Case("GBK mojibake in two cells", csv(H, row(title=f"{GBK_TITLE}(测试)"), row(year="2019", note=GBK_TITLE)), 1,
         err=problems(mojibake(2, "source_title", f"“{GBK_TITLE}”,按 UTF-8 重读是“重庆人口数据”"),
                      mojibake(3, "note", f"“{GBK_TITLE}”,按 UTF-8 重读是“重庆人口数据”"))),
    Case("Latin-1 mojibake in one cell", csv(H, row(title=f"测试{LATIN_TITLE}")), 1, err=problems(
        mojibake(2, "source_title", f"“{LATIN_TITLE}”,按 UTF-8 重读是“公报”"))),
    Case("whole file double-encoded", csv(H, row()).encode().decode("latin-1").encode(), 1, err=problems(
        "{path}:“case_observations.csv”含有被错误转码的文字(如“å??é??æ?”):文件曾按错误的编码打开又保存;"
        "应为:从原始来源重新复制,保存为 UTF-8 编码的 CSV")),
    Case("Latin-1 file", b"indicator,year\nJos\xe9,2020\n", 1, err=problems(
        "{path}:“case_observations.csv”的编码无法识别:按 UTF-8 读在第 18 字节出错,按 GB18030/GBK 读在第 18 字节出错;"
        f"应为:{ENCODINGS}")),
    Case("UTF-16 file", csv(H, row()).encode("utf-16"), 1, err=problems(
        f"{{path}}:“case_observations.csv”是 UTF-16 编码(Excel 的“Unicode 文本”);应为:{ENCODINGS}")),
    Case("Big5 file", csv(H, row(title="統計公報測試")).encode("big5", errors="replace"), 1, err=problems(
        "{path}:“case_observations.csv”不是 UTF-8(第 71 字节处),按 GB18030/GBK 读出的是乱码(如“\ue06d穝糤碞蒃\ue5ee”),"
        f"可能是 Latin-1、Windows-1252 或 Big5 等其他编码;应为:{ENCODINGS}")),
    Case("Excel workbook", b"PK\x03\x04rest-of-zip", 1, err=problems(
        "{path}:“case_observations.csv”实际是 Excel 工作簿(.xlsx),只是扩展名为 .csv;"
        "应为:把扩展名改回 .xlsx(planlib 读 .xlsx 工作簿),或在 Excel 中“另存为 → CSV UTF-8(逗号分隔)”")),
    Case("empty file", b"\n", 1, err=problems("{path}:“case_observations.csv”是空文件;应为:第一行为表头的 CSV 文件")),
    # ---------------------------------------------------------------- plausibility per series
    Case(  # shared case negative_count_observations.csv
        "shared case negative_count",
        csv(H, "城镇新增就业,2022,-5,万人,annual,测试来源,https://example.org/a,high,"), 1, err=problems(
            "{path},第 2 行,字段“value”:数值 -5(万人)不合理:城镇新增就业(urban_new_jobs)是计数,"
            "计数、存量和金额不能为负(series.yaml measures.count);应为:不小于 0 的数值;请核对原文和单位")),
    Case("negative in another unit", csv(H, row("-50000", unit="人")), 1, err=problems(
        "{path},第 2 行,字段“value”:数值 -50000(人,即 -5 万人)不合理:城镇新增就业(urban_new_jobs)是计数,"
        "计数、存量和金额不能为负(series.yaml measures.count);应为:不小于 0 的数值;请核对原文和单位")),
    Case("negative stock", csv(H, row("-1", name="失业保险参保人数", kind="year_end")), 1, err=problems(
        "{path},第 2 行,字段“value”:数值 -1(万人)不合理:失业保险参保人数(unemployment_insurance_enrolment)是存量,"
        "计数、存量和金额不能为负(series.yaml measures.stock);应为:不小于 0 的数值;请核对原文和单位")),
    Case("negative amount", csv(H, row("-3", name="地区生产总值", unit="亿元")), 1, err=problems(
        "{path},第 2 行,字段“value”:数值 -3(亿元)不合理:地区生产总值(gdp)是金额,"
        "计数、存量和金额不能为负(series.yaml measures.amount);应为:不小于 0 的数值;请核对原文和单位")),
    Case("rate over 100", csv(H, row("120", name="城镇调查失业率", unit="%", kind="rate")), 1, err=problems(
        "{path},第 2 行,字段“value”:数值 120(%)不合理:城镇调查失业率(surveyed_unemployment_rate)是比率,"
        "占比和比率必须在 0 到 100 之间(series.yaml measures.rate);应为:0 到 100 之间的数值;请核对原文和单位")),
    Case("negative share", csv(H, row("-3", name="城镇就业占比", unit="%", kind="rate")), 1, err=problems(
        "{path},第 2 行,字段“value”:数值 -3(%)不合理:城镇就业占比(urban_employment_share)是占比,"
        "占比和比率必须在 0 到 100 之间(series.yaml measures.share);应为:0 到 100 之间的数值;请核对原文和单位")),
    Case("growth index typed as a rate", csv(H, row("108.4", name="GDP实际增速", unit="%", kind="rate")), 1,
         err=problems(
             "{path},第 2 行,字段“value”:数值 108.4(%)不合理:地区生产总值实际增速(gdp_real_growth)是增速,"
             "增速必须在本序列规定的 -20 到 30 之间(series.yaml series.gdp_real_growth.range);"
             "应为:-20 到 30 之间的数值;请核对原文和单位")),
    Case("range with a negative end", csv(H, row("-5—10")), 1, err=problems(
        "{path},第 2 行,字段“value”:区间下限 -5(万人)不合理:城镇新增就业(urban_new_jobs)是计数,"
        "计数、存量和金额不能为负(series.yaml measures.count);应为:不小于 0 的数值;请核对原文和单位")),
    Case("year far ahead", csv(H, row(year="2099")), 1, err=problems(
        f"{{path}},第 2 行,字段“year”:时期“2099”(2099年)尚未开始,不可能已有公布的数值;{FUTURE}")),
    Case("current year not over", csv(H, row(year="2026")), 1, err=problems(
        f"{{path}},第 2 行,字段“year”:时期“2026”(2026年)到 2026-12-31 才结束,尚未结束的时期不可能已有公布的数值;{FUTURE}")),
    Case("quarter not over", csv(H, row(year="2026年第三季度", kind="")), 1, err=problems(
        f"{{path}},第 2 行,字段“year”:时期“2026年第三季度”(2026年7—9月)尚未开始,不可能已有公布的数值;{FUTURE}")),
    Case("two problems in one row", csv(H, row("-5", year="2099")), 1, err=problems(
        "{path},第 2 行,字段“value”:数值 -5(万人)不合理:城镇新增就业(urban_new_jobs)是计数,"
        "计数、存量和金额不能为负(series.yaml measures.count);应为:不小于 0 的数值;请核对原文和单位",
        f"{{path}},第 2 行,字段“year”:时期“2099”(2099年)尚未开始,不可能已有公布的数值;{FUTURE}")),
    # ---------------------------------------------------------------- the published column
    Case("published not ISO", csv(HP, row().replace(",test,", ",test,2023/03/20,")), 1, err=problems(
        f"{{path}},第 2 行,字段“published”:发布日期“2023/03/20”不是 YYYY-MM-DD 格式;{DATE_EXPECTED}")),
    Case("published impossible day", csv(HP, row().replace(",test,", ",test,2023-02-30,")), 1, err=problems(
        f"{{path}},第 2 行,字段“published”:发布日期“2023-02-30”不存在;{DATE_EXPECTED}")),
    Case("published after today", csv(HP, row().replace(",test,", ",test,2026-07-01,")), 1, err=problems(
        "{path},第 2 行,字段“published”:发布日期 2026-07-01 晚于今天(2026-06-30),不可能已经发布;应为:已经过去的日期")),
    Case("published before the period ended", csv(HP, row().replace(",test,", ",test,2020-06-01,")), 1, err=problems(
        "{path},第 2 行,字段“published”:发布日期 2020-06-01 早于时期“2020”(2020年)的结束日 2020-12-31:"
        "时期结束前不可能公布该时期的数值;应为:该时期结束之后的日期;请核对发布日期和时期")),
    Case("published full-width digits", csv(HP, row().replace(",test,", ",test,２０２１－０３－１８,")), 0, (passed(1),)),
    # ---------------------------------------------------------------- conflicts (warnings, exit 0)
    Case("conflict within the file", csv(H, row("70.67", confidence="high", title="测试公报甲"),
                                         row("99.99", confidence="medium", title="测试公报乙")), 0, (
        passed(2),
        "  警告:同一指标、地区、时期有不同数值(文件内及与 data/raw 中已有数据比对):1 组(来源有分歧 1 组)",
        "  警告:冲突:城镇新增就业(urban_new_jobs)·全市·2020年:选用 70.67 万人(“测试公报甲”,{path} 第 2 行,可信度高);"
        "未选用 99.99 万人(“测试公报乙”,{path} 第 3 行,可信度中)——选用的来源可信度较高(可信度高,另一来源中)",
    )),
    Case(  # shared case conflicting_duplicate_observations.csv, against BASE's 70.67 (medium)
        "shared case conflicting_duplicate",
        csv(H, "城镇新增就业,2022,99.99,万人,annual,2022年重庆市国民经济和社会发展统计公报,https://example.org/dup,high,"
               "conflicting duplicate"), 0, (
            passed(1),
            "  警告:同一指标、地区、时期有不同数值(文件内及与 data/raw 中已有数据比对):1 组(来源有分歧 1 组)",
            "  警告:冲突:城镇新增就业(urban_new_jobs)·全市·2022年:选用 99.99 万人(“2022年重庆市国民经济和社会发展统计公报”,"
            "{path} 第 2 行,可信度高);未选用 70.67 万人(“基准测试公报甲(测试数据)”,data/raw/base_observations.csv 第 2 行,"
            "可信度中)——选用的来源可信度较高(可信度高,另一来源中)",
        )),
    Case("conflict decided by file order", csv(H, row("80", year="2021", confidence="high", title="测试公报丙")), 0, (
        passed(1),
        "  警告:同一指标、地区、时期有不同数值(文件内及与 data/raw 中已有数据比对):1 组(来源有分歧 1 组)",
        "  警告:冲突:城镇新增就业(urban_new_jobs)·全市·2021年:选用 75.1 万人(“基准测试公报乙(测试数据)”,"
        "data/raw/base_observations.csv 第 3 行,可信度高);未选用 80 万人(“测试公报丙”,{path} 第 2 行,可信度高)"
        "——两者可信度相同、日期无从比较,按文件中的先后顺序取在前的一条",
    )),
    Case(  # shared case census_revision_observations.csv
        "shared case census_revision",
        csv(HD,
            "万州区,地区生产总值,2023,1100.0,亿元,annual,万州区2023年国民经济和社会发展统计公报(2024-03-20),"
            "https://example.gov.cn/wz/tjgb2023,high,preliminary figure (synthetic value for the test)",
            "万州区,地区生产总值,2023,1150.0,亿元,annual,万州区2024年国民经济和社会发展统计公报(第五次全国经济普查后修订2023年数),"
            "https://example.gov.cn/wz/tjgb2024,high,2023 revised after the fifth economic census (synthetic value for the test)"),
        0, (
            passed(2),
            "  警告:同一指标、地区、时期有不同数值(文件内及与 data/raw 中已有数据比对):1 组(新版本取代旧版本 1 组)",
            "  警告:修订:地区生产总值(gdp)·万州区·2023年:选用 1150 亿元(“万州区2024年国民经济和社会发展统计公报"
            "(第五次全国经济普查后修订2023年数)”,{path} 第 3 行,可信度高);未选用 1100 亿元(“万州区2023年国民经济和社会发展统计公报"
            "(2024-03-20)”,{path} 第 2 行,可信度高)——选用的来源写明修订(“第五次全国经济普查”),另一来源没有",
        )),
    Case("later published date wins", csv(HP, row("71", confidence="high", title="初步数(测试)").replace(
        ",high,", ",high,2021-02-01,"), row("72", confidence="medium", title="年鉴(测试)").replace(
        ",medium,", ",medium,2021-09-30,")), 0, (
        passed(2),
        "  警告:同一指标、地区、时期有不同数值(文件内及与 data/raw 中已有数据比对):1 组(新版本取代旧版本 1 组)",
        "  警告:修订:城镇新增就业(urban_new_jobs)·全市·2020年:选用 72 万人(“年鉴(测试)”,{path} 第 3 行,可信度中);"
        "未选用 71 万人(“初步数(测试)”,{path} 第 2 行,可信度高)——选用的来源发布日期(2021-09-30)晚于另一来源(2021-02-01)",
    )),
    Case("same value twice is no conflict", csv(H, row("70.67", year="2022", title="测试转载")), 0, (passed(1),)),
    # ---------------------------------------------------------------- district wording
    Case(  # shared case qijiang_incl_wansheng_observations.csv
        "shared case qijiang_incl_wansheng",
        csv(HD,
            "綦江区(含万盛经开区),地区生产总值,2022,770.79,亿元,annual,2022年分区县主要经济指标(市统计局表格写法),"
            "https://example.gov.cn/tjj/qx2022,high,as published by the statistics bureau",
            "綦江(含万盛),常住人口,2022,101.2,万人,year-end,2022年分区县常住人口(市统计局),"
            "https://example.gov.cn/tjj/rk2022,high,"),
        0, (passed(2, series=2), "  注意:{path} 第 2 行:綦江区的数值含万盛经开区(includes 列)",
            "  注意:{path} 第 3 行:綦江区的数值含万盛经开区(includes 列)"),
    ),
    Case("full-width parentheses", csv(HD, "綦江区（含万盛）,常住人口,2021,101,万人,year-end,测试来源,"
                                            "https://example.org/q,test,"), 0,
         (passed(1), "  注意:{path} 第 2 行:綦江区的数值含万盛经开区(includes 列)")),
    Case("zone in the wrong district", csv(HD, "大足区(含万盛经开区),常住人口,2021,83,万人,year-end,测试来源,"
                                               "https://example.org/q,test,"), 1, err=problems(
        "{path},第 2 行,字段“district”:“大足区(含万盛经开区)”:万盛经开区不在大足区境内,大足区的数值不可能含万盛经开区"
        "(不是区县:位于綦江区境内,市统计局常以“綦江(含万盛经开区)”发布;单列的数值不得再加到綦江区上,不进入区县级表格和地图。);"
        "应为:“大足区”;万盛经开区位于綦江区境内")),
    Case("excluding wording", csv(HD, "綦江区(不含万盛),常住人口,2021,75,万人,year-end,测试来源,https://example.org/q,test,"),
         1, err=problems(
             "{path},第 2 行,字段“district”:“綦江区(不含万盛)”:括号前的名称是綦江区,括号中的“不含万盛”无法识别;"
             "应为:“綦江区”、“綦江区(含万盛经开区)”;区县名称后的括号只用于“含”某个位于该区县内的特殊功能区")),
    # ---------------------------------------------------------------- messy but valid
    Case("BOM", ("\ufeff" + csv(H, row())).encode(), 0, (passed(1),)),
    Case("GBK file", csv(H, row(title="测试公报(GBK 编码)")).encode("gbk"), 0, (passed(1),)),
    Case("full-width digits", csv(H, row("７０．６７")), 0, (passed(1),)),
    Case("trailing spaces", csv(H, row("70.67 ", title="测试公报 ", confidence="test ")), 0, (passed(1),)),
    Case("CRLF line ends", csv(H, row()).replace("\n", "\r\n").encode(), 0, (passed(1),)),
    Case("blank lines at the end", csv(H, row()) + "\n\n", 0, (passed(1),)),
    Case("km² unit", csv(H, row("3289.088km²", name="面积", unit="平方公里", kind="")), 0, (passed(1),)),
    Case(  # shared case traditional_source_title_observations.csv: the title is text, not an encoding accident
        "shared case traditional_source_title",
        csv(H, "城镇新增就业,2024,71.9,万人,annual,重慶市人力社保局發佈:2024年全市城鎮新增就業71.9萬人(繁體轉載),"
               "https://example.org/big5/2024-jobs,high,traditional-character repost (test)"), 0, (passed(1),)),
    Case(  # shared case hostile_text_observations.csv: markup is text here (shown literally by the publisher)
        "shared case hostile_text",
        csv(H, "城镇新增就业,2020,75.1,万人,annual,<script>alert(1)</script> <img src=x onerror=alert(2)> "
               "[link](javascript:alert(3)) *bold* #let x = 1 $ math $ {{ }} back\\slash \\,https://example.org/a,high,"
               "NOTE <script>alert(5)</script> #let y = 2 $ x^2 $ *bold*"), 0, (passed(1),)),
    Case("bad confidence names the vocabulary", csv(H, row(confidence="very high")), 1, err=problems(
        "{path},第 2 行,字段“confidence”:不符合要求的值“very high”;应为:high、medium、low 或 test(测试值,非公布数据)之一")),
]


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A throwaway project whose data/raw holds BASE, with today fixed at TODAY."""
    root = tmp_path / "proj"
    (root / "data" / "raw").mkdir(parents=True)
    (root / BASE_FILE).write_text(BASE, encoding="utf-8")
    monkeypatch.setenv("PLANLIB_ROOT", str(root))
    monkeypatch.setattr(observations, "_today", lambda: TODAY)
    observations._load.cache_clear()
    yield root
    observations._load.cache_clear()


def _run(capsys, path) -> tuple[int, list[str], list[str]]:
    code = main(["check", str(path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out.splitlines(), err.splitlines()


def test_corpus_is_large_and_covers_the_shared_cases():
    assert len(CASES) >= 50
    assert len({c.id for c in CASES}) == len(CASES)
    shared = {c.id.removeprefix("shared case ") for c in CASES if c.id.startswith("shared case ")}
    assert shared == {"footnote_marker", "negative_count", "conflicting_duplicate", "census_revision",
                      "qijiang_incl_wansheng", "traditional_source_title", "hostile_text"}  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_check_corpus(project, tmp_path, capsys, case):
    path = tmp_path / "in" / "case_observations.csv"
    path.parent.mkdir()
    path.write_bytes(case.data.encode("utf-8") if isinstance(case.data, str) else case.data)
    code, out, err = _run(capsys, path)
    expected_out = [line.replace("{path}", str(path)) for line in case.out]
    expected_err = [line.replace("{path}", str(path)) for line in case.err]
    assert (code, out, err) == (case.code, expected_out, expected_err)


def test_a_file_inside_data_raw_is_compared_with_the_other_raw_files(project, capsys):
    """Checking a raw file compares it with the rest of data/raw, never with itself."""
    second = project / "data" / "raw" / "second_observations.csv"
    second.write_text(csv(H, row("99", year="2022", confidence="low", title="测试公报丁")), encoding="utf-8")
    code, out, err = _run(capsys, second)
    assert (code, err) == (0, [])
    assert out == [
        "data/raw/second_observations.csv: 通过 —— 1 行,载入 1 行,1 个序列,1 个地区",
        "  警告:同一指标、地区、时期有不同数值(文件内及与 data/raw 中已有数据比对):1 组(来源有分歧 1 组)",
        "  警告:冲突:城镇新增就业(urban_new_jobs)·全市·2022年:选用 70.67 万人(“基准测试公报甲(测试数据)”,"
        "data/raw/base_observations.csv 第 2 行,可信度中);未选用 99 万人(“测试公报丁”,data/raw/second_observations.csv "
        "第 2 行,可信度低)——选用的来源可信度较高(可信度中,另一来源低)",
    ]
    code, out, err = _run(capsys, project / BASE_FILE)  # BASE itself: no row of it conflicts with itself
    assert out[0] == "data/raw/base_observations.csv: 通过 —— 2 行,载入 2 行,1 个序列,1 个地区"
    assert out[1:] == [
        "  警告:同一指标、地区、时期有不同数值(文件内及与 data/raw 中已有数据比对):1 组(来源有分歧 1 组)",
        "  警告:冲突:城镇新增就业(urban_new_jobs)·全市·2022年:选用 70.67 万人(“基准测试公报甲(测试数据)”,"
        "data/raw/base_observations.csv 第 2 行,可信度中);未选用 99 万人(“测试公报丁”,data/raw/second_observations.csv "
        "第 2 行,可信度低)——选用的来源可信度较高(可信度中,另一来源低)",
    ]


def test_broken_data_raw_is_said_not_hidden(project, tmp_path, capsys):
    """When data/raw itself does not load, check still checks the file and says it could not compare."""
    (project / "data" / "raw" / "broken_observations.csv").write_text(csv(H, row("-1")), encoding="utf-8")
    path = tmp_path / "mine_observations.csv"
    path.write_text(csv(H, row(year="2019")), encoding="utf-8")
    code, out, err = _run(capsys, path)
    assert (code, err) == (0, [])
    assert out == [
        f"{path}: 通过 —— 1 行,载入 1 行,1 个序列,1 个地区",
        "  注意:未能与 data/raw 中已有数据比对——data/raw 本身有 1 个问题(用 planlib check 逐个检查 data/raw 中的文件)",
    ]


def test_never_a_traceback_on_random_bytes(project, tmp_path, capsys):
    """Fuzz: 200 files of random bytes and random mutations of a good file all end in a message."""
    import random

    rng = random.Random(10)
    good = csv(H, row(), row("75.1", year="2019")).encode()
    for i in range(200):
        if i % 2:
            data = bytearray(good)
            for _ in range(rng.randint(1, 6)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            data = bytes(data)
        else:
            data = rng.randbytes(rng.randint(1, 300))
        path = tmp_path / f"fuzz{i}_observations.csv"
        path.write_bytes(data)
        code, out, err = _run(capsys, path)
        assert code in (0, 1), (data, out, err)
        assert (code == 0) == (not err), (data, err)
        if code == 1:
            assert err[0].startswith("发现 ") and all(line.startswith(f"  {path}") for line in err[1:]), err
