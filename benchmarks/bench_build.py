"""Time the report build: cold full build, no-op rebuild, one report after a data edit.

Runs in a throwaway copy of the project (the real data; nothing synthetic) so the repository's own
site is untouched. Run: `.venv/bin/python benchmarks/bench_build.py`. Prints timings only.
"""

from __future__ import annotations

import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "proj"
        for part in ("data/raw", "notebooks", "reports"):
            skip = shutil.ignore_patterns("_site", "_build", "*.ipynb_checkpoints")
            shutil.copytree(REPO / part, root / part, ignore=skip)
        os.environ["PLANLIB_ROOT"] = str(root)
        from planlib.publish.build import build

        print(f"machine: {platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}")
        for label, kwargs in (("cold full build, 7 reports, HTML+PDF, --jobs 1", {}),
                              ("no-op rebuild", {}),
                              ("cold full build again with --jobs 2", {"force": True, "jobs": 2})):
            t = time.perf_counter()
            result = build(progress=False, **kwargs)
            took = time.perf_counter() - t
            print(f"{label}: {took:.2f} s (built {len(result.built)}, unchanged {len(result.unchanged)})")
        raw = root / "data" / "raw" / "chongqing_municipal_observations.csv"
        raw.write_text(raw.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a data edit
        t = time.perf_counter()
        result = build(["annual-2024"], progress=False)
        print(f"one report after a data edit: {time.perf_counter() - t:.2f} s (built {result.built})")


if __name__ == "__main__":
    main()
