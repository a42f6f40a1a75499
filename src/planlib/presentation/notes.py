"""The notes under a report's assessment tables, as plain text (tables escape their own notes).

:func:`value_notes` says what the values a table shows owe their reader: the legend of the marks († ‡) that
appear, and, per value, a footnote marker in the original, a special zone the figure includes, or why it was
chosen over another value for the same period (the ``value_notes`` of
:func:`planlib.indicators.assessment.assess`); :func:`shown_marks` is what those rows print, for the report's
footer. :func:`baseline_notes` words what published figures say of the plan's baselines
(:func:`planlib.inputs.observations.baseline_evidence`).

Imports: :mod:`planlib.indicators.marks` and :mod:`planlib.presentation.cells`, :mod:`planlib.presentation.tables`;
nothing of the sections or publish layers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planlib.presentation.cells import marks_after
from planlib.presentation.tables import fmt_number

if TYPE_CHECKING:
    import pandas as pd


def shown_marks(rows: list[dict]) -> list[str]:
    """What assessment ``rows`` print beside their values: the marks of ``latest_marks`` and ``marks``, and each
    ``partial_note``."""
    found = [marks_after(r, c) for r in rows for c in ("latest_marks", "marks")]
    found += [r["partial_note"] for r in rows if isinstance(r.get("partial_note"), str)]
    return found


def value_notes(rows: list[dict]) -> list[str]:
    """The legend of the marks ``rows`` show (:func:`planlib.indicators.marks.legend`), then each row's
    ``value_notes`` not already said, in row order."""
    from planlib.indicators.marks import legend

    notes = legend(shown_marks(rows))
    for r in rows:
        notes += [n for n in (r.get("value_notes") or ()) if n not in notes]
    return notes


def baseline_notes(evidence: pd.DataFrame, names: dict[str, str]) -> list[str]:
    """What the published data say about the plan's baselines: one that a published figure confirms is named
    with its source (one note for all of them); one that a published figure contradicts is shown beside it,
    saying the plan's is used (one note each).

    ``evidence`` is :func:`planlib.inputs.observations.baseline_evidence` (per indicator: ``baseline``,
    ``baseline_year``, ``value``, ``period_label``, ``source_title``, ``matches``), ``names`` series id → the
    plan's indicator name."""
    confirmed, differing = [], []
    for sid, rows in evidence.groupby("indicator_id", sort=False):
        row = rows[rows["matches"]].iloc[0] if rows["matches"].any() else rows.iloc[0]
        period = f"{int(row['baseline_year'])}年" if str(row["period_label"]).strip() == "" else row["period_label"]
        if rows["matches"].any():
            confirmed.append(f"{names[sid]}{fmt_number(row['baseline'])}（{row['source_title']}）")
        else:
            differing.append(f"{names[sid]}：已公布的{period}数为{fmt_number(row['value'])}（{row['source_title']}），"
                             f"与规划所列基数{fmt_number(row['baseline'])}不同，本报告按规划基数评估")  # fmt: skip
    notes = [f"规划基数已由公布数据证实：{'；'.join(confirmed)}。"] if confirmed else []
    return notes + [f"{d}。" for d in differing]
