"""planlib — evaluation of 重庆市就业促进“十四五”规划(2021—2025年).

Quick start (in Jupyter)::

    import planlib
    plan = planlib.load_plan()              # the plan's indicators and targets, as data
    plan.indicators                         # 专栏1, one row per headline indicator
    obs = planlib.load_observations()       # real published figures, tidy, with provenance

``import planlib`` stays light: pandas, geopandas and matplotlib load when first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it; resolved on first access (PEP 562) so import stays cheap
_LAZY = {
    "load_plan": "planlib.plan",
    "Plan": "planlib.plan",
    "load_observations": "planlib.observations",
    "load_clusters": "planlib.regions",
    "load_boundaries": "planlib.boundaries",
    "DataError": "planlib.errors",
}

__all__ = [
    "DataError",
    "Plan",
    "__version__",
    "load_boundaries",
    "load_clusters",
    "load_observations",
    "load_plan",
]

if TYPE_CHECKING:  # pragma: no cover
    from planlib.boundaries import load_boundaries
    from planlib.errors import DataError
    from planlib.observations import load_observations
    from planlib.plan import Plan, load_plan
    from planlib.regions import load_clusters


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'planlib' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
