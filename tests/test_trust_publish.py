"""Trust in what is published (issue 20): downloads that never run in a spreadsheet, no identifier in a record
file's name reaching any output, builds on any filesystem and on a full disk.

Every hostile string and record file here is test data, made here (the record files are SYNTHETIC, the phone
and ID numbers in their names invented).
"""

from __future__ import annotations

import csv
import errno
import gzip
import io
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planlib import _io
from planlib._spreadsheet import csv_cell, csv_frame, csv_original, executes
from planlib.publish import build as B
from planlib.publish.downloads import CSV_NOTE, xlsx_bytes
from tests.conftest import REPO, make_project

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

# what a spreadsheet would run, and what it shows instead (OWASP: one leading single quote)
HOSTILE = {
    '=HYPERLINK("http://x","y")': '\'=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0",
    "+1+1": "'+1+1",
    "-2+3": "'-2+3",
    "@SUM(A1)": "'@SUM(A1)",
    "\t=1": "'\t=1",
    "\r=1": "'\r=1",
    " =1+1": "' =1+1",
    "-": "'-",
}
HARMLESS = ["-2.5", "-1,234.5", "+3%", "1e-3", "平均 = 2", "来源:统计公报", "", "2021—2025年", "—"]


# ------------------------------------------------------------------ the rules, cell by cell


@pytest.mark.parametrize(("text", "shown"), list(HOSTILE.items()))
def test_a_text_a_spreadsheet_would_run_gets_one_quote_and_nothing_is_lost(text, shown):
    assert executes(text)
    assert csv_cell(text) == shown
    assert csv_original(shown) == text


@pytest.mark.parametrize("text", HARMLESS)
def test_plain_numbers_and_ordinary_text_are_left_as_they_are(text):
    assert not executes(text)
    assert csv_cell(text) == text and csv_original(text) == text


def test_a_text_that_already_starts_with_a_quote_round_trips():
    assert csv_cell("'=1") == "''=1" and csv_original("''=1") == "'=1"
    assert csv_cell("'abc") == "'abc" and csv_original("'abc") == "'abc"  # not executable: untouched
    assert csv_cell(-2) == -2 and csv_cell(None) is None and csv_cell(float("inf")) == float("inf")


def test_csv_frame_leaves_numeric_columns_alone():
    frame = pd.DataFrame({"=列": ["=1+1", "-2.5", "a"], "value": [-2.5, -3.0, 4.0], "n": [-1, 2, 3]})
    out = csv_frame(frame)
    assert list(out.columns) == ["'=列", "value", "n"]
    assert out["'=列"].tolist() == ["'=1+1", "-2.5", "a"]
    assert out["value"].tolist() == [-2.5, -3.0, 4.0] and out["n"].dtype == frame["n"].dtype
    assert frame["=列"].tolist() == ["=1+1", "-2.5", "a"]  # the frame itself is not changed
    text = out.to_csv(index=False, lineterminator="\n")
    assert text == "'=列,value,n\n'=1+1,-2.5,-1\n-2.5,-3.0,2\na,4.0,3\n"
    categories = csv_frame(pd.DataFrame({"c": pd.Categorical(["@x", "b", "@x"])}))
    assert categories["c"].tolist() == ["'@x", "b", "'@x"]


def _cells(data: bytes) -> list[tuple[str, str, object]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [(ws.title, c.data_type, c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def test_xlsx_cells_from_data_are_text_and_numbers_stay_numbers():
    frame = pd.DataFrame({"来源": list(HOSTILE), "数值": [-float(i) - 0.5 for i in range(len(HOSTILE))]})
    cells = _cells(xlsx_bytes(frame, notes=["=1+1", "注:说明"]))
    assert [c for c in cells if c[1] == "f"] == []
    data = [c for c in cells if c[0] == "数据"]
    # the original text, no quote added (XML reads a carriage return as a line break, as Excel shows it)
    assert [c[2] for c in data[2::2]] == [t.replace("\r", "\n") for t in HOSTILE]
    assert {c[1] for c in data[2::2]} == {"s"}
    assert [c[2] for c in data[3::2]] == [-0.5, -1.5, -2.5, -3.5, -4.5, -5.5, -6.5, -7.5, -8.5]
    assert {c[1] for c in data[3::2]} == {"n"}
    assert [c[1:] for c in cells if c[0] == "说明"] == [("s", "=1+1"), ("s", "注:说明")]
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame)))
    assert wb.active["A2"].quotePrefix is True and wb.active["B2"].quotePrefix is False  # editing keeps it text


