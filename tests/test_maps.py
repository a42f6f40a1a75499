"""Maps: layout and choropleth draw with the shipped fonts, say what they show, and mark missing data."""

from __future__ import annotations

import re
import warnings

import matplotlib

matplotlib.use("Agg")
import pandas as pd
import pytest

from planlib.errors import DataError
from planlib.inputs.regions import load_clusters
from planlib.presentation import maps


def _no_tofu(figure, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a matplotlib warning: fail on it
        path = figure.save(tmp_path)
    assert path.stat().st_size > 50_000


def test_layout_map(tmp_path):
    fig = maps.layout_map()
    assert fig.name == "layout-map" and "示意图" in fig.caption
    assert "主城都市区21个区" in fig.alt and "中心城区9个" in fig.alt and "主城新区12个" in fig.alt
    assert "渝东北三峡库区城镇群11个" in fig.alt and "渝东南武陵山区城镇群6个" in fig.alt
    main, inset = fig.figure.axes
    labels = {t.get_text() for t in main.texts}
    assert {"万州", "石柱", "酉阳", "北", "100 公里"} <= labels  # short names, north arrow, scale bar
    # the 9 small 中心城区 districts are labelled in the enlarged inset, not on top of each other
    central = set(load_clusters().query("subcluster == '中心城区'")["short"])
    assert central.isdisjoint(labels) and {t.get_text() for t in inset.texts} == central
    assert inset.get_title() == "中心城区（放大）"
    _no_tofu(fig, tmp_path)


def test_the_layout_inset_covers_no_district_and_its_leader_lines_cross_nothing(tmp_path):
    """On the drawn geometry: the 中心城区 inset (with its title) lies where no district is (it used to cover
    酉阳 and 秀山), and clear of the legend and the north arrow; the leader lines to 渝中 and 大渡口 cross
    neither each other nor any name, and no two names overlap."""
    from shapely.geometry import LineString, box

    from planlib.presentation.maps import _layout_frame

    fig = maps.layout_map()
    fig.save(tmp_path)
    figure = fig.figure
    figure.canvas.draw()  # every extent below from one drawing
    renderer = figure.canvas.get_renderer()
    main, inset = figure.axes
    to_map = main.transData.inverted()
    (x0, y0), (x1, y1) = to_map.transform(inset.get_tightbbox(renderer).get_points())  # frame and title
    drawn = box(x0, y0, x1, y1)
    districts = _layout_frame().set_index("short").geometry
    assert not districts.intersects(drawn).any(), list(districts.index[districts.intersects(drawn)])
    assert box(*main.get_legend().get_window_extent(renderer).extents).disjoint(
        box(*inset.get_tightbbox(renderer).extents))
    north = next(t for t in main.texts if t.get_text() == "北")
    assert box(*north.get_window_extent(renderer).extents).disjoint(box(*inset.get_tightbbox(renderer).extents))

    from matplotlib.text import Text

    names = {t.get_text(): box(*Text.get_window_extent(t, renderer).extents) for t in inset.texts}
    assert set(names) == set(load_clusters().query("subcluster == '中心城区'")["short"])
    leaders = {t.get_text(): LineString(t.arrow_patch.get_transform().transform_path(t.arrow_patch.get_path()).vertices)
               for t in inset.texts if getattr(t, "arrow_patch", None) is not None}  # fmt: skip
    assert set(leaders) == {"渝中", "大渡口"}
    assert not leaders["渝中"].intersects(leaders["大渡口"])
    for name, line in leaders.items():
        assert not any(line.intersects(other) for n, other in names.items() if n != name), name
    pairs = [(a, b) for a in names for b in names if a < b and names[a].intersects(names[b])]
    assert pairs == []
    inside = box(*inset.get_window_extent(renderer).extents)
    assert all(inside.contains(b) for b in names.values())


def test_choropleth_by_code_with_missing_districts(tmp_path):
    clusters = load_clusters()
    # SYNTHETIC values (not data): 1, 2, … for all but the last three districts
    values = pd.Series(range(1, 36), index=clusters["district_code"][:35], dtype=float)
    fig = maps.district_map(values, title="合成测试值", unit="单位", year=2022, source="合成数据(SYNTHETIC)")
    missing = clusters["short"][35:]
    assert "35个区县有数据" in fig.alt and all(name in fig.alt for name in missing)
    assert "最高为" + clusters["district"][34] in fig.alt
    texts = [t.get_text() for leg in fig.figure.axes[0].findobj(matplotlib.legend.Legend) for t in leg.get_texts()]
    assert "数据暂缺（3个）" in texts
    assert any("," in t or "." in t for t in texts)  # the class legend survives beside the 数据暂缺 legend
    _no_tofu(fig, tmp_path)


def test_choropleth_continuous_and_all_missing(tmp_path):
    values = pd.Series({"渝中区": 1.0, "万州区": 2.0})
    fig = maps.district_map(values, title="合成", unit="个", year="2020年", source="合成数据", scheme=None)
    assert "2个区县有数据" in fig.alt and fig.alt.startswith("2020年重庆市")
    with pytest.raises(ValueError, match="没有任何区县"):
        maps.district_map(pd.Series({"渝中区": float("nan")}), title="x", unit="x", year=1, source="x")


GLYPH_EXPECTED = "应为:自带字体中有的字符(可改用通行写法,或用文字说明该字)"


def test_text_from_data_is_drawn_literally_with_the_shipped_fonts(tmp_path):
    """Traditional and rare characters render (no missing-glyph warning, only the shipped font in a PDF),
    and "$ … $" in a title from data is a dollar sign, not mathtext."""
    import shutil
    import subprocess

    from matplotlib.text import Text

    clusters = load_clusters()
    values = pd.Series(range(1, 39), index=clusters["district_code"], dtype=float)  # SYNTHETIC
    title = "瀼渡鎮⑪ 成本 $ x^2 $ 重慶"  # test text
    fig = maps.district_map(values, title=title, unit="萬元", year=2022, source="重慶市統計局發佈 *粗* $a$(合成)")
    _no_tofu(fig, tmp_path)
    texts = fig.figure.findobj(Text)
    assert f"{title}（2022）" in {t.get_text() for t in texts}
    assert not any(t.get_parse_math() for t in texts)
    assert all(not t._preprocess_math(t.get_text())[1] for t in texts)  # matplotlib would not read it as maths
    if shutil.which("pdffonts"):
        fig.figure.savefig(tmp_path / "map.pdf")
        fonts = subprocess.run(["pdffonts", str(tmp_path / "map.pdf")], capture_output=True, text=True,
                               check=True).stdout
        assert {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]} == {"NotoSansSC-Regular",
                                                                                      "NotoSansSC-Bold"}  # bold title
        text = subprocess.run(["pdftotext", "-raw", str(tmp_path / "map.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "".join(f"{title}（2022）".split()) in "".join(text.split())


def test_a_figure_text_the_fonts_cannot_draw_is_named(tmp_path):
    clusters = load_clusters()
    values = pd.Series(range(1, 39), index=clusters["district_code"], dtype=float)  # SYNTHETIC
    fig = maps.district_map(values, title="测试值😀", unit="单位", year=2022, source="合成数据(SYNTHETIC)")
    with pytest.raises(DataError) as info:
        fig.save(tmp_path)
    assert str(info.value).split("\n") == [
        "图“测试值😀（2022，示意图）”,图题:字符“😀”(U+1F600)无法显示:自带字体 Noto Sans SC 中没有它的字形,"
        "PDF 和图中会成为方框(见“测试值😀（2022，示意图）”);" + GLYPH_EXPECTED,
        "图“测试值😀（2022，示意图）”,图中文字:字符“😀”(U+1F600)无法显示:自带字体 Noto Sans SC 中没有它的字形,"
        "PDF 和图中会成为方框(见“测试值😀（2022）”);" + GLYPH_EXPECTED,
    ]
    assert not (tmp_path / "district-map.png").exists()


def _census():
    from planlib import load_observations
    from planlib.inputs.regions import district_values

    return district_values(load_observations(), "resident_population", period_type="census_date")


def test_district_map_titles_itself_from_district_values():
    from planlib import load_observations
    from planlib.inputs.regions import district_values

    rate = district_values(load_observations(), "urbanisation_rate", year=2024)
    assert rate.attrs["name"] == "常住人口城镇化率" and rate.attrs["unit"] == "%" and rate.attrs["period"] == "2024年末"
    fig = maps.district_map(rate)
    assert fig.caption == "常住人口城镇化率（2024年末，示意图）"
    assert fig.figure.axes[0].get_title() == "常住人口城镇化率（2024年末）"
    assert fig.alt.startswith("2024年末重庆市各区县常住人口城镇化率分级示意图（单位：%）。38个区县有数据，")
    assert any(t.startswith("示意图。数据来源：重庆统计年鉴2025 表20-1 各区县户数和人口(2024年)。") for t in fig.texts())


def test_a_map_without_a_source_says_so():
    clusters = load_clusters()
    values = pd.Series(range(1, 39), index=clusters["district"], dtype=float, name="合成值")  # SYNTHETIC
    fig = maps.district_map(values)
    assert fig.caption == "合成值（时期未注明，示意图；来源未注明）"
    assert any(t.startswith("示意图。数据来源：来源未注明。") for t in fig.texts())
    given = maps.district_map(values, title="合成值(SYNTHETIC)", unit="个", year=2022, source="合成数据")
    assert given.caption == "合成值(SYNTHETIC)（2022，示意图）"


def test_jupyter_shows_an_embedded_image_without_pandoc_markup(tmp_path, monkeypatch):
    import base64

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLANLIB_ASSETS", raising=False)
    fig = maps.district_map(_census())
    bundle = fig._repr_mimebundle_()
    assert sorted(bundle) == ["image/png", "text/html", "text/plain"]
    png = base64.b64decode(bundle["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png == (tmp_path / "figures" / "district-map.png").read_bytes()
    html = bundle["text/html"]
    assert html.startswith('<figure class="planlib-figure" style="margin:0"><img src="data:image/png;base64,')
    assert f'alt="{fig.alt}"' in html and html.endswith("<figcaption>常住人口（2020年11月1日(普查)，示意图）</figcaption></figure>")
    assert "{#fig" not in html and "{#fig" not in bundle["text/plain"]
    assert fig._repr_png_() == png


def test_two_maps_in_one_notebook_keep_their_own_images(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLANLIB_ASSETS", "annual-2099")
    census = _census()
    first = maps.district_map(census)
    second = maps.district_map(census.rank())  # SYNTHETIC: ranks, a different image under the same name
    one = first._repr_mimebundle_()
    kept = (tmp_path / "annual-2099" / "figures" / "district-map.png").read_bytes()
    two = second._repr_mimebundle_()
    assert list(one) == ["text/markdown"] and list(two) == ["text/markdown"]
    assert one["text/markdown"].startswith(r"![常住人口（2020年11月1日\(普查\)，示意图）](annual-2099/figures/district-map.png)"
                                           "{#fig-district-map alt=")
    assert "](annual-2099/figures/district-map-2.png){#fig-district-map-2 alt=" in two["text/markdown"]
    assert (tmp_path / "annual-2099" / "figures" / "district-map.png").read_bytes() == kept  # not overwritten
    assert first.markdown() == one["text/markdown"]  # the same image again: the same file
    assert sorted(p.name for p in (tmp_path / "annual-2099" / "figures").iterdir()) == [
        "district-map-2.png", "district-map.png"]


def test_a_real_kernel_and_nbconvert_show_each_map_once_without_markup(tmp_path):
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import planlib\nobs = planlib.load_observations()"),
        nbformat.v4.new_code_cell('planlib.maps.district_map(planlib.district_values(obs, "urbanisation_rate", '
                                  'year=2024))'),
        nbformat.v4.new_code_cell('planlib.maps.district_map(planlib.district_values(obs, "urbanisation_rate", '
                                  'year=2023))'),
    ])  # fmt: skip
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells[1:] for o in c.outputs]
    assert [o["output_type"] for o in outputs] == ["display_data", "display_data"]  # one image per map, no repeat
    assert all(sorted(o["data"]) == ["image/png", "text/html", "text/plain"] for o in outputs)
    assert "常住人口城镇化率（2024年末，示意图）" in outputs[0]["data"]["text/html"]
    assert "常住人口城镇化率（2023年末，示意图）" in outputs[1]["data"]["text/html"]
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == ["district-map-2.png", "district-map.png"]
    body, _ = HTMLExporter().from_notebook_node(nb)
    images = re.findall(r'<img [^>]*src="data:image/png;base64,[^"]+"', body)
    assert len(images) == 2 and all('alt="20' in i for i in images) and body.count("<figcaption>") == 2
    assert "{#fig-" not in body and "alt=&quot;" not in body


@pytest.mark.parametrize("publishing", [True, False], ids=["publisher", "jupyter"])
def test_a_figure_that_cannot_be_drawn_is_one_error_in_the_notebook(tmp_path, monkeypatch, publishing):
    import nbformat
    from nbclient import NotebookClient

    if publishing:
        monkeypatch.setenv("PLANLIB_ASSETS", "annual-2099")  # the kernel inherits it, as under the publisher
    else:
        monkeypatch.delenv("PLANLIB_ASSETS", raising=False)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import pandas as pd\nimport planlib\n"
        'values = pd.Series(range(1, 39), index=planlib.load_clusters()["district"], dtype=float)  # SYNTHETIC\n'
        'planlib.maps.district_map(values, title="测试值😀", unit="个", year=2022, source="合成数据(SYNTHETIC)")')])
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # fmt: skip
    outputs = nb.cells[0].outputs
    assert [(o["output_type"], o.get("ename")) for o in outputs] == [("error", "DataError")]
    assert outputs[0]["evalue"].startswith("图“测试值😀（2022，示意图）”,图题:字符“😀”(U+1F600)无法显示")
    assert not list(tmp_path.rglob("*.png"))


