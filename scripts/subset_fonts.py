"""Make the shipped fonts, once, reproducibly: Noto Sans SC and Noto Serif SC, Regular and Bold, each with
every character the upstream font has, into src/planlib/fonts/ (with OFL.txt and fonts.json).

Sources: two npm packages of static TTFs, both SIL OFL 1.1 —

* ``@expo-google-fonts/noto-sans-sc@0.4.3`` (Noto Sans SC 2.004): figures, the HTML site, PDF headings
  and tables;
* ``@expo-google-fonts/noto-serif-sc@0.4.3`` (Noto Serif SC 2.003): PDF body text (the 宋体-like face
  an official Chinese report is set in) and the PDF cover title.

From the repository root (each tarball is recognised by its SHA-256; a different file is refused; both
are needed, since fonts.json and OFL.txt describe every shipped family)::

    npm pack @expo-google-fonts/noto-sans-sc@0.4.3      # → expo-google-fonts-noto-sans-sc-0.4.3.tgz
    npm pack @expo-google-fonts/noto-serif-sc@0.4.3     # → expo-google-fonts-noto-serif-sc-0.4.3.tgz
    .venv/bin/python scripts/subset_fonts.py expo-google-fonts-noto-sans-sc-0.4.3.tgz \
        expo-google-fonts-noto-serif-sc-0.4.3.tgz

The script reads the TTFs from the tarballs without unpacking and keeps every code point of the
upstream cmap (Sans 30,890, Serif 30,928: all CJK Unified Ideographs — simplified and traditional, e.g.
瀼 U+703C, 重慶 發佈 —, Extension A, some of Extension B, enclosed numbers ①–⑳ ⑪ ㉑–㊿, CJK, general
and full-width punctuation, Latin, Greek, Cyrillic, kana, bopomofo), because a character that a user's
data brings must render, not turn into a tofu box. It drops only what a report never uses: vertical
metrics (vhea/vmtx) and hinting (instructions, fpgm/prep/cvt). The glyph outlines are most of the size,
so that is as small as full coverage allows (10–12 MB a face). The fonts' modification date is set to
their creation date, so the same inputs and fontTools version give the same bytes; fonts.json records,
per family, the package, version, the SHA-256 of the tarball, of each input and output file, the
fontTools version and the coverage. planlib never fetches fonts at run time.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import tarfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import fontTools
from fontTools import subset
from fontTools.ttLib import TTFont

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "planlib" / "fonts"
RECORD = OUT / "fonts.json"


@dataclass(frozen=True)
class Family:
    name: str  # the family name in the font (what Typst, matplotlib and CSS ask for)
    file_stem: str  # NotoSansSC → NotoSansSC-Regular.ttf
    package: str
    version: str
    tarball_sha256: str
    upstream: str  # the font's own version, as its name table says
    weights: dict[str, str]  # style → member of the tarball


FAMILIES = (
    Family("Noto Sans SC", "NotoSansSC", "@expo-google-fonts/noto-sans-sc", "0.4.3",
           "0d69d0f4971d2ff574e3d93cbc218dc950bf3f3f8f8e2c008d97687ed53aee59", "Noto Sans SC 2.004",
           {"Regular": "package/400Regular/NotoSansSC_400Regular.ttf",
            "Bold": "package/700Bold/NotoSansSC_700Bold.ttf"}),
    Family("Noto Serif SC", "NotoSerifSC", "@expo-google-fonts/noto-serif-sc", "0.4.3",
           "ff6bcf5ba68d92dfecc05544bb150f9e724741a932354a0dd97e7289c40a3f5e", "Noto Serif SC 2.003",
           {"Regular": "package/400Regular/NotoSerifSC_400Regular.ttf",
            "Bold": "package/700Bold/NotoSerifSC_700Bold.ttf"}),
)  # fmt: skip
DROP_TABLES = ["vhea", "vmtx"]  # vertical writing only; Typst, matplotlib and the site set text horizontally
TEXT_GLOBS = ["data/raw/**/*.csv", "data/raw/**/*.md", "src/planlib/**/*.yaml", "notebooks/**/*.ipynb"]
BLOCKS = {  # reported in fonts.json: how many code points of each range the fonts keep
    "CJK Unified Ideographs (U+4E00–9FFF)": (0x4E00, 0x9FFF),
    "CJK Extension A (U+3400–4DBF)": (0x3400, 0x4DBF),
    "CJK Extension B and later (U+20000–3FFFF)": (0x20000, 0x3FFFF),
    "CJK Compatibility Ideographs (U+F900–FAFF)": (0xF900, 0xFAFF),
    "Enclosed Alphanumerics (U+2460–24FF)": (0x2460, 0x24FF),
    "Enclosed CJK Letters and Months (U+3200–32FF)": (0x3200, 0x32FF),
    "CJK Symbols and Punctuation (U+3000–303F)": (0x3000, 0x303F),
    "General Punctuation (U+2000–206F)": (0x2000, 0x206F),
    "Halfwidth and Fullwidth Forms (U+FF00–FFEF)": (0xFF00, 0xFFEF),
    "Basic Latin and Latin-1 (U+0020–00FF)": (0x20, 0xFF),
}


def gb2312_chars() -> set[str]:
    """The 7,445 characters of GB 2312 (6,763 hanzi and the symbols): all must be kept."""
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def repo_chars() -> set[str]:
    """Every printable non-ASCII character of the texts a report can show (data, plan, settings, notebooks)."""
    chars: set[str] = set()
    for pattern in TEXT_GLOBS:
        for path in REPO.glob(pattern):
            chars |= set(path.read_text(encoding="utf-8", errors="ignore"))
    return {c for c in chars if c.isprintable() and not c.isspace() and ord(c) > 0x7F}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_font(source: bytes, target: Path) -> dict:
    """Keep every code point of ``source`` (a TTF), drop vertical metrics and hinting, write ``target``."""
    font = TTFont(io.BytesIO(source), recalcTimestamp=False)  # else saving stamps the current time
    unicodes = sorted(font.getBestCmap())
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False
    options.drop_tables += DROP_TABLES
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    font["head"].modified = font["head"].created  # deterministic bytes
    font.save(target)
    with TTFont(target) as saved:
        cmap = set(saved.getBestCmap())
    lost = [c for c in unicodes if c not in cmap]
    if lost:
        raise SystemExit(f"{target.name}: {len(lost)} code points lost in subsetting, e.g. U+{lost[0]:04X}")
    return {"sha256": _digest(target.read_bytes()), "bytes": target.stat().st_size, "codepoints": len(cmap),
            "source_sha256": _digest(source),
            "blocks": {name: sum(lo <= c <= hi for c in cmap) for name, (lo, hi) in BLOCKS.items()}}


def make_family(family: Family, data: bytes) -> tuple[dict, str]:
    """Both weights of ``family`` from its npm tarball ``data``; returns its fonts.json entry and licence."""
    entry: dict = {
        "source": f"npm {family.package}@{family.version} ({family.upstream}, SIL OFL 1.1)",
        "package": family.package, "version": family.version, "tarball_sha256": family.tarball_sha256,
        "npm_integrity": "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode(),
        "made_by": f"scripts/subset_fonts.py with fontTools {fontTools.version}",
        "kept": "every code point of the upstream font; dropped: " + ", ".join(DROP_TABLES) + " and hinting",
        "files": {},
    }  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        sources = {style: tar.extractfile(member).read() for style, member in family.weights.items()}
        licence = tar.extractfile("package/LICENSE_FONT").read().decode("utf-8")
    gb2312 = gb2312_chars()
    wanted = gb2312 | repo_chars()
    for style, source in sources.items():
        target = OUT / f"{family.file_stem}-{style}.ttf"
        info = make_font(source, target)
        with TTFont(target) as font:
            cmap = font.getBestCmap()
            if font["name"].getDebugName(1) != family.name:
                raise SystemExit(f"{target.name}: family {font['name'].getDebugName(1)!r}, expected {family.name!r}")
        missing = sorted(c for c in wanted if ord(c) not in cmap)
        if any(c in gb2312 for c in missing):
            raise SystemExit(f"{target.name}: GB 2312 characters missing: {''.join(missing)}")
        info["repository_chars_not_in_font"] = [f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in missing]
        entry["files"][target.name] = info
        print(f"{target.name}: {info['bytes'] / 1e6:.2f} MB, {info['codepoints']} code points;"
              f" repository characters not in the font: {''.join(missing) or 'none'}")
    return entry, licence


def ofl_text(licences: dict[str, str]) -> str:
    """One OFL.txt for all shipped families: each family's own licence text (its copyright line differs)."""
    parts = []
    for name, text in licences.items():
        family = next(f for f in FAMILIES if f.name == name)
        files = ", ".join(f"{family.file_stem}-{style}.ttf" for style in family.weights)
        parts.append(f"==== {name} ({files}; npm {family.package}@{family.version}) ====\n\n{text.strip()}\n")
    return "\n\n".join(parts)


def main(tarballs: list[Path]) -> None:
    by_digest = {f.tarball_sha256: f for f in FAMILIES}
    given: dict[str, bytes] = {}
    for tarball in tarballs:
        data = tarball.read_bytes()
        family = by_digest.get(_digest(data))
        if family is None:
            known = "; ".join(f"{f.package}@{f.version} ({f.tarball_sha256})" for f in FAMILIES)
            raise SystemExit(f"{tarball}: SHA-256 {_digest(data)} is none of the known tarballs: {known}")
        given[family.name] = data
    absent = [f"{f.package}@{f.version}" for f in FAMILIES if f.name not in given]
    if absent:
        raise SystemExit(f"missing tarballs: {', '.join(absent)} (fonts.json and OFL.txt cover every family)")
    OUT.mkdir(parents=True, exist_ok=True)
    families, licences = {}, {}
    for family in FAMILIES:
        families[family.name], licences[family.name] = make_family(family, given[family.name])
    RECORD.write_text(json.dumps({"families": families}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (OUT / "OFL.txt").write_text(ofl_text(licences), encoding="utf-8")


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]])
