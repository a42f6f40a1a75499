"""Make ``src/planlib/publish/templates/reference.docx``, the reference document pandoc's Word writer takes
its styles from, reproducibly: pandoc's own default (``pandoc --print-default-data-file reference.docx``,
from the ``pypandoc-binary`` wheel planlib depends on) with Chinese report styles written into it.

    .venv/bin/python scripts/make_reference_docx.py

Fonts are the ones a Chinese Word (or WPS) installation has, named as Chinese templates name them:
宋体 (SimSun) for body text, 黑体 (SimHei) for headings, captions and table headers, with Times New Roman
and Arial for Latin text and digits. They are not embedded: Word on Windows has both, Word for Mac and
WPS map them to their Song and Hei faces, and a reader without them gets the closest face installed.
The shipped Noto fonts are not named because Word would fall back silently where they are missing.

Styles (the names pandoc uses):

* body (Normal, Body Text, First Paragraph): 宋体 10.5 pt (五号), 1.5 lines, justified, first line indented
  two characters, no space between paragraphs; Compact (tight lists, table cells) not indented;
* Title 宋体 bold 22 pt (二号), Subtitle 黑体 14 pt, Author and Date 宋体 14 pt, centred (the cover);
  TOC Heading 黑体 16 pt on a new page;
* Heading 1–3 黑体 bold 16 / 14 / 12 pt (三号, 四号, 小四), black, kept with the next paragraph;
* Table Caption (kept with its table) and Image Caption 黑体 bold 10.5 pt, centred;
* Table Notes (a table's source and notes, ``custom-style`` of planlib's ``.table-notes``): 宋体 9 pt, left
  aligned, not indented (justified lines that end in a line break would be spread out);
* Table: a three-line table (rules above and below, a thin one under the header row), 宋体 9 pt (小五),
  header row bold;
* A4 portrait with the PDF's margins (22 mm left and right, 24 mm top and bottom).

The zip is written with fixed timestamps in pandoc's member order, so the same pandoc version gives the
same bytes (the script prints the version it used).
"""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "planlib" / "publish" / "templates" / "reference.docx"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = {
    "w": W,
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
for prefix, uri in NAMESPACES.items():
    ET.register_namespace(prefix, uri)

SONG = {"ascii": "Times New Roman", "hAnsi": "Times New Roman", "eastAsia": "宋体", "cs": "Times New Roman"}
HEI = {"ascii": "Arial", "hAnsi": "Arial", "eastAsia": "黑体", "cs": "Arial"}
FONT_TABLE = {  # fontTable.xml entries, so Word knows the Chinese names' English names and character set
    "宋体": ("SimSun", "86", "auto", "variable", "02010600030101010101"),
    "黑体": ("SimHei", "86", "modern", "fixed", "02010609060101010101"),
    "Arial": (None, "00", "swiss", "variable", "020B0604020202020204"),
}
TWIPS_PER_MM = 1440 / 25.4

# styleId → (run properties, paragraph properties); sizes in points, spacing in points, indent in characters
STYLES: dict[str, tuple[dict, dict]] = {
    "BodyText": ({}, {"before": 0, "after": 0, "first_chars": 2, "jc": "both"}),
    "FirstParagraph": ({}, {"before": 0, "after": 0, "first_chars": 2, "jc": "both"}),
    "Compact": ({}, {"before": 0, "after": 0, "first_chars": 0, "jc": "left"}),
    "Title": ({"fonts": SONG, "size": 22, "bold": True}, {"before": 120, "after": 24, "jc": "center", "line": 1.0}),
    "Subtitle": ({"fonts": HEI, "size": 14}, {"before": 0, "after": 120, "jc": "center", "line": 1.0}),
    "Author": ({"fonts": SONG, "size": 14}, {"before": 0, "after": 6, "jc": "center", "line": 1.0}),
    "Date": ({"fonts": SONG, "size": 14}, {"before": 0, "after": 6, "jc": "center", "line": 1.0}),
    "TOCHeading": ({"fonts": HEI, "size": 16, "bold": True}, {"before": 0, "after": 12, "jc": "center",
                                                             "page_break": True}),
    "Heading1": ({"fonts": HEI, "size": 16, "bold": True}, {"before": 18, "after": 6, "keep": True, "outline": 0}),
    "Heading2": ({"fonts": HEI, "size": 14, "bold": True}, {"before": 12, "after": 6, "keep": True, "outline": 1}),
    "Heading3": ({"fonts": HEI, "size": 12, "bold": True}, {"before": 6, "after": 3, "keep": True, "outline": 2}),
    "Heading4": ({"fonts": HEI, "size": 10.5, "bold": True}, {"before": 6, "after": 3, "keep": True, "outline": 3}),
    "Caption": ({"fonts": HEI, "size": 10.5, "bold": True}, {"before": 6, "after": 6, "jc": "center",
                                                             "first_chars": 0, "line": 1.0}),
    "TableCaption": ({"fonts": HEI, "size": 10.5, "bold": True}, {"before": 12, "after": 6, "jc": "center",
                                                                  "keep": True, "first_chars": 0, "line": 1.0}),
    "ImageCaption": ({"fonts": HEI, "size": 10.5, "bold": True}, {"before": 3, "after": 12, "jc": "center",
                                                                  "first_chars": 0, "line": 1.0}),
    "CaptionedFigure": ({}, {"before": 6, "after": 0, "jc": "center", "keep": True, "first_chars": 0, "line": 1.0}),
    "Figure": ({}, {"before": 6, "after": 0, "jc": "center", "keep": True, "first_chars": 0, "line": 1.0}),
    "FootnoteText": ({"size": 9}, {"first_chars": 0, "line": 1.0}),
}  # fmt: skip
# styles pandoc's default lacks: styleId → (name, based on, run properties, paragraph properties)
NEW_STYLES: dict[str, tuple[str, str, dict, dict]] = {
    "TableNotes": ("Table Notes", "BodyText", {"size": 9},
                   {"before": 3, "after": 9, "first_chars": 0, "jc": "left", "line": 1.0}),
}  # fmt: skip


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def sub(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, w(tag), {w(k): str(v) for k, v in attrs.items()})


def run_properties(spec: dict) -> ET.Element:
    """``<w:rPr>`` in schema order: fonts, bold, colour, size."""
    rpr = ET.Element(w("rPr"))
    if "fonts" in spec:
        sub(rpr, "rFonts", **spec["fonts"])
    if spec.get("bold"):
        sub(rpr, "b")
        sub(rpr, "bCs")
    if "size" in spec or "fonts" in spec:
        sub(rpr, "color", val="000000")
    if "size" in spec:
        sub(rpr, "sz", val=round(spec["size"] * 2))
        sub(rpr, "szCs", val=round(spec["size"] * 2))
    return rpr


def paragraph_properties(spec: dict) -> ET.Element:
    """``<w:pPr>`` in schema order: keepNext, keepLines, pageBreakBefore, spacing, ind, jc, outlineLvl."""
    ppr = ET.Element(w("pPr"))
    if spec.get("keep"):
        sub(ppr, "keepNext")
        sub(ppr, "keepLines")
    if spec.get("page_break"):
        sub(ppr, "pageBreakBefore")
    spacing = {}
    if "before" in spec:
        spacing["before"] = round(spec["before"] * 20)
    if "after" in spec:
        spacing["after"] = round(spec["after"] * 20)
    if "line" in spec:
        spacing.update(line=round(spec["line"] * 240), lineRule="auto")
    if spacing:
        sub(ppr, "spacing", **spacing)
    if "first_chars" in spec:
        chars = spec["first_chars"]
        sub(ppr, "ind", firstLineChars=chars * 100, firstLine=chars * 210)  # 210 twips: one 10.5 pt character
    if "jc" in spec:
        sub(ppr, "jc", val=spec["jc"])
    if "outline" in spec:
        sub(ppr, "outlineLvl", val=spec["outline"])
    return ppr


def _replace_properties(style: ET.Element, rspec: dict, pspec: dict) -> None:
    for tag in ("pPr", "rPr"):
        for old in style.findall(w(tag)):
            style.remove(old)
    # pPr and rPr come after name … rsid and before tblPr (none in paragraph styles)
    if pspec:
        style.append(paragraph_properties(pspec))
    if rspec:
        style.append(run_properties(rspec))


def table_style() -> ET.Element:
    """The "Table" style pandoc gives every table: a three-line table in 宋体 9 pt, header row bold."""
    style = ET.Element(w("style"), {w("type"): "table", w("default"): "1", w("styleId"): "Table"})
    sub(style, "name", val="Table")
    sub(style, "basedOn", val="TableNormal")
    sub(style, "uiPriority", val="59")
    sub(style, "qFormat")
    style.append(paragraph_properties({"before": 0, "after": 0, "line": 1.0, "first_chars": 0, "jc": "left"}))
    style.append(run_properties({"fonts": SONG, "size": 9}))
    tblpr = sub(style, "tblPr")
    sub(tblpr, "tblInd", w="0", type="dxa")
    borders = sub(tblpr, "tblBorders")
    sub(borders, "top", val="single", sz="12", space="0", color="000000")
    sub(borders, "bottom", val="single", sz="12", space="0", color="000000")
    margins = sub(tblpr, "tblCellMar")
    for side, width in (("top", 30), ("left", 80), ("bottom", 30), ("right", 80)):
        sub(margins, side, w=str(width), type="dxa")
    header = sub(style, "tblStylePr", type="firstRow")
    hppr = sub(header, "pPr")
    sub(hppr, "keepNext")
    hrpr = sub(header, "rPr")
    sub(hrpr, "rFonts", **HEI)
    sub(hrpr, "b")
    sub(hrpr, "bCs")
    htcpr = sub(header, "tcPr")
    hborders = sub(htcpr, "tcBorders")
    sub(hborders, "bottom", val="single", sz="6", space="0", color="000000")
    sub(htcpr, "vAlign", val="bottom")
    return style


def styles_xml(data: bytes) -> bytes:
    root = ET.fromstring(data)
    defaults = root.find(w("docDefaults"))
    rpr = defaults.find(f"{w('rPrDefault')}/{w('rPr')}")
    for child in list(rpr):
        rpr.remove(child)
    sub(rpr, "rFonts", **SONG)
    sub(rpr, "sz", val="21")
    sub(rpr, "szCs", val="21")
    sub(rpr, "lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    ppr = defaults.find(f"{w('pPrDefault')}/{w('pPr')}")
    for child in list(ppr):
        ppr.remove(child)
    sub(ppr, "spacing", after="0", line="360", lineRule="auto")
    by_id = {s.get(w("styleId")): s for s in root.findall(w("style"))}
    for style_id, (rspec, pspec) in STYLES.items():
        style = by_id.get(style_id)
        if style is None:
            raise SystemExit(f"pandoc's reference.docx has no style {style_id}")
        _replace_properties(style, rspec, pspec)
        link = style.find(w("link"))
        if rspec and link is not None and link.get(w("val")) in by_id:  # e.g. Heading1Char: the same look in runs
            _replace_properties(by_id[link.get(w("val"))], rspec, {})
    for style_id in ("Heading5", "Heading6", "Heading7", "Heading8", "Heading9"):
        _replace_properties(by_id[style_id], STYLES["Heading4"][0], {**STYLES["Heading4"][1],
                                                                    "outline": int(style_id[-1]) - 1})  # fmt: skip
    for style_id, (name, based_on, rspec, pspec) in NEW_STYLES.items():
        style = ET.Element(w("style"), {w("type"): "paragraph", w("customStyle"): "1", w("styleId"): style_id})
        sub(style, "name", val=name)
        sub(style, "basedOn", val=based_on)
        sub(style, "qFormat")
        _replace_properties(style, rspec, pspec)
        root.insert(list(root).index(by_id["TableCaption"]), style)
    old = by_id["Table"]
    root.insert(list(root).index(old), table_style())
    root.remove(old)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def font_table_xml(data: bytes) -> bytes:
    root = ET.fromstring(data)
    present = {f.get(w("name")) for f in root.findall(w("font"))}
    for name, (alt, charset, family, pitch, panose) in FONT_TABLE.items():
        if name in present:
            continue
        font = sub(root, "font", name=name)
        if alt:
            sub(font, "altName", val=alt)
        sub(font, "panose1", val=panose)
        sub(font, "charset", val=charset)
        sub(font, "family", val=family)
        sub(font, "pitch", val=pitch)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def document_xml(data: bytes) -> bytes:
    """A4 portrait with the PDF's margins: the section properties pandoc copies into every document."""
    root = ET.fromstring(data)
    body = root.find(w("body"))
    for old in body.findall(w("sectPr")):
        body.remove(old)
    sect = sub(body, "sectPr")
    sub(sect, "pgSz", w=round(210 * TWIPS_PER_MM), h=round(297 * TWIPS_PER_MM))
    x, y = round(22 * TWIPS_PER_MM), round(24 * TWIPS_PER_MM)
    sub(sect, "pgMar", top=y, right=x, bottom=y, left=x, header=round(12 * TWIPS_PER_MM),
        footer=round(12 * TWIPS_PER_MM), gutter=0)  # fmt: skip
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


CHANGES = {"word/styles.xml": styles_xml, "word/fontTable.xml": font_table_xml, "word/document.xml": document_xml}


def pandoc_default() -> tuple[bytes, str]:
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    data = subprocess.run([pandoc, "--print-default-data-file", "reference.docx"], capture_output=True,
                          check=True).stdout  # fmt: skip
    return data, pypandoc.get_pandoc_version()


def make(data: bytes) -> bytes:
    """The reference document: ``data`` (pandoc's default) with the styles above, zipped reproducibly."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename in CHANGES:
                content = CHANGES[info.filename](content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, content)
    return out.getvalue()


def main() -> None:
    data, version = pandoc_default()
    OUT.write_bytes(make(data))
    print(f"{OUT.relative_to(REPO)}: {OUT.stat().st_size} bytes, from pandoc {version}'s default reference.docx")


if __name__ == "__main__":
    main()
