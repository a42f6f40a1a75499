"""The offline engine: Markdown → HTML (pandoc) and → PDF (pandoc → Typst → the ``typst`` package).

Only PyPI-installable tools: pandoc comes from the ``pypandoc-binary`` wheel, Typst from ``typst``,
fonts from planlib's own folder (system fonts are ignored, so a PDF never depends on the machine).
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from planlib.style import FONT_DIR

TEMPLATES = Path(__file__).parent / "templates"
GENERATOR = "由 planlib 生成;数据来源见各表注与附录。"
DEFAULT_EPOCH = 1767225600  # 2026-01-01T00:00:00Z: fixed PDF dates unless SOURCE_DATE_EPOCH says otherwise


def source_date_epoch() -> int:
    return int(os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_EPOCH))


def _pandoc(markdown: str, to: str, extra: list[str]) -> str:
    import pypandoc

    env_before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(source_date_epoch())
    try:
        return pypandoc.convert_text(markdown, to, format="markdown", extra_args=extra)
    finally:
        if env_before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = env_before


def render_html(markdown: str, out: Path, *, title: str, subtitle: str, site_title: str,
                downloads: list[tuple[str, str]]) -> Path:  # fmt: skip
    """One self-contained page (inline CSS, no external requests)."""
    links = " ".join(f'<a href="{html.escape(href)}">{html.escape(label)}</a>' for label, href in downloads)
    args = ["--standalone", f"--template={TEMPLATES / 'page.html'}", "--toc", "--toc-depth=2",
            "--section-divs", "--number-sections", "-V", f"title={title}", "-V", f"subtitle={subtitle}",
            "-V", f"pagetitle={title} — {site_title}", "-V", f"site-title={site_title}",
            "-V", f"downloads={links}", "-V", f"generator={GENERATOR}",
            "-V", f"styles={(TEMPLATES / 'style.css').read_text(encoding='utf-8')}"]  # fmt: skip
    page = _pandoc(markdown, "html5", args)
    out.write_text(page, encoding="utf-8")
    return out


_IMAGE = re.compile(r'!\[[^\]]*\]\(([^)\s]+)\)\{[^}]*?alt="([^"]*)"[^}]*\}')


def render_pdf(markdown: str, out: Path, *, root: Path, title: str, subtitle: str, date: str) -> Path:
    """PDF through Typst with the shipped fonts; figure alt texts are passed on to Typst's ``alt``."""
    import typst

    alts = dict(_IMAGE.findall(markdown))
    args = ["--standalone", f"--template={TEMPLATES / 'report.typ'}", "-V", f"title={title}",
            "-V", f"subtitle={subtitle}", "-V", f"date={date}", "-V", f"title-plain={title}",
            "-V", f"subtitle-plain={subtitle}", "-V", f"generator={GENERATOR}"]  # fmt: skip
    source = _pandoc(markdown, "typst", args)
    for path, alt in alts.items():
        escaped = alt.replace("\\", "\\\\").replace('"', '\\"')
        source = source.replace(f'image("{path}")', f'image("{path}", alt: "{escaped}")')
    typ = root / f"{out.stem}.typ"
    typ.write_text(source, encoding="utf-8")
    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=[str(FONT_DIR)])
    pdf = typst.compile(str(typ), root=str(root), font_paths=fonts, ignore_system_fonts=True,
                        timestamp=source_date_epoch())  # fmt: skip
    out.write_bytes(pdf)
    return out
