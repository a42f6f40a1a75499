"""Regional layer: disparity (hand-computed), cluster aggregation, heat index, unemployment alerts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from planlib.indicators.alerts import unemployment_alerts
from planlib.indicators.disparity import disparity
from planlib.indicators.heat_index import entropy_weights, heat_index
from planlib.inputs.regions import aggregate_clusters, aggregation_rules, district_values, load_clusters
from tests.synthetic import frame, row


def test_disparity_hand_computed():
    x = pd.Series([1.0, 2.0, 3.0, 4.0], index=list("abcd"))
    n = pd.Series([1.0, 1.0, 1.0, 1.0], index=list("abcd"))
    g = pd.Series(["A", "A", "B", "B"], index=list("abcd"))
    d = disparity(x, n, g)
    assert d["cv"] == pytest.approx(math.sqrt(1.25) / 2.5)  # 0.4472
    assert d["cv_weighted"] == pytest.approx(math.sqrt(1.25) / 2.5)
    # Theil: μ = 2.5, r = 0.4, 0.8, 1.2, 1.6 → ¼ Σ r ln r = 0.106440
    assert d["theil"] == pytest.approx(0.25 * sum(r * math.log(r) for r in (0.4, 0.8, 1.2, 1.6)))
    assert d["theil"] == pytest.approx(0.106440, abs=1e-6)
    # between: group means 1.5 and 3.5 → ½(0.6 ln 0.6) + ½(1.4 ln 1.4) = 0.082283
    assert d["theil_between"] == pytest.approx(0.5 * 0.6 * math.log(0.6) + 0.5 * 1.4 * math.log(1.4))
    assert d["theil_within"] == pytest.approx(0.024157, abs=1e-6)
    assert d["theil_between"] + d["theil_within"] == pytest.approx(d["theil"])


def test_weighted_cv_uses_weighted_mean():
    d = disparity(pd.Series([1.0, 3.0]), pd.Series([3.0, 1.0]))
    assert d["cv"] == pytest.approx(0.5)  # mean 2, population sd 1
    # weights ¾, ¼: mean 1.5, variance ¾·0.25 + ¼·2.25 = 0.75
    assert d["cv_weighted"] == pytest.approx(math.sqrt(0.75) / 1.5)
    assert math.isnan(d["theil_between"])  # no groups given


def test_disparity_refuses_incomplete_or_nonpositive_data():
    with pytest.raises(ValueError, match="b"):
        disparity(pd.Series({"a": 1.0, "b": float("nan")}), pd.Series({"a": 1.0, "b": 2.0}))
    zero = disparity(pd.Series([0.0, 2.0]), pd.Series([1.0, 1.0]))
    assert zero["cv"] == pytest.approx(1.0) and math.isnan(zero["theil"])  # Theil needs positive values


def test_cluster_membership_21_11_6():
    clusters = load_clusters()
    assert len(clusters) == 38 and clusters["district_code"].is_unique
    assert clusters["cluster"].value_counts().to_dict() == {
        "主城都市区": 21, "渝东北三峡库区城镇群": 11, "渝东南武陵山区城镇群": 6}
    assert clusters["subcluster"].value_counts().to_dict() == {"主城新区": 12, "中心城区": 9}
    row_ = clusters.set_index("district").loc["石柱土家族自治县"]
    assert (row_["district_code"], row_["cluster"]) == ("500240", "渝东南武陵山区城镇群")
    assert clusters.set_index("district").loc["垫江县", "cluster"] == "渝东北三峡库区城镇群"  # 2020 grouping


@pytest.fixture(scope="module")
def obs():
    from planlib import load_observations

    return load_observations()


def test_census_population_by_cluster(obs):
    pop = district_values(obs, "resident_population", period_type="census_date")
    sums = aggregate_clusters(pop, aggregation_rules()["resident_population"]).set_index("group")
    assert sums["complete"].all()
    assert sums["value"].sum() == pytest.approx(3205.4159)  # = the 七普 municipal total
    sub = aggregate_clusters(pop, "sum", level="subcluster").set_index("group")
    assert sub.loc["中心城区", "value"] + sub.loc["主城新区", "value"] == pytest.approx(sums.loc["主城都市区", "value"])


def test_incomplete_cluster_names_missing_districts(obs):
    pop2022 = district_values(obs, "resident_population", year=2022)
    out = aggregate_clusters(pop2022, "sum").set_index("group")
    assert not out["complete"].any() and out["value"].isna().all()
    assert "渝中区" in out.loc["主城都市区", "missing"]
    with pytest.raises(ValueError, match="不可跨区县汇总"):
        aggregate_clusters(pop2022, aggregation_rules()["urban_new_jobs"])


def test_real_urbanisation_disparity_from_census(obs):
    urban = district_values(obs, "urban_resident_population", period_type="census_date")
    pop = district_values(obs, "resident_population", period_type="census_date")
    rate = urban / pop * 100
    groups = load_clusters().set_index("district")["cluster"]
    d = disparity(rate, pop, groups)
    assert d["n_districts"] == 38
    assert d["weighted_mean"] == pytest.approx(2226.4028 / 3205.4159 * 100)  # 69.46 %: municipal 城镇化率
    assert d["theil_between"] + d["theil_within"] == pytest.approx(d["theil"])
    assert d["theil_between"] > d["theil_within"]  # the 一区两群 split explains most of the inequality


def test_entropy_weights_hand_computed():
    z = pd.DataFrame({"a": [0.0, 0.5, 1.0], "b": [1.0, 1.0, 0.0], "c": [0.5, 0.5, 0.5]})
    w = entropy_weights(z)
    d_a = 1 - (-(1 / 3) * math.log(1 / 3) - (2 / 3) * math.log(2 / 3)) / math.log(3)  # 0.420620
    d_b = 1 - math.log(2) / math.log(3)  # 0.369070
    assert w["a"] == pytest.approx(d_a / (d_a + d_b)) and w["b"] == pytest.approx(d_b / (d_a + d_b))
    assert w["c"] == 0.0 and w.sum() == pytest.approx(1.0)


SPEC = {
    "name": "合成测试指数", "goalposts": "pooled", "weights": "equal", "min_components": 2,
    "components": [
        {"id": "growth", "label": "增速", "series": "g", "direction": "higher"},
        {"id": "rate", "label": "失业率", "series": "u", "direction": "lower"},
        {"id": "none", "label": "无数据", "series": "nothing", "direction": "higher"},
    ],
}  # fmt: skip


def test_heat_index_equal_weights_synthetic():
    rows = [row("g", 2022, v, region=d) for d, v in zip("甲乙丙", [2, 4, 6], strict=True)]
    rows += [row("u", 2022, v, region=d) for d, v in zip("甲乙丙", [3, 5, 4], strict=True)]
    rows += [row("g", 2023, 4, region="丁")]  # one component only → no index
    result = heat_index(frame(rows), SPEC)
    idx = result.index.set_index("district")["index"]
    # growth z (pooled over 2, 4, 6, 4): 0, 50, 100; rate z (lower better over 3, 5, 4): 100, 0, 50
    assert idx["甲"] == pytest.approx(50) and idx["乙"] == pytest.approx(25) and idx["丙"] == pytest.approx(75)
    assert math.isnan(idx["丁"])
    assert result.missing_components == ["none"]
    assert result.index.set_index("district").loc["甲", "n_components"] == 2
    assert any("无数据" in line for line in result.describe())


def test_heat_index_entropy_weights_synthetic():
    rows = [row("g", 2022, v, region=d) for d, v in zip("甲乙丙", [2, 4, 6], strict=True)]
    rows += [row("u", 2022, v, region=d) for d, v in zip("甲乙丙", [3, 5, 4], strict=True)]
    result = heat_index(frame(rows), {**SPEC, "weights": "entropy"})
    # z growth = 0, 0.5, 1 and z rate = 1, 0, 0.5: the same values in another order, so equal entropy
    assert result.weights["growth"] == pytest.approx(0.5) and result.weights["rate"] == pytest.approx(0.5)
    assert result.weights["none"] == 0.0
    assert result.index.set_index("district")["index"].to_dict() == pytest.approx({"甲": 50, "乙": 25, "丙": 75})


def test_heat_index_runs_on_real_data_and_says_what_is_missing(obs):
    result = heat_index(obs)
    assert "district_unemployment_rate" in result.missing_components  # no district rate is published
    assert result.weights.sum() == pytest.approx(1.0)
    assert result.index["index"].dropna().between(0, 100).all()


def test_alerts_synthetic():
    rows = [row("surveyed_unemployment_rate", 2021, 5.0), row("surveyed_unemployment_rate", 2022, 5.4),
            row("surveyed_unemployment_rate", 2023, 5.6),
            row("surveyed_unemployment_rate", 2024, 5.45, period_type="partial_year", start="2024-01-01",
                end="2024-03-31", label="2024年1—3月")]  # fmt: skip
    alerts = unemployment_alerts(frame(rows), as_of=2023)
    fired = sorted(zip(alerts["period_label"], alerts["rule"], strict=True))
    assert fired == [("2022年", "near_ceiling"), ("2022年", "yoy_rise"), ("2023年", "above_ceiling")]
    yoy = alerts[alerts["rule"] == "yoy_rise"].iloc[0]
    assert (yoy["value"], yoy["previous"], yoy["level"]) == (5.4, 5.0, "橙色")
    later = unemployment_alerts(frame(rows), as_of=2024)
    assert ("2024年1—3月", "near_ceiling") in set(zip(later["period_label"], later["rule"], strict=True))


def test_alerts_real_data(obs):
    alerts = unemployment_alerts(obs[obs["region"] != "全国"], as_of=2024)  # data/raw/national is another plan's
    fired = set(zip(alerts["period_label"], alerts["rule"], strict=True))
    assert ("2020年", "above_ceiling") in fired  # 5.7
    assert ("2024年", "near_ceiling") in fired  # 5.3: within 0.2 pp of 5.5
    assert not (alerts["rule"] == "yoy_rise").any()  # 5.4 → 5.4 → 5.3
    assert set(alerts["region"]) == {"全市"}
