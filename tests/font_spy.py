"""Which font files matplotlib really draws with: the check behind "no tofu" for figures (tests only)."""

from __future__ import annotations

import warnings
from collections.abc import Callable

from matplotlib import font_manager


def fonts_used(draw: Callable[[], object]) -> tuple[set[str], list[str]]:
    """Run ``draw`` (something that renders a figure); the font files matplotlib took for its texts, and its
    missing-glyph warnings (a tofu box drawn)."""
    used: set[str] = set()
    original = font_manager.fontManager._find_fonts_by_props

    def spy(prop, *args, **kwargs):
        found = original(prop, *args, **kwargs)
        used.update(str(f) for f in found)
        return found

    font_manager.fontManager._find_fonts_by_props = spy
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            draw()
    finally:
        del font_manager.fontManager._find_fonts_by_props  # back to the class's method
    return used, [str(w.message) for w in caught if "missing from font" in str(w.message)]
