"""Maps: layout and choropleth draw with the shipped fonts, say what they show, and mark missing data."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import pandas as pd
import pytest

from planlib import maps
from planlib.regions import load_clusters


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
    assert inset.get_title() == "中心城区(放大)"
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
    assert "数据暂缺(3个)" in texts
    assert any("," in t or "." in t for t in texts)  # the class legend survives beside the 数据暂缺 legend
    _no_tofu(fig, tmp_path)


def test_choropleth_continuous_and_all_missing(tmp_path):
    values = pd.Series({"渝中区": 1.0, "万州区": 2.0})
    fig = maps.district_map(values, title="合成", unit="个", year="2020年", source="合成数据", scheme=None)
    assert "2个区县有数据" in fig.alt and fig.alt.startswith("2020年重庆市")
    with pytest.raises(ValueError, match="没有任何区县"):
        maps.district_map(pd.Series({"渝中区": float("nan")}), title="x", unit="x", year=1, source="x")
