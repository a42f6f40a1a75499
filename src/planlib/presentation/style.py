"""House style: the CJK fonts planlib ships, never fonts that happen to be installed.

Two families, each Regular and Bold (static, full coverage, SIL OFL; made by ``scripts/subset_fonts.py``,
recorded in ``fonts/fonts.json``):

* **Noto Sans SC** (:data:`FAMILY`, 黑体-like): figures, the HTML site (screens read sans best, and the
  site then serves two font files, not four), and in PDFs the headings, captions and tables (small type
  in narrow columns stays legible in a sans);
* **Noto Serif SC** (:data:`SERIF_FAMILY`, 宋体-like): PDF body text and the cover title, as an official
  Chinese report is set.

``use_house_style()`` registers the shipped Noto Sans SC Regular and Bold with matplotlib and sets the
house rcParams; calling it again changes nothing. Chart functions draw inside :func:`house_style`, so
their figures keep the house fonts even after ``seaborn.set_theme()`` resets the global rcParams. To use
seaborn themes for your own plots, call :func:`set_seaborn_theme` (it passes the house font on).

The shipped faces keep every character of the upstream fonts (simplified and traditional hanzi, CJK
Extension A, enclosed numbers such as ⑪, punctuation). A character outside them would be a tofu box in
a PDF or a figure, so text is checked when it is shown: :func:`glyph_problems` / :func:`check_glyphs`
name the character, its code point and where it is. The check covers every face through the font
stacks of :data:`STACKS`: each place lists its families in order, and the PDF falls back from the
serif to the sans for the few characters the serif lacks (e.g. U+F900 豈), so a character is drawable
where every stack has it at both weights — which comes down to Noto Sans SC having it, since figures
and the site use nothing else.
Text in figures is never read as matplotlib mathtext (``text.parse_math`` is off): a ``$`` in a
source title is a dollar sign.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

# the fonts and the glyph check live in planlib._glyphs (below every layer); style re-exports them
from planlib._glyphs import (  # noqa: F401
    FAMILY,
    FAMILY_FILES,
    FONT_DIR,
    FONT_FILES,
    GLYPH_EXPECTED,
    SERIF_FAMILY,
    SERIF_FILES,
    STACKS,
    WEIGHTS,
    check_glyphs,
    copy_fonts,
    font_path,
    glyph_problems,
    missing_glyphs,
    text_width,
)

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

HOUSE_RC: dict[str, Any] = {
    # the family by name, not the generic "sans-serif": text keeps the house font even when drawn
    # (saved) after the rc context has been left or seaborn has reset the generic families
    "font.family": [FAMILY],
    "font.sans-serif": [FAMILY],
    "axes.unicode_minus": False,  # U+2212 is in the font, but ASCII '-' keeps numbers copyable
    "figure.dpi": 110,
    "savefig.dpi": 200,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titleweight": "bold",
    "axes.titlesize": 12,
    "axes.labelsize": 10,
    "legend.frameon": False,
    "pdf.fonttype": 42,  # embed TrueType, keep text selectable
    "svg.fonttype": "none",
    "text.parse_math": False,  # labels come from data: "$ x $" in a title is text, never mathtext
}


@functools.cache
def register_fonts() -> None:
    """Add the shipped fonts to matplotlib's font manager (once per process)."""
    from matplotlib import font_manager

    for path in FONT_FILES.values():
        if not path.is_file():
            raise FileNotFoundError(f"planlib 自带字体缺失:{path}(请重新安装 planlib)")
        font_manager.fontManager.addfont(str(path))


FONT_KEYS = ("font.family", "font.sans-serif", "axes.unicode_minus")


