"""``planlib plan import``: a plan's main-indicator table read into a plan YAML draft (planlib.inputs.plan_import).

Real tables: the Hangzhou and Beijing 十五五 纲要 (data/raw/plan/hz-15th.txt, bj-15th.txt: one cell a line;
several cells a line with rows broken over lines) and the Chongqing plan (cells as ``cell |`` lines), every
row checked against values written out here from the printed table. Synthetic tables (CSV, XLSX, text,
generated here and labelled synthetic) print the same kind of table with other column orders, a 单位
column, ［］ and 〔〕 totals, merged cells and hostile cells.
"""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from planlib.cli import main
from planlib.inputs.plan import load_plan
from planlib.inputs.plan_import import import_plan, read_table
from tests.conftest import REPO

PLANS = REPO / "data" / "raw" / "plan"
HZ, BJ, CQ = PLANS / "hz-15th.txt", PLANS / "bj-15th.txt", PLANS / "chongqing-employment-14th-fyp.txt"
FIELDS = ("number", "name", "unit", "baseline", "baseline_year", "target", "comparator", "kind", "attribute")


def _rows(text: str, group: str = "indicators") -> list[tuple]:
    return [tuple(e.get(f) for f in FIELDS) for e in yaml.safe_load(text).get(group, [])]


def _ids(text: str) -> list[str]:
    return [e["id"] for e in yaml.safe_load(text)["indicators"]]


