"""Where a report's figures and table CSVs go, relative to the notebook's working directory.

The publisher sets ``PLANLIB_ASSETS`` to the report id, so every report keeps its files in
``<id>/figures`` and ``<id>/tables`` (the same relative links work in the site, in Typst and in Quarto);
interactively the files go to ``figures/`` and ``tables/`` beside the notebook.
"""

from __future__ import annotations

import os

ENV = "PLANLIB_ASSETS"


def asset_dir(kind: str) -> str:
    prefix = os.environ.get(ENV, "").strip("/")
    return f"{prefix}/{kind}" if prefix else kind
