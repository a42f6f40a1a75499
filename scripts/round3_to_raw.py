"""Reshape the third research round into planlib's raw observation format (data/raw/round3/).

Reads the two files copied unchanged from the research round (``data/raw/round3/original/``) and
writes ``data/raw/round3/municipal_observations.csv`` and ``district_observations.csv``. Every row
keeps its indicator, value, unit, source title, source URL, confidence, note (which names the copy the
figure was read in) and quote. What changes, row by row, and why:

1. A ``published`` column (YYYY-MM-DD) is added from the source, by the rule in ``PUBLISHED``: the
   date the source itself prints; where it prints only a month, the last day of that month (the value
   was public by then); where it prints none, the date the official copy was posted (the attachment
   name on tjj.cq.gov.cn). It drives the choice between vintages of one figure.
2. A release status the source states goes after the period, so that it is data (``STATUS``): the
   2025 bulletin's GDP is 初步核算 (preliminary), its 2024 GDP is the 最终核实 (final) value; the 2024
   GDP of 重庆统计年鉴2025 (national and district tables) is the preliminary vintage that the 2025
   bulletin later verified, although the yearbook labels its whole table-2-5 series as revised.
3. 綦江区 in the yearbook tables includes 万盛经开区 (the notes say so): written 綦江区(含万盛经开区),
   planlib's form for that scope.
4. The yearbooks and the 2025 bulletin group the 区县 by the 2024 spatial plan, whose 主城都市区
   includes 垫江县: written 主城都市区(合计,含垫江), a name of its own in src/planlib/districts.yaml, so
   that it is never read as the plan's 2020 主城都市区.

Run from the repository root: ``python scripts/round3_to_raw.py`` (``--check`` only compares). The
output is deterministic; the test suite checks that the committed files equal what this script writes.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "data" / "raw" / "round3"
SOURCES = {
    "municipal_observations.csv": "original/chongqing_municipal_observations_r3.csv",
    "district_observations.csv": "original/chongqing_district_observations_r3.csv",
}

# (start of the source title, published date, how the date is known)
PUBLISHED = [
    ("2025年重庆市国民经济和社会发展统计公报", "2026-03-26", "date printed in the title; URL t20260326"),
    ("重庆统计年鉴2025", "2025-11-30", "printed 2025-11 (中国统计出版社2025-11): last day of that month"),
    ("重庆统计年鉴2024", "2025-05-06", "no print date in the copy; posted on tjj.cq.gov.cn 2025-05-06 (P020250506…)"),
    ("2023年重庆市投入产出表", "2025-12-18", "市统计局2025-12-18 in the title; URL t20251218"),
]

BULLETIN, YEARBOOK_2025 = "2025年重庆市国民经济和社会发展统计公报", "重庆统计年鉴2025"
# (indicator, year, start of the source title) → the period with its status; the reason is in the docstring
STATUS_MUNICIPAL = {
    ("地区生产总值(GDP)", "2025", BULLETIN): "2025 (preliminary)",
    ("GDP实际增速", "2025", BULLETIN): "2025 (preliminary)",
    ("地区生产总值(GDP,修订值)", "2024", BULLETIN): "2024 (final)",
    ("GDP实际增速(修订值)", "2024", BULLETIN): "2024 (final)",
    ("地区生产总值(GDP,修订值)", "2024", YEARBOOK_2025): "2024 (preliminary)",
    ("GDP实际增速(修订值)", "2024", YEARBOOK_2025): "2024 (preliminary)",
}
# district rows: (indicator, period as written, start of the source title) → period with its status
STATUS_DISTRICT = {
    ("地区生产总值", "annual 2024", YEARBOOK_2025): "annual 2024 (preliminary)",
    ("地区生产总值实际增速", "annual 2024", YEARBOOK_2025): "annual 2024 (preliminary)",
}
DISTRICT_NAMES = {"綦江区": "綦江区(含万盛经开区)", "主城都市区(合计)": "主城都市区(合计,含垫江)"}


def _published(title: str) -> str:
    for start, date, _ in PUBLISHED:
        if title.startswith(start):
            return date
    raise SystemExit(f"no publication date known for source “{title}”: add it to PUBLISHED")


def _lookup(table: dict, indicator: str, period: str, title: str) -> str | None:
    for (name, when, start), new in table.items():
        if (name, when) == (indicator, period) and title.startswith(start):
            return new
    return None


def reshape(name: str, text: str) -> str:
    """The reshaped CSV text of one original file (``name`` is the output file name)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    district = name.startswith("district")
    columns = list(rows[0].keys())
    columns.insert(columns.index("note"), "published")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        row = dict(row)
        row["published"] = _published(row["source_title"])
        if district:
            row["district"] = DISTRICT_NAMES.get(row["district"], row["district"])
            new = _lookup(STATUS_DISTRICT, row["indicator"], row["period"], row["source_title"])
            row["period"] = new or row["period"]
        else:
            new = _lookup(STATUS_MUNICIPAL, row["indicator"], row["year"], row["source_title"])
            row["year"] = new or row["year"]
        writer.writerow(row)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the committed files")
    args = parser.parse_args(argv)
    stale = []
    for name, source in SOURCES.items():
        text = reshape(name, (FOLDER / source).read_text(encoding="utf-8"))
        target = FOLDER / name
        if args.check:
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
    if stale:
        print(f"out of date: {', '.join(stale)} (run python scripts/round3_to_raw.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
