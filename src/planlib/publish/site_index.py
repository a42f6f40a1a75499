"""The site's report listing (``index.html``): each report with its downloads and its state (:func:`report_status`:
current, stale, failed), the site's footer with the promise about its numbers (:func:`site_footer`), and the
links to the monitoring pages when the site has them.

May import: of :mod:`planlib.publish` the engine contract's formats (:mod:`.engines`) and the manifest; never
the build, which calls this.
"""

from __future__ import annotations

import html
from pathlib import Path

from planlib.publish.engines import FORMATS
from planlib.publish.manifest import Manifest

LABELS = {"html": "网页版", "pdf": "PDF", "docx": "Word 版"}  # the index's download links, by format


_STATUS_CURRENT = "最新"


def report_status(report_id: str, site: Path, state: dict, digest: str | None, failed: dict[str, str]) -> str:
    """The index's 状态 column, from what is really in ``site`` and which hash each file was built from."""
    present = [f for f in FORMATS if (site / f"{report_id}.{f}").is_file()]
    built_from = state.get(report_id) if isinstance(state.get(report_id), dict) else {}
    if report_id in failed:
        return "本次生成失败,显示的是上一版" if present else "生成失败,尚无可用版本"
    if digest is None:
        return "笔记本不存在" + (",显示的是上一版" if present else "")
    if not present:
        return "尚未生成"
    stale = [LABELS[f] for f in present if built_from.get(f) != digest]  # (built_from also holds "notice")
    if stale:
        return "、".join(stale) + "为旧版(未随数据或代码更新)"
    return _STATUS_CURRENT


PROMISE = "每个数字都来自已公布的数据或由其计算得出;缺失的数据标为“数据暂缺”。"


def site_footer(manifest: Manifest, state: dict) -> str:
    """The index's promise, as true as the reports on the site: which reports show values that are not
    published figures (a report's notice says ``published_only: false``), and the notes of the reports'
    marks (e.g. what † means)."""
    notices = [(r, (state.get(r.id) or {}).get("notice") or {}) for r in manifest.reports]
    unpublished = [r.title for r, n in notices if n and not n.get("published_only", True)]
    notes = list(dict.fromkeys(note for _, n in notices for note in n.get("notes", [])))
    if unpublished:
        promise = (f"注意:{'、'.join(unpublished)}含非公布的测试值,不得作为评估依据;其余数字来自已公布的数据或由其计算"
                   "得出;缺失的数据标为“数据暂缺”。")  # fmt: skip
    else:
        promise = PROMISE
    return " ".join(["由 planlib 生成。" + promise, *notes])


def _kinds_line(manifest: Manifest) -> str:
    """'年度评估、中期评估与终期评估报告' — the kinds of report the manifest lists, in their usual order."""
    from planlib.publish.manifest import KIND_LABEL

    kinds = [label for kind, label in KIND_LABEL.items() if any(r.kind == kind for r in manifest.reports)]
    if not kinds:
        return "报告"
    return ("、".join(kinds[:-1]) + "与" + kinds[-1] if len(kinds) > 1 else kinds[0]) + "报告"


def write_index(manifest: Manifest, staging: Path, statuses: dict[str, str], state: dict | None = None,
                pages=None) -> Path:  # fmt: skip
    """``index.html``: the reports with their downloads and state; with ``pages`` (the site's monitoring pages,
    :class:`planlib.publish.pages.SitePages`) also each report's count of 专栏1 indicators without data and
    the links to the indicator, district, search and download pages."""
    rows = []
    missing = pages.missing_headline if pages is not None else {}
    for r in manifest.reports:
        links = []
        for ext in FORMATS:
            if (staging / f"{r.id}.{ext}").is_file():
                links.append(f'<a href="{r.id}.{ext}">{LABELS[ext]}</a>')
        status = statuses.get(r.id, "")
        gaps = f"<td>{missing[r.id]} 项</td>" if r.id in missing else ("<td>—</td>" if missing else "")
        rows.append(f"<tr><td>{html.escape(r.title)}</td><td>{html.escape(r.cutoff)}</td><td>{' · '.join(links)}</td>"
                    f"<td>{html.escape(status)}</td>{gaps}</tr>")  # fmt: skip
    gaps_head = f"<th>{html.escape(pages.headline_label)} 数据暂缺</th>" if missing and pages is not None else ""
    nav = ""
    if pages is not None:
        nav = ('<nav class="site-nav"><a href="indicators/index.html">指标</a> · '
               '<a href="districts/index.html">区县</a> · <a href="search.html">搜索</a> · '
               '<a href="data/index.html">数据下载</a></nav>')  # fmt: skip
    css = (Path(__file__).parent / "templates" / "style.css").read_text(encoding="utf-8")
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(manifest.title)}</title><style>{css}</style></head>
<body>{nav}<header class="report-header"><h1 class="title">{html.escape(manifest.title)}</h1>
<p class="subtitle">{html.escape(_kinds_line(manifest))}</p></header>
<main><table class="report-list"><caption>报告列表</caption>
<thead><tr><th>报告</th><th>数据截至</th><th>下载</th><th>状态</th>{gaps_head}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></main>
<footer class="site-footer">{html.escape(site_footer(manifest, state or {}))}</footer>
</body></html>
"""
    out = staging / "index.html"
    out.write_text(page, encoding="utf-8")
    return out

