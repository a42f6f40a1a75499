"""The sources a report cites, as its tables print them.

A source is keyed ``"title <url>"`` (:func:`source_key`, as the assessment's ``sources`` column holds them);
a report numbers its sources once, in order of first use (the register, a ``dict`` key → number), and its
tables cite those numbers (:func:`source_refs`: ``[1]、[3]``). The 数据来源 appendix lists each source with the
marks (†, ‡) of the values taken from it (:func:`source_marks`) and, for the glyph check, the raw file and line
that first cite it (:func:`source_origins`); :func:`sources_rows` lays the register out as that table's rows.

Imports: :mod:`planlib._values`, :mod:`planlib.indicators` (``assessment``'s source separator, ``marks``);
nothing of the sections or publish layers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planlib._values import is_missing
from planlib.indicators import assessment as A

if TYPE_CHECKING:
    import pandas as pd


def source_key(title: str, url: str) -> str:
    """``"title <url>"``: how a source is named in the assessment's ``sources`` column and in the register."""
    return f"{title} <{url}>"


def source_refs(row: dict, register: dict[str, int]) -> str:
    """The 来源 cell of an assessment row: its sources' numbers in ``register`` (``[1]、[3]``), ``—`` for none.

    Raises KeyError for a source the register lacks (the register numbers every source the report uses)."""
    text = row.get("sources")
    if not isinstance(text, str):
        return "—"
    refs = [register[s] for s in filter(None, text.split(A.SOURCE_SEPARATOR))]
    return "、".join(f"[{n}]" for n in refs) or "—"


def source_marks(observations: pd.DataFrame) -> dict[str, str]:
    """``"title <url>"`` → the marks of the values the report takes from it († when any used value of that
    source has low confidence, ‡ for test values); only the preferred rows of the tidy ``observations`` count."""
    from planlib.indicators.marks import symbols

    obs = observations[observations["preferred"]]
    out: dict[str, str] = {}
    for rec in obs.to_dict("records"):
        found = symbols([rec])
        if found:
            key = source_key(rec["source_title"], rec["source_url"])
            out[key] = "".join(dict.fromkeys(out.get(key, "") + found))
    return out


def source_origins(observations: pd.DataFrame) -> dict[str, str]:
    """``"title <url>"`` → the first raw file and line that cites it (``某文件.csv 第 12 行``; named when a
    title cannot be drawn); empty for observations without ``source_file`` and ``source_line``."""
    obs = observations
    if not {"source_file", "source_line"} <= set(obs.columns):
        return {}
    out: dict[str, str] = {}
    for title, url, file, line in zip(obs["source_title"], obs["source_url"], obs["source_file"], obs["source_line"],
                                      strict=True):  # fmt: skip
        if not is_missing(file):
            out.setdefault(source_key(title, url), f"{file} 第 {int(line)} 行" if not is_missing(line) else str(file))
    return out


def sources_rows(register: dict[str, int], marked: dict[str, str],
                 where: dict[str, str]) -> tuple[list[dict[str, str]], list[str | None]]:  # fmt: skip
    """The rows of the 数据来源 table (编号 ``[n]``, 来源 with its marks, 网址) in register order, and per row
    the raw file and line it came from (``where``, from :func:`source_origins`; None where unknown)."""
    rows, origins = [], []
    for src, number in register.items():
        # "title <url>": a URL has no space, a title may hold " <" itself, so split at the last one
        title, _, url = src.rpartition(" <")
        rows.append({"编号": f"[{number}]", "来源": title + marked.get(src, ""), "网址": url.removesuffix(">")})
        origins.append(where.get(src))
    return rows, origins