def _legend_labels(fig) -> list[str]:
    """The class legend of a choropleth (the one titled with the unit)."""
    [legend] = [leg for leg in fig.figure.axes[0].findobj(matplotlib.legend.Legend) if leg.get_title().get_text()]
    return [t.get_text() for t in legend.get_texts()]


def test_district_keys_are_read_as_check_reads_them():
    """Short names, codes (str or int), stray spaces: all the 区县 they name get their value."""
    fig = maps.district_map({"万州": 1.0, "500102": 2.0, "渝中区 ": 3.0, 500105: 4.0}, title="合成(SYNTHETIC)",
                            unit="个", year=2022, source="合成数据")  # fmt: skip
    assert "4个区县有数据，最高为江北区（4.0），最低为万州区（1.0）；" in fig.alt
    assert "万州、" not in fig.alt.split("数据暂缺：")[1]  # 万州 has its value
    from planlib.presentation.charts import cluster_dots

    dots = cluster_dots({"万州": 1.0, "涪陵": 3.0}, title="合成(SYNTHETIC)", unit="个", year=2022)
    assert dots.alt.endswith("主城都市区1个区县平均3、渝东北1个区县平均1。")


def test_a_duplicate_or_unknown_district_key_is_an_error_naming_it():
    with pytest.raises(ValueError) as err:
        maps.district_map({"万州区": 5, "万州": 9.9, "涪陵": 4})
    assert str(err.value) == "区县数值中有 1 处无法使用:\n  “万州区”和“万州”是同一个区县(万州区,500101),只能给一个数值"
    with pytest.raises(ValueError) as err:
        maps.district_map({"万州": 1, "500102": 2, "渝中区 ": 3, "万洲区": 4})
    assert str(err.value) == ("区县数值中有 1 处无法使用:\n  “万洲区”不是已知的区县或区域名称;"
                              "最接近的标准名称:万州区、万盛经开区")
    with pytest.raises(ValueError) as err:
        maps.district_map(pd.Series({"全市": 1.0, "两江": 2.0, "500199": 3.0, "城口县": "三"}))
    assert str(err.value) == ("区县数值中有 4 处无法使用:\n  “全市”是全市合计,不是区县\n"
                              "  “两江”是特殊功能区两江新区,不是区县\n  “500199”不是任何区县的 6 位行政区划代码\n"
                              "  “城口县”的数值“三”不是数")
    with pytest.raises(ValueError) as err:
        maps.district_map(pd.Series({"万州": float("nan"), "500102": float("nan")}))
    assert str(err.value) == "没有任何区县有数值,无法绘制分级图(给出的 2 个区县:“万州”“500102”,数值均为空)"
    with pytest.raises(ValueError) as err:
        maps.district_map(pd.Series(dtype=float))
    assert str(err.value) == "没有任何区县有数值,无法绘制分级图(没有给出任何区县)"


