"""One test for "no value": None, NaN, pandas.NA — the forms a missing number takes in planlib's frames."""

from __future__ import annotations

from typing import Any


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN is the only value unequal to itself
    except (TypeError, ValueError):  # pandas.NA refuses to be a bool
        return True
