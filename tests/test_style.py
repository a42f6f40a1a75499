"""Fonts: the shipped fonts resolve, cover every character our data and plan use, and draw no tofu."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager

from planlib._paths import PACKAGE_DIR, raw_dir
from planlib.presentation import style

REPO = Path(__file__).resolve().parents[1]


def _rendered_texts() -> str:
    """Every text planlib may put on a page or a figure: data files, plan, names, settings."""
    parts = []
    for path in sorted(raw_dir().glob("**/*.csv")):
        parts.append(path.read_text(encoding="utf-8"))
    for path in sorted(PACKAGE_DIR.glob("**/*.yaml")):
        parts.append(path.read_text(encoding="utf-8"))
    from planlib.indicators import assessment as assess

    parts += [*assess.STATUSES, *assess.STATUS_MEANING.values(), *load_settings_text()]
    return "".join(parts)


def load_settings_text() -> list[str]:
    from planlib.indicators.assessment import load_settings

    return load_settings().describe()


FACES = [(family, weight) for family in (style.FAMILY, style.SERIF_FAMILY) for weight in ("regular", "bold")]


@pytest.mark.parametrize(("family", "weight"), FACES)
def test_shipped_font_is_static_and_has_the_right_weight(family, weight):
    font = TTFont(str(style.font_path(weight, family)))
    assert "fvar" not in font  # a static cut: Typst and matplotlib get a real Bold, not a synthesised one
    assert font["OS/2"].usWeightClass == {"regular": 400, "bold": 700}[weight]
    assert font["name"].getDebugName(1) == family
    licence = (PACKAGE_DIR / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    assert licence.count("SIL OPEN FONT LICENSE") == 2  # one licence text per family (their copyright lines differ)
    assert "==== Noto Sans SC (NotoSansSC-Regular.ttf, NotoSansSC-Bold.ttf;" in licence
    assert "==== Noto Serif SC (NotoSerifSC-Regular.ttf, NotoSerifSC-Bold.ttf;" in licence


@pytest.mark.parametrize(("family", "weight"), FACES)
def test_font_covers_every_character_we_render(family, weight):
    assert style.missing_glyphs(_rendered_texts(), weight, family) == ""
    assert style.missing_glyphs("石柱土家族自治县綦江区璧山区酉阳", weight, family) == ""
    assert style.missing_glyphs("𠀀", weight, family) == "𠀀"  # the check can fail: an Extension-B character


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

    from planlib.inputs.regions import load_clusters

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


@pytest.mark.parametrize(("family", "weight"), FACES)
def test_fonts_cover_text_beyond_gb2312(family, weight):
    assert not any(c.encode("gb2312", "ignore") for c in "慶發佈鎮萬體轉載瀼⑪⑳")  # really outside GB 2312
    with TTFont(str(style.font_path(weight, family))) as font:
        cmap = font.getBestCmap()
    assert [c for c in BEYOND_GB2312 if ord(c) not in cmap] == []
    assert style.missing_glyphs(BEYOND_GB2312) == ""
    assert style.missing_glyphs("𠀀😀 ‣", weight, family) == "‣😀𠀀"  # Extension B, an emoji, a bullet the font lacks


@pytest.mark.parametrize(("family", "package", "codepoints"), [
    (style.FAMILY, "@expo-google-fonts/noto-sans-sc", 30890),
    (style.SERIF_FAMILY, "@expo-google-fonts/noto-serif-sc", 30928),
])
def test_fonts_json_records_the_shipped_files(family, package, codepoints):
    import hashlib
    import json

    record = json.loads((PACKAGE_DIR / "fonts" / "fonts.json").read_text(encoding="utf-8"))["families"][family]
    assert (record["package"], record["version"]) == (package, "0.4.3")
    assert len(record["tarball_sha256"]) == 64 and record["npm_integrity"].startswith("sha512-")
    assert sorted(record["files"]) == sorted(style.font_path(w, family).name for w in ("regular", "bold"))
    for weight in ("regular", "bold"):
        path = style.font_path(weight, family)
        entry = record["files"][path.name]
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert entry["bytes"] == path.stat().st_size
        with TTFont(str(path)) as font:
            assert entry["codepoints"] == len(font.getBestCmap()) == codepoints  # every upstream code point
            assert "vmtx" not in font and "fpgm" not in font and "prep" not in font  # vertical metrics, hinting


def test_the_script_that_made_the_fonts_names_the_same_packages(monkeypatch):
    import importlib.util
    import json

    spec = importlib.util.spec_from_file_location("subset_fonts", REPO / "scripts" / "subset_fonts.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "subset_fonts", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    record = json.loads((PACKAGE_DIR / "fonts" / "fonts.json").read_text(encoding="utf-8"))["families"]
    assert {f.name: (f.package, f.version, f.tarball_sha256) for f in module.FAMILIES} == {
        name: (r["package"], r["version"], r["tarball_sha256"]) for name, r in record.items()}


SANS_ONLY = "\U00030EDD"  # 𰻝 (biáng): Noto Sans SC has it, Noto Serif SC does not
SERIF_ONLY = "\u9FF0"  # 鿰: Noto Serif SC has it, Noto Sans SC does not


def test_the_glyph_check_covers_every_face_through_the_font_stacks():
    # the PDF body falls back from the serif to the sans: a character only the sans has is drawn
    assert style.missing_glyphs(SANS_ONLY, family=style.SERIF_FAMILY) == SANS_ONLY
    assert style.missing_glyphs(SANS_ONLY, family=style.FAMILY) == ""
    assert style.missing_glyphs(SANS_ONLY) == ""
    # figures and the site have only the sans: a character only the serif has is refused, naming the sans
    assert style.missing_glyphs(SERIF_ONLY, family=style.SERIF_FAMILY) == ""
    assert style.missing_glyphs(SERIF_ONLY) == SERIF_ONLY
    [problem] = style.glyph_problems(f"测试{SERIF_ONLY}字", file="表“x”")
    assert str(problem) == (
        f"表“x”:字符“{SERIF_ONLY}”(U+9FF0)无法显示:自带字体 Noto Sans SC 中没有它的字形,PDF 和图中会成为方框"
        f"(见“测试{SERIF_ONLY}字”);应为:自带字体中有的字符(可改用通行写法,或用文字说明该字)")
    assert set(style.STACKS) == {"图", "网页", "PDF 正文", "PDF 标题、图表题与表格"}
    assert style.STACKS["PDF 正文"] == (style.SERIF_FAMILY, style.FAMILY)


def test_text_width_is_the_fonts_advance_widths():
    assert style.text_width("数据暂缺") == 4.0  # four ideographs, one em each
    assert style.text_width("70.67") == pytest.approx(4 * 0.555 + 0.278)  # digits and a full stop of the sans
    assert style.text_width("A数") == pytest.approx(0.608 + 0.25 + 1.0)  # Typst's quarter em between Latin and CJK
    assert style.text_width("预期性", "bold") == 3.0


def test_glyph_problem_names_character_code_point_and_place():
    assert style.glyph_problems("城镇新增就业", file="表“x”") == []
    [problem] = style.glyph_problems("来源:重庆市𠀀局", file="表“数据来源”", row=3, field="来源",
                                     origin="data/raw/a.csv 第 5 行")
    assert str(problem) == (
        "表“数据来源”,第 3 行,字段“来源”:字符“𠀀”(U+20000)无法显示:自带字体 Noto Sans SC 中没有它的字形,"
        "PDF 和图中会成为方框(见“来源:重庆市𠀀局”,来自 data/raw/a.csv 第 5 行);"
        "应为:自带字体中有的字符(可改用通行写法,或用文字说明该字)")


def test_seaborn_objects_plot_uses_the_house_font():
    """``so.Plot`` draws inside its own theme (Arial/DejaVu Sans): after use_house_style() the Chinese
    text is drawn with the shipped Noto Sans SC, with no missing glyph."""
    import io

    import pandas as pd
    import seaborn.objects as so

    style.use_house_style()
    assert so.Plot.config.theme["font.sans-serif"] == ["Noto Sans SC"]
    frame = pd.DataFrame({"年份": [2021, 2022, 2023], "城镇新增就业（万人）": [75.1, 70.67, 73.9]})
    plot = so.Plot(frame, x="年份", y="城镇新增就业（万人）").add(so.Line()).label(title="城镇新增就业")
    from .font_spy import fonts_used

    used, missing = fonts_used(lambda: plot.save(io.BytesIO(), format="png"))
    assert used == {str(style.font_path("regular"))}
    assert missing == []
    so.Plot.config.theme.reset()  # seaborn's reset keeps the house font
    assert so.Plot.config.theme["font.family"] == ["Noto Sans SC"]


def test_seaborn_objects_themed_with_a_seaborn_style_keep_the_house_font():
    """``so.Plot(...).theme(sns.axes_style("whitegrid"))`` — the way seaborn's docs style an objects plot —
    brought seaborn's font list (Arial, DejaVu Sans) back: every Chinese label a box. The style dict now
    carries the house font, and keeps everything else of the style."""
    import io

    import pandas as pd
    import seaborn as sns
    import seaborn.objects as so

    style.use_house_style()
    whitegrid = sns.axes_style("whitegrid")
    assert whitegrid["font.family"] == ["Noto Sans SC"] and whitegrid["font.sans-serif"] == ["Noto Sans SC"]
    assert whitegrid["axes.facecolor"] == "white" and whitegrid["axes.grid"] is True
    frame = pd.DataFrame({"年份": [2021, 2022, 2023], "城镇新增就业（万人）": [75.1, 70.67, 73.9]})
    plot = (so.Plot(frame, x="年份", y="城镇新增就业（万人）").add(so.Line()).label(title="城镇新增就业")
            .theme({**sns.axes_style("whitegrid"), "grid.linestyle": ":"}))  # fmt: skip
    from .font_spy import fonts_used

    used, missing = fonts_used(lambda: plot.save(io.BytesIO(), format="png"))
    assert used == {str(style.font_path("regular"))}
    assert missing == []
