"""data/raw/national/original/national_observations.research.csv → data/raw/national/national_observations.csv.

The research file (national 《“十四五”就业促进规划》 observations, copied unchanged into ``original/`` with its
NOTES.md and the indicator table) is written in the project's raw observation format, region 全国 (the
``district`` column). Rows that cannot be a value of one period are left out, each with the reason printed
by this script and listed in ``data/raw/national/README.md``. Run from the repository root:

    python scripts/national_to_raw.py
"""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "raw" / "national" / "original" / "national_observations.research.csv"
TARGET = ROOT / "data" / "raw" / "national" / "national_observations.csv"

# research `kind` → (raw `kind`, raw `year` rewrite); None: not a value of one period (left out, with the reason)
KINDS = {"annual": "annual", "annual_avg": "rate", "cumulative": "cumulative", "year_end": "year_end",
         "level": "year_end", "interim": None, "month": None, "period_avg": None}  # fmt: skip
SKIPPED_WHY = {
    "month": "a single month (December), not a year's value",
    "period_avg": "a mean over several years, neither a year's value nor a total",
    "interim": "a figure at a date inside the year (end-September), not a year-end value",
}
# names the research used → the published name series.yaml lists for the same series
NAMES = {"补贴性职业技能培训": "开展补贴性职业技能培训", "基本养老保险参保人数": "基本养老保险参保人数(合计)"}
# context figures of no series in series.yaml (left out: no plan indicator of either plan reads them)
NO_SERIES = {"农民工职业技能培训", "技能劳动者总量", "新增劳动力平均受教育年限"}



def _url(url: str) -> str:
    """The page's address as the research file gives it, less an unfilled web-template placeholder that a copy
    left at its end (“…/2797174616/{{href}}” → “…/2797174616/”) and a stray trailing dot of the host
    (“hkcd.com.” → “hkcd.com”): both make the link fail, neither is part of the address."""
    import re

    url = re.sub(r"\{\{[^{}]*\}\}$", "", url.strip())
    return re.sub(r"^(https?://[^/]+)\.(?=/|$)", r"\1", url)

def convert(source: Path = SOURCE, target: Path = TARGET) -> tuple[int, list[str]]:
    """Write the raw file; returns the number of rows written and the reasons for the rows left out."""
    rows, skipped = [], []
    with source.open(encoding="utf-8", newline="") as fh:
        for line, rec in enumerate(csv.DictReader(fh), start=2):
            kind = KINDS.get(rec["kind"])
            year = rec["year"].strip()
            if rec["indicator"] in NO_SERIES:
                skipped.append(f"original 第 {line} 行 {rec['indicator']} {year}: no series in series.yaml (context)")
                continue
            if kind is None or "/" in year or "to " in year:
                why = SKIPPED_WHY.get(rec["kind"], "a period that is not one year or one plan period")
                skipped.append(f"original 第 {line} 行 {rec['indicator']} {year}: {why}")
                continue
            rows.append({"indicator": NAMES.get(rec["indicator"], rec["indicator"]), "year": year,
                         "value": rec["value"], "unit": rec["unit"], "kind": kind, "district": "全国",
                         "source_title": rec["source_title"], "source_url": _url(rec["source_url"]),
                         "confidence": rec["confidence"], "note": rec["note"], "quote": rec["quote"]})  # fmt: skip
    columns = ["indicator", "year", "value", "unit", "kind", "district", "source_title", "source_url", "confidence",
               "note", "quote"]  # fmt: skip
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows), skipped


if __name__ == "__main__":
    written, skipped = convert()
    print(f"{written} rows → {TARGET.relative_to(ROOT)}")
    for why in skipped:
        print("left out:", why)
