"""One Typst style for both engines (issue 21): ``templates/planlib-style.typ`` holds every set and show rule of
a report's PDF; the offline engine's pandoc template and the Quarto engine's template partial import it and
set or show nothing of their own, so the two PDFs cannot drift apart again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planlib.publish import offline, quarto
from planlib.publish.engines import RenderJob
from planlib.publish.manifest import Report

TEMPLATES = offline.TEMPLATES
STYLE = TEMPLATES / "planlib-style.typ"
OFFLINE_TEMPLATE = TEMPLATES / "report.typ"
QUARTO_PARTIALS = [quarto.QUARTO_TEMPLATES / "typst-template.typ", quarto.QUARTO_TEMPLATES / "typst-show.typ"]
# `set text(…)`, `show heading: …`, `show figure.where(kind: table): …`, in markup (#set) or code (set)
_RULE = re.compile(r"(?:^|[^\w.-])#?(set|show)\s*([A-Za-z][\w-]*(?:\.(?!where\()[A-Za-z][\w-]*)*(?:\.where\([^)]*\))?|:)")
# what the templates may do: apply the style to the whole document
_APPLY = ("show", ":")


def rules(source: str) -> set[tuple[str, str]]:
    """The (keyword, target) of every set and show rule in a Typst source, comments left out: ``("set",
    "text")``, ``("show", "figure.where(kind: table)")``; ``("show", ":")`` is an everything show rule."""
    code = "\n".join(line.split("//", 1)[0] for line in source.splitlines())
    return {(keyword, re.sub(r"\s+", " ", target)) for keyword, target in _RULE.findall(code)}


def test_the_rule_reader_finds_rules_in_markup_and_in_code():
    source = ('#set text(font: serif)\n  show heading: it => it\n#show figure.where(kind: table): set block()\n'
              '// show strong: a comment\n#let x = 1\n#show: doc => planlib-report(m, doc)\n')  # fmt: skip
    assert rules(source) == {("set", "text"), ("show", "heading"), ("show", "figure.where(kind: table)"),
                             ("set", "block"), ("show", ":")}  # fmt: skip


def test_the_style_file_holds_the_pdf_rules():
    found = rules(STYLE.read_text(encoding="utf-8"))
    # the rules a reader of the PDF sees: fonts, page, headings 一、（一）1., bold emphasis, tables, captions
    for rule in [("set", "text"), ("set", "page"), ("set", "heading"), ("show", "heading"), ("show", "emph"),
                 ("set", "table"), ("show", "table.cell"), ("show", "figure.caption"),
                 ("show", "quote.where(block: true)"), ("show", "list")]:  # fmt: skip
        assert rule in found, rule


@pytest.mark.parametrize("template", [OFFLINE_TEMPLATE, *QUARTO_PARTIALS], ids=lambda p: p.name)
def test_no_template_repeats_a_rule_of_the_style(template):
    style = rules(STYLE.read_text(encoding="utf-8"))
    own = rules(template.read_text(encoding="utf-8"))
    assert sorted(own & style) == []
    assert sorted(own - {_APPLY}) == []  # a new rule belongs in the style file, for both engines


def test_a_copied_rule_would_be_caught():
    # the check itself can fail: the old Quarto partial, a hand copy of the offline rules, is caught
    copy = "#let planlib-report(meta, doc) = {\n  set text(font: serif, lang: \"zh\")\n  show emph: set text(weight: \"bold\")\n}\n"
    assert rules(copy) & rules(STYLE.read_text(encoding="utf-8")) == {("set", "text"), ("show", "emph")}


def test_both_engines_import_the_one_style():
    assert '#import "planlib-style.typ": *' in OFFLINE_TEMPLATE.read_text(encoding="utf-8")
    assert '#import "_planlib/planlib-style.typ": *' in QUARTO_PARTIALS[0].read_text(encoding="utf-8")
    assert "planlib-report(planlib-meta, doc)" in QUARTO_PARTIALS[1].read_text(encoding="utf-8")


def test_the_quarto_project_gets_the_style_file_beside_its_partials(tmp_path):
    build = tmp_path / "build"
    (build / "_out").mkdir(parents=True)
    report = Report(id="annual-2023", kind="annual", title="2023年度评估报告", notebook=Path("notebooks/annual.ipynb"),
                    parameters={"as_of": 2023}, plan_title="某规划")  # fmt: skip
    job = RenderJob(report=report, markdown="# 摘要\n", build=build, out=build / "_out", formats=("pdf",),
                    site_title="站点", downloads=[], notes=[])  # fmt: skip
    quarto.write_project(job)
    assert (build / "_planlib" / "planlib-style.typ").read_bytes() == STYLE.read_bytes()
    assert (build / "_planlib" / "typst-template.typ").read_bytes() == QUARTO_PARTIALS[0].read_bytes()


def test_the_offline_pdf_is_set_in_the_style_copied_beside_it(tmp_path):
    offline.render_pdf("# 摘要\n\n正文。\n", tmp_path / "r.pdf", root=tmp_path, title="2023年度评估报告",
                       subtitle="数据截至 2023年", date="数据截至 2023年末", plan="某规划")  # fmt: skip
    assert (tmp_path / "planlib-style.typ").read_bytes() == STYLE.read_bytes()
    typ = (tmp_path / "r.typ").read_text(encoding="utf-8")
    assert rules(typ.split("\n= ", 1)[0]) == {_APPLY}  # before the body: only the style applied
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
