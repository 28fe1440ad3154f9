"""Source files and the mapping from character offsets to lines and columns."""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field

from tfcheck.findings import Location


@dataclass(frozen=True)
class SourceFile:
    """The decoded text of one file, as the parser saw it."""

    path: str
    text: str
    _line_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Each line's length plus its newline, summed; str.split runs in C.
        starts = [
            0,
            *itertools.accumulate(len(line) + 1 for line in self.text.split("\n")),
        ]
        object.__setattr__(self, "_line_starts", tuple(starts[:-1]))

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def span(self, start: int, end: int) -> Location:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Location(self.path, line, column, end_line, end_column)

    def point(self, offset: int) -> Location:
        return self.span(offset, offset)
