"""Terraform values as tfcheck sees them: known, partly known or unknown.

Every value keeps the location where it was written. A string may hold
unknown holes (`arn:aws:ssmmessages:${var.region}:...`): its known parts are
still there for the rules to read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Optional, Union

from tfcheck.findings import Location
from tfcheck.parse.source import SourceFile


@dataclass(frozen=True)
class Unknown:
    """A value tfcheck could not evaluate, named by its source text."""

    source: str
    location: Location
    # Why it is unknown, as a phrase after the source: "is known only after apply".
    reason: str = field(default="", compare=False)
    # The module address the source text was written in ("" for a root), so a
    # reference passed into a module keeps meaning what it meant where written.
    module: str = field(default="", compare=False)


@dataclass(frozen=True)
class Text:
    """A string; a part that is an Unknown is a hole of unknown content."""

    parts: tuple[Union[str, Unknown], ...]
    location: Location
    # Where each character came from, so JSON inside the string can be located.
    pieces: tuple["Piece", ...] = field(default=(), compare=False, repr=False)

    @property
    def known(self) -> bool:
        return all(isinstance(part, str) for part in self.parts)

    @property
    def value(self) -> str:
        """The string itself; holes are written as their source in `${}`."""
        return "".join(
            part if isinstance(part, str) else "${" + part.source + "}"
            for part in self.parts
        )

    @property
    def display(self) -> str:
        """The string for a message: long holes shortened to `${...}`."""
        return "".join(
            part
            if isinstance(part, str)
            else "${" + (part.source if len(part.source) <= 16 else "...") + "}"
            for part in self.parts
        )

    def unknowns(self) -> list[Unknown]:
        return [part for part in self.parts if isinstance(part, Unknown)]

    def location_at(self, index: int) -> Location:
        """Where the character at `index` of the known text was written.

        A template such as `"ssmmessages:${op}"` takes its characters from
        several places; a rule that judges one part reports that part's place.
        """
        position = 0
        for piece in self.pieces:
            length = len(piece.text) if piece.hole is None else 0
            if position <= index < position + length:
                if piece.source is None or len(piece.offsets) != length:
                    return self.location
                start = piece.offsets[index - position]
                found = piece.source.span(start, piece.offsets[-1] + 1)
                return self.location if _within(found, self.location) else found
            position += length
        return self.location


def _within(inner: Location, outer: Location) -> bool:
    return (
        inner.file == outer.file
        and (outer.line, outer.column) <= (inner.line, inner.column)
        and (inner.line, inner.column) <= (outer.end_line, outer.end_column)
    )


@dataclass(frozen=True)
class Piece:
    """A run of template text with the source offset of each character, or a hole."""

    text: str
    source: Optional[SourceFile]
    offsets: tuple[int, ...]
    hole: Optional[Unknown] = None

    @classmethod
    def hole_for(cls, unknown: Unknown) -> "Piece":
        return cls("", None, (), unknown)

    @classmethod
    def from_text(cls, value: Text) -> list["Piece"]:
        if value.pieces:
            return list(value.pieces)
        return [
            cls(part, None, ()) if isinstance(part, str) else cls.hole_for(part)
            for part in value.parts
        ]


@dataclass(frozen=True)
class Atom:
    """A number, a bool or null."""

    value: Union[bool, int, float, None]
    location: Location


@dataclass(frozen=True)
class Seq:
    """A tuple, list or set."""

    items: tuple["Value", ...]
    location: Location
    # A set (from toset()): dynamic blocks then use the element as the key.
    is_set: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Entry:
    key: str
    key_location: Location
    value: "Value"


@dataclass(frozen=True)
class Mapping:
    """An object or map; entries keep their order and any duplicate keys."""

    entries: tuple[Entry, ...]
    location: Location

    def get(self, key: str) -> Entry | None:
        for entry in self.entries:
            if entry.key == key:
                return entry
        return None


@dataclass(frozen=True)
class Encoded:
    """A JSON string whose structure is known: `jsonencode(x)` or a document's json.

    `document` is set when the string is the `json` of an
    `aws_iam_policy_document`, so that consumers know which document it is.
    """

    value: "Value"
    location: Location
    document: object = field(default=None, compare=False, repr=False)


Value = Union[Unknown, Text, Atom, Seq, Mapping, Encoded]


class EvalError(Exception):
    """An expression Terraform itself would reject (for `try` and `can`)."""

    def __init__(self, message: str, location: Location) -> None:
        super().__init__(message)
        self.location = location


def unknowns_in(value: Value | None) -> Iterator[Unknown]:
    """Every unknown part of a value, in source order."""
    if value is None:
        return
    if isinstance(value, Unknown):
        yield value
    elif isinstance(value, Text):
        yield from value.unknowns()
    elif isinstance(value, Seq):
        for item in value.items:
            yield from unknowns_in(item)
    elif isinstance(value, Mapping):
        for entry in value.entries:
            yield from unknowns_in(entry.value)
    elif isinstance(value, Encoded) and value.document is None:
        yield from unknowns_in(value.value)


def known_text(value: object) -> str | None:
    """The string of a known Text; None for anything else."""
    if isinstance(value, Text) and value.known:
        return value.value
    return None


def text(value: str, location: Location) -> Text:
    return Text((value,), location)


def from_python(data: object, location: Location) -> Value:
    """A plain Python value (from JSON data files) as a value written at `location`."""
    if isinstance(data, str):
        return Text((data,), location)
    if isinstance(data, list):
        return Seq(tuple(from_python(item, location) for item in data), location)
    if isinstance(data, dict):
        entries = tuple(
            Entry(k, location, from_python(v, location)) for k, v in data.items()
        )
        return Mapping(entries, location)
    return Atom(data, location)  # type: ignore[arg-type]
