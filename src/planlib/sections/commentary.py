"""What a report's commentary places show: the analysts' text, with its authors and date, references filled.

    import planlib.sections.commentary as C
    C.commentary(ctx, report_id, "摘要")        # after the summary; "" when the report has no commentary
    C.commentary(ctx, report_id, "就业创业")     # in each area section (the plan's area names)
    C.commentary(ctx, report_id, "存在问题")     # closing sections: the heading comes with the text

The file is ``reports/commentary/<report_id>.md`` (:mod:`planlib.inputs.commentary`). A report without one, or
a place the file leaves out, shows nothing at all (an empty output adds no byte to the report). Every call
checks the whole file, so the first place of the report already fails on a mistake anywhere in it.

The analysts' text is shown as a block quote headed 分析意见 with the authors and the date, so that in HTML,
PDF and Word alike a reader tells it from the generated text. It is data text: escaped
(:func:`planlib.presentation.escape.md_text`), except for a safe Markdown subset — paragraphs (blank lines),
``- `` list items, ``**bold**`` and ``*emphasis*`` within one line. Anything else (links, HTML, headings inside
a place, tables, maths, Typst) is shown as the characters written.

Numbers are never typed: a digit outside ``{{…}}`` is an error, except a year of the plan period standing on its
own (``2021—2025年``, ``2024年``) — a typed number could contradict the data, a reference cannot.

Imports: inputs (``commentary``), :mod:`planlib.presentation` (``escape``, ``markdown``, ``references``) and
:mod:`planlib.sections` (``context``, ``areas``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from planlib.errors import DataError, Problem
from planlib.inputs.commentary import CLOSING, SUMMARY, Commentary, Place, load_commentary, places_for
from planlib.presentation.escape import md_text
from planlib.presentation.markdown import Markdown
from planlib.presentation.references import REFERENCE, Facts, Filled, ReferenceProblem, fill
from planlib.sections.areas import areas as area_sections
from planlib.sections.context import visible

if TYPE_CHECKING:
    from planlib.sections.context import Context

LABEL = "分析意见"
# HTML only (Typst and Word ignore it): shaded, ruled on the left, as report.typ sets the quote in the PDF
STYLE = "border-left: 4px solid #0b5394; background: #f5f5f5; padding: .1rem 1rem .1rem 0; margin: 1rem 0;"
_DIGITS = re.compile(r"[0-9０-９]+(?:[.,．][0-9０-９]+)*")
_INLINE = re.compile(r"(\{\{.*?\}\})|\*\*(.+?)\*\*|\*([^*]+?)\*")
_ITEM = re.compile(r"^\s*-\s+")


def places(ctx: Context) -> list[str]:
    """The places of this report (摘要, the plan's areas in plan order, 存在问题, 下一步建议)."""
    areas = list(dict.fromkeys(a for a in ctx.plan.indicators["area"] if isinstance(a, str) and a))
    return places_for(areas)


def facts(ctx: Context) -> Facts:
    """What the references of this report read: the report's own assessment and visible observations."""
    return Facts(plan=ctx.plan, assessment=ctx.assessment, observations=visible(ctx), as_of=ctx.as_of)


def commentary(ctx: Context, report_id: str, place: str) -> Markdown:
    """The analysts' text for ``place`` of report ``report_id`` as Markdown, or an empty Markdown.

    Raises :class:`planlib.errors.DataError` naming the file and line for any problem in the file: its
    shape (:func:`planlib.inputs.commentary.read_commentary`), a reference that cannot be filled
    (:func:`planlib.presentation.references.fill`) or a typed number; and ValueError for a ``place`` this
    report does not have (a notebook bug, not the author's)."""
    names = places(ctx)
    if place not in names:
        raise ValueError(f"报告没有位置“{place}”;应为:{'、'.join(names)}")
    found = load_commentary(report_id, names)
    if found is None:
        return Markdown("", f"分析意见“{place}”")
    rendered = render(found, ctx)
    return Markdown(rendered.get(place, ""), f"{found.file} 位置“{place}”")


def areas(ctx: Context, report_id: str) -> Markdown:
    """Every plan area's section (:func:`planlib.sections.areas.areas`), each followed by the analysts' text
    for that area when the report's commentary has some."""
    return area_sections(ctx, after=lambda area: commentary(ctx, report_id, area))


def render(found: Commentary, ctx: Context) -> dict[str, str]:
    """Every non-empty place of ``found`` → its Markdown (closing places with their heading)."""
    info = facts(ctx)
    years = range(ctx.plan.meta.baseline_year, ctx.plan.meta.period_end + 1)
    problems: list[Problem] = []
    out: dict[str, str] = {}
    marks: set[str] = set()
    for name, place in found.places.items():
        if place.empty:
            continue
        body = _blocks(found.file, place, info, years, problems, marks)
        text = _quote(found, body)
        out[name] = f"# {md_text(name)}\n\n{text}" if name in CLOSING else text
    if problems:
        raise DataError(problems)
    ctx.shown.update("".join(marks))
    return out


def byline(found: Commentary) -> str:
    """'分析意见（撰写：张三、李四；2026年11月30日）' as plain text."""
    d = found.date
    return f"{LABEL}（撰写：{'、'.join(found.authors)}；{d.year}年{d.month}月{d.day}日）"


def _quote(found: Commentary, blocks: list[str]) -> str:
    head = f"**{md_text(LABEL)}**{md_text(byline(found).removeprefix(LABEL))}"
    lines = [head, ""]
    for i, block in enumerate(blocks):
        if i:
            lines.append("")
        lines += block.split("\n")
    quote = "\n".join(f"> {line}".rstrip() for line in lines)
    # the page's style sheet is inlined in every report, so the commentary's look travels with it (an edit of
    # style.css would change every report, also those without commentary)
    return f"::: {{.commentary style=\"{STYLE}\"}}\n{quote}\n:::\n"


def _blocks(file: str, place: Place, info: Facts, years: range, problems: list[Problem],
            marks: set[str]) -> list[str]:  # fmt: skip
    """Paragraphs and lists of one place, as Markdown blocks."""
    groups: list[list[tuple[int, str]]] = [[]]
    for number, line in place.lines:
        if line.strip():
            groups[-1].append((number, line))
        elif groups[-1]:
            groups.append([])
    blocks = []
    for group in filter(None, groups):
        if _ITEM.match(group[0][1]):
            items: list[list[tuple[int, str]]] = []
            for number, line in group:
                if _ITEM.match(line):
                    items.append([(number, _ITEM.sub("", line))])
                else:
                    items[-1].append((number, line))
            blocks.append("\n".join("- " + _join(item, file, info, years, problems, marks) for item in items))
        else:
            blocks.append(_join(group, file, info, years, problems, marks))
    return blocks


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _join(lines: list[tuple[int, str]], file: str, info: Facts, years: range, problems: list[Problem],
          marks: set[str]) -> str:  # fmt: skip
    """Lines of one paragraph or item → one Markdown line (a break beside a Chinese character is dropped,
    otherwise it is a space)."""
    out, previous = "", ""
    for number, line in lines:
        raw = line.strip()
        piece = _inline(raw, number, file, info, years, problems, marks)
        if out:
            # Chinese is written without spaces: a break next to a Chinese character is dropped
            out += "" if _wide(previous[-1]) or _wide(raw.lstrip("*{")[:1] or "a") else " "
        out += piece
        previous = raw
    return out


def _inline(line: str, number: int, file: str, info: Facts, years: range, problems: list[Problem],
            marks: set[str]) -> str:  # fmt: skip
    def text(piece: str) -> str:
        if "{{" in piece or "}}" in piece:  # half a reference would otherwise print its braces
            problems.append(Problem(file, "引用的“{{”和“}}”没有配对", row=number,
                                    expected="{{类型 指标}}，写在同一行"))  # fmt: skip
        for m in _DIGITS.finditer(piece):
            if not (re.fullmatch(r"\d{4}", m.group(0)) and int(m.group(0)) in years):
                problems.append(Problem(file, f"正文中直接写了数字“{m.group(0)}”", row=number,
                                        expected="用引用填入数字，如 {{latest urban_new_jobs}}；"
                                                 f"只有规划期年份（{years[0]}—{years[-1]}）可以直接写"))  # fmt: skip
        return md_text(piece)

    def reference(inner: str) -> str:
        try:
            found: Filled = fill(inner, info)
        except ReferenceProblem as exc:
            problems.append(Problem(file, exc.problem, row=number, expected=exc.expected))
            return ""
        marks.update(found.marks)
        return md_text(found.text)

    def plain(piece: str) -> str:  # text and references, no emphasis
        out, last = [], 0
        for m in REFERENCE.finditer(piece):
            out += [text(piece[last:m.start()]), reference(m.group(1))]
            last = m.end()
        return "".join([*out, text(piece[last:])])

    out, last = [], 0
    for m in _INLINE.finditer(line):
        if m.group(1):
            continue  # a reference outside emphasis: handled by plain() with the text around it
        out.append(plain(line[last:m.start()]))
        strong = m.group(2) is not None
        inner = plain(m.group(2) if strong else m.group(3))
        out.append(f"**{inner}**" if strong else f"*{inner}*")
        last = m.end()
    out.append(plain(line[last:]))
    return "".join(out)


# ------------------------------------------------------------------------------------------------ skeleton

def _ref(kind: str, tid: str, missing_ok: bool = False) -> str:
    return f"{{{{{kind} {tid}{' | 或数据暂缺' if missing_ok else ''}}}}}"


def _shortfalls(ctx: Context, limit: int = 3) -> list[dict]:
    """Targets (headline and project) measured by completion that lag 序时进度 most, largest gap first."""
    a = ctx.assessment
    rows = a[a["kind"].isin(["cumulative", "level"]) & a["completion"].notna() & a["time_progress"].notna()]
    rows = rows.assign(gap=rows["completion"] - rows["time_progress"])
    rows = rows[rows["gap"] < 0].sort_values("gap", kind="stable")
    return rows.head(limit).to_dict("records")


def _district_outliers(ctx: Context) -> list[tuple[str, str, str, int]]:
    """(district, series id, series name, year) for district rates of the report year (or the latest year with
    at least ten districts) outside the quartiles ± 1.5 × the interquartile range (Tukey's fences)."""
    from planlib.inputs.observations import load_series_map
    from planlib.inputs.regions import district_values

    obs = visible(ctx)
    names = load_series_map().series
    out = []
    rates = obs[(obs["region_kind"] == "district") & (obs["unit"] == "%") & obs["is_annual"] & obs["preferred"]]
    for sid in sorted(set(rates["indicator_id"])):
        name = str(names.get(sid, {}).get("name", ""))
        if not name or _DIGITS.search(name):
            continue
        years = sorted({int(y) for y in rates.loc[rates["indicator_id"] == sid, "year"] if y == y and y <= ctx.as_of})
        for year in reversed(years):
            values = district_values(rates, sid, year=year)
            if len(values) < 10:
                continue
            q1, q3 = values.quantile(0.25), values.quantile(0.75)
            fence = 1.5 * (q3 - q1)
            for district, value in values.sort_values().items():
                if value < q1 - fence or value > q3 + fence:
                    out.append((str(district), sid, name, year))
            break
    return out


def skeleton(ctx: Context, report_id: str, today: str) -> str:
    """A commentary file for ``report_id`` to start from: front matter (authors left empty on purpose: the file
    is not used until someone signs it), every place of the report, and under each the facts the data support
    as references (largest shortfalls against 序时进度, targets behind, 约束性 indicators at risk, district
    outliers, the pace the remaining years need). Plain text, UTF-8; only references, no typed numbers."""
    from planlib.indicators import assessment as A

    a = ctx.assessment
    head = a[a["group"] == "headline"]
    lines = ["---",
             f"# {report_id} 的分析意见。填写作者（authors）后才会进入报告；日期为定稿日期（YYYY-MM-DD）。",
             "# 每个“# 位置”下写该处的意见；不需要的位置可整段删除。数字一律用 {{…}} 引用，",
             "# 引用写法见 README“Commentary”；“| 或数据暂缺”允许该处在缺数据时显示“数据暂缺”。",
             "authors: []", f"date: {today}", "---", ""]  # fmt: skip
    totals = head[(head["kind"] == "cumulative") & head["cumulative"].notna()]
    summary = [f"- {_ref('name', r['id'])}累计{_ref('cumulative', r['id'], True)}，完成五年目标的"
               f"{_ref('completion', r['id'], True)}，{_ref('status', r['id'], True)}。"
               for r in totals.to_dict("records")]  # fmt: skip
    summary += [f"- {_ref('name', r['id'])}完成{_ref('completion', r['id'])}，低于序时进度{{{{time_progress}}}}。"
                for r in _shortfalls(ctx)]  # fmt: skip
    sections = {SUMMARY: summary}
    for area in places(ctx)[1:-2]:
        ids = list(ctx.plan.indicators.loc[ctx.plan.indicators["area"] == area, "id"])
        items = []
        for r in a.set_index("id", drop=False).loc[ids].to_dict("records"):
            if r["status"] == A.MISSING:
                items.append(f"- {_ref('name', r['id'])}截至本年{_ref('latest', r['id'], True)}。")
            else:
                items.append(f"- {_ref('name', r['id'])}{_ref('latest_year', r['id'])}为{_ref('latest', r['id'])}，"
                             f"{_ref('status', r['id'])}。")  # fmt: skip
        sections[area] = items
    problems = [f"- {_ref('name', r['id'])}{_ref('status', r['id'])}：完成{_ref('completion', r['id'], True)}，"
                f"目标{_ref('target', r['id'])}。"
                for r in a[a["status"].isin([A.BEHIND, A.NOT_DONE])].to_dict("records")]  # fmt: skip
    binding = head[head["attribute"] == "约束性"]
    problems += [f"- 约束性指标{_ref('name', r['id'])}："
                 + (f"{_ref('status', r['id'])}，最新{_ref('latest', r['id'], True)}。" if r["constraint_behind"]
                    else f"{_ref('latest', r['id'], True)}，无法判断是否达到要求。")
                 for r in binding.to_dict("records") if r["constraint_behind"] or r["status"] == A.MISSING]
    problems += [f"- {d}{name}{{{{district {d} {sid} {year}}}}}，明显偏离其他区县"
                 f"（全市{{{{value {sid} {year} | 或数据暂缺}}}}）。" for d, sid, name, year in _district_outliers(ctx)]
    sections[CLOSING[0]] = problems
    pending = a[a["required_pace"].notna() & ~a["status"].isin([A.DONE, A.EARLY])]
    sections[CLOSING[1]] = [f"- {_ref('name', r['id'])}在剩余年份每年须完成{_ref('required_pace', r['id'])}。"
                            for r in pending.to_dict("records")]  # fmt: skip
    for place in places(ctx):
        lines += [f"# {place}", "", *sections.get(place, []), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
