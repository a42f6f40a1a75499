"""Data text → markup: every string that came from data, the plan or the manifest is shown as text.

planlib writes pandoc Markdown (report sections, tables, figures), which pandoc turns into HTML and
Typst, and fills pandoc templates with the report's title. A source title such as
``<img src=x onerror=…>``, ``*bold*``, ``#let x = 1`` or ``$ x $`` must reach the reader as those
characters, never as an element, emphasis, Typst code or maths. The rule, applied at the point where
plain text is put into markup:

* :func:`md_text` — plain text inside Markdown: every ASCII punctuation character is backslash-escaped
  (pandoc's ``all_symbols_escapable``: ``\\*`` is a literal ``*``, in HTML and in Typst), line breaks are
  folded (a table cell or a sentence stays one line), Chinese text is unchanged.
* :func:`md_link` / :func:`md_urls` — only an ``http(s)`` URL without whitespace becomes a link; its
  text is the URL as written, its target is percent-encoded where Markdown, HTML or Typst could read
  it otherwise. Anything else (``javascript:…``, ``(no URL known)``) is plain text.
* :func:`md_attr` — a value inside a pandoc attribute (``{alt="…"}``).
* :func:`typst_string` — a Typst string literal (``"…"``) for template values.
* :func:`html_text` — text or an attribute value in HTML written by planlib itself.

Code-generated markup (a list dash, ``**口径说明**``, the CSV download link) stays markup; it is built
around escaped text, never from it.
"""

from __future__ import annotations

import html
import re
import string
import unicodedata

__all__ = ["fold_lines", "html_text", "is_web_url", "md_attr", "md_link", "md_text", "md_urls", "typst_string"]

_PUNCTUATION = frozenset(string.punctuation)  # the 32 ASCII punctuation characters pandoc lets one escape
# line and paragraph separators, and other control characters, that would end a table row or a paragraph
_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f]")
_WEB_URL = re.compile(r"https?://\S+", re.IGNORECASE)
# characters a link target must not carry raw: Markdown would end or re-read the target, HTML the
# attribute, Typst the string (RFC 3986 does not allow them unencoded either)
_HREF_UNSAFE = frozenset('"<>\\`{}|^ ()') | {chr(c) for c in range(0x20)} | {"\x7f"}


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def fold_lines(text: str) -> str:
    """One line of text: a line break becomes a space, or nothing between two Chinese characters
    (as pandoc's ``east_asian_line_breaks`` reads a break inside a Chinese paragraph); tabs become
    spaces; other control characters are dropped. ``'本报告\\n评估'`` → ``'本报告评估'``."""
    parts = _BREAKS.split(text)
    out = parts[0]
    for part in parts[1:]:
        joined = out and part and _wide(out[-1]) and _wide(part[0])
        out += part if joined else " " + part
    return _CONTROL.sub("", out.replace("\t", " "))


def md_text(text: object) -> str:
    """Plain text for pandoc Markdown: shown exactly as written, in HTML and in PDF.

    Every ASCII punctuation character gets a backslash, so nothing is read as emphasis, a link, raw
    HTML or Typst, maths, a list marker, a smart quote or a table-cell separator; line breaks are
    folded (:func:`fold_lines`). ``'*x* <b>'`` → ``'\\*x\\* \\<b\\>'``; ``'城镇新增就业'`` unchanged.
    ``None`` gives an empty string; other objects are shown with ``str()``.
    """
    if text is None:
        return ""
    # a run of spaces is one space on the page anyway; four at the start of a paragraph would be code
    one_line = re.sub(r" {2,}", " ", fold_lines(str(text)))
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in one_line)


def md_attr(text: object) -> str:
    """A value for a pandoc attribute written between double quotes (``{alt="…"}``).

    Pandoc reads backslash escapes and character references (``&amp;``) in attribute values, so the
    same escaping as :func:`md_text` keeps the value literal (a ``"`` cannot end it, ``&amp;`` stays
    five characters)."""
    return md_text(text)


def is_web_url(text: object) -> bool:
    """True for one ``http://`` or ``https://`` URL with no whitespace (the only links planlib makes)."""
    return isinstance(text, str) and _WEB_URL.fullmatch(text) is not None


def _href(url: str) -> str:
    return "".join(f"%{ord(ch):02X}" if ch in _HREF_UNSAFE else ch for ch in url)


def md_link(url: object, text: object | None = None) -> str:
    """A Markdown link to ``url`` if it is an ``http(s)`` URL without whitespace, else plain text.

    The link text is ``text`` (default: the URL as written), escaped; the target is the URL with
    ``" < > \\ ` { } | ^``, spaces, parentheses and control characters percent-encoded. So
    ``https://example.org/a"onmouseover="x`` links to ``https://example.org/a%22onmouseover=%22x`` and
    shows its own characters; ``javascript:alert(1)`` is never a link.
    """
    shown = url if text is None else text
    if not is_web_url(url):
        return md_text(shown)
    return f"[{md_text(shown)}]({_href(str(url))})"


def md_urls(text: object) -> str:
    """A field that may hold several URLs (``https://a ; https://b``) or none (``(no URL known)``):
    each whitespace-separated ``http(s)`` URL becomes a link (:func:`md_link`), the rest is plain text."""
    if text is None:
        return ""
    tokens = re.split(r"(\s+)", fold_lines(str(text)))
    return "".join(md_link(t) if is_web_url(t) else md_text(t) for t in tokens)


def typst_string(text: object) -> str:
    """A Typst string literal, quotes included: ``'a "b" \\\\'`` → ``'"a \\\\"b\\\\" \\\\\\\\"'``.

    Inside a string Typst reads only ``\\\\``, ``\\"`` and ``\\n``-style escapes: no markup, no code,
    no maths. Line breaks are folded (:func:`fold_lines`) since template values are single lines."""
    out = []
    for ch in fold_lines("" if text is None else str(text)):
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def html_text(text: object) -> str:
    """Text or a double- or single-quoted attribute value in HTML: ``& < > " '`` as references."""
    return html.escape("" if text is None else str(text), quote=True)
