"""Read a string as a JSON value, keeping locations and unknown holes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from tfcheck.evaluate.values import (
    Atom,
    Entry,
    Mapping,
    Piece,
    Seq,
    Text,
    Unknown,
    Value,
)
from tfcheck.findings import Location
from tfcheck.parse.jsontext import JsonNode, JsonSyntaxError, parse_json
from tfcheck.parse.source import SourceFile

# Holes become one character each from Unicode's supplementary private use
# area while JSON is parsed, so they can sit inside JSON strings.
_HOLE_BASE = 0xF0000


@dataclass(frozen=True)
class NotJson:
    """Why a string could not be read as JSON, and where."""

    message: str
    location: Location
    hole: Unknown | None = None


class _Mapped:
    """A Text flattened to one string, each character tied to its origin."""

    def __init__(self, value: Text) -> None:
        self.fallback = value.location
        self.holes: list[Unknown] = []
        chars: list[str] = []
        self.origins: list[tuple[SourceFile | None, int]] = []
        for piece in value.pieces or Piece.from_text(value):
            if piece.hole is not None:
                chars.append(chr(_HOLE_BASE + len(self.holes)))
                self.holes.append(piece.hole)
                self.origins.append((None, -1))
                continue
            chars.extend(piece.text)
            if piece.source is not None and len(piece.offsets) == len(piece.text):
                self.origins.extend((piece.source, o) for o in piece.offsets)
            else:
                self.origins.extend((None, -1) for _ in piece.text)
        self.text = "".join(chars)

    def location(self, start: int, end: int | None = None) -> Location:
        if start >= len(self.origins):
            start = len(self.origins) - 1
        if start < 0:
            return self.fallback
        char = self.text[start]
        if _HOLE_BASE <= ord(char) < _HOLE_BASE + len(self.holes):
            return self.holes[ord(char) - _HOLE_BASE].location
        source, offset = self.origins[start]
        if source is None:
            return self.fallback
        stop = offset + 1
        if end is not None and 0 < end <= len(self.origins):
            end_source, end_offset = self.origins[end - 1]
            if end_source is source:
                stop = end_offset + 1
        return source.span(offset, stop)

    def text_value(self, raw: str, location: Location, start: int = -1) -> Text:
        """A JSON string's value; `start` is where its characters begin when
        the string has no escapes, so each keeps its own origin."""
        parts: list[str | Unknown] = []
        for char in raw:
            code = ord(char) - _HOLE_BASE
            if 0 <= code < len(self.holes):
                parts.append(self.holes[code])
            elif parts and isinstance(parts[-1], str):
                parts[-1] += char
            else:
                parts.append(char)
        pieces = self._pieces(raw, start) if start >= 0 else ()
        return Text(tuple(parts) or ("",), location, pieces)

    def _pieces(self, raw: str, start: int) -> tuple[Piece, ...]:
        pieces: list[Piece] = []
        run: list[int] = []
        source: SourceFile | None = None

        def flush() -> None:
            if run:
                text = "".join(self.text[i] for i in run)
                offsets = tuple(self.origins[i][1] for i in run)
                pieces.append(Piece(text, source, offsets))
                run.clear()

        for j, char in enumerate(raw):
            index = start + j
            code = ord(char) - _HOLE_BASE
            if 0 <= code < len(self.holes):
                flush()
                pieces.append(Piece.hole_for(self.holes[code]))
                continue
            origin = self.origins[index][0] if index < len(self.origins) else None
            if origin is None:
                return ()
            if origin is not source:
                flush()
                source = origin
            run.append(index)
        flush()
        return tuple(pieces)


def json_value(
    node: JsonNode, source: SourceFile, string: Callable[[JsonNode], Value]
) -> Value:
    """A JSON node of a source file as a value; `string` reads each string."""
    location = source.span(node.start, node.end)
    if node.kind == "string":
        return string(node)
    if node.kind == "array":
        items = tuple(json_value(item, source, string) for item in node.value)
        return Seq(items, location)
    if node.kind == "object":
        entries = tuple(
            Entry(
                pair.key,
                source.span(pair.key_start, pair.key_end),
                json_value(pair.value, source, string),
            )
            for pair in node.value
        )
        return Mapping(entries, location)
    return Atom(node.value, location)


def decode_json(value: Text) -> Value | NotJson:
    """Read a string as JSON, keeping locations and unknown holes."""
    mapped = _Mapped(value)
    if not mapped.text.strip():
        return NotJson("the policy is empty, not a JSON document", value.location)

    try:
        node = parse_json(mapped.text)
    except JsonSyntaxError as exc:
        offset = min(exc.offset, len(mapped.text) - 1)
        location = mapped.location(offset)
        # A hole outside any JSON string (`"Action": ${var.x}`) is unknown
        # structure, not bad JSON.
        code = ord(mapped.text[offset]) - _HOLE_BASE
        hole = mapped.holes[code] if 0 <= code < len(mapped.holes) else None
        return NotJson(f"the policy is not valid JSON: {exc}", location, hole)
    return _to_value(node, mapped)


def _to_value(node: JsonNode, mapped: _Mapped) -> Value:
    location = mapped.location(node.start, node.end)
    if node.kind == "string":
        inner = node.end - node.start - 2
        start = node.start + 1 if inner == len(node.value) else -1
        return mapped.text_value(node.value, location, start)
    if node.kind == "array":
        return Seq(tuple(_to_value(item, mapped) for item in node.value), location)
    if node.kind == "object":
        entries = []
        for pair in node.value:
            key_location = mapped.location(pair.key_start, pair.key_end)
            key = mapped.text_value(pair.key, key_location)
            if key.known:
                entries.append(
                    Entry(key.value, key_location, _to_value(pair.value, mapped))
                )
            else:
                hole = key.unknowns()[0]
                entries.append(Entry("${" + hole.source + "}", key_location, hole))
        return Mapping(tuple(entries), location)
    return Atom(node.value, location)