def test_aggregate_clusters_reads_short_names_and_codes():
    from planlib import aggregate_clusters

    census = _census()
    short = census.rename(index=load_clusters().set_index("district")["short"])  # 万州, 涪陵, …
    pd.testing.assert_frame_equal(aggregate_clusters(short), aggregate_clusters(census))
    with pytest.raises(ValueError) as err:
        aggregate_clusters(pd.concat([census, pd.Series({"万州": 1.0})]).rename("resident_population"))
    assert str(err.value) == ("汇总的区县数值中有 1 处无法使用:\n  “万州区”和“万州”是同一个区县(万州区,500101),"
                              "只能给一个数值")


def _synthetic(values) -> pd.Series:
    """SYNTHETIC values for the 38 districts, in the order of load_clusters()."""
    return pd.Series(values, index=load_clusters()["district"], dtype=float)


def test_tied_values_give_distinct_non_empty_classes_in_chinese(tmp_path):
    """30 districts at 5.0 and eight others: mapclassify's Quantiles would give the classes 5.0, (5.0, 5.6]
    (empty) and (5.6, 13] with an English warning; the map keeps 5.0 as one class and splits the rest."""
    values = _synthetic([5.0] * 30 + [6, 7, 8, 9, 10, 11, 12, 13])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no mapclassify warning reaches the user
        fig = maps.district_map(values, title="合成值(SYNTHETIC)", unit="个", year=2022, source="合成数据")
    assert _legend_labels(fig) == ["5.0", "6.0—7.0", "8.0—9.0", "10.0—11.0", "12.0—13.0"]
    note = "数值相同的区县较多，分位数分级时数值相同者归为同一级，其余区县再按分位数分级，共5级。"
    assert fig.alt.endswith("（5.0）；主城都市区平均5.0、渝东北平均5.9、渝东南平均9.3。" + note)
    assert any(note in t for t in fig.texts())
    _no_tofu(fig, tmp_path)