def _loads(tmp_path, text: str, name: str = "plan.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_plan(path)


# ---------------------------------------------------------------------------------------------- Hangzhou

# “十五五”时期经济社会发展主要指标 as printed (hz-15th.txt lines 194–425): 2025年预计 / 2030年目标 / 年均/累计 / 属性
HZ_INDICATORS = [
    (1, "地区生产总值（GDP）增长", "%", 5.2, 2025, 5, ">=", "annual", "预期性"),  # 5.2左右 | — | 5以上
    (2, "全员劳动生产率", "万元/人", 29.6, 2025, 35, ">=", "level", "预期性"),
    (3, "常住人口城镇化率", "%", 85, 2025, 86, ">=", "level", "预期性"),
    (4, "货物和服务贸易进出口总额占全省份额", "%", 21.5, 2024, 22, ">=", "level", "预期性"),  # 21.5（2024年）
    (5, "单位GDP建设用地使用面积", "平方米/万元", 10.04, 2025, 8.8, "<=", "level", "预期性"),  # falls: ≤
    (6, "规模以上人工智能核心产业营业收入", "亿元", 4500, 2025, 6000, ">=", "level", "预期性"),
    (7, "数字贸易额", "亿元", 3350, 2025, 5000, ">=", "level", "预期性"),
    (8, "研究与试验发展（R&D）经费支出与地区生产总值之比", "%", 4, 2025, 4.5, ">=", "level", "预期性"),
    (9, "每万人高价值发明专利拥有量", "件", 63.7, 2025, 78, ">=", "level", "预期性"),
    (10, "数字经济核心产业增加值占GDP比重", "%", 29.5, 2025, 32, ">=", "level", "预期性"),
    (11, "战略性新兴产业增加值占规模以上工业增加值比重", "%", 45.7, 2025, 47.5, ">=", "level", "预期性"),
    (12, "城镇新增就业人数", "万人", 31.4, 2025, 125, ">=", "cumulative", "预期性"),  # [125] in 年均/累计
    (12, "城镇新增就业人数", "万人", 31.4, 2025, 25, ">", "level", "预期性"),  # ＞25 in 2030年目标
    (15, "每千人口拥有医护人员数：执业医师数", "人", 4.9, 2025, 5, ">=", "level", "预期性"),
    (15, "每千人口拥有医护人员数：注册护士数", "人", 5.92, 2025, 6.02, ">=", "level", "预期性"),
    (16, "养老机构护理型床位占比", "%", 71, 2025, 75, ">=", "level", "预期性"),
    (17, "3岁以下婴幼儿入托率提高", "百分点", None, None, 5, ">=", "cumulative", "预期性"),  # — | — | [5]
    (18, "人均预期寿命", "岁", 84.18, 2025, 84.3, ">=", "level", "预期性"),
    (19, "文化及相关产业增加值", "亿元", 3600, 2025, 5000, ">=", "level", "预期性"),
    (20, "家庭可支配收入（按三口之家计算）10万—50万元群体比例", "%", None, None, None, "steady_growth", "qualitative",
     "预期性"),  # 稳步 / 提高
    (21, "城乡居民收入倍差", "", 1.62, 2025, 1.58, "~", "level", "预期性"),  # 1.58 / 左右; no unit printed
    (27, "森林覆盖率", "%", 65.7, 2025, 65, ">", "level", "约束性"),
    (29, "能源综合生产能力", "万吨标煤", 340, 2025, 400, ">=", "level", "约束性"),
]  # fmt: skip
HZ_UNASSESSED = [
    (13, "居民人均可支配收入增长", "%", None, None, None, None, None, "预期性"),  # 与经济增长同步
    (14, "劳动年龄人口平均受教育年限", "年", None, None, 12.6, None, "level", "约束性"),  # — | 12.6: no direction
    (22, "单位GDP二氧化碳排放降低", "%", None, None, None, None, None, "约束性"),
    (23, "单位GDP用水量下降率", "%", None, None, None, None, None, "约束性"),
    (24, "非化石能源占能源消费总量比重", "%", 20, 2025, None, None, None, "约束性"),
    (25, "城市细颗粒物（PM2.5）平均浓度", "微克/立方米", 29, 2025, None, None, None, "约束性"),
    (26, "优良水体比例", "%", None, None, None, None, None, "约束性"),
    (28, "粮食综合生产能力", "亿斤", 32, 2025, 32, None, "level", "约束性"),  # 32 → 32: no direction
]  # fmt: skip
PROVINCE = "目标由上级下达或另行确定，表中没有数值"
NO_DIRECTION = "未评估——目标未印比较符，又没有可比的基数，无法判断是不低于还是不高于"
NO_UNIT = "表中未印单位（名称后没有括号内的单位），须补上或确认无单位"
HZ_REVIEW = (
    ("plan:规划名称", "“杭州市国民经济和社会发展第十五个五年规划纲要”读自原文开头，须核对"),
    ("plan:发布机关", "“杭州市人民政府”读自原文开头，须核对"),
    ("plan:发布日期", "“2026-03-19”读自原文开头，须核对"),
    ("plan:region", "地区名“杭州市”取自规划名称，须与观测数据中该地区整体的名称一致"),
    ("第12项 城镇新增就业人数（第287—292行，id row_12）",
     "同一行印有两个目标（“年均/累计”栏“[125]”、“2030年目标”栏“＞25”），分别登记为两项，须核对哪一个是规划的目标"),
    ("第12项 城镇新增就业人数（第287—292行，id row_12_2）",
     "同一行印有两个目标（“年均/累计”栏“[125]”、“2030年目标”栏“＞25”），分别登记为两项，须核对哪一个是规划的目标"),
    ("第13项 居民人均可支配收入增长（第294—299行）",
     "未评估——“与经济增长同步”印在“年均/累计”栏：相对目标“同步”，planlib 只能判断是否高于参照序列，不能判断同步"),
    ("第14项 劳动年龄人口平均受教育年限（第301—306行）", NO_DIRECTION),
    ("第21项 城乡居民收入倍差（第360—366行，id row_21）", NO_UNIT),
    ("第22项 单位GDP二氧化碳排放降低（第369—374行）", f"未评估——“完成省下达目标”印在“年均/累计”栏：{PROVINCE}"),
    ("第23项 单位GDP用水量下降率（第376—381行）", f"未评估——“完成省下达目标”印在“年均/累计”栏：{PROVINCE}"),
    ("第24项 非化石能源占能源消费总量比重（第383—388行）", f"未评估——“完成省下达目标”印在“2030年目标”栏：{PROVINCE}"),
    ("第25项 城市细颗粒物（PM2.5）平均浓度（第390—395行）", f"未评估——“完成省下达目标”印在“2030年目标”栏：{PROVINCE}"),
    ("第26项 优良水体比例（第397—402行）", f"未评估——“完成省下达目标”印在“2030年目标”栏：{PROVINCE}"),
    ("第28项 粮食综合生产能力（第412—417行）", NO_DIRECTION),
)  # fmt: skip


@pytest.fixture(scope="module")
def hz():
    return import_plan(HZ, "hz-15th")


def test_hangzhou_every_row_as_printed(hz):
    assert _rows(hz.text) == HZ_INDICATORS
    assert _rows(hz.text, "unassessed") == HZ_UNASSESSED
    assert (hz.rows, hz.complete, hz.indicators, hz.unassessed) == (30, 20, 23, 8)  # 29 items, 15 in two rows
    assert hz.review == HZ_REVIEW
    assert hz.table.areas == [("经济发展", 7), ("创新驱动", 4), ("民生福祉", 10), ("绿色低碳", 6), ("安全保障", 2)]
    assert hz.table.problems == []  # every 项 count matches the rows read


def test_hangzhou_plan_loads_with_its_period_and_the_rows_to_review(hz, tmp_path):
    plan = _loads(tmp_path, hz.text)
    meta = plan.meta
    assert (meta.id, meta.title, meta.issuer, str(meta.issued)) == (
        "hz-15th", "杭州市国民经济和社会发展第十五个五年规划纲要", "杭州市人民政府", "2026-03-19")
    assert (meta.period_start, meta.period_end, meta.baseline_year) == (2026, 2030, 2025)
    assert (meta.region, meta.period_name, meta.previous_period_name, meta.subject) == ("杭州市", "十五五", "十四五",
                                                                                         "经济社会发展")
    assert meta.areas == ["经济发展", "创新驱动", "民生福祉", "绿色低碳", "安全保障"]
    assert meta.caveats == ["2025年基数为规划编制时的预计数。"]
    assert len(plan.indicators) == 23 and len(plan.unassessed) == 8
    assert "review" not in plan.indicators.columns  # the reports' frame is unchanged
    # each entry marked review: the two targets of row 12, the row without a unit and the 8 unassessed rows
    assert [where for where, _ in plan.review][:4] == ["indicators[11] 城镇新增就业人数(id=row_12)",
                                                       "indicators[12] 城镇新增就业人数(id=row_12_2)",
                                                       "indicators[20] 城乡居民收入倍差(id=row_21)",
                                                       "unassessed[0] 居民人均可支配收入增长"]
    assert len(plan.review) == 11
    assert _ids(hz.text)[:3] == ["row_01", "row_02", "urbanisation_rate"]  # series.yaml's id for 常住人口城镇化率


def test_hangzhou_rows_keep_the_printed_text_and_say_how_they_were_read(hz):
    rows = {e["id"]: e for e in yaml.safe_load(hz.text)["indicators"]}
    assert rows["row_04"]["source_text"] == "4 | 货物和服务贸易进出口总额占全省份额（%） | 21.5 | （2024年） | 22 | — | 预期性"
    assert rows["row_04"]["note"].startswith("基数“21.5（2024年）”：2024年数；")
    assert rows["row_01"]["note"] == ("基数“5.2左右”：2025年预计数（表头），约数；“5以上”印在“年均/累计”栏："
                                      "按每年须满足读取（不按五年平均值计算）。")
    assert rows["row_12"]["note"] == ("基数“31.4”：2025年预计数（表头）；“[125]”印在“年均/累计”栏：括号内为2026—2030年"
                                      "五年累计数（表注“[ ]内数据为累计”）；表中未印比较符：五年累计数按“不低于”读取。")
    assert rows["row_15_1"]["source_text"] == "15 | 每千人口拥有医护人员数 | 执业医师数（人） | 4.9 | 5.0 | — | 预期性"
    assert rows["row_15_2"]["source_text"] == "15 | 每千人口拥有医护人员数 | 注册护士数（人） | 5.92 | 6.02 | — | 预期性"
    unassessed = yaml.safe_load(hz.text)["unassessed"]
    assert unassessed[0]["note"] == "“2025年预计”栏印为“与经济增长基本同步”（不是数值，不作基数）。"
    assert hz.text.startswith("# 本文件由 planlib plan import 从 hz-15th.txt（SHA-256 ")
    assert "是未经复核的初稿：\n# 使用前必须逐行与原表核对。" in hz.text


# The same table as an analyst pastes it from Word into a spreadsheet (cells copied from the printed table):
# 指标名称 over two columns for item 15, 类别 and 序号 printed once (blank below in a CSV, merged in XLSX)
HZ_PASTED = [
    ["经济发展（7项）", "1", "地区生产总值（GDP）增长（%）", "", "5.2左右", "—", "5以上", "预期性"],
    ["", "2", "全员劳动生产率（万元/人）", "", "29.6", "35", "—", "预期性"],
    ["", "3", "常住人口城镇化率（%）", "", "85", "86", "—", "预期性"],
    ["", "4", "货物和服务贸易进出口总额占全省份额（%）", "", "21.5（2024年）", "22", "—", "预期性"],
    ["", "5", "单位GDP建设用地使用面积（平方米/万元）", "", "10.04", "8.8", "—", "预期性"],
    ["", "6", "规模以上人工智能核心产业营业收入（亿元）", "", "4500", "6000", "—", "预期性"],
    ["", "7", "数字贸易额（亿元）", "", "3350", "5000", "—", "预期性"],
    ["创新驱动（4项）", "8", "研究与试验发展（R&D）经费支出与地区生产总值之比（%）", "", "4左右", "4.5", "—", "预期性"],
    ["", "9", "每万人高价值发明专利拥有量（件）", "", "63.7", "78", "—", "预期性"],
    ["", "10", "数字经济核心产业增加值占GDP比重（%）", "", "29.5", "32", "—", "预期性"],
    ["", "11", "战略性新兴产业增加值占规模以上工业增加值比重（%）", "", "45.7", "47.5", "—", "预期性"],
    ["民生福祉（10项）", "12", "城镇新增就业人数（万人）", "", "31.4", "＞25", "[125]", "预期性"],
    ["", "13", "居民人均可支配收入增长（%）", "", "与经济增长基本同步", "—", "与经济增长同步", "预期性"],
    ["", "14", "劳动年龄人口平均受教育年限（年）", "", "—", "12.6", "—", "约束性"],
    ["", "15", "每千人口拥有医护人员数", "执业医师数（人）", "4.9", "5.0", "—", "预期性"],
    ["", "", "", "注册护士数（人）", "5.92", "6.02", "—", "预期性"],
    ["", "16", "养老机构护理型床位占比（%）", "", "71", "75", "—", "预期性"],
    ["", "17", "3岁以下婴幼儿入托率提高（百分点）", "", "—", "—", "[5]", "预期性"],
    ["", "18", "人均预期寿命（岁）", "", "84.18", "84.3", "—", "预期性"],
    ["", "19", "文化及相关产业增加值（亿元）", "", "3600", "5000", "—", "预期性"],
    ["", "20", "家庭可支配收入（按三口之家计算）10万—50万元群体比例（%）", "", "—", "稳步提高", "—", "预期性"],
    ["", "21", "城乡居民收入倍差", "", "1.62", "1.58左右", "—", "预期性"],
    ["绿色低碳（6项）", "22", "单位GDP二氧化碳排放降低（%）", "", "—", "—", "完成省下达目标", "约束性"],
    ["", "23", "单位GDP用水量下降率（%）", "", "—", "—", "完成省下达目标", "约束性"],
    ["", "24", "非化石能源占能源消费总量比重（%）", "", "20", "完成省下达目标", "—", "约束性"],
    ["", "25", "城市细颗粒物（PM2.5）平均浓度（微克/立方米）", "", "29", "完成省下达目标", "—", "约束性"],
    ["", "26", "优良水体比例（%）", "", "—", "完成省下达目标", "—", "约束性"],
    ["", "27", "森林覆盖率（%）", "", "65.7", "＞65", "—", "约束性"],
    ["安全保障（2项）", "28", "粮食综合生产能力（亿斤）", "", "32", "32", "—", "约束性"],
    ["", "29", "能源综合生产能力（万吨标煤）", "", "340", "400", "—", "约束性"],
]  # fmt: skip
HZ_HEADER = ["类别", "序号", "指标名称", "", "2025年预计", "2030年目标", "年均/累计", "属性"]
HZ_GIVEN = {"title": "杭州市国民经济和社会发展第十五个五年规划纲要", "issuer": "杭州市人民政府", "region": "杭州市"}


def _hz_reasons() -> list[str]:
    return [why for where, why in HZ_REVIEW if where.startswith("第")]


def test_hangzhou_table_pasted_as_csv_reads_as_the_text(tmp_path, hz):
    import csv
    import datetime as dt

    path = tmp_path / "hz-table.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([["“十五五”时期经济社会发展主要指标"], HZ_HEADER, *HZ_PASTED, ["备注：[ ]内数据为累计数。"]])
    result = import_plan(path, "hz-15th", issued=dt.date(2026, 3, 19), **HZ_GIVEN)
    assert _rows(result.text) == HZ_INDICATORS and _rows(result.text, "unassessed") == HZ_UNASSESSED
    assert _ids(result.text) == _ids(hz.text)
    assert [why for _, why in result.review] == _hz_reasons()  # the title, issuer, date and region were given
    assert result.review[0][0] == "第12项 城镇新增就业人数（第14行，id row_12）"
    assert (result.rows, result.complete) == (hz.rows, hz.complete)


def test_hangzhou_table_pasted_into_excel_with_merged_cells_reads_as_the_text(tmp_path, hz):
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["“十五五”时期经济社会发展主要指标"])
    sheet.append(HZ_HEADER)
    for row in HZ_PASTED:  # numbers as Excel stores them once pasted
        sheet.append([float(c) if re.fullmatch(r"\d+(\.\d+)?", c) else c for c in row])
    sheet.merge_cells("C2:D2")  # 指标名称 over two columns
    first = 3
    for top, size in ((0, 7), (7, 4), (11, 10), (22, 6), (28, 2)):  # 类别 over its rows
        sheet.merge_cells(f"A{first + top}:A{first + top + size - 1}")
    sheet.merge_cells(f"B{first + 14}:B{first + 15}")  # 序号 15 and its common name over the two sub-rows
    sheet.merge_cells(f"C{first + 14}:C{first + 15}")
    sheet.append(["备注：[ ]内数据为累计数。"])
    path = tmp_path / "hz-table.xlsx"
    book.save(path)
    result = import_plan(path, "hz-15th", issued=dt.date(2026, 3, 19), **HZ_GIVEN)
    assert _rows(result.text) == HZ_INDICATORS and _rows(result.text, "unassessed") == HZ_UNASSESSED
    assert [why for _, why in result.review] == _hz_reasons()
    assert result.table.areas == hz.table.areas and result.table.bracket_note == "[ ]内数据为累计"


