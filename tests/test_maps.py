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
