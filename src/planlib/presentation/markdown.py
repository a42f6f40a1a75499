"""Markdown that a notebook shows — the text counterpart of :class:`planlib.presentation.tables.Table`.

:class:`Markdown` is a ``str`` whose characters are checked against the shipped fonts when a notebook (or the
publisher) shows it; :func:`paragraphs` and :func:`items` turn plain text (generated sentences, names and
notes from the plan and the data) into Markdown paragraphs and list lines, each escaped
(:func:`planlib.presentation.escape.md_text`), so only the markup written here is markup.

Imports: :mod:`planlib.presentation.escape` and, when shown, :mod:`planlib.presentation.style` (the glyph
check); nothing of the sections or publish layers.
"""

from __future__ import annotations

from planlib.presentation.escape import md_text


class Markdown(str):
    """Markdown that a notebook (and the publisher) shows; ``where`` names the section in messages.

    When shown, its characters are checked against the shipped fonts (raises
    :class:`planlib.errors.DataError` naming the section and the character)."""

    where: str = "报告段落"

    def __new__(cls, text: str, where: str | None = None) -> Markdown:
        obj = super().__new__(cls, text)
        if where:
            obj.where = where
        return obj

    def check_glyphs(self) -> None:
        from planlib.presentation.style import check_glyphs

        check_glyphs(str(self), file=self.where)

    def _repr_markdown_(self) -> str:
        self.check_glyphs()
        return str(self)


def paragraphs(texts: list[str], where: str) -> Markdown:
    """Plain-text paragraphs → Markdown (each escaped, a blank line between them, a newline at the end);
    ``where`` names the section in glyph messages (e.g. ``段落“摘要”``)."""
    return Markdown("\n\n".join(md_text(t) for t in texts) + "\n", where)


def items(texts: list[str]) -> list[str]:
    """Plain-text list items → Markdown lines ``- …`` (each escaped)."""
    return [f"- {md_text(t)}" for t in texts]