# ----------------------------------------------------------------------------------------------- Beijing

# 类别 / 序号 / 指标 / 2025年 / 2030年目标 / 属性; 【】 five-year totals, ∗ 预计数 (bj-15th.txt lines 523–614)
BJ_INDICATORS = [
    (1, "全社会研究与试验发展经费支出占地区生产总值比重", "%", 6, 2025, 6, ">", "level", "预期性"),  # 6左右∗ >6
    (2, "每万人口高价值发明专利拥有量", "件", 180.7, 2025, 240, "~", "level", "预期性"),
    (3, "地区生产总值年均增速", "%", 5.4, 2025, 4.5, "range", "annual", "预期性"),  # 4.5-5,努力争取更好结果
    (4, "全员劳动生产率", "万元/人", 46.5, 2025, 58, "~", "level", "预期性"),  # >46.5∗
    (5, "数字经济增加值年均增速", "%", 8.7, 2025, 8, "~", "annual", "预期性"),
    (6, "城市副中心和平原新城地区生产总值年均增速", "%", None, None, 5, ">", "annual", "预期性"),
    (7, "轨道交通站点500米范围人口和岗位覆盖率", "%", 23.86, 2025, 25.7, ">=", "level", "预期性"),
    (8, "生产生活用水总量", "亿立方米", 25.02, 2025, 30, "<", "level", "约束性"),
    (9, "城乡建设用地规模", "平方公里", 2760, 2025, 2760, "<", "level", "约束性"),  # <2760∗ <2760
    (10, "常住人口规模", "万人", 2180, 2025, 2300, "<=", "level", "约束性"),
    (11, "绿色经济重点产业收入年均增速", "%", None, None, 6, "~", "annual", "预期性"),
    (13, "彩化率", "%", 23.2, 2025, 24.2, ">=", "level", "约束性"),
    (17, "北京口岸出入境人数占全国比重", "%", 3.08, 2025, 3.8, "~", "level", "预期性"),
    (18, "实际利用外资规模", "亿美元", 68.7, 2025, 350, "~", "cumulative", "预期性"),  # 【350左右】
    (19, "服务贸易年均增速", "%", 4.9, 2025, 5, "~", "annual", "预期性"),
    (20, "外资研发中心数量", "家", 332, 2025, 500, "~", "level", "预期性"),
    (22, "城镇调查失业率", "%", 4.1, 2025, 5, "<", "level", "预期性"),
    (23, "养老机构护理型床位占比", "%", 68, 2025, 73, ">=", "level", "预期性"),
    (24, "3岁以下婴幼儿入托率提高", "百分点", None, None, 15, "~", "cumulative", "预期性"),  # 【15左右】
    (25, "生活垃圾回收利用率", "%", 43, 2025, 46, ">", "level", "约束性"),
    (26, "人均接受文化场馆服务次数", "次", 6.691, 2025, 8.5, ">", "level", "预期性"),
    (27, "单位地区生产总值生产安全事故死亡率", "人/百亿元", 0.6, 2025, 0.6, "<", "level", "约束性"),
    (28, "十万常住人口火灾死亡率", "", 0.25, 2025, 0.25, "<=", "level", "预期性"),
    (29, "食品药品安全：食品安全抽检合格率", "%", 98.5, 2025, 98.7, ">", "level", "约束性"),  # 属性 shared
    (29, "食品药品安全：药品抽检合格率", "%", 99, 2025, 99, ">", "level", "约束性"),
]  # fmt: skip
BJ_UNASSESSED = [
    (12, "细颗粒物年均浓度", "微克/立方米", 27, 2025, None, None, None, "约束性"),  # 达到国家要求
    (14, "优良水体比例", "%", None, None, None, None, None, "约束性"),
    (15, "单位地区生产总值二氧化碳排放降幅", "%", None, None, None, None, None, "约束性"),
    (16, "非化石能源占能源消费总量比重", "%", None, None, None, None, None, "约束性"),
    (21, "全市居民人均可支配收入年均增速", "%", 4.4, 2025, None, None, None, "预期性"),  # 与经济增长同步
]  # fmt: skip
NATIONAL = "目标由上级下达或另行确定，表中没有数值"
BJ_REVIEW = (
    ("plan:规划名称", "“北京市国民经济和社会发展第十五个五年规划纲要”读自原文开头，须核对"),
    ("plan:发布机关", "“北京市人民代表大会”读自原文开头，须核对"),
    ("plan:发布日期", "“2026-01-29”读自原文开头，须核对"),
    ("plan:region", "地区名“北京市”取自规划名称，须与观测数据中该地区整体的名称一致"),
    ("第12项 细颗粒物年均浓度（第558—561行）", f"未评估——“达到国家要求”印在“2030年目标”栏：{NATIONAL}"),
    ("第14项 优良水体比例（第563—566行）", f"未评估——“达到国家要求”印在“2030年目标”栏：{NATIONAL}"),
    ("第15项 单位地区生产总值二氧化碳排放降幅（第567—571行）",
     f"未评估——“完成经国家审核衔接后确定的目标”印在“2030年目标”栏：{NATIONAL}"),
    ("第16项 非化石能源占能源消费总量比重（第572—576行）",
     f"未评估——“完成经国家审核衔接后确定的目标”印在“2030年目标”栏：{NATIONAL}"),
    ("第21项 全市居民人均可支配收入年均增速（第589—592行）",
     "未评估——“与经济增长同步”印在“2030年目标”栏：相对目标“同步”，planlib 只能判断是否高于参照序列，不能判断同步"),
    ("第28项 十万常住人口火灾死亡率（第605行，id row_28）", NO_UNIT),
)  # fmt: skip


