"""planlib — evaluation reports for employment-promotion plans (first: 重庆市就业促进“十四五”规划).

Quick start (in Jupyter)::

    import planlib
    plan = planlib.load_plan()               # the plan's indicators and targets, as data
    obs = planlib.load_observations()        # real published figures, tidy, with provenance
    table = planlib.assess(plan, obs, as_of=2024)   # one row per target: completion, 序时进度, status
    planlib.charts.trajectory(plan, obs, "urban_new_jobs")   # a figure, shown inline
    planlib.maps.layout_map()                # the “一区两群” map

``import planlib`` stays light: each public name, and the ``charts``, ``maps``, ``tables``, ``style``
and ``report`` modules, load on first use (PEP 562). The package's folders read as the pipeline —
``inputs`` (files → validated frames), ``indicators`` (pure computations), ``presentation`` (tables,
figures, text), ``sections`` (report compositions), ``publish`` (the site, PDF and Word) — each
importing only the layers before it.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it; resolved on first access so ``import planlib`` stays cheap
_LAZY = {
    "load_plan": "planlib.inputs.plan",
    "Plan": "planlib.inputs.plan",
    "load_observations": "planlib.inputs.observations",
    "as_known_on": "planlib.inputs.observations",
    "load_clusters": "planlib.inputs.regions",
    "district_values": "planlib.inputs.regions",
    "aggregate_clusters": "planlib.inputs.regions",
    "load_boundaries": "planlib.inputs.boundaries",
    "assess": "planlib.indicators.assessment",
    "disparity": "planlib.indicators.disparity",
    "heat_index": "planlib.indicators.heat_index",
    "unemployment_alerts": "planlib.indicators.alerts",
    "use_house_style": "planlib.presentation.style",
    "DataError": "planlib.errors",
}
# public module name -> module (researchers write ``planlib.maps.district_map(...)``)
_MODULES = {
    "charts": "planlib.presentation.charts",
    "maps": "planlib.presentation.maps",
    "tables": "planlib.presentation.tables",
    "style": "planlib.presentation.style",
    "report": "planlib.sections.report",
}

__all__ = [
    "DataError",
    "Plan",
    "__version__",
    "aggregate_clusters",
    "as_known_on",
    "assess",
    "charts",
    "disparity",
    "district_values",
    "heat_index",
    "load_boundaries",
    "load_clusters",
    "load_observations",
    "load_plan",
    "maps",
    "report",
    "style",
    "tables",
    "unemployment_alerts",
    "use_house_style",
]

if TYPE_CHECKING:  # pragma: no cover
    from planlib.errors import DataError
    from planlib.indicators.alerts import unemployment_alerts
    from planlib.indicators.assessment import assess
    from planlib.indicators.disparity import disparity
    from planlib.indicators.heat_index import heat_index
    from planlib.inputs.boundaries import load_boundaries
    from planlib.inputs.observations import as_known_on, load_observations
    from planlib.inputs.plan import Plan, load_plan
    from planlib.inputs.regions import aggregate_clusters, district_values, load_clusters
    from planlib.presentation import charts, maps, style, tables
    from planlib.presentation.style import use_house_style
    from planlib.sections import report


class _ModuleAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``import planlib.report`` (and ``planlib.charts``, ``.maps``, ``.tables``, ``.style``) gives the module
    of :data:`_MODULES`, the same object as ``planlib.report``: notebooks written ``import planlib.report as R``
    keep working, and there is one module, not a copy."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None):
        short = fullname.removeprefix(__name__ + ".")
        if fullname.startswith(__name__ + ".") and short in _MODULES:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return importlib.import_module(_MODULES[spec.name.removeprefix(__name__ + ".")])

    def exec_module(self, module) -> None:
        pass  # the real module ran when it was imported under its own name


if not any(isinstance(f, _ModuleAlias) for f in sys.meta_path):
    sys.meta_path.append(_ModuleAlias())


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        value = importlib.import_module(_MODULES[name])
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'planlib' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)
