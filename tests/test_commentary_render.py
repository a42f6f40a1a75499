"""Commentary in real builds: the same filled sentences in HTML, PDF and Word, from the offline engine and from
the real Quarto; a report without commentary is byte-identical to one whose notebook has no commentary cells.

The commentary is the sample tests/fixtures/commentary/annual-2024.md (synthetic authors, only references);
the data are the real ones, so the filled numbers are those of the real 2024 assessment."""

from __future__ import annotations

import html
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from planlib.publish.build import build
from tests.conftest import make_project
from tests.test_engines import docx_content, needs_poppler, pdf_text, skip_without_quarto, squeeze

SAMPLE = Path(__file__).parent / "fixtures" / "commentary" / "annual-2024.md"
REPORT = [{"id": "annual-2024", "notebook": "notebooks/annual.ipynb"}]
BYLINE = "分析意见（撰写：样例作者甲、样例作者乙；2026年11月30日）"
# the sample's sentences as filled from the real annual-2024 assessment (see test_commentary.py for the numbers)
SENTENCES = [
    "截至2024年，城镇新增就业累计291.57万人，完成五年目标的97.2%，达到序时进度、预计可超额完成（序时进度80.0%）。",
    "城镇调查失业率2024年为5.3%，比上年下降0.1个百分点，控制在<5.5%（每年）以内。",
    "工伤保险参保人数数据暂缺，约束性指标无法评估。",
    "劳动年龄人口平均受教育年限数据暂缺。",
    "城镇新增就业在剩余年份每年须完成8.43万人/年。",
]


def _build(folder: Path, engine: str, commentary: bool, formats: str = "html,pdf,docx",
           strip_cells: bool = False) -> Path:  # fmt: skip
    with pytest.MonkeyPatch.context() as mp:
        root = make_project(folder, mp, REPORT)
        if commentary:
            (root / "reports" / "commentary").mkdir(parents=True)
            shutil.copy(SAMPLE, root / "reports" / "commentary" / "annual-2024.md")
        if strip_cells:  # the notebook as it was before commentary places existed (imports kept for K)
            path = root / "notebooks" / "annual.ipynb"
            nb = json.loads(path.read_text(encoding="utf-8"))
            for cell in nb["cells"]:
                if 'C.commentary(ctx, report_id, "摘要")' in "".join(cell["source"]):
                    cell["source"] = [line for line in cell["source"] if "C.commentary(" not in line]
            nb["cells"] = [c for c in nb["cells"] if "C.commentary(" not in "".join(c["source"])]
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        result = build(progress=False, jobs=1, engine=engine, formats=tuple(formats.split(",")))
        assert result.ok, result.failed
    return root / "reports" / "_site"


def _html_text(page: Path) -> str:
    body = page.read_text(encoding="utf-8")
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def _texts(site: Path) -> dict[str, str]:
    return {"html": squeeze(_html_text(site / "annual-2024.html")), "pdf": squeeze(pdf_text(site / "annual-2024.pdf")),
            "docx": squeeze(docx_content(site / "annual-2024.docx")[1])}  # fmt: skip


def _check(site: Path) -> None:
    for fmt, text in _texts(site).items():
        for sentence in [BYLINE, *SENTENCES]:
            assert squeeze(sentence) in text, (fmt, sentence)
        # in report order: summary, the area, then the closing places under their own headings
        at = [text.index(squeeze(s)) for s in SENTENCES]
        assert at == sorted(at), fmt
        assert at[1] < text.index("存在问题", at[1]) < at[2] < text.index("下一步建议", at[3]) < at[4], fmt
        assert text.count(squeeze(BYLINE)) == 4, fmt  # 摘要, 就业创业, 存在问题, 下一步建议


