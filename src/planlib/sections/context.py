"""The context of a report — what a report for one year may see — and what its sections share.

    import planlib.sections.context as X
    ctx = X.context(as_of=2023, report_kind="annual")   # the plan, the observations of its vintage, the assessment

:func:`context` builds a :class:`Context`; the rest is the ground the section modules (``summary``, ``headline``,
``areas``, ``regional``, ``alerts``, ``method`` …) stand on: the observations a report may use (:func:`visible`),
the rows the regional and alert sections read — here because the source register numbers their sources too, so
every table of a report cites the same numbers (:func:`sources_register`) —, a table's value notes that also
record the marks shown for the report's footer (:func:`value_notes`), and the build's figure cache keyed on the
report's data (:func:`drawn_once`).

Imports: inputs (plan, observations, regions), indicators (assessment, alerts, heat index) and presentation
(figures, notes, sources); no other sections module (each of them imports this one).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from planlib.indicators import assessment as A
from planlib.presentation import notes as N
from planlib.presentation.sources import source_key

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from planlib.inputs.plan import Plan
    from planlib.presentation.figures import Figure


@dataclass(frozen=True)
class Context:
    """What one report sees: its plan, the observations of its vintage (every year: sections keep to ``as_of``
    through :func:`visible`), the assessment as of ``as_of``, the report kind (annual, midterm, final) and the
    marks it has printed so far (``shown``)."""

    plan: Plan
    observations: pd.DataFrame  # all observations; sections filter by as_of themselves
    assessment: pd.DataFrame
    as_of: int
    report_kind: str
    vintage: str = "latest"  # "latest" or the date YYYY-MM-DD the report is written as of
    # the marks (†, ‡) the report has printed so far: its footer says what they mean (see notice())
    shown: set[str] = field(default_factory=set, compare=False, hash=False)

    @property
    def years(self) -> list[int]:
        return list(range(self.plan.meta.period_start, self.as_of + 1))

    @functools.cached_property
    def data_key(self) -> str:
        """A digest of everything this report's figures may be drawn from — the plan, ``as_of``, the vintage
        and the observations of that vintage — computed once per report (the figure cache's key part)."""
        from planlib.presentation.figures import fingerprint

        plan = self.plan
        return fingerprint(plan.meta.model_dump(), plan.all_targets, self.as_of, self.vintage, self.observations)

    @functools.cached_property
    def source_numbers(self) -> dict[str, int]:
        """Computed once per report: every table of the report cites these numbers."""
        numbers: dict[str, int] = {}
        for text in [*self.assessment["sources"].fillna(""), *alert_rows(self)["source"], *heat_sources(self),
                     *map_sources(self)]:
            for src in filter(None, str(text).split(A.SOURCE_SEPARATOR)):
                numbers.setdefault(src, len(numbers) + 1)
        return numbers


def context(as_of: int, report_kind: str = "annual", plan: str | None = None, vintage: str = "latest",
            observations: str | Path | pd.DataFrame | None = None) -> Context:  # fmt: skip
    """Everything a report needs for year ``as_of``; raises a clear error for a year outside the plan.

    ``vintage`` is ``"latest"`` (every figure in data/raw) or a date ``YYYY-MM-DD``: the report as it
    could have been written that day, from the figures published by then (later revisions and
    publications left out; see :func:`planlib.inputs.observations.as_known_on`). Nothing is cached between
    calls, so a context made after a data edit sees the edit (loading itself is cached on the files).
    ``plan`` is a plan id or YAML path (default: planlib's default plan); ``observations`` a tidy frame or
    the path of a tidy CSV (columns ``TIDY_COLUMNS``) to use instead of data/raw (the manifest's
    ``site.observations``).
    """
    from planlib.inputs.observations import as_known_on, load_observations
    from planlib.inputs.plan import DEFAULT_PLAN, load_plan

    plan_obj = load_plan(plan or DEFAULT_PLAN)
    frame = load_observations() if observations is None else tidy_observations(observations)
    obs = as_known_on(frame, vintage)  # what the report may see: A.visible(obs, as_of)
    assessment = A.assess(plan_obj, obs, as_of=int(as_of))
    return Context(plan=plan_obj, observations=obs, assessment=assessment, as_of=int(as_of),
                   report_kind=report_kind, vintage=str(vintage))  # fmt: skip


def tidy_observations(observations: str | Path | pd.DataFrame) -> pd.DataFrame:
    """A tidy observations frame given as a frame or as a CSV written from one (types restored)."""
    import pandas as pd

    if isinstance(observations, pd.DataFrame):
        return observations
    frame = pd.read_csv(observations, dtype={"region_code": "string"}, encoding="utf-8")
    frame["year"] = frame["year"].astype("Int64")
    return frame


def visible(ctx: Context) -> pd.DataFrame:
    """Observations a report for ``as_of`` may use (:func:`planlib.indicators.assessment.visible`; the
    context's observations are already those of its vintage)."""
    return A.visible(ctx.observations, ctx.as_of)


def has_year(ctx: Context, series_id: str, year: int) -> bool:
    """Whether the plan's region has a full-year value of ``series_id`` for ``year``."""
    obs = ctx.observations
    return bool(((obs["indicator_id"] == series_id) & (obs["region"] == ctx.plan.meta.region) & obs["is_annual"]
                 & (obs["year"] == year)).any())  # fmt: skip


def sources_register(ctx: Context) -> dict[str, int]:
    """Number every source the report uses (assessment, alerts, heat index), in order of first use.

    Tables cite these numbers; the titles themselves are listed once, in the appendix."""
    return ctx.source_numbers


def alert_rows(ctx: Context) -> pd.DataFrame:
    """The alerts of the plan's region (and its districts, where the plan has a district layout) in the plan
    period up to ``as_of`` (:func:`planlib.indicators.alerts.unemployment_alerts`), with a ``source`` key."""
    from planlib.indicators.alerts import unemployment_alerts

    obs, meta = ctx.observations, ctx.plan.meta
    # the plan's region, and its districts where it has a district layout
    ours = (obs["region"] == meta.region) | ((obs["region_kind"] == "district") & bool(meta.layout_name))
    alerts = unemployment_alerts(obs[ours], as_of=ctx.as_of, region=meta.region)
    # the base year is before the plan: its figures are baselines, never alerts of the plan period
    alerts = alerts[alerts["year"].isna() | (alerts["year"] >= meta.period_start)].copy()
    alerts["source"] = [source_key(t, u) for t, u in zip(alerts["source_title"], alerts["source_url"], strict=True)]
    return alerts


def district_unemployment(ctx: Context) -> pd.DataFrame:
    """District rows of the series the alert rules watch that the report may see (empty: none published)."""
    from planlib.indicators.alerts import load_rules

    obs = visible(ctx)
    return obs[(obs["indicator_id"] == load_rules()["series"]) & (obs["region_kind"] == "district")]


def heat_rows(ctx: Context) -> pd.DataFrame:
    """The district observations of the report year that the heat index's components read."""
    from planlib.indicators.heat_index import load_spec

    series = {c["series"] for c in load_spec()["components"]}
    obs = visible(ctx)
    return obs[obs["indicator_id"].isin(series) & (obs["year"] == ctx.as_of) & (obs["region_kind"] == "district")
               & obs["preferred"]]  # fmt: skip


def heat_sources(ctx: Context) -> list[str]:
    """The source keys of :func:`heat_rows`, sorted (none for a plan without a district layout)."""
    if not ctx.plan.meta.layout_name:
        return []
    used = heat_rows(ctx)
    return sorted({source_key(t, u) for t, u in zip(used["source_title"], used["source_url"], strict=True)})


def gdp_map_rows(ctx: Context) -> tuple[int, pd.DataFrame] | None:
    """The year the district GDP map shows (the report year, or the latest before it with ≥ 10 districts)
    and the observation rows it uses; None when no year has enough districts."""
    from planlib.inputs.regions import district_values

    obs = visible(ctx)
    gdp = obs[(obs["indicator_id"] == "gdp") & obs["preferred"] & (obs["region_kind"] == "district")
              & obs["is_annual"]]  # fmt: skip
    for year in range(ctx.as_of, ctx.plan.meta.baseline_year - 1, -1):
        rows = gdp[gdp["year"] == year]
        if len(district_values(rows, "gdp", year=year)) >= 10:
            return year, rows
    return None


def map_sources(ctx: Context) -> list[str]:
    """The source keys of the district GDP map's rows (:func:`gdp_map_rows`), sorted; none without a map."""
    found = gdp_map_rows(ctx) if ctx.plan.meta.layout_name else None
    if found is None:
        return []
    return sorted({source_key(t, u) for t, u in zip(found[1]["source_title"], found[1]["source_url"], strict=True)})


def value_notes(ctx: Context, rows: list[dict]) -> list[str]:
    """Notes a table owes its reader for the values of assessment ``rows`` it shows
    (:func:`planlib.presentation.notes.value_notes`); the marks they print are recorded in ``ctx.shown``."""
    notes = N.value_notes(rows)
    ctx.shown.update("".join(N.shown_marks(rows)))
    return notes


def drawn_once(ctx: Context | None, what: str, draw: Callable[[], Figure], *inputs: Any) -> Figure:
    """``draw()`` through the build's figure cache (:func:`planlib.presentation.figures.cached`), keyed on
    ``what``, the extra ``inputs`` and, with ``ctx``, everything a report's figure may be drawn from: the
    plan, ``as_of``, the vintage and the observations of that vintage. Two reports that see the same data
    (annual-2025 and final-2025) draw such a figure once; ``ctx=None`` for a figure that depends on no report
    (the layout map)."""
    from planlib.presentation.figures import cached, fingerprint

    return cached(fingerprint(what, *inputs, *([ctx.data_key] if ctx is not None else [])), draw)