def test_table_to_excel_and_to_csv_are_safe(tmp_path):
    from planlib.presentation.tables import Table

    table = Table(pd.DataFrame({"来源": ["=1+1", "正常"], "数值": [-2.5, 3.0]}), caption="测试表", name="t",
                  source="=HYPERLINK(\"http://x\",\"y\")")  # fmt: skip
    path = table.to_excel(tmp_path / "t.xlsx")
    cells = _cells(path.read_bytes())
    assert [c for c in cells if c[1] == "f"] == []
    assert ("表格", "s", "=1+1") in cells and ("表格", "n", -2.5) in cells
    assert ("说明", "s", "=HYPERLINK(\"http://x\",\"y\")") in cells
    csv_path = table.to_csv(tmp_path)
    assert csv_path.read_bytes().decode("utf-8-sig") == "来源,数值\n'=1+1,-2.5\n正常,3.0\n"


@pytest.mark.skipif(LIBREOFFICE is None, reason="LibreOffice not installed (Debian package libreoffice-calc-nogui)")
def test_libreoffice_evaluates_no_formula_of_a_download(tmp_path):
    """LibreOffice opens the XLSX and the CSV as a reader would: nothing is computed. The same strings written
    the naive way are computed (so this test can fail): HYPERLINK shows y, 1+1 shows 2."""
    frame = pd.DataFrame({"来源": ['=HYPERLINK("http://x","y")', "=1+1", "-2+3", "+1+1", "@SUM(A1)"],
                          "数值": [-2.5, -1.0, 0.5, 2.0, 3.0]})  # fmt: skip
    (tmp_path / "safe.xlsx").write_bytes(xlsx_bytes(frame))
    naive = openpyxl.Workbook()
    for rec in frame.itertuples(index=False):
        naive.active.append(list(rec))
    naive.save(tmp_path / "naive.xlsx")
    (tmp_path / "safe.csv").write_text(csv_frame(frame).to_csv(index=False), encoding="utf-8")
    (tmp_path / "naive.csv").write_text(frame.to_csv(index=False), encoding="utf-8")
    env = {**os.environ, "HOME": str(tmp_path / "home")}  # a profile of its own
    utf8 = "44,34,76,1"  # comma, double quote, UTF-8, from line 1 (LibreOffice's CSV filter options)
    for target, files, options in (("csv", ["safe.xlsx", "naive.xlsx"], ["--convert-to", f"csv:Text - txt - csv (StarCalc):{utf8}"]),
                                   ("xlsx", ["safe.csv", "naive.csv"], [f"--infilter=CSV:{utf8}", "--convert-to", "xlsx"])):
        subprocess.run([LIBREOFFICE, "--headless", *options, "--outdir", str(tmp_path / target),
                        *[str(tmp_path / f) for f in files]], env=env, capture_output=True, timeout=180,
                       check=True)  # fmt: skip
    rows = list(csv.reader(io.StringIO((tmp_path / "csv" / "safe.csv").read_text(encoding="utf-8"))))
    assert rows == [["来源", "数值"], ['=HYPERLINK("http://x","y")', "-2.5"], ["=1+1", "-1"], ["-2+3", "0.5"],
                    ["+1+1", "2"], ["@SUM(A1)", "3"]]  # fmt: skip
    naive_rows = list(csv.reader(io.StringIO((tmp_path / "csv" / "naive.csv").read_text(encoding="utf-8"))))
    assert [r[0] for r in naive_rows][:2] == ["y", "2"]
    kinds = {name: [c[1] for c in _cells((tmp_path / "xlsx" / f"{name}.xlsx").read_bytes())] for name in ("safe", "naive")}
    assert "f" not in kinds["safe"] and "n" in kinds["safe"]  # text, and the numbers still numbers
    assert "f" in kinds["naive"]


# ------------------------------------------------------------------ the same through a real build

