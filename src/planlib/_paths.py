"""Where planlib finds its data.

The data live beside the code in the repository (``data/raw``, ``data/processed``), not inside the
installed package, so that researchers can read and version them. ``PLANLIB_ROOT`` overrides the
location (tests point it at temporary copies).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    """The folder holding ``data/``: ``$PLANLIB_ROOT``, else the repository this package sits in."""
    env = os.environ.get("PLANLIB_ROOT")
    if env:
        return Path(env).resolve()
    # src/planlib/_paths.py -> repository root (editable install, the supported way to work)
    candidate = PACKAGE_DIR.parent.parent
    if (candidate / "data" / "raw").is_dir():
        return candidate
    cwd = Path.cwd().resolve()
    for folder in (cwd, *cwd.parents):
        if (folder / "data" / "raw").is_dir():
            return folder
    raise FileNotFoundError(
        "planlib 找不到 data/raw 目录:请在仓库目录中运行,或设置环境变量 PLANLIB_ROOT 指向仓库根目录。"
    )


def raw_dir() -> Path:
    return project_root() / "data" / "raw"


def processed_dir() -> Path:
    return project_root() / "data" / "processed"
