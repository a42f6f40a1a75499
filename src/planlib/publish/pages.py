"""Writing the site's monitoring pages (:mod:`planlib.sections.pages`) as HTML, with navigation and stable URLs.

Stable, citable addresses (relative to the site root):

- ``indicators/<id>.html`` — one per headline indicator (its id in the plan YAML), ``indicators/projects.html``
  for 专栏2–13, ``indicators/index.html`` the list;
- ``districts/<code>.html`` — one per 区县 by its 6-digit code, ``districts/index.html`` the list by cluster;
- ``data/<page>/<table>.csv`` and ``.xlsx`` beside every table, ``data/planlib-data.zip`` with
  ``data/datapackage.json``, ``data/index.html`` the list; ``search.html`` (pagefind, see :mod:`.search`).

Pages are made in Python from the data, not through a notebook, so both engines give the same pages. Every
text from data is escaped (:func:`planlib.presentation.escape.html_text`); every image has its alt text; the
pages load nothing from outside the site and work from ``file://``. Each page is set in the site's page frame
(:mod:`.page_frame`), as the search page is.

May import: :mod:`planlib.sections.pages` (what a page holds), the presentation layer and the inputs (inside
functions), and of :mod:`planlib.publish` the page frame, the downloads and the search page; never the build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planlib.presentation.escape import html_text, is_web_url
from planlib.presentation.tables import Table, _text
from planlib.publish.page_frame import render
from planlib.sections.pages import FigureBlock, Links, Page, Text

if TYPE_CHECKING:
    from planlib.publish.manifest import Manifest

FIGURE_DPI = 110  # screen resolution: the pages' figures are for the browser, the reports have print ones


@dataclass
class SitePages:
    """What the site's pages step wrote (for the index and the build's summary)."""

    pages: list[Page] = field(default_factory=list)
    missing_headline: dict[str, int] = field(default_factory=dict)  # report id -> 专栏1 indicators 数据暂缺
    headline_label: str = "主要指标"  # the plan's name for its headline table (plan meta headline_label: 专栏1)
    files: int = 0
    reused: bool = False  # the pages of the previous build were kept (nothing they show changed)


def table_html(table: Table, csv: str, xlsx: str) -> str:
    """``<table>`` with caption, escaped cells (http(s) URLs in ``table.links`` columns as links), then
    source, notes and the CSV/XLSX links."""
    head = "".join(f"<th>{html_text(c)}</th>" for c in table.frame.columns)
    rows = []
    for rec in table.frame.itertuples(index=False):
        cells = []
        for column, value in zip(table.frame.columns, rec, strict=True):
            text = _text(value)
            if column in table.links and is_web_url(text.split(" ; ")[0]):
                links = [f'<a href="{html_text(u)}">{html_text(u)}</a>' for u in text.split(" ; ")]
                cells.append(f"<td>{' ; '.join(links)}</td>")
            else:
                cells.append(f"<td>{html_text(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    notes = ([f"资料来源:{html_text(table.source)}"] if table.source else []) + [
        f"注:{html_text(n)}" for n in table.notes
    ]
    notes.append(f'<span class="downloads-inline">下载本表:<a href="{csv}">CSV</a><a href="{xlsx}">XLSX</a></span>')
    return (f'<table id="tbl-{table.name}"><caption>{html_text(table.caption)}</caption>'
            f"<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>\n"
            f"<div class=\"table-notes\">{'<br>'.join(notes)}</div>")  # fmt: skip


def _save(figure: Any, folder: Path) -> Path:
    """The figure as PNG at screen resolution, metadata fixed (identical figures, identical bytes), glyphs
    checked first (:meth:`planlib.presentation.figures.Figure.check_glyphs`)."""
    import matplotlib as mpl

    figure.check_glyphs()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{figure.name}.png"
    with mpl.rc_context({"text.parse_math": False}):
        # the locator fills its figure exactly: no second drawing pass to find a tight box
        tight = None if figure.name.startswith("locator-") else "tight"
        figure.figure.savefig(path, dpi=FIGURE_DPI, bbox_inches=tight, metadata={"Software": None})
    return path


def write_page(page: Page, site: Path, *, site_title: str, footer: str) -> int:
    """Write ``page`` at ``site/page.path`` with its figures (``<folder>/figures/``) and its tables' CSV and
    XLSX (``data/<page>/``). Returns the number of files written."""
    import matplotlib.pyplot as plt

    from planlib.publish.downloads import write_table

    out = site / page.path
    depth = page.path.count("/")
    root = "../" * depth
    stem = page.path.rsplit(".", 1)[0]
    data = site / "data" / stem
    parts, files = [], 1
    for block in page.blocks:
        if isinstance(block, Text):
            if not block.paragraphs:  # nothing to say: no heading over nothing
                continue
            if block.heading:
                parts.append(f"<h2>{html_text(block.heading)}</h2>")
            css = "" if block.heading else ' class="page-facts"'  # facts under the title are set quieter
            parts += [f"<p{css}>{html_text(p)}</p>" for p in block.paragraphs]
        elif isinstance(block, Links):
            if block.heading:
                parts.append(f"<h2>{html_text(block.heading)}</h2>")
            items = "".join(
                f'<li><a href="{root}{html_text(href)}">{html_text(label)}</a></li>' for label, href in block.items
            )
            parts.append(f'<ul class="page-list">{items}</ul>')
        elif isinstance(block, FigureBlock):
            figure = block.make()
            path = _save(figure, out.parent / "figures")
            if figure.figure.canvas.manager is not None:  # a pyplot figure: done with it (the locator is reused)
                plt.close(figure.figure)
            files += 1
            if block.heading:
                parts.append(f"<h2>{html_text(block.heading)}</h2>")
            css = ' class="locator"' if figure.name.startswith("locator-") else ""
            parts.append(f'<figure{css}><img src="figures/{path.name}" alt="{html_text(figure.alt)}">'
                         f"<figcaption>{html_text(figure.caption)}</figcaption></figure>")  # fmt: skip
        elif isinstance(block, Table):
            write_table(block, data)
            files += 2
            parts.append(
                table_html(block, f"{root}data/{stem}/{block.name}.csv", f"{root}data/{stem}/{block.name}.xlsx")
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(page.title, "\n".join(parts), depth=depth, site_title=site_title, footer=footer,
                          subtitle=page.subtitle), encoding="utf-8")  # fmt: skip
    return files


def _list_page(site: Path, path: str, title: str, subtitle: str, body: str, *, site_title: str, footer: str) -> None:
    out = site / path
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(title, body, depth=path.count("/"), site_title=site_title, footer=footer, subtitle=subtitle),
                   encoding="utf-8")  # fmt: skip


def pages_digest(manifest: Manifest, shared: str, footer: str) -> str:
    """What the pages depend on: planlib's source and the raw files other than observations (``shared``,
    :func:`planlib.publish.digests.inputs_hash`), every observation file (pages show all years, unlike a report),
    the site's own observations and plan file if the manifest names them, the manifest (reports, titles,
    ``as_of``, ``vintage``) and the site footer. Not the reports' own files."""
    import hashlib

    from planlib._paths import raw_dir
    from planlib.inputs.observations import raw_observation_files

    h = hashlib.sha256(shared.encode())
    for path in raw_observation_files(raw_dir()):
        h.update(str(path.name).encode() + b"\0" + path.read_bytes())
    for own in (manifest.observations, manifest.plan_ref):  # the site's own files (an id names no file)
        if own and Path(own).is_file():
            h.update(Path(own).read_bytes())
    h.update(manifest.path.read_bytes())
    h.update(footer.encode())
    return h.hexdigest()