# (indicator, year, value, unit, kind, source title, note): real series, hostile provenance text
FORMULA_ROWS = [
    ("城镇新增就业", "2021", "75.1", "万人", "annual", '=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0"),
    ("城镇就业占比", "2021", "66.4", "%", "rate", "+1+1", "-2+3"),
    ("高校毕业生年底去向落实率", "2021", "96.5", "%", "rate", "@SUM(A1)", "@SUM(A1)"),
]


@pytest.fixture(scope="module")
def formula_site(tmp_path_factory):
    """annual-2021 with the site's pages, from real data whose rows for three 2021 figures are replaced by the
    same figures with hostile source titles and notes (test data)."""
    with pytest.MonkeyPatch.context() as mp:
        root = make_project(tmp_path_factory.mktemp("formula"), mp,
                            [{"id": "annual-2021", "notebook": "notebooks/annual.ipynb"}], pages=True)  # fmt: skip
        replaced = {(r[0], r[1]) for r in FORMULA_ROWS}
        for municipal in (root / "data" / "raw" / "chongqing_municipal_observations.csv",
                          root / "data" / "raw" / "round3" / "municipal_observations.csv"):  # fmt: skip
            rows = list(csv.reader(io.StringIO(municipal.read_text(encoding="utf-8"), newline="")))
            col = {name: i for i, name in enumerate(rows[0])}
            kept = [r for r in rows[1:] if (r[col["indicator"]], r[col["year"]]) not in replaced]
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows([rows[0], *kept])
            municipal.write_text(out.getvalue(), encoding="utf-8")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["indicator", "year", "value", "unit", "kind", "source_title", "source_url", "confidence", "note"])
        for i, (ind, year, value, unit, kind, title, note) in enumerate(FORMULA_ROWS):
            writer.writerow([ind, year, value, unit, kind, title, f"https://example.org/f{i}", "high", note])
        (root / "data" / "raw" / "formula_text_observations.csv").write_text(out.getvalue(), encoding="utf-8")
        result = B.build(progress=False)
        assert result.ok, result.failed
        yield root / "reports" / "_site"


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_report_table_downloads_are_neutralised_and_the_xlsx_keeps_the_text(formula_site):
    data = (formula_site / "annual-2021" / "tables" / "sources.csv").read_bytes()
    titles = {r["来源"] for r in _csv_rows(data)}
    assert {csv_cell(r[5]) for r in FORMULA_ROWS} <= titles
    assert b'[1],"\'=HYPERLINK(""http://x"",""y"")",https://example.org/f0\n' in data
    assert b"[2],'+1+1,https://example.org/f1\n" in data and b"[3],'@SUM(A1),https://example.org/f2\n" in data
    assert not [t for t in titles if executes(t)]
    cells = _cells((formula_site / "annual-2021" / "tables" / "sources.xlsx").read_bytes())
    assert [c for c in cells if c[1] == "f"] == []
    assert {r[5] for r in FORMULA_ROWS} <= {c[2] for c in cells}  # the raw text, quote taken off again


def test_page_table_downloads_are_neutralised_and_negative_numbers_stay_numbers(formula_site):
    page = formula_site / "data" / "indicators" / "urban_employment_share"
    line = "2021年,66.4,%,全年,是,高,'+1+1,https://example.org/f1,'-2+3\n"
    assert line.encode() in (page / "observations.csv").read_bytes()
    cells = _cells((page / "observations.xlsx").read_bytes())
    assert ("数据", "s", "+1+1") in cells and ("数据", "s", "-2+3") in cells
    assert [c for c in cells if c[1] == "f"] == []
    beibei = (formula_site / "data" / "districts" / "500109" / "values.csv").read_text(encoding="utf-8-sig")
    assert "\n地区生产总值实际增速,2022年,-0.9,数据暂缺(4/21 个区县有数据),2.5,%," in beibei  # no quote before -0.9


