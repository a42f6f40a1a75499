"""Errors about input data, worded for the researcher who has to fix the file."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or entry) of an input file.

    ``row`` is the line number a spreadsheet or text editor shows (the header is line 1), or
    ``None`` when the problem concerns the whole file; ``entry`` names a YAML entry instead.
    """

    file: str
    problem: str
    row: int | None = None
    field: str | None = None
    expected: str | None = None
    entry: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.entry is not None:
            where.append(self.entry)
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.field is not None:
            where.append(f"字段“{self.field}”")
        text = ",".join(where) + f":{self.problem}"
        if self.expected:
            text += f";应为:{self.expected}"
        return _printable(text)


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MAX = 2000


def _printable(text: str) -> str:
    """A message as it may reach a terminal: control characters from data shown as \\xNN (an escape
    sequence in a cell must not clear the screen or retitle the window), and at most 2,000 characters."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)
    if len(text) > _MAX:
        text = f"{text[:_MAX]}…(消息过长,已截断;共 {len(text)} 个字符)"
    return text


class DataError(ValueError):
    """Raised when input data cannot be used. Carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class CleanError(ValueError):
    """A single cell could not be understood (raised by the parsers in
    :mod:`planlib.inputs`: numbers, periods, text, district names, CSV tables).

    Callers that know the file and row turn it into a :class:`Problem`.
    """

    def __init__(self, problem: str, expected: str | None = None):
        self.problem = problem
        self.expected = expected
        super().__init__(problem if not expected else f"{problem};应为:{expected}")