@pytest.fixture(scope="module")
def bj():
    return import_plan(BJ, "bj-15th")


def test_beijing_every_row_as_printed(bj, tmp_path):
    assert _rows(bj.text) == BJ_INDICATORS
    assert _rows(bj.text, "unassessed") == BJ_UNASSESSED
    assert (bj.rows, bj.complete, bj.indicators, bj.unassessed) == (30, 24, 25, 5)
    assert bj.review == BJ_REVIEW
    assert bj.table.marks == {"∗": "预计数"} and bj.table.problems == []
    plan = _loads(tmp_path, bj.text)
    assert (plan.meta.issuer, str(plan.meta.issued), plan.meta.region) == ("北京市人民代表大会", "2026-01-29", "北京市")
    assert plan.meta.caveats == []  # the 2025年 column is not headed 预计: only the ∗ values are estimates


def test_beijing_details_read_from_the_cells_and_the_notes(bj):
    rows = {e["id"]: e for e in yaml.safe_load(bj.text)["indicators"]}
    assert rows["row_03"]["target_high"] == 5  # 4.5-5: a range, met from its lower end
    assert "目标另有文字“努力争取更好结果”" in rows["row_03"]["note"]
    assert rows["row_04"]["baseline_comparator"] == ">"  # >46.5∗
    assert rows["row_04"]["note"].startswith("基数“>46.5∗”：预计数（表注：带“∗”的为预计数）")
    assert rows["row_29_1"]["source_text"] == "29 食品药品安全 | 食品安全抽检合格率(%) >98.5∗ >98.7 | 约束性"
    assert rows["row_29_2"]["source_text"] == "29 食品药品安全 | 药品抽检合格率(%) >99∗ >99 | 约束性"
    assert rows["row_29_2"]["note"].startswith("“属性”栏为第29项各分行共用的一格")
    # the notes under the table name the rows without a 2025 value, and the 2025 level behind 入托率提高
    assert "表注：城市副中心和平原新城地区生产总值年均增速、绿色经济重点产业收入年均增速" in rows["row_06"]["note"]
    assert "表注：城市副中心" not in rows["row_03"]["note"]  # 地区生产总值年均增速 is only the end of that name
    assert "表注：3岁以下婴幼儿入托率提高指标为一定周期入托率提高的百分点,2025年入托率为10.14%" in rows["row_24"]["note"]
    assert rows["surveyed_unemployment_rate"]["name"] == "城镇调查失业率"


