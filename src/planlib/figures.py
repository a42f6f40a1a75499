"""Report figures: a matplotlib figure with its alt text and caption, shown as Markdown.

In a notebook, a :class:`Figure` saves itself to ``figures/<name>.png`` (print resolution) beside the
notebook's working directory and displays as a Markdown image with caption and alt text, which pandoc
and Quarto turn into an HTML ``<figure>`` with ``alt`` and a numbered Typst figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planlib._assets import asset_dir

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

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"图名 {self.name!r} 须为小写英文、数字和连字符(用作文件名)")
        if not self.alt.strip():
            raise ValueError("每幅图都须有替代文字(alt)")

    def save(self, folder: Path) -> Path:
        """Write ``<folder>/<name>.png``; metadata fixed so identical figures give identical bytes."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name}.png"
        self.figure.savefig(path, dpi=PRINT_DPI, bbox_inches="tight", metadata={"Software": None})
        return path

    def to_markdown(self, src: str) -> str:
        alt = self.alt.replace('"', "“").replace("\n", " ")
        return f'![{self.caption}]({src}){{#fig-{self.name} alt="{alt}"}}\n'

    def _repr_markdown_(self) -> str:
        folder = asset_dir(FIGURE_DIR)
        self.save(Path(folder))
        import matplotlib.pyplot as plt

        plt.close(self.figure)  # shown once, as Markdown; keep Jupyter from drawing it a second time
        return self.to_markdown(f"{folder}/{self.name}.png")