def test_classes_of_few_distinct_values_and_of_gaps():
    few = maps.classify([1.0, 1.0, 2.0, 2.0, 3.0], "Quantiles", 5)
    assert few.labels == ["1.0", "2.0", "3.0"] and few.index == [0, 0, 1, 1, 2]
    assert few.note == "只有3种不同的数值，每种一级，共3级（少于要求的5级）。"
    gap = maps.classify([1, 1.5, 2, 2.5, 3, 100], "EqualInterval", 5)
    assert gap.labels == ["1.0—3.0", "100.0"] and gap.note == "部分区间内没有区县，按等间距只能分出2级（少于要求的5级）。"
    close = maps.classify([5.01, 5.02, 5.03, 5.04, 5.06, 5.07], "Quantiles", 3)
    assert close.labels == ["5.01—5.02", "5.03—5.04", "5.06—5.07"] and close.note == ""  # never "5.0, 5.0"
    plain = maps.classify(list(range(38)), "quantiles", 5)
    assert plain.labels == ["0.0—7.0", "8.0—14.0", "15.0—22.0", "23.0—29.0", "30.0—37.0"]
    assert plain.summary == "按分位数分为5级" and plain.note == ""
    with pytest.raises(ValueError) as err:
        maps.classify([1.0, 2.0], "Quantile", 5)
    assert str(err.value).startswith("不认识的分级方法“Quantile”;可用:Quantiles(分位数)")
    with pytest.raises(ValueError) as err:
        maps.classify([1.0, 2.0], "Quantiles", 1)
    assert str(err.value) == "分级数 k 应为不小于 2 的整数,而不是 1"