# ----------------------------------------------------------------------------- Chongqing: the hand-made YAML


def test_chongqing_import_reproduces_the_hand_made_plan_where_the_table_is_literal(tmp_path):
    result = import_plan(CQ, "cq-import", region="全市")
    imported = {e["id"]: e for e in yaml.safe_load(result.text)["indicators"]}
    hand = load_plan().indicators.set_index("id")
    assert sorted(imported) == sorted(set(hand.index) - {"labour_productivity_growth", "subsidised_vocational_training"})
    for rid, e in imported.items():
        h = hand.loc[rid]
        assert e["source_text"] == h["source_text"], rid  # the printed row, byte for byte
        keys = ("number", "name", "unit", "baseline", "baseline_year", "target", "comparator", "attribute")
        assert [e[k] for k in keys] == [None if h[k] != h[k] else h[k] for k in keys], rid  # NaN: no value
        # 610 and 750 are printed in 年均/累计 but are 2025 levels (said in the hand-made YAML): literal reading
        assert e["kind"] == ("annual" if rid.endswith("insurance_enrolment") else h["kind"]), rid
    unassessed = {u["number"]: u["reason"] for u in yaml.safe_load(result.text)["unassessed"]}
    assert unassessed == {
        6: "“高于gdp增长”印在“年均/累计”栏：相对目标，参照“gdp增长”没有对应的数据序列（series.yaml），须指定 reference",
        11: "读到2个数值单元格（【162.7】、【150】），表头有3栏（2020年、2025年、年均/累计）：单元格错位或缺失，"
            "无法确定各值属于哪一栏",  # the shifted row the hand-made YAML explains
    }
    assert imported["labour_remuneration_share"]["baseline_year"] == 2019  # 50.3*: 带*号的为2019年数据 (备注②)
    assert imported["urban_new_jobs"]["baseline_period"] == "2016-2020"  # 【362】
    assert _loads(tmp_path, result.text).meta.headline_label == "专栏1"


# ------------------------------------------------------------------------------ synthetic CSV, XLSX, text

