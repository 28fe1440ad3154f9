"""String templates: heredoc bodies, holes, and JSON read out of a string."""

from __future__ import annotations

import re
from dataclasses import dataclass

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

_HEREDOC_START = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)\r?\n")

# Holes become one character each from Unicode's supplementary private use
# area while JSON is parsed, so they can sit inside JSON strings.
_HOLE_BASE = 0xF0000


def template_text(pieces: list[Piece], location: Location) -> Text:
    """Join pieces into one Text, merging adjacent known runs."""
    parts: list[str | Unknown] = []
    for piece in pieces:
        if piece.hole is not None:
            parts.append(piece.hole)
        elif parts and isinstance(parts[-1], str):
            parts[-1] += piece.text
        else:
            parts.append(piece.text)
    return Text(tuple(parts) or ("",), location, tuple(pieces))


def heredoc_pieces(
    token: str, start: int, source: SourceFile, trim: bool
) -> list[Piece] | None:
    """The body of a heredoc as pieces; None when it holds a %{ } directive."""
    head = _HEREDOC_START.match(token)
    if head is None:
        return None
    marker = head.group(2)
    tail = re.search(r"[ \t]*" + re.escape(marker) + r"[ \t]*\r?\n?\Z", token)
    body_end = tail.start() if tail and tail.start() >= head.end() else head.end()

    chars = list(token[head.end() : body_end])
    offsets = list(range(start + head.end(), start + body_end))
    if trim:
        chars, offsets = _trim_indent(chars, offsets)
    return _template_pieces("".join(chars), offsets, source)


def _trim_indent(chars: list[str], offsets: list[int]) -> tuple[list[str], list[int]]:
    """Remove the common indentation of non-blank lines, as `<<-` does."""
    lines: list[list[int]] = [[]]
    for index, char in enumerate(chars):
        lines[-1].append(index)
        if char == "\n":
            lines.append([])

    def indent(line: list[int]) -> int | None:
        count = 0
        for index in line:
            if chars[index] in " \t":
                count += 1
            elif chars[index] in "\r\n":
                return None
            else:
                return count
        return None

    widths = [w for w in (indent(line) for line in lines) if w is not None]
    common = min(widths, default=0)
    keep = [index for line in lines for index in line[common:]]
    return [chars[i] for i in keep], [offsets[i] for i in keep]


def _template_pieces(
    text: str, offsets: list[int], source: SourceFile
) -> list[Piece] | None:
    pieces: list[Piece] = []
    run_start = 0
    i = 0

    def flush(end: int) -> None:
        if end > run_start:
            pieces.append(
                Piece(text[run_start:end], source, tuple(offsets[run_start:end]))
            )

    while i < len(text):
        if text.startswith(("$${", "%%{"), i):
            flush(i)
            # The doubled sign is an escape: keep one, as Terraform does.
            pieces.append(
                Piece(text[i + 1 : i + 3], source, (offsets[i], offsets[i + 2]))
            )
            i += 3
            run_start = i
        elif text.startswith("%{", i):
            return None
        elif text.startswith("${", i):
            flush(i)
            end = _closing_brace(text, i + 2)
            expression = " ".join(text[i + 2 : end].split())
            stop = offsets[min(end, len(text) - 1)] + 1
            hole = Unknown(expression, source.span(offsets[i], stop))
            pieces.append(Piece.hole_for(hole))
            i = end + 1
            run_start = i
        else:
            i += 1
    flush(len(text))
    return pieces


def _closing_brace(text: str, i: int) -> int:
    depth, quoted = 1, False
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text) - 1


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

    def text_value(self, raw: str, location: Location) -> Text:
        parts: list[str | Unknown] = []
        for char in raw:
            code = ord(char) - _HOLE_BASE
            if 0 <= code < len(self.holes):
                parts.append(self.holes[code])
            elif parts and isinstance(parts[-1], str):
                parts[-1] += char
            else:
                parts.append(char)
        return Text(tuple(parts) or ("",), location)


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
        return mapped.text_value(node.value, location)
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
