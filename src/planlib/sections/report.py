"""The notebook-facing facade of the report sections: a notebook cell is one call, its output Markdown, a Table
or a Figure.

    import planlib.sections.report as R      # or: import planlib.report as R
    ctx = R.context(as_of=2023, report_kind="annual")
    R.summary(ctx)            # 摘要: generated sentences
    R.headline_table(ctx)     # 专栏1 table with status and sources

This module holds no code of its own: it re-exports the sections from the module of each section kind, so the
notebooks (``notebooks/annual.ipynb``, ``midterm.ipynb``, ``final.ipynb``) and ``planlib.report`` have one name
space. Where each lives (modules of :mod:`planlib.sections`):

==============  ==========================================================================
module          sections
==============  ==========================================================================
``context``     ``context``, ``Context``, ``sources_register``, ``tidy_observations``
``headings``    ``heading``
``summary``     ``summary``, ``status_chart``
``headline``    ``headline_table``, ``baseline_comparison``, ``jobs_chart``
``areas``       ``areas``, ``area_section``
``projects``    ``project_table``, ``project_annex``
``annual_targets`` ``annual_targets_text``, ``annual_targets_table``
``midterm``     ``midterm_table``, ``risks``
``coverage``    ``coverage_table``, ``pending_publications``, ``pending_note``
``regional``    ``layout_map``, ``regional_text``, ``district_gdp_map``, ``heat_index_table``
``alerts``      ``alerts_table``, ``alerts_chart``
``monthly``     ``monthly_picture``
``method``      ``method_text``, ``caveats``, ``sources_table``
==============  ==========================================================================

The builders the sections compose — cell texts, sentences, notes, source numbers — are in
:mod:`planlib.presentation` (``cells``, ``narrative``, ``notes``, ``regional``, ``sources``, ``markdown``).
Text and markup are kept apart: sentences, names, units and source titles are plain text, escaped
(:func:`planlib.presentation.escape.md_text`) where they are put into Markdown; only the markup the sections write
themselves (list dashes, ``**口径说明**``) is markup. Tables and figures escape their own text.

Imports: the section modules of :mod:`planlib.sections` above and, for :class:`Markdown`, :data:`HEAT_WORDS` and
:func:`fmt` (``fmt_number``, for notebook prose), :mod:`planlib.presentation`.
"""

from __future__ import annotations

from planlib.presentation.markdown import Markdown
from planlib.presentation.regional import HEAT_WORDS
from planlib.presentation.tables import fmt_number as fmt
from planlib.sections.alerts import alerts_chart, alerts_table
from planlib.sections.annual_targets import annual_targets_table, annual_targets_text
from planlib.sections.areas import area_section, areas
from planlib.sections.context import Context, context, sources_register, tidy_observations
from planlib.sections.coverage import coverage_table, pending_note, pending_publications
from planlib.sections.headings import heading
from planlib.sections.headline import baseline_comparison, headline_table, jobs_chart
from planlib.sections.method import caveats, method_text, sources_table
from planlib.sections.midterm import midterm_table, risks
from planlib.sections.monthly import monthly_picture
from planlib.sections.projects import project_annex, project_table
from planlib.sections.regional import district_gdp_map, heat_index_table, layout_map, regional_text
from planlib.sections.summary import status_chart, summary

__all__ = [
    "HEAT_WORDS",
    "Context",
    "Markdown",
    "alerts_chart",
    "alerts_table",
    "annual_targets_table",
    "annual_targets_text",
    "area_section",
    "areas",
    "baseline_comparison",
    "caveats",
    "context",
    "coverage_table",
    "district_gdp_map",
    "fmt",
    "heading",
    "headline_table",
    "heat_index_table",
    "jobs_chart",
    "layout_map",
    "method_text",
    "midterm_table",
    "monthly_picture",
    "pending_note",
    "pending_publications",
    "project_annex",
    "project_table",
    "regional_text",
    "risks",
    "sources_register",
    "sources_table",
    "status_chart",
    "summary",
    "tidy_observations",
]