@needs_poppler
def test_offline_engine_shows_the_same_filled_commentary_in_html_pdf_and_word(tmp_path):
    site = _build(tmp_path, "offline", commentary=True)
    _check(site)
    page = (site / "annual-2024.html").read_text(encoding="utf-8")
    assert page.count("<blockquote>") == 4  # set apart from the generated text
    assert "<strong>分析意见</strong>" in page
    assert page.count('<div class="commentary"\nstyle="border-left: 4px solid #0b5394;') == 4
    # Word: the commentary's paragraphs in the reference document's Block Text style (indented both sides, no
    # first-line indent), the generated text in Body Text
    with zipfile.ZipFile(site / "annual-2024.docx") as docx:
        document = docx.read("word/document.xml").decode("utf-8")
    paragraphs = re.findall(r"<w:p>.*?</w:p>", document, flags=re.S)
    styled = [p for p in paragraphs if '<w:pStyle w:val="BlockText" />' in p]
    assert sum("分析意见" in p for p in styled) == 4
    assert any("城镇新增就业在剩余年份每年须完成" in p for p in styled)
    assert not any("分析意见" in p for p in paragraphs if p not in styled)


@needs_poppler
def test_quarto_engine_shows_the_same_filled_commentary(tmp_path):
    skip_without_quarto()
    _check(_build(tmp_path, "quarto", commentary=True))


def test_a_report_without_commentary_is_byte_identical_to_one_without_commentary_places(tmp_path):
    plain = _build(tmp_path / "a", "offline", commentary=False, formats="html,pdf")
    before = _build(tmp_path / "b", "offline", commentary=False, formats="html,pdf", strip_cells=True)
    for name in ("annual-2024.html", "annual-2024.pdf"):
        assert (plain / name).read_bytes() == (before / name).read_bytes(), name
    assert "分析意见" not in (plain / "annual-2024.html").read_text(encoding="utf-8")


def test_every_report_kind_has_the_places_and_a_signed_skeleton_builds(tmp_path):
    """midterm-2023 and final-2025 from their `planlib commentary` drafts, signed: each non-empty place shows."""
    from planlib.cli import main

    reports = [{"id": "midterm-2023", "notebook": "notebooks/midterm.ipynb"},
               {"id": "final-2025", "notebook": "notebooks/final.ipynb"}]  # fmt: skip
    with pytest.MonkeyPatch.context() as mp:
        root = make_project(tmp_path, mp, reports)
        for rid in ("midterm-2023", "final-2025"):
            assert main(["commentary", rid]) == 0
            draft = root / "reports" / "commentary" / f"{rid}.md"
            draft.write_text(draft.read_text(encoding="utf-8").replace("authors: []", "authors: [样例作者]"),
                             encoding="utf-8")  # fmt: skip
        result = build(progress=False, jobs=2, engine="offline", formats=("html",))
        assert result.ok, result.failed
    site = root / "reports" / "_site"
    for rid, places in (("midterm-2023", 6), ("final-2025", 5)):  # final-2025: no target still needs a pace
        text = _html_text(site / f"{rid}.html")
        assert text.count("分析意见（撰写：样例作者；") == places, rid
    assert "工伤保险参保人数完成" in squeeze(_html_text(site / "final-2025.html"))


def test_the_commentary_file_is_part_of_the_report_hash(tmp_path):
    from planlib.publish.build import report_hash
    from planlib.publish.manifest import Report

    report = Report(id="annual-2024", kind="annual", title="t", notebook=Path("nb.ipynb"), parameters={"as_of": 2024})
    (tmp_path / "nb.ipynb").write_text("{}", encoding="utf-8")
    before = report_hash(report, tmp_path, "shared", "offline")
    (tmp_path / "reports" / "commentary").mkdir(parents=True)
    (tmp_path / "reports" / "commentary" / "annual-2024.md").write_text("甲", encoding="utf-8")
    signed = report_hash(report, tmp_path, "shared", "offline")
    (tmp_path / "reports" / "commentary" / "annual-2024.md").write_text("乙", encoding="utf-8")
    assert len({before, signed, report_hash(report, tmp_path, "shared", "offline")}) == 3
    (tmp_path / "reports" / "commentary" / "annual-2024.md").unlink()
    assert report_hash(report, tmp_path, "shared", "offline") == before  # no file: the hash of before
