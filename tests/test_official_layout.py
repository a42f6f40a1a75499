"""The offline engine's PDF typeset as an official Chinese evaluation report (cover, serif body and sans
headings, 一、（一） numbering, bold emphasis, tables that never break a short cell, landscape for wide
tables, numbers right-aligned) and its Word export (cover, headings, captions, Word tables, embedded
figures with alt text, the Chinese styles of the reference document, reproducible bytes).

Every text here is test text; the table values are synthetic."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")
from planlib.errors import DataError
from planlib.presentation.style import text_width
from planlib.presentation.tables import Table
from planlib.publish.offline import PAGE, SHORT_EM, read_markdown, render_docx, render_pdf, typeset_tables

REPO = Path(__file__).resolve().parents[1]
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
PLAN = "重庆市就业促进“十四五”规划(2021—2025年)"  # the plan's title as the plan YAML writes it
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
STATUS = ["已完成", "数据暂缺", "基本符合序时进度", "快于序时进度", "数据暂缺", "慢于序时进度"]


def _run(*cmd: str) -> str:
    return subprocess.run(list(cmd), capture_output=True, text=True, check=True).stdout


def _pdf_text(pdf: Path, page: int | None = None, *flags: str) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return _run("pdftotext", *flags, *pages, str(pdf), "-")


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _page_fonts(pdf: Path, page: int) -> set[str]:
    out = _run("pdffonts", "-f", str(page), "-l", str(page), str(pdf))
    return {line.split()[0].split("+")[-1] for line in out.splitlines()[2:]}


def _page_size(pdf: Path, page: int) -> tuple[float, float]:
    info = _run("pdfinfo", "-f", str(page), "-l", str(page), str(pdf))
    w, h = re.search(rf"Page\s+{page} size:\s+([\d.]+) x ([\d.]+)", info).groups()
    return round(float(w)), round(float(h))


def _wide_table() -> Table:
    """Ten columns: too wide for a portrait page without breaking its short cells (synthetic values)."""
    rows = []
    for i, status in enumerate(STATUS):
        rows.append({"指标": f"合成指标{i + 1}号（万人）", "2020年基数": f"{100 + i}.5（2019年）",
                     "2025年目标": "≥300万人（五年累计）", "最新全年值": f"{70 + i}.67（2024年）",
                     "进展": f"累计 2{i}9.67，完成 7{i}.2%", "状态": status, "进展评价": "已达到目标",
                     "属性": "预期性" if i % 2 else "约束性", "数值": 1234.5 + i, "来源": "[1]、[2]、[3]"})  # fmt: skip
    return Table(pd.DataFrame(rows), caption="合成宽表（测试）", name="wide", notes=["合成数据，仅供测试。"])


def _narrow_table() -> Table:
    frame = pd.DataFrame({"区县": ["甲区", "乙县"], "状态": ["数据暂缺", "预期性"], "数值": [1.5, 22.25]})
    return Table(frame, caption="合成窄表（测试）", name="narrow")


# ------------------------------------------------------------------------------------------- the PDF


@needs_poppler
def test_cover_names_the_plan_the_report_the_evaluator_and_the_cutoff(tmp_path):
    pdf = render_pdf("# 摘要\n\n正文。\n", tmp_path / "r.pdf", root=tmp_path, title="2023年度评估报告",
                     subtitle="数据截至 2023年", date="数据截至 2023年末", plan=PLAN,
                     evaluator="某评估单位（测试用名称）")  # fmt: skip
    lines = [_squeezed(line) for line in _pdf_text(pdf, 1).splitlines() if line.strip()]
    assert lines == [_squeezed(PLAN), "2023年度评估报告", "评估单位：某评估单位（测试用名称）", "数据截至：2023年末",
                     "由planlib生成；数据来源见各表注与附录。"]
    assert "基准" not in "".join(lines)  # nothing a reader could take for the plan's 2020 base year


@needs_poppler
def test_cover_names_no_body_when_the_manifest_has_none_and_a_kind_the_title_lacks(tmp_path):
    pdf = render_pdf("正文。\n", tmp_path / "m.pdf", root=tmp_path, title="2026年10月就业监测简报",
                     subtitle="监测月份:2026年10月", date="数据截至 2026年10月末(行政记录/监测数据)", plan=PLAN,
                     kind="月度监测")  # fmt: skip
    lines = [_squeezed(line) for line in _pdf_text(pdf, 1).splitlines() if line.strip()]
    assert lines == [_squeezed(PLAN), "2026年10月就业监测简报", "月度监测", "数据截至：2026年10月末(行政记录/监测数据)",
                     "由planlib生成；数据来源见各表注与附录。"]


def test_the_cover_shows_the_kind_only_when_the_title_does_not_say_it():
    from planlib.publish.manifest import MonthlyReport, Report
    from planlib.publish.offline import cover_kind

    annual = Report(id="annual-2023", kind="annual", title="2023年度评估报告", notebook=Path("a.ipynb"),
                    parameters={"as_of": 2023})  # fmt: skip
    custom = Report(id="final-2025", kind="final", title="专题报告（测试）", notebook=Path("a.ipynb"),
                    parameters={"as_of": 2025})  # fmt: skip
    monthly = MonthlyReport(id="monthly-2026-10", kind="monthly", title="2026年10月就业监测简报",
                            notebook=Path("m.ipynb"), parameters={"month": "2026-10"})  # fmt: skip
    assert [cover_kind(r) for r in (annual, custom, monthly)] == ["", "终期评估", "月度监测"]


@needs_poppler
def test_body_is_serif_headings_sans_numbered_the_chinese_way_and_emphasis_bold(tmp_path):
    plain = render_pdf("# 摘要\n\n正文段落。\n\n## 小节\n\n又一段。\n", tmp_path / "a.pdf", root=tmp_path, title="t",
                       subtitle="s", date="d")  # fmt: skip
    # page 3 (after the cover and the contents): the headings in the sans, the body in the serif
    assert _page_fonts(plain, 3) == {"NotoSansSC-Bold", "NotoSansSC-Regular", "NotoSerifSC-Regular"}
    body = _squeezed(_pdf_text(plain, 3))
    assert "一、摘要" in body and "（一）小节" in body
    assert "一、摘要" in _squeezed(_pdf_text(plain, 2))  # the contents carry the same numbers
    emphasised = render_pdf("# 摘要\n\n正文*强调*段落。\n", tmp_path / "b.pdf", root=tmp_path, title="t",
                            subtitle="s", date="d")  # fmt: skip
    assert _page_fonts(emphasised, 3) == {"NotoSansSC-Bold", "NotoSansSC-Regular", "NotoSerifSC-Regular",
                                          "NotoSerifSC-Bold"}  # Chinese has no italic: emphasis is bold
    assert "正文强调段落。" in _squeezed(_pdf_text(emphasised, 3))


@needs_poppler
def test_a_character_only_the_sans_has_is_drawn_in_the_serif_body(tmp_path):
    sans_only = "\U00030edd"  # 𰻝: Noto Serif SC lacks it; the body falls back to Noto Sans SC (test text)
    pdf = render_pdf(f"{sans_only}{sans_only}面。\n", tmp_path / "c.pdf", root=tmp_path, title="t", subtitle="s",
                     date="d")  # fmt: skip
    assert f"{sans_only}{sans_only}面。" in _squeezed(_pdf_text(pdf, 3))
    assert {"NotoSansSC-Regular", "NotoSerifSC-Regular"} <= _page_fonts(pdf, 3)


def test_table_layout_keeps_short_cells_whole_and_turns_a_wide_table_landscape():
    ast = read_markdown(_wide_table().to_markdown() + _narrow_table().to_markdown())
    wide, narrow = typeset_tables(ast["blocks"], "typst")
    assert (wide.caption, wide.landscape, wide.fits, wide.size) == ("合成宽表（测试）", True, True, 8.0)
    assert (narrow.landscape, narrow.size) == (False, 8.0)
    assert sum(wide.widths) == pytest.approx(PAGE.text_width(landscape=True))
    assert sum(narrow.widths) == pytest.approx(PAGE.text_width())
    frame = _wide_table().frame
    for width, column in zip(wide.widths, frame.columns, strict=True):
        short = [str(v) for v in frame[column] if text_width(str(v)) <= SHORT_EM] + [column]
        need = max(text_width(t, "bold" if t == column else "regular") for t in short) * 8.0 + 2 * PAGE.cell_inset
        assert width >= need, column  # every short cell fits its column on one line
    tables = [b for b in ast["blocks"] if b["t"] == "Table"]
    aligns = [spec[0]["t"] for spec in tables[1]["c"][2]]
    assert aligns == ["AlignLeft", "AlignLeft", "AlignRight"]  # the column of numbers is right-aligned
    raw = [b["c"][1] for b in ast["blocks"] if b["t"] == "RawBlock"]
    assert raw == ["#planlib-table(size: 8.0pt, flipped: true)[", "#tablenotes[", "]", "]",
                   "#planlib-table(size: 8.0pt, flipped: false)[", "]"]


@needs_poppler
def test_tables_in_the_pdf_never_break_a_short_cell_and_wide_ones_are_landscape(tmp_path):
    markdown = "# 表格\n\n" + _narrow_table().to_markdown() + _wide_table().to_markdown() + "\n后文。\n"
    pdf = render_pdf(markdown, tmp_path / "t.pdf", root=tmp_path, title="t", subtitle="s", date="d")
    assert _page_size(pdf, 3) == (595, 842)  # the narrow table: portrait
    assert _page_size(pdf, 4) == (842, 595)  # the wide one on a landscape page of its own
    assert _page_size(pdf, 5) == (595, 842)
    wide = _pdf_text(pdf, 4, "-raw")
    for word in ("基本符合序时进度", "快于序时进度", "慢于序时进度", "数据暂缺", "预期性", "约束性", "已达到目标"):
        expected = sum(v == word for v in _wide_table().frame.stack().astype(str))
        assert wide.count(word) == _squeezed(wide).count(word) == expected, word  # each on one line, whole
    assert "合成数据，仅供测试。" in _squeezed(wide)  # the table's notes stay with it
    narrow = _pdf_text(pdf, 3, "-raw")
    assert narrow.count("数据暂缺") == 1 and narrow.count("预期性") == 1


# ------------------------------------------------------------------------------------------- Word


def _figure_markdown(folder: Path) -> str:
    import matplotlib.pyplot as plt

    from planlib.presentation.figures import Figure

    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([1, 2], [1, 2])
    figure = Figure(fig, alt="折线图：合成测试数据。", caption="合成图（测试）", name="test-figure")
    figure.save(folder / "figs")
    return figure.to_markdown("figs/test-figure.png")


def _docx(tmp_path: Path, name: str = "r.docx", evaluator: str = "某评估单位（测试用名称）") -> Path:
    markdown = ("# 摘要\n\n正文*强调*段落。\n\n## 小节\n\n" + _figure_markdown(tmp_path) + "\n"
                + _narrow_table().to_markdown() + _wide_table().to_markdown())  # fmt: skip
    return render_docx(markdown, tmp_path / name, root=tmp_path, title="2023年度评估报告", subtitle="数据截至 2023年",
                       date="数据截至 2023年末", plan=PLAN, evaluator=evaluator, notes=["† 测试注。"])  # fmt: skip


def _paragraphs(document: ET.Element) -> list[tuple[str, str]]:
    """(style, text) of every paragraph of the body, tables included."""
    out = []
    for p in document.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        out.append((style.get(f"{W}val") if style is not None else "", text))
    return out


def test_docx_has_the_cover_headings_captions_tables_and_figures_with_alt_text(tmp_path):
    path = _docx(tmp_path)
    with zipfile.ZipFile(path) as docx:
        document = ET.fromstring(docx.read("word/document.xml"))
        media = [n for n in docx.namelist() if n.startswith("word/media/")]
    paragraphs = _paragraphs(document)
    styled = [(s, t) for s, t in paragraphs if s in ("Title", "Subtitle", "Author", "Date", "Heading1", "Heading2",
                                                     "TableCaption", "ImageCaption", "TableNotes")]  # fmt: skip
    assert styled == [("Title", "2023年度评估报告"), ("Subtitle", PLAN), ("Author", "评估单位：某评估单位（测试用名称）"),
                      ("Date", "数据截至：2023年末"), ("Heading1", "一、摘要"), ("Heading2", "（一）小节"),
                      ("ImageCaption", "图 1\u3000合成图（测试）"), ("TableCaption", "表 1\u3000合成窄表（测试）"),
                      ("TableCaption", "表 2\u3000合成宽表（测试）"), ("TableNotes", "注:合成数据，仅供测试。")]
    # real Word tables, in the reference document's table style, with their cells
    table, wide = document.iter(f"{W}tbl")
    assert len(list(wide.iter(f"{W}tr"))) == 7
    assert table.find(f"{W}tblPr/{W}tblStyle").get(f"{W}val") == "Table"
    rows = [["".join(t.text or "" for t in c.iter(f"{W}t")) for c in r.iter(f"{W}tc")] for r in table.iter(f"{W}tr")]
    assert rows == [["区县", "状态", "数值"], ["甲区", "数据暂缺", "1.5"], ["乙县", "预期性", "22.25"]]
    # the figure is embedded, with its alt text as the drawing's description
    docpr = [e for e in document.iter() if e.tag.endswith("}docPr")]
    assert [d.get("descr") for d in docpr] == ["折线图：合成测试数据。"] and len(media) == 1
    # emphasis is bold, never italic (Chinese has no italic face)
    runs = [r for r in document.iter(f"{W}r") if "".join(t.text or "" for t in r.iter(f"{W}t")) == "强调"]
    assert runs and all(r.find(f"{W}rPr/{W}b") is not None and r.find(f"{W}rPr/{W}i") is None for r in runs)
    # the notes close the document
    assert paragraphs[-1][1] == "由 planlib 生成；数据来源见各表注与附录。 † 测试注。"


def test_docx_without_an_evaluator_names_no_body(tmp_path):
    with zipfile.ZipFile(_docx(tmp_path, evaluator="")) as docx:
        document = ET.fromstring(docx.read("word/document.xml"))
    assert [s for s, _ in _paragraphs(document)][:3] == ["Title", "Subtitle", "Date"]
    assert not any("评估单位" in t for _, t in _paragraphs(document))


def test_docx_styles_are_the_chinese_report_styles_of_the_reference_document(tmp_path):
    with zipfile.ZipFile(_docx(tmp_path)) as docx:
        styles = ET.fromstring(docx.read("word/styles.xml"))
    by_id = {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}

    def fonts(element):
        f = element.find(f"{W}rPr/{W}rFonts")
        return f.get(f"{W}eastAsia"), f.get(f"{W}ascii")

    def size(element):
        return int(element.find(f"{W}rPr/{W}sz").get(f"{W}val")) / 2

    assert fonts(styles.find(f"{W}docDefaults/{W}rPrDefault")) == ("宋体", "Times New Roman")
    assert size(styles.find(f"{W}docDefaults/{W}rPrDefault")) == 10.5  # 五号
    assert [(fonts(by_id[h]), size(by_id[h])) for h in ("Heading1", "Heading2", "Heading3")] == [
        (("黑体", "Arial"), 16), (("黑体", "Arial"), 14), (("黑体", "Arial"), 12)]
    assert fonts(by_id["TableCaption"]) == ("黑体", "Arial") and fonts(by_id["ImageCaption"]) == ("黑体", "Arial")
    assert (fonts(by_id["Title"]), size(by_id["Title"])) == (("宋体", "Times New Roman"), 22)
    indent = by_id["BodyText"].find(f"{W}pPr/{W}ind")
    assert indent.get(f"{W}firstLineChars") == "200"  # body paragraphs: first line indented two characters
    table = by_id["Table"]
    assert (fonts(table), size(table)) == (("宋体", "Times New Roman"), 9)
    notes = by_id["TableNotes"]
    assert (notes.find(f"{W}name").get(f"{W}val"), size(notes)) == ("Table Notes", 9)
    assert notes.find(f"{W}pPr/{W}jc").get(f"{W}val") == "left"  # never justified: its lines end in breaks
    borders = table.find(f"{W}tblPr/{W}tblBorders")
    assert sorted(b.tag.removeprefix(W) for b in borders) == ["bottom", "top"]  # a three-line table
    header = table.find(f"{W}tblStylePr/{W}tcPr/{W}tcBorders/{W}bottom")
    assert header.get(f"{W}val") == "single"


def test_docx_bytes_are_reproducible_and_the_glyph_check_applies(tmp_path):
    first, second = _docx(tmp_path, "a.docx"), _docx(tmp_path, "b.docx")
    assert first.read_bytes() == second.read_bytes()
    with pytest.raises(DataError) as info:
        render_docx("正文。\n", tmp_path / "x.docx", root=tmp_path, title="年度报告𠀀", subtitle="s", date="d")
    assert str(info.value).startswith("报告 x,标题:字符“𠀀”(U+20000)无法显示")
    assert not (tmp_path / "x.docx").exists()


def test_the_reference_document_is_what_the_script_makes():
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("make_reference_docx", REPO / "scripts" / "make_reference_docx.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_reference_docx", module)
    spec.loader.exec_module(module)
    data, _version = module.pandoc_default()
    committed = REPO / "src" / "planlib" / "publish" / "templates" / "reference.docx"
    assert module.make(data) == committed.read_bytes()


def test_docx_headings_are_numbered_in_chinese_as_in_the_pdf(tmp_path):
    markdown = "".join(f"# 第{n}节\n\n正文。\n\n" for n in range(1, 13)) + "## 小节甲\n\n## 小节乙\n\n### 细目\n"
    path = render_docx(markdown, tmp_path / "h.docx", root=tmp_path, title="t", subtitle="s", date="d")
    with zipfile.ZipFile(path) as docx:
        document = ET.fromstring(docx.read("word/document.xml"))
    headings = [t for s, t in _paragraphs(document) if s.startswith("Heading")]
    numbers = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    assert headings == [f"{c}、第{n}节" for n, c in enumerate(numbers, start=1)] + [
        "（一）小节甲", "（二）小节乙", "1. 细目"]


@needs_poppler
def test_the_heading_of_a_landscape_table_goes_onto_its_page(tmp_path):
    markdown = "# 前文\n\n正文。\n\n# 宽表\n\n" + _wide_table().to_markdown() + "\n# 后文\n\n正文。\n"
    pdf = render_pdf(markdown, tmp_path / "h.pdf", root=tmp_path, title="t", subtitle="s", date="d")
    assert [_page_size(pdf, n) for n in (3, 4, 5)] == [(595, 842), (842, 595), (595, 842)]
    assert _squeezed(_pdf_text(pdf, 3)).endswith("一、前文正文。第3页/共5页")
    assert _squeezed(_pdf_text(pdf, 4)).startswith("ts二、宽表表1合成宽表（测试）")  # running head, heading, table


def test_a_wide_table_is_a_landscape_section_of_the_word_file(tmp_path):
    markdown = "# 前文\n\n正文。\n\n# 宽表\n\n" + _wide_table().to_markdown() + _narrow_table().to_markdown()
    path = render_docx(markdown, tmp_path / "w.docx", root=tmp_path, title="t", subtitle="s", date="d")
    with zipfile.ZipFile(path) as docx:
        document = ET.fromstring(docx.read("word/document.xml"))
    body = document.find(f"{W}body")
    sequence = []  # what the body holds, in order: headings, tables and section ends
    for element in body:
        sect = element.find(f"{W}pPr/{W}sectPr") if element.tag == f"{W}p" else None
        if sect is not None or element.tag == f"{W}sectPr":
            size = (sect if sect is not None else element).find(f"{W}pgSz")
            sequence.append("横向" if size.get(f"{W}orient") == "landscape" else "纵向")
        elif element.tag == f"{W}tbl":
            sequence.append(f"表{len(element.findall(f'{W}tr'))}行")
        elif element.find(f"{W}pPr/{W}pStyle") is not None:
            style = element.find(f"{W}pPr/{W}pStyle").get(f"{W}val")
            if style.startswith("Heading"):
                sequence.append("".join(t.text or "" for t in element.iter(f"{W}t")))
    # the portrait section ends before the heading of the wide table; its landscape section after its notes
    assert sequence == ["一、前文", "纵向", "二、宽表", "表7行", "横向", "表3行", "纵向"]
    landscape = [e for e in body.iter(f"{W}pgSz") if e.get(f"{W}orient") == "landscape"]
    assert [(e.get(f"{W}w"), e.get(f"{W}h")) for e in landscape] == [("16838", "11906")]  # A4 turned