SYNTHETIC_TITLE = "某省“十五五”就业促进规划主要指标（合成测试表，SYNTHETIC）"
# other column order (属性 before the years, target year first), a 单位 column, ［］ and 〔〕 totals, an item in
# two rows under its own row, a category printed once for its rows, a mark explained by the note
SYNTHETIC_ROWS = [
    [SYNTHETIC_TITLE, "", "", "", "", "", ""],
    ["序号", "指标名称", "属性", "单位", "2030年目标", "2025年", "类别"],
    ["1", "城镇新增就业", "预期性", "万人", "〔300〕", "［310］", "就业"],
    ["2", "城镇调查失业率", "预期性", "%", "＜5.5", "5.2", ""],
    ["3", "技能人才总量", "约束性", "万人", "不低于450", "420", "技能"],
    ["4", "高技能人才占比", "预期性", "%", "30左右", "28*", ""],
    ["5", "每千人口拥有医护人员数", "", "", "", "", ""],
    ["", "执业医师数", "预期性", "人", "5", "4.8", ""],
    ["", "注册护士数", "", "人", "6.1", "5.9", ""],
    ["6", "劳动年龄人口平均受教育年限", "约束性", "年", "12.2", "—", ""],
    ["7", "居民收入增长", "预期性", "%", "与经济增长同步", "5.1", ""],
    ["注：［］〔〕内为五年累计数；带*的为2024年数据。", "", "", "", "", "", ""],
]
SYNTHETIC_INDICATORS = [
    (1, "城镇新增就业", "万人", 310, 2025, 300, ">=", "cumulative", "预期性"),
    (2, "城镇调查失业率", "%", 5.2, 2025, 5.5, "<", "level", "预期性"),
    (3, "技能人才总量", "万人", 420, 2025, 450, ">=", "level", "约束性"),
    (4, "高技能人才占比", "%", 28, 2024, 30, "~", "level", "预期性"),
    (5, "每千人口拥有医护人员数：执业医师数", "人", 4.8, 2025, 5, ">=", "level", "预期性"),
    (5, "每千人口拥有医护人员数：注册护士数", "人", 5.9, 2025, 6.1, ">=", "level", "预期性"),
]
SYNTHETIC_UNASSESSED = [
    (6, "劳动年龄人口平均受教育年限", "年", None, None, 12.2, None, "level", "约束性"),
    (7, "居民收入增长", "%", 5.1, 2025, None, None, None, "预期性"),
]
GIVEN = {"title": "某省就业促进“十五五”规划（合成）", "issuer": "某省人民政府", "region": "全省"}


def _synthetic_csv(path):
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(SYNTHETIC_ROWS)
    return path


def test_synthetic_csv_with_other_columns_and_brackets(tmp_path):
    import datetime as dt

    result = import_plan(_synthetic_csv(tmp_path / "table.csv"), "syn-csv", issued=dt.date(2026, 2, 1), **GIVEN)
    assert _rows(result.text) == SYNTHETIC_INDICATORS
    assert _rows(result.text, "unassessed") == SYNTHETIC_UNASSESSED
    assert _ids(result.text) == ["urban_new_jobs", "surveyed_unemployment_rate", "skilled_workers_total", "row_04",
                                 "row_05_1", "row_05_2"]  # fmt: skip
    assert result.review == (
        ("第5项 每千人口拥有医护人员数：注册护士数（第9行，id row_05_2）",
         "“属性”栏空白，按同一项上一行的属性读取（复制表格时合并单元格只留第一格）"),
        ("第6项 劳动年龄人口平均受教育年限（第10行）", NO_DIRECTION),
        ("第7项 居民收入增长（第11行）",
         "未评估——“与经济增长同步”印在“2030年目标”栏：相对目标“同步”，planlib 只能判断是否高于参照序列，不能判断同步"),
    )  # fmt: skip
    rows = yaml.safe_load(result.text)["indicators"]
    assert rows[0]["baseline_period"] == "2021-2025" and rows[0]["source_text"] == (
        "1 | 城镇新增就业 | 预期性 | 万人 | 〔300〕 | ［310］ | 就业")
    assert [r["area"] for r in rows] == ["就业", "就业", "技能", "技能", "技能", "技能"]
    plan = _loads(tmp_path, result.text)
    assert (plan.meta.period_start, plan.meta.region, plan.meta.previous_period_name) == (2026, "全省", "十四五")


def test_synthetic_xlsx_with_merged_cells_and_a_two_row_header(tmp_path):
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "主要指标"
    rows = [list(r) for r in SYNTHETIC_ROWS]
    rows[1] = ["序号", "指标名称", "属性", "单位", "2030年", "2025年", "类别"]  # 目标 on a second header row
    rows.insert(2, ["", "", "", "", "目标", "", ""])
    for r in rows:
        sheet.append([float(c) if c.replace(".", "", 1).isdigit() and c != "" else c for c in r])
    # what Word's merged cells become in Excel: 类别 over its rows, 属性 over the two sub-rows (value at the top)
    sheet.merge_cells("G4:G5")
    sheet.merge_cells("G6:G12")
    sheet["C10"] = None
    sheet["C9"] = "预期性"
    sheet.merge_cells("C9:C10")
    path = tmp_path / "table.xlsx"
    book.save(path)
    result = import_plan(path, "syn-xlsx", issued=dt.date(2026, 2, 1), **GIVEN)
    assert _rows(result.text) == SYNTHETIC_INDICATORS
    assert _rows(result.text, "unassessed") == SYNTHETIC_UNASSESSED
    # a merged 属性 is the table's own: no review (the CSV's blank cell was one)
    assert [where for where, _ in result.review] == ["第6项 劳动年龄人口平均受教育年限（工作表“主要指标”第11行）",
                                                     "第7项 居民收入增长（工作表“主要指标”第12行）"]
    assert result.table.columns[4].label == "2030年目标" and result.table.columns[4].target


def test_synthetic_text_with_a_unit_column_and_no_row_numbers(tmp_path):
    text = ("某市国民经济和社会发展第十五个五年规划纲要（合成测试文本，SYNTHETIC）\n\n表1 “十五五”时期主要指标\n"
            "指标 单位 属性 2025年 2030年 累计\n"
            "城镇新增就业 万人 预期性 30 — 〔150〕\n"
            "城镇调查失业率 % 预期性 5.1 5.5以内 —\n"
            "单位GDP能耗降低 % 约束性 — — ［14］\n"
            "第二章 发展环境\n")  # fmt: skip
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    import datetime as dt

    result = import_plan(path, "syn-text", issuer="某市人民政府", issued=dt.date(2026, 1, 5))
    assert _rows(result.text) == [
        (None, "城镇新增就业", "万人", 30, 2025, 150, ">=", "cumulative", "预期性"),
        (None, "城镇调查失业率", "%", 5.1, 2025, 5.5, "<=", "level", "预期性"),
        (None, "单位GDP能耗降低", "%", None, None, 14, ">=", "cumulative", "约束性"),
    ]
    assert result.review[-1] == ("单位GDP能耗降低（第7行，id row_x03）",
                                 "五年累计数以%为单位：评估时按各年数值相加，若为累计降幅（逐年复合）须另行核对")
    assert result.review[1] == ("plan:region", "地区名“某市”取自规划名称，须与观测数据中该地区整体的名称一致")