def test_constant_and_near_constant_values_read_naturally():
    last = load_clusters()["district"].iloc[-1]
    same = maps.district_map(_synthetic([7.0] * 38), title="合成值(SYNTHETIC)", unit="个", year=2022, source="合成")
    assert same.alt == ("2022年重庆市各区县合成值(SYNTHETIC)分级示意图（单位：个）。38个区县有数据，数值均为7.0。"
                        "各区县数值相同，图中只有一种颜色。")
    assert _legend_labels(same) == ["7.0"]
    near = maps.district_map(_synthetic([7.0] * 37 + [7.01]), title="合成值", unit="个", year=2022, source="合成")
    assert (f"38个区县有数据，最高为{last}（7.01），最低为万州区、涪陵区、渝中区等37个区县（7.00）；"
            "主城都市区平均7.00、渝东北平均7.00、渝东南平均7.00。只有2种不同的数值，每种一级，共2级（少于要求的5级）。") in near.alt
    assert _legend_labels(near) == ["7.00", "7.01"]


def test_small_multiples_of_different_units_never_share_a_scale():
    from planlib import load_observations
    from planlib.inputs.regions import district_values

    obs = load_observations()
    rate, gdp = district_values(obs, "urbanisation_rate", year=2024), district_values(obs, "gdp", year=2024)
    fig = maps.small_multiples({"城镇化率": rate, "地区生产总值": gdp})
    bars = {cax.get_xlabel(): (cax._colorbar.mappable.norm.vmin, cax._colorbar.mappable.norm.vmax)
            for cax in fig.figure.axes[2:]}  # fmt: skip
    assert bars == {"常住人口城镇化率（%）": (42.85, 100.0), "地区生产总值（亿元）": (75.88, 2769.13)}
    assert fig.alt == ("2幅并列的区县分级示意图，常住人口城镇化率、地区生产总值；指标或单位不同，分2组，各用各自的色标。"
                       "常住人口城镇化率（%）：城镇化率有38个区县有数据；地区生产总值（亿元）：地区生产总值有38个区县有数据；"
                       "灰色斜线为数据暂缺。")
    assert fig.caption == "常住人口城镇化率、地区生产总值（示意图）"
    same = maps.small_multiples({"2023年": district_values(obs, "urbanisation_rate", year=2023), "2024年": rate})
    assert [cax.get_ylabel() for cax in same.figure.axes[2:]] == ["%"]  # one scale, one unit
    assert "常住人口城镇化率（%），共用同一色标" in same.alt
    with pytest.raises(ValueError) as err:
        maps.small_multiples({"城镇化率": rate, "地区生产总值": gdp}, unit="%")
    assert str(err.value) == ("给出的单位“%”与“地区生产总值”一幅记录的单位“亿元”不同;"
                              "不同单位的数值不能共用一个色标,请去掉 unit=,或只放同一单位的图")
    with pytest.raises(ValueError) as err:
        maps.small_multiples({"甲": {"万洲": 1.0}})
    assert str(err.value).startswith("“甲”一幅的区县数值中有 1 处无法使用:\n  “万洲”不是已知的区县或区域名称")
    with pytest.raises(ValueError) as err:
        maps.small_multiples({"甲": {"万州": float("nan")}, "乙": {}})
    assert str(err.value) == "没有任何区县有数值,无法绘制(“甲”给出的 1 个区县:“万州”;“乙”没有给出任何区县)"