def use_house_style() -> None:
    """Apply the house style globally. Idempotent, and it survives ``seaborn.set_theme()``: seaborn's
    theme functions are wrapped once so that they put the house fonts back after resetting rcParams
    (seaborn's own font list has no CJK font, and every Chinese label would turn into boxes). seaborn's
    objects interface (``seaborn.objects.Plot``) draws inside its own theme (``so.Plot.config.theme``,
    Arial/DejaVu Sans): the house fonts are put into that theme too, and into the styles
    ``seaborn.axes_style()`` returns (``so.Plot(...).theme(sns.axes_style("whitegrid"))``)."""
    import matplotlib as mpl

    register_fonts()
    mpl.rcParams.update(HOUSE_RC)
    mpl.rcParams["axes.prop_cycle"] = mpl.cycler(color=PALETTE)
    _keep_fonts_after_seaborn()


def _keep_fonts_after_seaborn() -> None:
    import importlib.util

    if importlib.util.find_spec("seaborn") is None:
        return
    import matplotlib as mpl
    import seaborn as sns
    from seaborn import rcmod

    for name in ("set_theme", "set", "set_style", "reset_defaults", "reset_orig"):
        original = getattr(rcmod, name)
        if getattr(original, "_planlib_fonts", False):
            continue  # already wrapped: calling use_house_style() twice changes nothing

        def wrapper(*args, _original=original, **kwargs):
            result = _original(*args, **kwargs)
            mpl.rcParams.update({k: HOUSE_RC[k] for k in FONT_KEYS})
            return result

        wrapper._planlib_fonts = True  # type: ignore[attr-defined]
        wrapper.__doc__ = original.__doc__
        setattr(rcmod, name, wrapper)
        if getattr(sns, name, None) is original:
            setattr(sns, name, wrapper)
    _style_dicts_with_fonts(rcmod, sns)
    _objects_theme_fonts()


def _style_dicts_with_fonts(rcmod: Any, sns: Any) -> None:
    """``seaborn.axes_style()`` returns seaborn's font list (Arial, DejaVu Sans …) with the style: passed to
    ``so.Plot(...).theme(sns.axes_style("whitegrid"))`` it would draw every Chinese label as a box. The
    style it returns carries the house fonts instead (used as a context manager it already did: it goes
    through ``set_style``)."""
    original = rcmod.axes_style
    if getattr(original, "_planlib_fonts", False):
        return

    def axes_style(*args, _original=original, **kwargs):
        style = _original(*args, **kwargs)
        style.update({k: HOUSE_RC[k] for k in ("font.family", "font.sans-serif")})
        return style

    axes_style._planlib_fonts = True  # type: ignore[attr-defined]
    axes_style.__doc__ = original.__doc__
    rcmod.axes_style = axes_style
    if getattr(sns, "axes_style", None) is original:
        sns.axes_style = axes_style


def _objects_theme_fonts() -> None:
    """Put the house fonts into the theme ``seaborn.objects.Plot`` draws in (it sets its own rcParams while
    drawing, whatever the global ones are); ``so.Plot.config.theme.reset()`` gets them back as well."""
    try:
        from seaborn._core.plot import ThemeConfig
        from seaborn.objects import Plot
    except ImportError:  # seaborn before 0.12 has no objects interface
        return
    fonts = {k: HOUSE_RC[k] for k in (*FONT_KEYS, "text.parse_math")}
    Plot.config.theme.update(fonts)
    original = ThemeConfig.reset
    if not getattr(original, "_planlib_fonts", False):

        def reset(self, _original=original) -> None:
            _original(self)
            self.update(fonts)

        reset._planlib_fonts = True  # type: ignore[attr-defined]
        reset.__doc__ = original.__doc__
        ThemeConfig.reset = reset  # type: ignore[method-assign]


@contextlib.contextmanager
def house_style() -> Iterator[None]:
    """Draw inside this context to get the house style whatever the global rcParams are."""
    import matplotlib as mpl

    register_fonts()
    with mpl.rc_context({**HOUSE_RC, "axes.prop_cycle": mpl.cycler(color=PALETTE)}):
        yield


def set_seaborn_theme(**kwargs: Any) -> None:
    """``seaborn.set_theme`` with the house font (seaborn's own default would drop the CJK font)."""
    import seaborn as sns

    register_fonts()
    rc = {**HOUSE_RC, **kwargs.pop("rc", {})}
    sns.set_theme(font=FAMILY, rc=rc, **kwargs)