# ------------------------------------------------------------------------------------- idempotence, CLI


def test_importing_twice_gives_the_same_bytes_and_the_cli_says_unchanged(tmp_path, capsys):
    out = tmp_path / "hz.yaml"
    assert main(["plan", "import", str(HZ), "--id", "hz-15th", "-o", str(out)]) == 0
    first = out.read_bytes()
    printed = capsys.readouterr().out
    assert printed.startswith(f"写入 {out}:“十五五”时期经济社会发展主要指标(hz-15th.txt 第194—425行),读出 30 行,"
                              "完整读出 20 行;登记 23 项目标,另 8 项未评估。\n须复核 15 处")
    assert "  第22项 单位GDP二氧化碳排放降低（第369—374行）:未评估——“完成省下达目标”" in printed
    assert main(["plan", "import", str(HZ), "--id", "hz-15th", "-o", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"未变化 {out}:")
    assert out.read_bytes() == first == import_plan(HZ, "hz-15th").text.encode("utf-8")
    copy = tmp_path / "elsewhere" / "hz-15th.txt"
    copy.parent.mkdir()
    shutil.copy(HZ, copy)
    assert import_plan(copy, "hz-15th").text.encode("utf-8") == first  # the file's name and bytes, not its folder


def test_cli_never_overwrites_another_file_without_force(tmp_path, capsys):
    out = tmp_path / "plan.yaml"
    out.write_text("# 手工修改过的文件\n", encoding="utf-8")
    assert main(["plan", "import", str(BJ), "--id", "bj-15th", "-o", str(out)]) == 1
    assert "已存在且内容不同,未改动;加 --force 覆盖" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "# 手工修改过的文件\n"
    assert main(["plan", "import", str(BJ), "--id", "bj-15th", "-o", str(out), "--force"]) == 0
    assert load_plan(out).meta.id == "bj-15th"


def test_plan_command_lists_unassessed_rows_and_what_is_still_to_review(tmp_path, capsys, hz):
    path = tmp_path / "hz.yaml"
    path.write_text(hz.text, encoding="utf-8")
    assert main(["plan", "--plan", str(path), "-v"]) == 0
    out = capsys.readouterr().out
    assert "主要指标 23 项,其他量化目标 0 项。" in out
    assert "  [主要指标表] 家庭可支配收入（按三口之家计算）10万—50万元群体比例：稳步增长" in out  # the reports' words
    assert "未评估 8 项(主要指标表中目标无法评估的行):\n  居民人均可支配收入增长:" in out
    assert "尚有 11 处待复核(review 字段):\n  indicators[11] 城镇新增就业人数(id=row_12):同一行印有两个目标" in out
    assert main(["plan", "-v"]) == 0  # the shipped plan: nothing unassessed, nothing to review
    out = capsys.readouterr().out
    assert "未评估" not in out and "待复核" not in out


# --------------------------------------------------------------------------------------- hostile input

HOSTILE = """杭州市某规划纲要（合成测试文本，SYNTHETIC）
“十五五”时期主要指标
序号 指标 2025年 2030年目标 属性
1 城镇新增就业人数(万人) 31.4 [125 预期性
2 调查失业率(%) 7①0 <5.5 预期性
3 某比率(%) 40 ∞ 预期性
4 某指数(点) 12 13 14 预期性
5 乱码指标(%) 4.1 <5
6 另一指标(%) 5△ >6 约束性
7 下降指标(%) 20 稳步下降 约束性
8 区间指标(%) 3 5-4 预期性
9 常住人口规模(万人) 1000 1100万人 预期性
10 城镇调查失业率(%) 5锟斤拷 <5.5 预期性
"""


def test_hostile_rows_are_marked_for_review_never_a_traceback(tmp_path):
    path = tmp_path / "hostile.txt"
    path.write_text(HOSTILE, encoding="utf-8")
    import datetime as dt

    result = import_plan(path, "hostile", issuer="某市人民政府", issued=dt.date(2026, 1, 1))
    reasons = {where.split("（")[0]: why for where, why in result.review if where.startswith("第")}
    assert reasons["第1项 城镇新增就业人数"] == "未评估——目标“[125”的括号不成对"
    assert reasons["第2项 调查失业率"].startswith("基数“7①0”读不出数值")
    assert reasons["第3项 某比率"] == "未评估——“∞”印在“2030年目标”栏：文字目标，没有可评估的数值"
    assert reasons["第4项 某指数"].startswith("未评估——读到3个数值单元格（12、13、14），表头有2栏")
    assert reasons["第5项 乱码指标"] == "未读到“属性”"
    assert reasons["第6项 另一指标"] == "基数带“△”，表注未说明其含义"
    assert reasons["第7项 下降指标"] == "未评估——“稳步下降”印在“2030年目标”栏：下降方向的文字目标，planlib 的定性目标只判断逐年不下降"
    assert reasons["第8项 区间指标"].startswith("未评估——目标“5-4”读不出数值")
    assert reasons["第10项 城镇调查失业率"] == "本行含有被错误转码的文字(“锟斤拷”,原字已丢失):文件曾按错误的编码打开又保存，须按原件核对"
    assert "第9项 常住人口规模" not in reasons  # 1100万人: the cell's unit is the row's, read fully
    plan = _loads(tmp_path, result.text)  # still a plan the loader accepts
    assert len(plan.indicators) + len(plan.unassessed) == 10


@pytest.mark.parametrize(("content", "message"), [
    (b"", "没有找到主要指标表"),
    ("没有表格的一段话。\n".encode(), "没有找到主要指标表"),
    ("序号 指标 2025年 2030年目标 属性\n1 某指标(%) — 完成省下达目标 约束性\n".encode(), "没有一行能读成可评估的目标"),
    (b"\xff\xfe\x00garbage\x81\x82", "编码无法识别"),
])  # fmt: skip
def test_unreadable_files_are_refused_with_a_message(tmp_path, capsys, content, message):
    path = tmp_path / "plan.txt"
    path.write_bytes(content)
    out = tmp_path / "out.yaml"
    code = main(["plan", "import", str(path), "--id", "x", "-o", str(out), "--issuer", "某", "--issued", "2026-01-01",
                 "--region", "全市", "--title", "某规划"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and message in err, err
    assert "Traceback" not in err and not out.exists()


def test_bad_options_and_file_kinds_are_refused(tmp_path, capsys):
    assert main(["plan", "import", str(HZ), "--id", "Hz 15"]) == 1
    assert "规划 id “Hz 15”不合格式" in capsys.readouterr().err
    doc = tmp_path / "plan.docx"
    doc.write_bytes(b"PK")
    assert main(["plan", "import", str(doc), "--id", "x"]) == 1
    assert "不支持“.docx”文件" in capsys.readouterr().err
    csv = _synthetic_csv(tmp_path / "t.csv")
    assert main(["plan", "import", str(csv), "--id", "x", "-o", str(tmp_path / "o.yaml")]) == 1
    assert ("文件中读不出--title（规划名称）、--issuer（发布机关）、--issued（发布日期，YYYY-MM-DD）;"
            "应为:在命令中给出：--title … --issuer … --issued …") in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["plan", "import", str(csv), "--id", "x", "--issued", "2026-13-01"])
    assert "日期应写成 YYYY-MM-DD" in capsys.readouterr().err


def test_table_reader_gives_rows_as_printed():
    table = read_table(HZ)
    assert [c.label for c in table.columns] == ["类别", "序号", "指标名称", "2025年预计", "2030年目标", "年均/累计", "属性"]
    assert table.bracket_note == "[ ]内数据为累计"
    row = next(r for r in table.rows if r.number == 21)
    assert (row.name, row.cells["baseline"], row.cells["target"], row.where) == ("城乡居民收入倍差", "1.62", "1.58左右",
                                                                               "第360—366行")


def test_a_word_table_pasted_with_its_name_over_two_columns_and_an_empty_row(tmp_path):
    """SYNTHETIC: the Hangzhou layout as Excel keeps it from Word — 指标名称 over two columns (总名称 | 分项), 序号
    and 总名称 merged over the sub-rows (blank below), tab-separated; a row with nothing filled in is kept."""
    import datetime as dt

    lines = ["类别\t序号\t指标名称\t\t2025年预计\t2030年目标\t年均/累计\t属性",
             "民生福祉（3项）\t1\t城镇新增就业人数（万人）\t\t31.4\t＞25\t[125]\t预期性",
             "\t2\t每千人口拥有医护人员数\t执业医师数（人）\t4.9\t5.0\t—\t预期性",
             "\t\t\t注册护士数（人）\t5.92\t6.02\t—\t预期性",
             "\t3\t某新指标（%）\t\t\t\t\t",
             "备注：[ ]内数据为累计数。"]  # fmt: skip
    path = tmp_path / "pasted.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_plan(path, "pasted", title="某市规划（合成）", issuer="某市人民政府", issued=dt.date(2026, 3, 1),
                         region="全市")  # fmt: skip
    assert _rows(result.text) == [
        (1, "城镇新增就业人数", "万人", 31.4, 2025, 125, ">=", "cumulative", "预期性"),
        (1, "城镇新增就业人数", "万人", 31.4, 2025, 25, ">", "level", "预期性"),
        (2, "每千人口拥有医护人员数：执业医师数", "人", 4.9, 2025, 5, ">=", "level", "预期性"),
        (2, "每千人口拥有医护人员数：注册护士数", "人", 5.92, 2025, 6.02, ">=", "level", "预期性"),
    ]
    assert _rows(result.text, "unassessed") == [(3, "某新指标", "%", None, None, None, None, None, None)]
    assert [why for _, why in result.review][-1] == "未评估——目标栏为空或“—”，表中没有目标"
    assert result.table.areas == [("民生福祉", 3)] and result.table.problems == []
    assert yaml.safe_load(result.text)["plan"]["caveats"] == ["2025年基数为规划编制时的预计数。"]


def test_mutated_tables_give_a_plan_or_a_data_error_never_anything_else(tmp_path):
    """SYNTHETIC mutations (seeded) of the real Hangzhou and Beijing tables: lines deleted, swapped, garbled."""
    import datetime as dt
    import random

    from planlib.errors import DataError
    from planlib.inputs.plan import PlanFile

    junk = ["①", "【", "】", "∗", "—", "预期性", "约束性", "12", "（7项）", "[", "<", "≥", "锟斤拷", "\ufffd",
            "2030年目标", "注:", "稳步", "x" * 80, "1.5-1", "1e400", "(%)"]  # fmt: skip
    texts = {HZ: (193, 426), BJ: (522, 615)}
    rng = random.Random(24)
    outcomes = {"plan": 0, "refused": 0}
    for _ in range(40):
        source = rng.choice(sorted(texts))
        lines = source.read_text(encoding="utf-8").splitlines()
        first, last = texts[source]
        for _ in range(rng.randint(1, 8)):
            k = rng.randint(first, last - 1)
            op = rng.random()
            if op < 0.3:
                del lines[k]
            elif op < 0.6:
                lines.insert(k, rng.choice(junk))
            elif op < 0.8:
                lines[k] += rng.choice(junk)
            else:
                j = rng.randint(first, last - 1)
                lines[k], lines[j] = lines[j], lines[k]
        path = tmp_path / "mutated.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        try:
            result = import_plan(path, "mutated", issuer="某", issued=dt.date(2026, 1, 1), region="全市", title="某规划")
        except DataError as exc:
            assert exc.problems and "mutated.txt" in str(exc)
            outcomes["refused"] += 1
            continue
        PlanFile.model_validate(yaml.safe_load(result.text))
        assert result.complete + sum(1 for where, _ in result.review if where.startswith("第")) >= result.rows // 2
        outcomes["plan"] += 1
    assert outcomes["plan"] > 30  # most mutations still leave a readable table, with the damage marked