PAGE_FOLDERS = ("indicators", "districts", "data")  # written by this module only: emptied before each writing
_MEMO: dict[str, tuple[dict[str, bytes], SitePages]] = {}  # digest -> the files written (one entry per process)


def write_site_pages(manifest: Manifest, site: Path, footer: str, *, reuse: dict | None = None,
                     digest: str | None = None) -> SitePages:  # fmt: skip
    """Every monitoring page, the lists of them, the downloads page with the bulk archive and the search page
    (the build runs :func:`planlib.publish.search.index_site` after the index is written), and an XLSX beside
    every report table.

    Assessments are made once per report (its ``as_of`` and ``vintage``) and shared by all pages. ``reuse``
    (what the previous build recorded, when :func:`pages_digest` is unchanged) keeps the pages already in
    ``site`` and redoes only the reports' XLSX files. Pages written in this process under the same ``digest``
    (another project with the same data, code and manifest) are copied rather than drawn again."""
    import shutil

    from planlib.publish.downloads import report_tables_xlsx

    if reuse and (site / "indicators" / "index.html").is_file() and (site / "data" / "datapackage.json").is_file():
        report_tables_xlsx(site, [r.id for r in manifest.reports])
        return SitePages(missing_headline=dict(reuse.get("missing_headline") or {}), reused=True,
                         headline_label=str(reuse.get("headline_label") or "主要指标"))
    for folder in PAGE_FOLDERS:  # a page that is gone (a district renamed, a table dropped) must not linger
        shutil.rmtree(site / folder, ignore_errors=True)
    if digest is not None and digest in _MEMO:
        files, pages = _MEMO[digest]
        for name, content in files.items():
            (site / name).parent.mkdir(parents=True, exist_ok=True)
            (site / name).write_bytes(content)
    else:
        pages = _write_site_pages(manifest, site, footer)
        if digest is not None:
            _MEMO.clear()
            written = [p for folder in PAGE_FOLDERS for p in (site / folder).rglob("*") if p.is_file()]
            _MEMO[digest] = (
                {str(p.relative_to(site)): p.read_bytes() for p in [*written, site / "search.html"]},
                pages,
            )
    report_tables_xlsx(site, [r.id for r in manifest.reports])
    return pages


