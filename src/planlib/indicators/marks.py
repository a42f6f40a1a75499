"""Signs printed beside values that are not ordinary published figures, and the notes that explain them.

A low-confidence value carries †, a test value ‡ (symbols and notes in ``settings/choice.yaml``, read
through :func:`planlib.inputs.observations.value_marks`). A table, sentence or figure that shows such a value
prints the symbol after the number and the legend once, below; a report that used any of them says so
in its page footer (:func:`report_notice`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# the MIME type of a report's notice to the publisher (which knows nothing else about the report's data)
NOTICE_MIME = "application/vnd.planlib.notice+json"


def symbols(rows: Iterable[Mapping[str, Any]]) -> str:
    """The distinct symbols of ``rows`` (tidy observation rows), in the order first met: ``"†"``, ``"†‡"``, ``""``."""
    from planlib.inputs.observations import value_marks

    return "".join(dict.fromkeys(m.symbol for row in rows for m in value_marks(row) if m.symbol))


def legend(found: Iterable[str]) -> list[str]:
    """One note per symbol found in ``found`` (strings of symbols), in the settings' order."""
    from planlib.inputs.observations import load_choice_settings

    present = set("".join(found))
    return [str(spec["note"]) for spec in load_choice_settings().confidence.values()
            if spec.get("mark") and spec["mark"] in present and spec.get("note")]  # fmt: skip


def report_notice(found: Iterable[str]) -> dict[str, Any]:
    """What the publisher prints in the page footer of a report whose values carry ``found`` symbols.

    ``published_only`` is False when a test value (a confidence level ranked 0) was shown: then the site's
    usual promise that every number is a published figure does not hold for this report.
    """
    from planlib.inputs.observations import load_choice_settings

    present = set("".join(found))
    unpublished = [spec for spec in load_choice_settings().confidence.values()
                   if spec.get("mark") in present and int(spec.get("rank", 1)) <= 0]  # fmt: skip
    return {"published_only": not unpublished, "notes": legend([*present])}
