"""The frame of every page of the site beside the reports (``templates/site-page.html``): the navigation, the
header, the footer and the site's CSS around a body of HTML (:func:`render`). The monitoring pages
(:mod:`.pages`) and the search page (:mod:`.search`) both put their bodies in it.

May import: :mod:`planlib.presentation.escape` only; nothing of :mod:`planlib.publish`.
"""

from __future__ import annotations

import string
from pathlib import Path

from planlib.presentation.escape import html_text

TEMPLATES = Path(__file__).parent / "templates"


def _css(root: str) -> str:
    css = (TEMPLATES / "style.css").read_text(encoding="utf-8") + (TEMPLATES / "pages.css").read_text(encoding="utf-8")
    return css.replace('url("fonts/', f'url("{root}fonts/')


def render(title: str, body: str, *, depth: int, site_title: str, footer: str, subtitle: str = "",
           head: str = "", scripts: str = "") -> str:  # fmt: skip
    """One page of the site: navigation, header, ``body`` (HTML made here), footer. ``depth`` is how many
    folders below the site root the page is (links and fonts are relative, so the site works from disk)."""
    root = "../" * depth
    template = string.Template((TEMPLATES / "site-page.html").read_text(encoding="utf-8"))
    return template.substitute(title=html_text(title), site_title=html_text(site_title), root=root,
                               subtitle=html_text(subtitle), body=body, footer=html_text(footer), css=_css(root),
                               head=head, scripts=scripts)  # fmt: skip
