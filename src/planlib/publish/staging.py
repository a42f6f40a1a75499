"""The site folder and its staging copy: where a site lives (:func:`site_dir`, :func:`manifest_site`), its
build record (:data:`STATE_FILE`: which hash each published file was built from), the staging copy a build
writes into (:func:`open_staging`) and the one-step exchange that publishes it (:func:`commit`), and the
clean-up of what a killed build left behind (:func:`clean_leftovers`, :func:`remove_scratch`).

A build never writes into the published site: it copies it to ``reports/.site-staging``, changes the copy and
exchanges the two folders at the end (:func:`planlib._io.replace_dir`), so an interrupted or failed build
leaves the previous site as it was.

May import: the base modules (atomic folder exchange) and the manifest's types; nothing else of
:mod:`planlib.publish`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from planlib._io import recover_dir, replace_dir, stage_copy
from planlib._paths import project_root

if TYPE_CHECKING:
    from planlib.publish.manifest import Manifest

STATE_FILE = ".planlib-build.json"


def site_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "reports" / "_site"


def manifest_site(manifest: Manifest, root: Path) -> Path:
    """``reports/_site`` for the project's manifest, ``<folder>/_site`` for a manifest elsewhere."""
    default = root / "reports" / "manifest.yaml"
    if manifest.path is None or Path(manifest.path).resolve() == default.resolve():
        return site_dir(root)
    return Path(manifest.path).resolve().parent / "_site"


def lock_path(root: Path) -> Path:
    return root / "reports" / ".planlib-build.lock"


def staging_dir(root: Path) -> Path:
    """The staging copy of the site a build writes into (``reports/.site-staging``)."""
    return root / "reports" / ".site-staging"


def scratch_dir(root: Path) -> Path:
    """The reports' scratch folders (``reports/_build/<id>``) and the figure cache live here for one build."""
    return root / "reports" / "_build"


def read_state(path: Path, notices: list[str]) -> dict:
    """Which hash each published file was built from; a damaged state file means: rebuild, and say so
    (appended to ``notices``)."""
    if not path.is_file():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(state, dict):
            raise ValueError("不是一个映射")
    except (ValueError, UnicodeDecodeError) as exc:
        notices.append(f"构建记录 {path} 已损坏({type(exc).__name__}),本次重新生成所有报告")
        return {}
    return {k: v for k, v in state.items() if isinstance(v, dict)}  # older state files: rebuild once


def open_staging(site: Path, root: Path) -> Path:
    """A staging copy of ``site`` (an empty folder when there is no site yet) to build the next site in: beside
    the site (``<site's folder>/.site-staging``; for the default site ``reports/.site-staging``), so that the
    final exchange is one rename on one filesystem (:func:`planlib._io.stage_copy`; a full disk raises
    :class:`planlib._io.DiskFull` with no partial copy left)."""
    return stage_copy(site, site.parent / ".site-staging")


def commit(staging: Path, site: Path, state: dict) -> None:
    """Write the build record ``state`` into ``staging``, then exchange ``staging`` with ``site`` in one step."""
    (staging / STATE_FILE).write_text(json.dumps(state, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    replace_dir(staging, site)


def remove_scratch(staging: Path, root: Path) -> list[str]:
    """Remove the staging copy and the scratch folders at the end of a build, whatever its outcome; returns
    what could not be removed, in words (the next build says what is in the way: :func:`clean_leftovers`)."""
    notices = []
    for leftover in (staging, scratch_dir(root)):
        shutil.rmtree(leftover, ignore_errors=True)
        if leftover.exists():
            notices.append(f"未能删除临时文件夹 {leftover};下次构建前会再试并说明原因")
    return notices


def clean_leftovers(root: Path) -> list[str]:
    """Undo what a killed build left behind (call under the build lock, before anything else).

    Restores ``reports/_site`` if a swap was cut in half, and removes the staging copy and the scratch
    folders. Returns what was done, in words."""
    done = []
    site = site_dir(root)
    if recover_dir(site):
        done.append(f"恢复了 {site}")
    for leftover in (staging_dir(root), scratch_dir(root), root / "reports" / ".site-old"):
        if leftover.exists():
            _remove(leftover)
            done.append(f"删除了残留的 {leftover.name}")
    return done


def _remove(folder: Path) -> None:
    """Delete ``folder``; raise PermissionError naming what is in the way (an immutable or locked file)."""
    failures: list[tuple[str, BaseException]] = []
    shutil.rmtree(folder, onerror=lambda _func, path, info: failures.append((path, info[1])))
    if folder.exists():
        path, error = failures[0] if failures else (str(folder), OSError("无法删除"))
        raise PermissionError(getattr(error, "errno", 1), f"无法删除上次构建留下的 {folder}:其中的 {path} 删不掉"
                              f"({getattr(error, 'strerror', None) or error});请解除该文件的锁定或只读属性后手动删除",
                              str(folder))  # fmt: skip
