"""Human output that fits an 80-column terminal and never breaks a number.

A table's column is text (wraps at spaces), fixed (a date, a code, an id: never wraps) or an
amount (never wraps, right-aligned). Tables have no side borders and two spaces between
columns, so eight short columns fit in 80. Text wraps between words but never inside a number
written with spaces between the thousands (``1 165 490,16``): such a number is one word.
JSON output is for machines and is not shaped here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rich import box
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.style import StyleType
from rich.table import Table
from rich.text import Text

TEXT, FIXED, AMOUNT = "text", "fixed", "amount"

# a number with spaces between its thousands (and decimals after a comma) is one word
_WORD = re.compile(r"\S*\d{1,3}(?: \d{3})+\S*|\S+")


def _words(plain: str) -> Iterator[tuple[int, int]]:
    for match in _WORD.finditer(plain):
        yield match.span()


def breaks(plain: str, width: int) -> list[int]:
    """Where the lines of *plain* (one line) start when it is wrapped to *width*: between
    words, a number with spaces kept whole; a word longer than a line is folded.

    >>> text = "sum 1 165 490,16, i alt"
    >>> [text[a:b] for a, b in zip([0, *breaks(text, 14)], [*breaks(text, 14), None])]
    ['sum ', '1 165 490,16, ', 'i alt']
    """
    width = max(width, 1)
    offsets: list[int] = []
    start = 0
    for first, end in _words(plain):
        if end - start > width and first > start:
            offsets.append(first)
            start = first
        while end - start > width:
            start += width
            offsets.append(start)
    return offsets


class Unbroken:
    """Text (with its styles) that wraps between words and never inside a number."""

    def __init__(self, text: Text | str) -> None:
        self.text = Text.from_markup(text) if isinstance(text, str) else text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        lines = self.text.plain.split("\n")
        longest_word = max((b - a for line in lines for a, b in _words(line)), default=0)
        longest_line = max(len(line) for line in lines)
        return Measurement(min(longest_word, options.max_width), longest_line)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        lines: list[Text] = []
        for line in self.text.split("\n", allow_blank=True):
            for part in line.divide(breaks(line.plain, width)):
                part.rstrip()
                lines.append(part)
        result = Text("\n").join(lines)
        result.no_wrap = True
        yield result


class Compact(Table):
    """A table of TEXT, FIXED and AMOUNT columns; text cells are :class:`Unbroken` (a plain
    string as Rich markup, a :class:`Text` as it is)."""

    def __init__(self, title: str | None, columns: tuple[tuple[str, str], ...]) -> None:
        super().__init__(
            title=title,
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
            padding=(0, 1, 0, 0),
            title_justify="left",
        )
        self.prose: set[int] = set()
        for n, (header, kind) in enumerate(columns):
            if kind == TEXT:
                self.prose.add(n)
                self.add_column(header)
            else:
                self.add_column(header, no_wrap=True, justify="right" if kind == AMOUNT else "left")

    def add_row(
        self,
        *renderables: RenderableType | None,
        style: StyleType | None = None,
        end_section: bool = False,
    ) -> None:
        shaped = [
            Unbroken(cell) if n in self.prose and isinstance(cell, str | Text) else cell
            for n, cell in enumerate(renderables)
        ]
        super().add_row(*shaped, style=style, end_section=end_section)


def table(title: str | None, *columns: tuple[str, str]) -> Compact:
    """A compact table with (header, TEXT | FIXED | AMOUNT) columns."""
    return Compact(title, columns)


def say(console: Console, markup: str) -> None:
    """Print one line of Rich markup, wrapped between words but never inside a number."""
    console.print(Unbroken(markup))
