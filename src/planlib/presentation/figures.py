"""Report figures: a matplotlib figure with its alt text and caption, shown in Jupyter and in the publisher.

One object, two views:

- **Publishing** (the publisher runs the notebook with ``PLANLIB_ASSETS`` set to the report id): the figure
  saves itself to ``<id>/figures/<name>.png`` (print resolution) and displays as a pandoc Markdown image
  ``![caption](file){#fig-name alt="…"}``, which pandoc and Quarto turn into an HTML ``<figure>`` with
  ``alt`` and a numbered Typst figure.
- **Exploring** (Jupyter, nbconvert, VS Code): the figure displays as HTML (``<figure>`` with the PNG
  embedded as base64, its ``alt`` and a ``<figcaption>``) and as ``image/png``, so a shared notebook keeps
  its images and no pandoc attribute line is shown. It also saves ``figures/<name>.png`` beside the
  notebook, for use elsewhere.

File names are unique per figure: when another figure of the same name was already saved to the same
folder by this process, the next one gets ``<name>-2.png``, ``<name>-3.png`` … (redisplaying the same
image reuses its file), so two ``district_map`` calls in one notebook never share an image.

``caption`` and ``alt`` are plain text (escaped when the Markdown is written, so data text in them is
never markup). Every text drawn in the figure is literal (no mathtext) and is checked against the
shipped fonts when the figure is saved: matplotlib would draw a tofu box silently, planlib names the
character and the figure instead.

**Drawn once per build.** With ``PLANLIB_FIGURE_CACHE`` set to a folder (the publisher sets it to a folder of
the build, shared by its workers), :func:`cached` keeps each figure's PNG, alt text and caption under a key
made of everything the figure is drawn from (:func:`fingerprint`): a figure two reports draw from the same
data (the layout map of every report; every chart of annual-2025 and final-2025, which see the same data) is
drawn by the first and read by the others, byte for byte the same. Without the variable nothing is kept.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planlib._assets import ENV as ASSETS_ENV
from planlib._assets import asset_dir
from planlib.presentation.escape import md_attr, md_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PRINT_DPI = 200
FIGURE_DIR = "figures"
SCREEN_DPI = 100  # Jupyter shows the print-resolution PNG at this size (sharp on high-density screens)
FIGURE_CACHE_ENV = "PLANLIB_FIGURE_CACHE"  # a folder: figures drawn once and reused (see cached())

# (absolute folder, name) -> digests of the images saved under that name by this process, in order:
# the first is <name>.png, the second <name>-2.png, …
_SAVED: dict[tuple[str, str], list[str]] = {}


@dataclass
class Figure:
    figure: MplFigure | None  # None for a figure read back from the cache (its PNG is kept instead)
    alt: str
    caption: str
    name: str
    marks: str = ""  # signs drawn beside values († low confidence, ‡ test value), explained in the caption
    png: bytes | None = field(default=None, repr=False)  # the rendered PNG, once known

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"图名 {self.name!r} 须为小写英文、数字和连字符(用作文件名)")
        if not self.alt.strip():
            raise ValueError("每幅图都须有替代文字(alt)")
        if self.figure is None and self.png is None:
            raise ValueError("图须有 matplotlib 图或已生成的 PNG")
        if self.figure is not None:
            _literal_text(self.figure)

    def texts(self) -> list[str]:
        """Every non-empty text of the figure (titles, labels, tick labels, legend, annotations), as
        of its last draw (tick labels are made while drawing)."""
        if self.figure is None:
            return []  # read back from the cache: its texts were checked when it was drawn
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

    def render(self) -> bytes:
        """The PNG at print resolution (:data:`PRINT_DPI`), with fixed metadata so identical figures give
        identical bytes. Raises :class:`planlib.errors.DataError` (see :meth:`check_glyphs`) for a
        character the shipped fonts cannot draw, before or after drawing."""
        if self.png is not None:
            self.check_glyphs()  # the caption may have changed since (a caller adds notes to it)
            return self.png
        import io

        import matplotlib as mpl

        self.check_glyphs()  # every text set so far: titles, labels, legends, annotations, fixed tick labels
        buffer = io.BytesIO()
        with mpl.rc_context({"text.parse_math": False}):  # tick labels made while drawing are literal too
            _literal_text(self.figure)
            self.figure.savefig(buffer, format="png", dpi=PRINT_DPI, bbox_inches="tight", metadata={"Software": None})
        self.check_glyphs()  # and those made while drawing (e.g. category names on an axis)
        self.png = buffer.getvalue()
        return self.png

    def save(self, folder: Path) -> Path:
        """Write the PNG (:meth:`render`) to ``<folder>/<name>.png``, or ``<name>-2.png`` … when this process
        already saved a different image of that name there (the same image reuses its file).

        Returns the path written. Raises :class:`planlib.errors.DataError` (see :meth:`check_glyphs`) before
        writing a tofu box."""
        png = self.render()
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.file_name(folder, png)}.png"
        path.write_bytes(png)
        return path

    def file_name(self, folder: Path, png: bytes) -> str:
        """The file stem this image gets in ``folder``: ``name`` for the first image of that name saved there
        by this process (or the same image again), ``name-2``, ``name-3`` … for the next different ones."""
        digest = hashlib.sha256(png).hexdigest()
        seen = _SAVED.setdefault((str(Path(folder).resolve()), self.name), [])
        if seen and not (Path(folder) / f"{self.name}.png").exists():
            seen.clear()  # the folder was emptied (a new build): numbering starts again
        if digest not in seen:
            seen.append(digest)
        index = seen.index(digest) + 1
        return self.name if index == 1 else f"{self.name}-{index}"

    def to_markdown(self, src: str) -> str:
        """``![caption](src){#fig-name alt="…"}`` with caption and alt escaped; ``src`` is a path planlib made."""
        return self._markdown(src, self.name)

    def _markdown(self, src: str, fig_id: str) -> str:
        return f'![{md_text(self.caption)}]({src}){{#fig-{fig_id} alt="{md_attr(self.alt)}"}}\n'

    def markdown(self) -> str:
        """The publisher's view: save the PNG under :func:`planlib._assets.asset_dir` and return the pandoc
        Markdown image (``![caption](<dir>/figures/<file>.png){#fig-<file> alt="…"}``). Closes the
        matplotlib figure so Jupyter does not draw it a second time."""
        folder = asset_dir(FIGURE_DIR)
        path = self.save(Path(folder))
        self._close()
        return self._markdown(f"{folder}/{path.name}", path.stem)

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def _repr_png_(self) -> bytes:
        """The PNG, for Jupyter (also saved as ``figures/<file>.png`` beside the notebook)."""
        png = self.render()
        folder = Path(asset_dir(FIGURE_DIR))
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{self.file_name(folder, png)}.png").write_bytes(png)
        self._close()
        return png

    def _repr_html_(self) -> str:
        """``<figure>`` with the PNG embedded (base64), its alt text and the caption as ``<figcaption>``."""
        return self._html(self._repr_png_())

    def _html(self, png: bytes) -> str:
        data = base64.b64encode(png).decode("ascii")
        width = _png_width(png) * SCREEN_DPI // PRINT_DPI
        return (f'<figure class="planlib-figure" style="margin:0">'
                f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}" width="{width}" '
                f'style="max-width:100%">'
                f"<figcaption>{html.escape(self.caption)}</figcaption></figure>")  # fmt: skip

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """Publishing (``PLANLIB_ASSETS`` set): ``text/markdown`` only, as the publisher reads it. Exploring:
        ``text/html`` (embedded image, alt, caption), ``image/png`` (base64) and ``text/plain`` (the caption),
        never the pandoc Markdown, whose attribute line Jupyter would print as text."""
        if os.environ.get(ASSETS_ENV):
            return {"text/markdown": self.markdown()}
        png = self._repr_png_()
        return {"text/html": self._html(png), "image/png": base64.b64encode(png).decode("ascii"),
                "text/plain": f"<图：{self.caption}>"}  # fmt: skip

    def _ipython_display_(self) -> None:
        # IPython would add every _repr_*_ method's output to the bundle, the Markdown among them: show only
        # the bundle for this context
        from IPython import get_ipython
        from IPython.display import display

        try:
            bundle = self._repr_mimebundle_()
        except Exception:
            # shown once as the cell's error (the publisher stops on it), not once per display format, and
            # the inline backend does not draw the figure with its tofu boxes afterwards
            self._close()
            shell = get_ipython()
            if shell is None:
                raise
            shell.showtraceback()
            return
        metadata = {}
        if "image/png" in bundle:
            metadata = {"image/png": {"width": _png_width(base64.b64decode(bundle["image/png"])) * SCREEN_DPI
                                      // PRINT_DPI}}  # fmt: skip
        display(bundle, raw=True, metadata=metadata)

    def _close(self) -> None:
        if self.figure is None:
            return
        import matplotlib.pyplot as plt

        plt.close(self.figure)  # shown once; keep Jupyter's inline backend from drawing it a second time


def fingerprint(*parts: Any) -> str:
    """A hex digest of ``parts``: pandas frames and series by their values and labels (row order counts),
    anything else by its JSON (``str`` for what JSON cannot hold). Equal inputs, equal digest."""
    h = hashlib.sha256()
    for part in parts:
        if hasattr(part, "columns") or hasattr(part, "dtype"):  # a DataFrame or Series
            import pandas as pd

            h.update(pd.util.hash_pandas_object(part, index=True).values.tobytes())
            h.update(json.dumps([str(x) for x in getattr(part, "columns", [getattr(part, "name", "")])]).encode())
        else:
            h.update(json.dumps(part, sort_keys=True, default=str, ensure_ascii=False).encode())
        h.update(b"\0")
    return h.hexdigest()


def cached(key: str, draw: Callable[[], Figure]) -> Figure:
    """``draw()``, or the figure it drew before under ``key`` (see :func:`fingerprint`) when the environment
    variable ``PLANLIB_FIGURE_CACHE`` names a folder that has it. A figure read back has the same PNG bytes,
    alt text, caption, name and marks, and no matplotlib figure. Entries are written atomically (a PNG, then
    its JSON), so parallel workers drawing the same figure at once both end with a whole entry."""
    folder = os.environ.get(FIGURE_CACHE_ENV)
    if not folder:
        return draw()
    base = Path(folder) / key
    meta_path, png_path = base.with_suffix(".json"), base.with_suffix(".png")
    if meta_path.is_file() and png_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        return Figure(None, png=png_path.read_bytes(), **meta)
    figure = draw()
    png = figure.render()
    meta = {"alt": figure.alt, "caption": figure.caption, "name": figure.name, "marks": figure.marks}
    base.parent.mkdir(parents=True, exist_ok=True)
    for path, data in ((png_path, png), (meta_path, json.dumps(meta, ensure_ascii=False).encode())):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return figure


NO_SOURCE = "来源未注明"


@dataclass(frozen=True)
class Labels:
    """What a figure of district values says about them: title, unit, period and source (see :func:`labels`)."""

    title: str
    unit: str
    year: str | int
    source: str
    source_given: bool  # False: no source was given or recorded, and the caption says 来源未注明


def labels(values: Any, *, title: str | None = None, unit: str | None = None, year: str | int | None = None,
           source: str | None = None) -> Labels:  # fmt: skip
    """Title, unit, period and source of a figure of ``values``: each as given, else from ``values.attrs``
    (set by :func:`planlib.inputs.regions.district_values`: name, unit, period, sources), else from the
    Series name; a source that is neither given nor recorded is :data:`NO_SOURCE` (来源未注明)."""
    attrs = getattr(values, "attrs", None) or {}
    sources = list(attrs.get("sources") or [])
    recorded = "；".join(sources[:3]) + ("等" if len(sources) > 3 else "")
    return Labels(
        title=title or attrs.get("name") or str(getattr(values, "name", None) or "区县数值"),
        unit=unit if unit is not None else str(attrs.get("unit") or ""),
        year=year if year is not None else (attrs.get("period") or attrs.get("year") or "时期未注明"),
        source=source or recorded or NO_SOURCE,
        source_given=bool(source or recorded),
    )


def _png_width(png: bytes) -> int:
    """Pixel width from the PNG header (IHDR)."""
    return int.from_bytes(png[16:20], "big")


def _literal_text(figure: MplFigure) -> None:
    """No text of the figure is parsed as mathtext: ``$`` in a label from data stays a dollar sign."""
    from matplotlib.text import Text

    for text in figure.findobj(Text):
        text.set_parse_math(False)