def test_every_download_of_the_site_is_safe(formula_site):
    """Every CSV of the site and of the archive has no executable cell; every XLSX no formula."""
    csvs = {str(p.relative_to(formula_site)): p.read_bytes() for p in formula_site.rglob("*.csv")}
    with zipfile.ZipFile(formula_site / "data" / "planlib-data.zip") as z:
        csvs |= {f"zip:{n}": z.read(n) for n in z.namelist() if n.endswith(".csv")}
    assert len(csvs) > 40 and "zip:observations.csv" in csvs
    running = [(name, cell) for name, data in csvs.items()
               for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row if executes(cell)]  # fmt: skip
    assert running == []
    xlsx = sorted(formula_site.rglob("*.xlsx"))
    assert len(xlsx) > 40
    assert [(str(p), c) for p in xlsx for c in _cells(p.read_bytes()) if c[1] == "f"] == []


def test_the_archive_keeps_numbers_and_the_index_keeps_the_raw_text(formula_site):
    with zipfile.ZipFile(formula_site / "data" / "planlib-data.zip") as z:
        data = z.read("observations.csv")
        index = json.loads(z.read("datapackage.json"))
    rows = _csv_rows(data)
    hostile = {r["source_title"]: r for r in rows if r["source_url"].startswith("https://example.org/f")}
    assert sorted(hostile) == sorted(csv_cell(r[5]) for r in FORMULA_ROWS)
    assert hostile["'+1+1"]["note"] == "'-2+3" and hostile["'+1+1"]["value"] == "66.4"
    beibei = [r for r in rows if r["region"] == "北碚区" and r["indicator_id"] == "gdp_real_growth" and r["year"] == "2022"]
    assert beibei and {(r["value"], r["published_value"]) for r in beibei} == {("-0.9", "-0.9")}  # a number, no quote
    assert b"\n" + "gdp_real_growth,北碚区".encode() in data and b",-0.9," in data
    assert index == json.loads((formula_site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert index["description"] == CSV_NOTE
    assert CSV_NOTE.startswith("CSV 文件中，以 =、+、-、@、制表符或回车开头的文字单元格前加了一个英文单引号（'）")
    assert {f"https://example.org/f{i}" for i in range(3)} <= set(index["resources"][0]["sources"])


# ------------------------------------------------------------------ no identifier in a file's name reaches an output

PHONE, ID_NUMBER = "13900001111", "500101199001011235"  # invented (synthetic) identifiers
RECORD_NAME = f"登记_{PHONE}_{ID_NUMBER}.csv"
RECORD_LABEL = "登记_〔手机号已隐去〕_〔身份证号已隐去〕.csv"


@pytest.mark.parametrize(
    ("name", "label"),
    [
        (RECORD_NAME, RECORD_LABEL),
        ("registers_20261031.csv", "registers_20261031.csv"),  # a date names no one
        ("postings_2026-10_500101.csv", "postings_2026-10_500101.csv"),  # a month and a district code
        ("登记_139-0000-1111.csv", "登记_〔手机号已隐去〕.csv"),
        ("登记_500101 19900101 1235.parquet", "登记_〔身份证号已隐去〕.parquet"),
        ("id50010119900101123X.csv", "id〔身份证号已隐去〕.csv"),
        ("企业_91500000MA5U1234XY.csv", "企业_〔统一社会信用代码已隐去〕.csv"),
        ("tel_023-68881234.csv", "tel_〔数字串已隐去〕.csv"),
        ("card6222021234567890123.csv", "card〔数字串已隐去〕.csv"),
        ("１３９００００１１１１.csv", "〔手机号已隐去〕.csv"),
        ("/data/13900001111/registers.csv", "/data/〔手机号已隐去〕/registers.csv"),
    ],
)  # fmt: skip
def test_safe_name_masks_every_identifier_shaped_run(name, label):
    from planlib.inputs.records import safe_name

    assert safe_name(name) == label


def test_a_record_file_is_named_by_its_label_in_messages_and_provenance(tmp_path):
    from planlib.inputs import records as R
    from tests.synthetic_records import write_registers

    path = write_registers(tmp_path / RECORD_NAME, 200, first="2026-09", last="2026-10")
    record = R.inspect_file(path)
    assert record.label == RECORD_LABEL and record.name == RECORD_NAME
    assert PHONE not in record.display and record.display.endswith(RECORD_LABEL)
    assert all(PHONE not in line and ID_NUMBER not in line for line in record.notices())
    with R.open_records([path]) as records:
        day = pd.Timestamp("2026-11-29").date()
        assert records.provenance(day=day) == f"由 {RECORD_LABEL}（{record.rows:,} 条记录） 计算，2026-11-29"
    bad = tmp_path / f"坏_{PHONE}.csv"
    bad.write_bytes(b"person_id,district,event,event_date\n\xff\xfe,x,y,z\n")
    problems = R.check_files([bad])[1]
    assert problems and all(PHONE not in str(p) for p in problems)
    assert str(problems[0]).startswith(f"{tmp_path}/坏_〔手机号已隐去〕.csv")


def _all_text(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` as bytes, with the members of zips (Word, XLSX, the archive) and gzip files
    (the search index) unpacked and the text of PDFs extracted."""
    out: dict[str, bytes] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        out[str(path)] = data
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                out |= {f"{path}!{n}": z.read(n) for n in z.namelist()}
        elif data[:2] == b"\x1f\x8b":
            out[f"{path}!gunzip"] = gzip.decompress(data)
        elif data[:5] == b"%PDF-":
            out[f"{path}!text"] = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                                 check=True).stdout  # fmt: skip
    return out


@needs_poppler
def test_no_identifier_of_a_file_name_reaches_any_output(tmp_path, monkeypatch):
    """planlib monitor run on a register file named with a phone and an ID number (SYNTHETIC), then the bulletin
    with the site's pages and search: neither number is in any byte of the outputs; the label is."""
    from planlib.cli import main
    from tests.synthetic_records import write_all

    files = write_all(tmp_path / "records", "small")
    registers = files["registers"].rename(files["registers"].with_name(RECORD_NAME))
    root = make_project(tmp_path, monkeypatch, [{"id": "monthly-2026-10", "notebook": "notebooks/monthly.ipynb"}],
                        pages=True)  # fmt: skip
    assert main(["monitor", "run", "--month", "2026-10", "--registers", str(registers),
                 "--enterprises", str(files["enterprises"]), "--postings", str(files["postings"])]) == 0  # fmt: skip
    assert main(["build", "--engine", "offline", "--quiet"]) == 0
    site, monitoring = root / "reports" / "_site", root / "data" / "monitoring"
    outputs = {**_all_text(site), **_all_text(monitoring)}
    assert any(k.endswith("monthly-2026-10.pdf!text") for k in outputs) and any("pagefind" in k for k in outputs)
    assert any(k.endswith("monthly-2026-10.docx!word/document.xml") for k in outputs)
    leaks = [name for name, data in outputs.items() if PHONE.encode() in data or ID_NUMBER.encode() in data]
    assert leaks == []
    meta = json.loads((monitoring / "2026-10" / "meta.json").read_text(encoding="utf-8"))
    assert meta["files"]["registers"] == [RECORD_LABEL]
    assert meta["provenance"].startswith(f"由 {RECORD_LABEL}（") and "）、synthetic_enterprises.csv（" in meta["provenance"]
    html = (site / "monthly-2026-10.html").read_text(encoding="utf-8")
    assert RECORD_LABEL in html
    observations = pd.read_csv(monitoring / "2026-10" / "observations.csv", dtype=str)
    assert observations["source_title"].str.contains(RECORD_LABEL, regex=False).all()


# ------------------------------------------------------------------ any filesystem, a full disk


def _exdev_between_folders(monkeypatch) -> list[tuple[str, str]]:
    """os.rename / os.replace fail with EXDEV (as between two filesystems) where source and target are in
    different folders, and the atomic exchange likewise; returns the moves refused."""
    refused: list[tuple[str, str]] = []
    real_rename, real_replace = os.rename, os.replace

    def guard(real):
        def move(src, dst, *args, **kwargs):
            if Path(src).resolve().parent != Path(dst).resolve().parent:
                refused.append((str(src), str(dst)))
                raise OSError(errno.EXDEV, "Invalid cross-device link", str(src), None, str(dst))
            return real(src, dst, *args, **kwargs)
        return move

    def exchange(a, b):
        if Path(a).resolve().parent != Path(b).resolve().parent:
            raise OSError(errno.EXDEV, "Invalid cross-device link", str(b))
        return False  # two renames instead

    monkeypatch.setattr(os, "rename", guard(real_rename))
    monkeypatch.setattr(os, "replace", guard(real_replace))
    monkeypatch.setattr(_io, "_renameat2_exchange", exchange)
    return refused


def test_replace_dir_and_move_file_work_across_filesystems(tmp_path, monkeypatch):
    here, there = tmp_path / "build", tmp_path / "disk2"
    (here / "new" / "sub").mkdir(parents=True)
    (here / "new" / "sub" / "a.txt").write_text("new", encoding="utf-8")
    (here / "file.pdf").write_bytes(b"%PDF-new")
    (there / "site").mkdir(parents=True)
    (there / "site" / "old.txt").write_text("old", encoding="utf-8")
    (there / "site.pdf").write_bytes(b"%PDF-old")
    refused = _exdev_between_folders(monkeypatch)
    _io.replace_dir(here / "new", there / "site")
    _io.move_file(here / "file.pdf", there / "site.pdf")
    assert refused  # the plain renames were tried and refused
    assert (there / "site" / "sub" / "a.txt").read_text(encoding="utf-8") == "new"
    assert not (there / "site" / "old.txt").exists() and (there / "site.pdf").read_bytes() == b"%PDF-new"
    assert sorted(p.name for p in there.iterdir()) == ["site", "site.pdf"]  # no .incoming, no temp file
    assert sorted(p.name for p in here.iterdir()) == []  # the sources are gone, as after a rename
    # a folder onto a target that does not exist yet
    (here / "again").mkdir()
    (here / "again" / "b.txt").write_text("b", encoding="utf-8")
    _io.replace_dir(here / "again", there / "fresh")
    assert (there / "fresh" / "b.txt").read_text(encoding="utf-8") == "b" and not (here / "again").exists()


def _fill_disk_after(monkeypatch, n_files: int, inside: Path) -> list[str]:
    """shutil.copy2 into ``inside`` writes half a file and fails with ENOSPC after ``n_files`` copies (as a
    full disk does: no file name in the error)."""
    real = shutil.copy2
    copied: list[str] = []

    def copy2(src, dst, *args, **kwargs):
        if str(Path(dst).resolve()).startswith(str(inside.resolve())):
            if len(copied) >= n_files:
                Path(dst).write_bytes(b"half")
                raise OSError(errno.ENOSPC, "No space left on device")
            copied.append(str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(shutil, "copy2", copy2)
    return copied


def test_stage_copy_on_a_full_disk_leaves_nothing_and_says_one_sentence(tmp_path, monkeypatch):
    site = tmp_path / "site"
    for i in range(5):
        (site / f"d{i}").mkdir(parents=True)
        (site / f"d{i}" / "f.txt").write_text("x" * 100, encoding="utf-8")
    _fill_disk_after(monkeypatch, 2, tmp_path / ".site.staging")
    with pytest.raises(_io.DiskFull) as info:
        _io.stage_copy(site)
    assert str(info.value) == f"磁盘空间不足,无法写入 {site}"
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(site)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    with pytest.raises(ValueError, match="须与"):
        _io.stage_copy(site, tmp_path / "elsewhere" / ".staging")


def test_write_atomic_on_a_full_disk_names_the_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")

    def full(path):
        path.write_text("ha", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(_io.DiskFull) as info:
        _io.write_atomic(target, full)
    assert str(info.value) == f"磁盘空间不足,无法写入 {target}"
    assert target.read_text(encoding="utf-8") == "old\n" and sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    """annual-2022 built once (HTML only, no pages); each test copies it."""
    with pytest.MonkeyPatch.context() as mp:
        root = make_project(tmp_path_factory.mktemp("disk"), mp,
                            [{"id": "annual-2022", "notebook": "notebooks/annual.ipynb"}])  # fmt: skip
        assert B.build(formats=("html",), progress=False).built == ["annual-2022"]
    return root


@pytest.fixture
def small_project(built_once, tmp_path, monkeypatch):
    root = tmp_path / "proj"
    shutil.copytree(built_once, root)
    monkeypatch.setenv("PLANLIB_ROOT", str(root))
    return root


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_full_disk_while_staging_the_site_is_one_sentence_and_leaves_nothing(small_project, monkeypatch, capsys):
    from planlib.cli import main

    reports = small_project / "reports"
    before, listing = _tree(reports / "_site"), sorted(p.name for p in reports.iterdir())
    _fill_disk_after(monkeypatch, 3, reports / ".site-staging")
    assert main(["build", "--engine", "offline", "--to", "html", "--force", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err == (f"磁盘空间不足:无法写入 {reports / '_site'};本次构建的临时文件已删除,上一版报告保持不变,"
                   "请腾出空间后重试。\n")  # fmt: skip
    assert sorted(p.name for p in reports.iterdir()) == listing  # no .site-staging, no temporary file
    assert _tree(reports / "_site") == before


def test_a_full_disk_after_the_reports_ran_leaves_no_staging_copy(small_project, monkeypatch, capsys):
    """The disk fills up while the site's fonts are copied (after the report was executed and rendered)."""
    from planlib.cli import main

    reports = small_project / "reports"
    before, listing = _tree(reports / "_site"), sorted(p.name for p in reports.iterdir())

    def fonts_fill_the_disk(folder):
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / "half.ttf").write_bytes(b"\0" * 1000)
        raise OSError(errno.ENOSPC, "No space left on device", str(Path(folder) / "half.ttf"))

    monkeypatch.setattr(B, "copy_fonts", fonts_fill_the_disk)
    assert main(["build", "--engine", "offline", "--to", "html", "--force", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err == (f"磁盘空间不足:无法写入 {reports / '.site-staging' / 'fonts' / 'half.ttf'};本次构建的临时文件已删除,"
                   "上一版报告保持不变,请腾出空间后重试。\n")  # fmt: skip
    assert sorted(p.name for p in reports.iterdir()) == listing  # staging copy and _build removed
    assert _tree(reports / "_site") == before


def test_a_site_on_another_filesystem_builds(small_project, monkeypatch):
    """--manifest in a folder where every move from the project's folders is refused with EXDEV (as between two
    filesystems): the site is staged beside it and built; nothing is left beside it."""
    other = small_project.parent / "disk2" / "site-b"
    other.mkdir(parents=True)
    manifest = other / "manifest.yaml"
    manifest.write_text((small_project / "reports" / "manifest.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    refused = _exdev_between_folders(monkeypatch)
    result = B.build(formats=("html",), progress=False, manifest=manifest)
    assert result.ok and result.built == ["annual-2022"] and result.site == other / "_site"
    assert refused  # the report's files came from reports/_build: moved by a copy beside the site
    assert (other / "_site" / "annual-2022.html").is_file() and (other / "_site" / "annual-2022" / "figures").is_dir()
    assert sorted(p.name for p in other.iterdir()) == ["_site", "manifest.yaml"]
    # once more: the site exists, so it is copied beside itself and exchanged
    again = B.build(formats=("html",), progress=False, manifest=manifest, force=True)
    assert again.built == ["annual-2022"] and sorted(p.name for p in other.iterdir()) == ["_site", "manifest.yaml"]


SHM = Path("/dev/shm")


@pytest.mark.skipif(not (SHM.is_dir() and os.access(SHM, os.W_OK)) or SHM.stat().st_dev == Path(REPO).stat().st_dev,
                    reason="no writable tmpfs on another filesystem at /dev/shm")  # fmt: skip
def test_a_site_on_a_real_other_filesystem_builds(small_project, capsys):
    """The same on a real second filesystem (tmpfs): `planlib build --manifest` there works (it used to stop
    with "Invalid cross-device link")."""
    from planlib.cli import main

    assert SHM.stat().st_dev != small_project.stat().st_dev
    other = SHM / f"planlib-test-{os.getpid()}"
    shutil.rmtree(other, ignore_errors=True)
    other.mkdir()
    try:
        manifest = other / "manifest.yaml"
        manifest.write_text((small_project / "reports" / "manifest.yaml").read_text(encoding="utf-8"),
                            encoding="utf-8")  # fmt: skip
        assert main(["build", "--engine", "offline", "--to", "html", "--quiet", "--manifest", str(manifest)]) == 0
        assert "生成 1 份,未变化 0 份,失败 0 份" in capsys.readouterr().out
        assert (other / "_site" / "annual-2022.html").is_file()
        assert sorted(p.name for p in other.iterdir()) == ["_site", "manifest.yaml"]
    finally:
        shutil.rmtree(other, ignore_errors=True)


@pytest.mark.parametrize(
    ("argv", "error", "expected"),
    [
        (["process"], OSError(errno.ENOSPC, "No space left on device", "/srv/x/data/.processed.staging/a.csv"),
         "磁盘空间不足:无法写入 /srv/x/data/.processed.staging/a.csv;临时文件已删除,data/processed 保持不变,"
         "请腾出空间后重试。\n"),
        (["build", "--engine", "offline", "--quiet"],
         shutil.Error([(f"/srv/x/reports/_site/{i}.png", f"/srv/x/reports/.site-staging/{i}.png",
                        "[Errno 28] No space left on device") for i in range(300)]),
         "磁盘空间不足;本次构建的临时文件已删除,上一版报告保持不变,请腾出空间后重试。\n"),
        (["build", "--engine", "offline", "--quiet"],
         shutil.Error([("/srv/x/a", "/srv/y/a", "[Errno 13] Permission denied: '/srv/y/a'"),
                       ("/srv/x/b", "/srv/y/b", "[Errno 13] Permission denied: '/srv/y/b'")]),
         "文件操作失败:/srv/y/a([Errno 13] Permission denied: '/srv/y/a')等 2 个文件\n"),
    ],
)  # fmt: skip
def test_disk_and_copy_errors_are_one_line(monkeypatch, capsys, argv, error, expected):
    from planlib import cli
    from planlib.inputs import processing

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(B, "build", fail)
    monkeypatch.setattr(processing, "process", fail)
    assert cli.main(argv) == 1
    assert capsys.readouterr().err == expected


def test_process_on_a_full_disk_keeps_the_processed_data_and_leaves_nothing(repo_copy, monkeypatch, capsys):
    from planlib.cli import main

    assert main(["process"]) == 0
    processed = repo_copy / "data" / "processed"
    before, listing = _tree(processed), sorted(p.name for p in (repo_copy / "data").iterdir())
    with (repo_copy / "data" / "raw" / "chongqing_municipal_observations.csv").open("a", encoding="utf-8") as raw:
        raw.write("地区生产总值,2019,23605.77,亿元,annual,测试来源(合成数据;仅供测试),https://example.org/t,low,"
                  "synthetic test row\n")  # a new row, so that process runs again
    real = pd.DataFrame.to_csv

    def full(self, path=None, *args, **kwargs):
        if path is not None and ".processed.staging" in str(path):
            Path(path).write_text("half", encoding="utf-8")
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    assert main(["process"]) == 1
    assert capsys.readouterr().err == "磁盘空间不足;临时文件已删除,data/processed 保持不变,请腾出空间后重试。\n"
    assert _tree(processed) == before and sorted(p.name for p in (repo_copy / "data").iterdir()) == listing


def test_the_digit_run_rule_is_a_checked_setting(tmp_path):
    from planlib.errors import DataError
    from planlib.inputs import records as R

    bad = tmp_path / "monitoring.yaml"
    bad.write_text(R.SETTINGS_FILE.read_text(encoding="utf-8").replace("name_digits: 7", "name_digits: 0"),
                   encoding="utf-8")  # fmt: skip
    with pytest.raises(DataError) as info:
        R.load_settings(bad)
    assert str(info.value) == (f"{bad},identifiers,字段“name_digits”:为 0,须为正整数;"
                               "应为:文件名中连续多少位数字即视为编号而隐去,如 7")  # fmt: skip
    loose = tmp_path / "loose.yaml"
    loose.write_text(R.SETTINGS_FILE.read_text(encoding="utf-8").replace("name_digits: 7", "name_digits: 12"),
                     encoding="utf-8")  # fmt: skip
    assert R.safe_name("tel_023-68881234.csv", R.load_settings(loose)) == "tel_023-68881234.csv"
    assert R.safe_name(RECORD_NAME, R.load_settings(loose)) == RECORD_LABEL  # the patterns still apply
