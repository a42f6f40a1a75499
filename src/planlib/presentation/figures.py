"""Report figures: a matplotlib figure with its alt text and caption, shown as Markdown.

In a notebook, a :class:`Figure` saves itself to ``figures/<name>.png`` (print resolution) beside the
notebook's working directory and displays as a Markdown image with caption and alt text, which pandoc
and Quarto turn into an HTML ``<figure>`` with ``alt`` and a numbered Typst figure.

``caption`` and ``alt`` are plain text (escaped when the Markdown is written, so data text in them is
never markup). Every text drawn in the figure is literal (no mathtext) and is checked against the
shipped fonts when the figure is saved: matplotlib would draw a tofu box silently, planlib names the
character and the figure instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planlib._assets import asset_dir
from planlib.presentation.escape import md_attr, md_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PRINT_DPI = 200
FIGURE_DIR = "figures"


@dataclass
class Figure:
    figure: MplFigure
    alt: str
    caption: str
    name: str
    marks: str = ""  # signs drawn beside values († low confidence, ‡ test value), explained in the caption

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"图名 {self.name!r} 须为小写英文、数字和连字符(用作文件名)")
        if not self.alt.strip():
            raise ValueError("每幅图都须有替代文字(alt)")
        _literal_text(self.figure)

    def texts(self) -> list[str]:
        """Every non-empty text of the figure (titles, labels, tick labels, legend, annotations), as
        of its last draw (tick labels are made while drawing)."""
        from matplotlib.text import Text

        return [t.get_text() for t in self.figure.findobj(Text) if t.get_visible() and t.get_text().strip()]

    def check_glyphs(self) -> None:
        """Raise :class:`planlib.errors.DataError` naming 图“caption” and the text, for any character of
        the caption or of a text in the figure that the shipped fonts cannot draw."""
        from planlib.errors import DataError
        from planlib.presentation.style import glyph_problems

        where = f"图“{self.caption}”"
        problems = glyph_problems(self.caption, file=where, entry="图题")
        seen: set[str] = set()
        for text in self.texts():
            if text not in seen:
                seen.add(text)
                problems += glyph_problems(text, file=where, entry="图中文字")
        if problems:
            raise DataError(problems)

    def save(self, folder: Path) -> Path:
        """Write ``<folder>/<name>.png``; metadata fixed so identical figures give identical bytes.

        Raises :class:`planlib.errors.DataError` (see :meth:`check_glyphs`) before drawing a tofu box."""
        import matplotlib as mpl

        from planlib.errors import DataError

        self.check_glyphs()  # every text set so far: titles, labels, legends, annotations, fixed tick labels
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name}.png"
        with mpl.rc_context({"text.parse_math": False}):  # tick labels made while drawing are literal too
            _literal_text(self.figure)
            self.figure.savefig(path, dpi=PRINT_DPI, bbox_inches="tight", metadata={"Software": None})
        try:
            self.check_glyphs()  # and those made while drawing (e.g. category names on an axis)
        except DataError:
            path.unlink()
            raise
        return path

    def to_markdown(self, src: str) -> str:
        """``![caption](src){#fig-name alt="…"}`` with caption and alt escaped; ``src`` is a path planlib made."""
        return f'![{md_text(self.caption)}]({src}){{#fig-{self.name} alt="{md_attr(self.alt)}"}}\n'

    def _repr_markdown_(self) -> str:
        folder = asset_dir(FIGURE_DIR)
        self.save(Path(folder))
        import matplotlib.pyplot as plt

        plt.close(self.figure)  # shown once, as Markdown; keep Jupyter from drawing it a second time
        return self.to_markdown(f"{folder}/{self.name}.png")


def _literal_text(figure: MplFigure) -> None:
    """No text of the figure is parsed as mathtext: ``$`` in a label from data stays a dollar sign."""
    from matplotlib.text import Text

    for text in figure.findobj(Text):
        text.set_parse_math(False)
