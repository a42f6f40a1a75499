"""Subset Noto Sans SC (Regular, Bold) into src/planlib/fonts/, once, reproducibly.

Source: the npm package @expo-google-fonts/noto-sans-sc (static TTFs of Noto Sans SC 2.004, SIL OFL
1.1). Get it with `npm pack @expo-google-fonts/noto-sans-sc@0.4.3 && tar xzf expo-google-fonts-*.tgz`,
then run `.venv/bin/python scripts/subset_fonts.py path/to/package`.

Kept glyphs: every character of GB2312 (the 6,763 hanzi and symbols of everyday simplified Chinese),
ASCII, CJK and full-width punctuation, the Greek and math signs used by the method appendix, and
every character of the repository's own texts (plan, YAML, raw data, notebooks, source code), so the
plan, all 区县 names and all source titles render. Tests check that the last set is still covered.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "planlib" / "fonts"
WEIGHTS = {"Regular": "400Regular", "Bold": "700Bold"}
TEXT_GLOBS = ["data/raw/**/*.csv", "data/raw/**/*.md", "data/raw/**/*.txt", "src/planlib/**/*.yaml",
              "src/planlib/**/*.py", "notebooks/**/*.ipynb", "reports/**/*.qmd", "reports/**/*.yml"]  # fmt: skip
EXTRA = "•‣◦▪■□●○✓ρμΣσΔ≥≤≠≈±×÷−→←↑↓·…—–‰°℃①②③④⑤⑥⑦⑧⑨⑩²³√∞∈∑∏"


def gb2312_chars() -> set[str]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def repo_chars() -> set[str]:
    chars: set[str] = set()
    for pattern in TEXT_GLOBS:
        for path in REPO.glob(pattern):
            chars |= set(path.read_text(encoding="utf-8", errors="ignore"))
    return {c for c in chars if c.isprintable() and ord(c) > 0x7F}


def main(package: Path) -> None:
    wanted = gb2312_chars() | repo_chars() | set(EXTRA)
    wanted |= {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0x3000, 0x3040)}
    wanted |= {chr(c) for c in range(0xFF01, 0xFF5F)}
    unicodes = sorted(ord(c) for c in wanted)
    OUT.mkdir(parents=True, exist_ok=True)
    manifest = {"source": "npm @expo-google-fonts/noto-sans-sc@0.4.3 (Noto Sans SC 2.004, SIL OFL 1.1)",
                "kept": "GB2312 + ASCII + CJK/full-width punctuation + repository texts", "files": {}}
    for style, folder in WEIGHTS.items():
        src = package / folder / f"NotoSansSC_{folder}.ttf"
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.glyph_names = False
        options.hinting = False  # smaller; CJK hinting does little at print and screen sizes used here
        font = TTFont(src)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
        font["head"].modified = font["head"].created  # deterministic bytes
        target = OUT / f"NotoSansSC-{style}.ttf"
        font.save(target)
        cmap = TTFont(target).getBestCmap()
        missing = sorted(c for c in wanted if ord(c) not in cmap)
        digest = hashlib.sha256(target.read_bytes()).hexdigest()
        manifest["files"][target.name] = {"sha256": digest, "bytes": target.stat().st_size,
                                          "codepoints": len(cmap), "not_in_source_font": "".join(missing)}
        print(f"{target.name}: {target.stat().st_size / 1e6:.2f} MB, {len(cmap)} code points;"
              f" not in the source font: {''.join(missing) or 'none'}")
    (OUT / "fonts.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (OUT / "OFL.txt").write_text((package / "LICENSE_FONT").read_text(encoding="utf-8"), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
