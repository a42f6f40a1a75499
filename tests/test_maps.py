"""Maps: layout and choropleth draw with the shipped fonts, say what they show, and mark missing data."""

from __future__ import annotations

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