def _write_site_pages(manifest: Manifest, site: Path, footer: str) -> SitePages:
    from planlib.inputs.observations import load_observations
    from planlib.inputs.plan import load_plan
    from planlib.inputs.regions import load_clusters
    from planlib.publish.downloads import write_bulk
    from planlib.publish.search import search_page
    from planlib.sections import pages as S
    from planlib.sections.report import tidy_observations

    plan = load_plan(manifest.plan_ref or manifest.plan)  # as the reports get it: an id or a resolved YAML path
    observations = tidy_observations(manifest.observations) if manifest.observations else load_observations()
    meta = plan.meta
    assessments = S.report_assessments(plan, observations, manifest.reports)
    result = SitePages(headline_label=meta.headline_label)
    for rid, frame in assessments.items():
        head = frame[frame["group"] == "headline"]
        result.missing_headline[rid] = int((head["status"] == "数据暂缺").sum())
    indicators = S.indicator_pages(plan, observations, manifest.reports, assessments)
    projects = S.projects_page(plan, observations, manifest.reports, assessments)
    # district pages belong to a plan with a district layout (一区两群 over the 38 区县 of districts.yaml)
    districts = S.district_pages(observations, meta.region, meta.layout_name) if meta.layout_name else []
    result.pages = [*indicators, projects, *districts]
    kw = {"site_title": manifest.title, "footer": footer}
    for page in result.pages:
        result.files += write_page(page, site, **kw)

    items = "".join(
        f'<li><a href="{html_text(p.path.split("/", 1)[1])}">{html_text(p.title)}</a>'
        f' <span class="page-facts">{html_text(p.subtitle)}</span></li>'
        for p in [*indicators, projects]
    )
    subtitle = f"{plan.title}:{meta.headline_label} {len(indicators)} 项及{meta.targets_label}目标"
    _list_page(site, "indicators/index.html", "指标", subtitle, f'<ul>{items}</ul>', **kw)
    if districts:
        clusters = load_clusters()
        by_cluster = []
        for cluster, members in clusters.groupby("cluster", sort=False):
            links = "".join(f'<li><a href="{html_text(c)}.html">{html_text(d)}</a></li>'
                            for d, c in zip(members["district"], members["district_code"], strict=True))  # fmt: skip
            by_cluster.append(f'<h2>{html_text(cluster)}({len(members)} 个区县)</h2>'
                              f'<ul class="page-list">{links}</ul>')
        subtitle, body = f"{len(clusters)} 个区县,按“{meta.layout_name}”片区", "\n".join(by_cluster)
    else:  # the navigation links this page on every site: say why it lists nothing
        subtitle, body = "本规划没有区县布局", f"<p>{html_text(plan.title)}不按区县分解目标,本站没有区县页。</p>"
    _list_page(site, "districts/index.html", "区县", subtitle, body, **kw)

    archive, index = write_bulk(site, plan, observations, assessments,
                                [(p.path, p.title, p.tables) for p in result.pages])  # fmt: skip
    rows = "".join(f'<li><a href="../{html_text(p.path)}">{html_text(p.title)}</a>:'
                   + " ".join(f'<a href="{html_text(p.path.rsplit(".", 1)[0])}/{t.name}.csv">{html_text(t.caption)}'
                              f'(CSV)</a> <a href="{html_text(p.path.rsplit(".", 1)[0])}/{t.name}.xlsx">XLSX</a>'
                              for t in p.tables) + "</li>" for p in result.pages)  # fmt: skip
    body = (f'<p><a href="{archive.name}">全部数据打包下载(ZIP)</a>:全部已收集的数值及其来源、各期报告的评估结果、'
            f'规划的全部量化目标,附机器可读的索引 <a href="{index.name}">{index.name}</a>(列名、单位、来源)。</p>'
            f"<h2>各页面的表格</h2><ul>{rows}</ul>")  # fmt: skip
    _list_page(site, "data/index.html", "数据下载", "每张表都有 CSV 与 XLSX;整站数据一个压缩包", body, **kw)
    served = Path(manifest.path).resolve().parent / "_site"  # where the build puts this site (site is its staging)
    search_page(site, served=served, **kw)
    return result
