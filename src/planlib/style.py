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
from pathlib import Path
from typing import Any

from planlib._paths import PACKAGE_DIR
from planlib.errors import DataError, Problem

FONT_DIR = PACKAGE_DIR / "fonts"
FAMILY = "Noto Sans SC"
SERIF_FAMILY = "Noto Serif SC"
FONT_FILES = {"regular": FONT_DIR / "NotoSansSC-Regular.ttf", "bold": FONT_DIR / "NotoSansSC-Bold.ttf"}
SERIF_FILES = {"regular": FONT_DIR / "NotoSerifSC-Regular.ttf", "bold": FONT_DIR / "NotoSerifSC-Bold.ttf"}
FAMILY_FILES = {FAMILY: FONT_FILES, SERIF_FAMILY: SERIF_FILES}
WEIGHTS = ("regular", "bold")
# Where text is shown → its font stack (first family first; Typst takes a character the first lacks from
# the next). templates/report.typ sets the PDF stacks, style.css the site's, HOUSE_RC the figures'.
STACKS: dict[str, tuple[str, ...]] = {
    "图": (FAMILY,),
    "网页": (FAMILY,),
    "PDF 正文": (SERIF_FAMILY, FAMILY),
    "PDF 标题、图表题与表格": (FAMILY, SERIF_FAMILY),
}

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


def copy_fonts(folder: Path) -> None:
    """Put the shipped fonts and their licence into ``folder`` (a site serves its own fonts)."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    for path in [*FONT_FILES.values(), FONT_DIR / "OFL.txt"]:
        shutil.copyfile(path, folder / path.name)


def font_path(weight: str = "regular", family: str = FAMILY) -> Path:
    """Path of a shipped font file: ``weight`` ``regular`` or ``bold`` of ``family`` (:data:`FAMILY` or
    :data:`SERIF_FAMILY`); KeyError for another."""
    return FAMILY_FILES[family][weight]


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
    (seaborn's own font list has no CJK font, and every Chinese label would turn into boxes)."""
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


def missing_glyphs(text: str, weight: str | None = None, family: str | None = None) -> str:
    """The characters of ``text`` that the shipped fonts cannot draw, sorted, each once ('' if none).

    By default (``weight`` and ``family`` None) a character is missing when any place of :data:`STACKS`
    cannot draw it at either weight (headings and table headers are bold). ``weight`` ``"regular"`` or
    ``"bold"`` and/or ``family`` (:data:`FAMILY`, :data:`SERIF_FAMILY`) check those faces alone. Spaces
    and control characters are not drawn and never missing."""
    if weight is None and family is None:
        cmap = _drawable()
    else:
        faces = [(f, w) for f in ([family] if family else FAMILY_FILES) for w in ([weight] if weight else WEIGHTS)]
        cmap = frozenset.intersection(*(_cmap(w, f) for f, w in faces))
    return "".join(sorted({c for c in text if c.isprintable() and not c.isspace() and ord(c) not in cmap}))


@functools.cache
def _cmap(weight: str, family: str = FAMILY) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(font_path(weight, family))) as font:
        return frozenset(font.getBestCmap())


@functools.cache
def _advances(weight: str, family: str) -> tuple[dict[int, float], float]:
    from fontTools.ttLib import TTFont

    with TTFont(str(font_path(weight, family)), lazy=True) as font:
        upm = font["head"].unitsPerEm
        hmtx = font["hmtx"]
        widths = {code: hmtx[glyph][0] / upm for code, glyph in font.getBestCmap().items()}
    return widths, widths.get(ord("0"), 0.55)


def text_width(text: str, weight: str = "regular", family: str = FAMILY) -> float:
    """The width of ``text`` set on one line in a shipped face, in em (multiply by the font size): the
    glyphs' advance widths, plus the quarter em Typst puts between Chinese and Latin text. A character
    the face lacks counts as wide as a digit."""
    widths, default = _advances(weight, family)
    total, previous = 0.0, ""
    for ch in text:
        total += widths.get(ord(ch), default)
        if previous and _is_cjk(previous) != _is_cjk(ch) and not (previous.isspace() or ch.isspace()):
            total += 0.25
        previous = ch
    return total


def _is_cjk(ch: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(ch) in ("W", "F")


@functools.cache
def _drawable() -> frozenset[int]:
    """Code points every place can draw at both weights: a stack draws what any of its families has."""
    return frozenset.intersection(*(frozenset().union(*(_cmap(w, f) for f in stack))
                                    for stack in STACKS.values() for w in WEIGHTS))  # fmt: skip


def _culprits(missing: str) -> str:
    """The families to name for ``missing`` characters: those of the narrowest stack that cannot draw one
    (Noto Sans SC, which figures and the site use alone, and which the PDF's serif falls back to)."""
    failing = [stack for stack in STACKS.values() for w in WEIGHTS
               if any(all(ord(c) not in _cmap(w, f) for f in stack) for c in missing)]  # fmt: skip
    return "、".join(min(failing, key=len)) if failing else FAMILY


GLYPH_EXPECTED = "自带字体中有的字符(可改用通行写法,或用文字说明该字)"


def _snippet(text: str, ch: str, width: int = 12) -> str:
    i = text.index(ch)
    start, end = max(0, i - width), i + len(ch) + width
    return ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")


def glyph_problems(text: str, *, file: str, row: int | None = None, field: str | None = None,
                   entry: str | None = None, origin: str | None = None) -> list[Problem]:  # fmt: skip
    """One :class:`planlib.errors.Problem` if ``text`` has characters the shipped fonts cannot draw.

    ``file``/``entry``/``row``/``field`` say where the text is shown (e.g. ``file='表“数据来源”'``,
    ``row=3``, ``field='来源'``), ``origin`` where it came from (``data/raw/x.csv 第 4 行``). The
    problem names each character with its code point and quotes the text around the first one::

        表“数据来源”,第 3 行,字段“来源”:字符“𠀀”(U+20000)无法显示:自带字体 Noto Sans SC 中没有它的字形,
        PDF 和图中会成为方框(见“重庆𠀀局”,来自 data/raw/x.csv 第 4 行);应为:自带字体中有的字符(…)
    """
    missing = missing_glyphs(text)
    if not missing:
        return []
    chars = "、".join(f"“{c}”(U+{ord(c):04X})" for c in missing)
    it = "它" if len(missing) == 1 else "它们"
    one_line = " ".join(text.split())
    where = f"见“{_snippet(one_line, missing[0])}”" + (f",来自 {origin}" if origin else "")
    problem = f"字符{chars}无法显示:自带字体 {_culprits(missing)} 中没有{it}的字形,PDF 和图中会成为方框({where})"
    return [Problem(file=file, row=row, field=field, entry=entry, problem=problem, expected=GLYPH_EXPECTED)]


def check_glyphs(text: str, *, file: str, row: int | None = None, field: str | None = None,
                 entry: str | None = None, origin: str | None = None) -> None:  # fmt: skip
    """Raise :class:`planlib.errors.DataError` (see :func:`glyph_problems`) if the fonts cannot draw ``text``."""
    problems = glyph_problems(text, file=file, row=row, field=field, entry=entry, origin=origin)
    if problems:
        raise DataError(problems)
