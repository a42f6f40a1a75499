"""Fonts: the shipped fonts resolve, cover every character our data and plan use, and draw no tofu."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager

from planlib import style
from planlib._paths import PACKAGE_DIR, raw_dir


def _rendered_texts() -> str:
    """Every text planlib may put on a page or a figure: data files, plan, names, settings."""
    parts = []
    for path in sorted(raw_dir().glob("**/*.csv")):
        parts.append(path.read_text(encoding="utf-8"))
    for path in sorted(PACKAGE_DIR.glob("**/*.yaml")):
        parts.append(path.read_text(encoding="utf-8"))
    from planlib import assess

    parts += [*assess.STATUSES, *assess.STATUS_MEANING.values(), *load_settings_text()]
    return "".join(parts)


def load_settings_text() -> list[str]:
    from planlib.assess import load_settings

    return load_settings().describe()


@pytest.mark.parametrize("weight", ["regular", "bold"])
def test_shipped_font_is_static_and_has_the_right_weight(weight):
    font = TTFont(str(style.font_path(weight)))
    assert "fvar" not in font  # a static cut: Typst and matplotlib get a real Bold, not a synthesised one
    assert font["OS/2"].usWeightClass == {"regular": 400, "bold": 700}[weight]
    assert font["name"].getDebugName(1) == style.FAMILY
    assert (PACKAGE_DIR / "fonts" / "OFL.txt").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE") >= 1


@pytest.mark.parametrize("weight", ["regular", "bold"])
def test_font_covers_every_character_we_render(weight):
    assert style.missing_glyphs(_rendered_texts(), weight) == ""
    assert style.missing_glyphs("石柱土家族自治县綦江区璧山区酉阳", weight) == ""
    assert style.missing_glyphs("𠀀", weight) == "𠀀"  # the check can fail: an Extension-B character


def test_house_font_resolves_to_the_shipped_file():
    style.use_house_style()
    found = font_manager.findfont(font_manager.FontProperties(family=style.FAMILY), fallback_to_default=False)
    assert Path(found).resolve() == style.font_path("regular").resolve()
    bold = font_manager.findfont(font_manager.FontProperties(family=style.FAMILY, weight="bold"),
                                 fallback_to_default=False)
    assert Path(bold).resolve() == style.font_path("bold").resolve()


def _draw(text: str) -> None:
    fig, ax = plt.subplots()
    ax.set_title(text)
    ax.text(0.5, 0.5, text, fontweight="bold")
    fig.canvas.draw()
    plt.close(fig)


def test_no_missing_glyph_warning_and_survives_seaborn(tmp_path):
    with matplotlib.rc_context():  # seaborn themes set below must not leak into later tests' figures
        _no_missing_glyph_warning_and_survives_seaborn(tmp_path)


def _no_missing_glyph_warning_and_survives_seaborn(tmp_path):
    import seaborn as sns

    from planlib.regions import load_clusters

    names = "、".join(load_clusters()["district"])
    style.use_house_style()
    style.use_house_style()  # idempotent
    sns.set_theme()  # resets global rcParams to seaborn's fonts (no CJK)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)": make it fail
        with style.house_style():
            _draw("城镇新增就业 一区两群 " + names)
        with style.house_style():  # created in the house style, saved after leaving it (as maps do)
            fig, ax = plt.subplots()
            ax.set_title("渝东北三峡库区城镇群")
        fig.savefig(tmp_path / "late.png")
        plt.close(fig)
    # and the check can fail: with a Latin-only font the glyphs are missing and matplotlib warns
    with warnings.catch_warnings(record=True) as caught, matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        warnings.simplefilter("always")
        _draw("城镇新增就业")
    assert any("missing from font" in str(w.message) for w in caught)
    style.use_house_style()
    sns.set_theme(style="darkgrid")  # after use_house_style(), seaborn keeps the house fonts
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _draw("渝东北三峡库区城镇群 一区两群")
    import seaborn.rcmod

    assert sns.set_theme is seaborn.rcmod.set_theme and sns.set_theme._planlib_fonts
    style.set_seaborn_theme(style="whitegrid")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _draw("渝东南武陵山区城镇群")
    style.use_house_style()


BEYOND_GB2312 = "重慶市人力社保局發佈城鎮新增就業萬人繁體轉載瀼渡⑪⑳㉑㊿†‡"  # traditional, rare place names, enclosed numbers


@pytest.mark.parametrize("weight", ["regular", "bold"])
def test_fonts_cover_text_beyond_gb2312(weight):
    assert not any(c.encode("gb2312", "ignore") for c in "慶發佈鎮萬體轉載瀼⑪⑳")  # really outside GB 2312
    with TTFont(str(style.font_path(weight))) as font:
        cmap = font.getBestCmap()
    assert [c for c in BEYOND_GB2312 if ord(c) not in cmap] == []
    assert style.missing_glyphs(BEYOND_GB2312) == ""
    assert style.missing_glyphs("𠀀😀 ‣", weight) == "‣😀𠀀"  # Extension B, an emoji, a bullet the font lacks


def test_fonts_json_records_the_shipped_files():
    import hashlib
    import json

    record = json.loads((PACKAGE_DIR / "fonts" / "fonts.json").read_text(encoding="utf-8"))
    assert (record["package"], record["version"]) == ("@expo-google-fonts/noto-sans-sc", "0.4.3")
    assert len(record["tarball_sha256"]) == 64
    for weight in ("regular", "bold"):
        path = style.font_path(weight)
        entry = record["files"][path.name]
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert entry["bytes"] == path.stat().st_size
        with TTFont(str(path)) as font:
            assert entry["codepoints"] == len(font.getBestCmap()) == 30890  # every code point of the upstream font
            assert "vmtx" not in font and "fpgm" not in font  # vertical metrics and hinting dropped


def test_glyph_problem_names_character_code_point_and_place():
    assert style.glyph_problems("城镇新增就业", file="表“x”") == []
    [problem] = style.glyph_problems("来源:重庆市𠀀局", file="表“数据来源”", row=3, field="来源",
                                     origin="data/raw/a.csv 第 5 行")
    assert str(problem) == (
        "表“数据来源”,第 3 行,字段“来源”:字符“𠀀”(U+20000)无法显示:自带字体 Noto Sans SC 中没有它的字形,"
        "PDF 和图中会成为方框(见“来源:重庆市𠀀局”,来自 data/raw/a.csv 第 5 行);"
        "应为:自带字体中有的字符(可改用通行写法,或用文字说明该字)")
