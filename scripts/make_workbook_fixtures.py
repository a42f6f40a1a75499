"""Make the LibreOffice-saved workbooks of tests/fixtures/workbooks/ (run once; the tests read the files made).

Each workbook is first written with openpyxl (the 填报模板 of ``planlib template``, filled with SYNTHETIC test
values, confidence ``test``), then opened and saved again by LibreOffice Calc in headless mode
(``soffice --headless --convert-to xlsx``), so the committed file is what a statistician's LibreOffice writes:
its own number-format codes, formulas with their saved results, merged and hidden cells as Calc stores them.
The tests never need LibreOffice. ``password_protected.xlsx`` is a one-row sheet encrypted with a password as
Excel encrypts (ECMA-376 agile encryption), by msoffcrypto-tool (``pip install msoffcrypto-tool``; not a planlib
dependency: only this script uses it, and it is skipped with a message where it is absent).

    python scripts/make_workbook_fixtures.py     # needs soffice (Debian: libreoffice-calc)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "workbooks"
SYNTHETIC = "合成测试数据(测试用、非公布数据)"
URL = "https://example.org/synthetic"


def _row(ws, series: str, year: int) -> int:
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == series and ws.cell(r, 3).value == year:
            return r
    raise KeyError((series, year))


def _fill(ws, r: int, value, fmt: str | None = None, note: str = "") -> None:
    ws.cell(r, 5).value = value
    if fmt:
        ws.cell(r, 5).number_format = fmt
    for col, text in ((6, SYNTHETIC), (7, URL), (8, "test"), (10, note)):
        ws.cell(r, col).value = text or None


def good(path: Path) -> None:
    """Values a LibreOffice user enters in everyday ways; every one must read as shown."""
    from planlib.inputs.template import write_template

    write_template(path)
    wb = load_workbook(path)
    city, county = wb["全市"], wb["区县"]
    _fill(city, _row(city, "城镇新增就业", 2024), 706700, '0\\.0000"万"')  # shown 70.6700万 → 70.67 万人
    _fill(city, _row(city, "城镇调查失业率", 2023), 0.053, "0.0%")  # shown 5.3% → 5.3
    _fill(city, _row(city, "失业保险参保人数", 2022), "=600+14.24")  # a formula: its saved result 614.24
    added = city.max_row - 99  # the first empty row below the pre-listed ones (its unit is a formula)
    city.cell(added, 1).value, city.cell(added, 3).value = "常住人口", 2023
    _fill(city, added, "３１９１．４３")  # full-width digits stored as text; a stock: read as 2023年末
    hidden = _row(city, "城镇新增就业", 2023)
    _fill(city, hidden, 99.9)  # on a hidden row: not read
    city.row_dimensions[hidden].hidden = True
    for r, (year, value) in enumerate(((2022, "155.9"), (2023, "155.4")), start=2):
        for col, v in zip("BDFGHI", ["常住人口", year, value, SYNTHETIC, URL, "test"], strict=True):
            county[f"{col}{r}"] = v
    county["A2"] = "万州区"
    county.merge_cells("A2:A3")  # 万州区 written once for two rows
    wb.save(path)


def bad(path: Path) -> None:
    """Cells LibreOffice saves that must be refused, each naming its cell or range."""
    from planlib.inputs.template import write_template

    write_template(path)
    wb = load_workbook(path)
    city, county = wb["全市"], wb["区县"]
    _fill(city, _row(city, "城镇新增就业", 2024), "=1/0")  # saved result #DIV/0!
    # Excel's “!” escape is not LibreOffice's: Calc shows 706700!.0000万 and saves 0\!.0000\万 — 706700 万人
    _fill(city, _row(city, "城镇新增就业", 2023), 706700, '0!.0000"万"')
    _fill(city, _row(city, "城镇调查失业率", 2023), -5.2, "0.0;0.0")  # −5.2 shown as 5.2
    for r in (2, 3):
        for col, v in zip("ABDGHI", ["万州区", "常住人口", 2020 + r, SYNTHETIC, URL, "test"], strict=True):
            county[f"{col}{r}"] = v
    county["F2"] = 155.9
    county.merge_cells("F2:F3")  # one 数值 for two rows
    wb.save(path)


def encrypted(path: Path) -> bool:
    """A small workbook with an opening password (synthetic-test-password); False without msoffcrypto-tool."""
    import io

    from openpyxl import Workbook

    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        print("跳过 password_protected.xlsx:需要 msoffcrypto-tool(pip install msoffcrypto-tool)", file=sys.stderr)
        return False
    wb = Workbook()
    wb.active.append(["indicator", "year", "value", "unit", "source_title", "source_url", "confidence"])
    wb.active.append(["城镇新增就业", 2023, 70.67, "万人", SYNTHETIC, URL, "test"])
    plain = io.BytesIO()
    wb.save(plain)
    plain.seek(0)
    out = io.BytesIO()
    OOXMLFile(plain).encrypt("synthetic-test-password", out)
    path.write_bytes(out.getvalue())
    return True


def main() -> int:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("需要 LibreOffice(soffice):apt-get install libreoffice-calc", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in (("libreoffice_template.xlsx", good), ("libreoffice_refused.xlsx", bad)):
            source = Path(tmp) / "source" / name
            source.parent.mkdir(exist_ok=True)
            make(source)
            converted = Path(tmp) / "converted"
            subprocess.run([soffice, "--headless", "--calc", "--convert-to", "xlsx:Calc Office Open XML",
                            "--outdir", str(converted), str(source)], check=True, capture_output=True,
                           env={"HOME": tmp, "PATH": "/usr/bin:/bin"})  # fmt: skip
            shutil.copyfile(converted / name, OUT / name)
            print(f"{OUT / name}")
    if encrypted(OUT / "password_protected.xlsx"):
        print(f"{OUT / 'password_protected.xlsx'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
