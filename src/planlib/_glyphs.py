"""The shipped CJK fonts and what they can draw (no matplotlib here: every layer may check text).

Two families, each Regular and Bold (static, full coverage, SIL OFL; made by ``scripts/subset_fonts.py``,
recorded in ``fonts/fonts.json``): Noto Sans SC (:data:`FAMILY`) and Noto Serif SC (:data:`SERIF_FAMILY`);
:data:`STACKS` says where each is used. A character outside them would be a tofu box in a PDF or a
figure, so text is checked when it is shown: :func:`glyph_problems` / :func:`check_glyphs` name the
character, its code point and where it is. :mod:`planlib.presentation.style` applies the fonts to
matplotlib.
"""

from __future__ import annotations

import functools
from pathlib import Path

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
# the next). templates/planlib-style.typ sets the PDF stacks, style.css the site's, HOUSE_RC the figures'.
STACKS: dict[str, tuple[str, ...]] = {
    "图": (FAMILY,),
    "网页": (FAMILY,),
    "PDF 正文": (SERIF_FAMILY, FAMILY),
    "PDF 标题、图表题与表格": (FAMILY, SERIF_FAMILY),
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
