"""Terraform's template language: literals, `${ }` and `%{ }` directives.

Heredocs, quoted strings with directives, `templatefile()` files and strings
of the JSON syntax are parsed here into template nodes whose every character
remembers its source offset. Rendering them needs expressions, so it lives
with the evaluator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from tfcheck.evaluate.values import Piece, Text, Unknown
from tfcheck.findings import Location

_HEREDOC_START = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)\r?\n")
_FOR = re.compile(r"^for\s+([A-Za-z_][\w-]*)\s*(?:,\s*([A-Za-z_][\w-]*)\s*)?in\s")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_BLANKS = " \t\r\n"


@dataclass(frozen=True)
class Literal:
    text: str
    offsets: tuple[int, ...]


@dataclass(frozen=True)
class Interpolation:
    expression: str
    offset: int  # source offset where the expression text starts
    end: int


@dataclass(frozen=True)
class IfDirective:
    condition: Interpolation
    then: tuple["TemplateNode", ...]
    otherwise: tuple["TemplateNode", ...]


@dataclass(frozen=True)
class ForDirective:
    key: str | None
    value: str
    collection: Interpolation
    body: tuple["TemplateNode", ...]


TemplateNode = Union[Literal, Interpolation, IfDirective, ForDirective]


class TemplateSyntaxError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


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


def heredoc_body(token: str, start: int, trim: bool) -> tuple[str, list[int]] | None:
    """The text of a heredoc's body and the source offset of each character."""
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
    return "".join(chars), offsets


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


def parse_template(text: str, offsets: list[int], quoted: bool = False) -> list:
    """Split template text into literals, interpolations and directives.

    `offsets` holds the source offset of each character of `text`. With
    `quoted`, the escapes of HCL quoted strings are resolved as well.
    """
    tokens: list = []  # Literal, Interpolation or ("directive", words, start, end)
    chars: list[str] = []
    char_offsets: list[int] = []
    strip_next = False
    i = 0

    def literal() -> None:
        if chars:
            tokens.append(Literal("".join(chars), tuple(char_offsets)))
            chars.clear()
            char_offsets.clear()

    while i < len(text):
        if strip_next and text[i] in _BLANKS:
            i += 1
            continue
        strip_next = False

        if text.startswith(("$${", "%%{"), i):
            # The doubled sign is an escape: keep one, as Terraform does.
            chars.extend(text[i + 1 : i + 3])
            char_offsets.extend((offsets[i], offsets[i + 2]))
            i += 3
        elif text.startswith(("${", "%{"), i):
            end = _closing_brace(text, i + 2)
            if end >= len(text) or text[end] != "}":
                raise TemplateSyntaxError("a ${ or %{ is never closed", offsets[i])
            inner_start, inner_end = i + 2, end
            if text.startswith("~", inner_start):
                inner_start += 1
                while chars and chars[-1] in _BLANKS:
                    chars.pop()
                    char_offsets.pop()
            if inner_end > inner_start and text[inner_end - 1] == "~":
                inner_end -= 1
                strip_next = True
            literal()
            inner = text[inner_start:inner_end]
            start = offsets[min(inner_start, len(offsets) - 1)]
            if text[i] == "$":
                tokens.append(Interpolation(inner, start, offsets[end]))
            else:
                tokens.append(("directive", inner.strip(), start, offsets[end]))
            i = end + 1
        elif quoted and text[i] == "\\" and i + 1 < len(text):
            i = _escape(text, i, chars, char_offsets, offsets)
        else:
            chars.append(text[i])
            char_offsets.append(offsets[i])
            i += 1
    literal()

    nodes, stop = _nest(tokens, 0, ())
    if stop < len(tokens):
        token = tokens[stop]
        raise TemplateSyntaxError(f"unexpected %{{ {token[1]} }}", token[2])
    return nodes


def _escape(text: str, i: int, chars: list, char_offsets: list, offsets: list) -> int:
    code = text[i + 1]
    if code in "uU":
        width = 4 if code == "u" else 8
        digits = text[i + 2 : i + 2 + width]
        try:
            chars.append(chr(int(digits, 16)))
        except ValueError:
            chars.append(text[i : i + 2 + width])
        char_offsets.append(offsets[i])
        return i + 2 + width
    chars.append(_ESCAPES.get(code, code))
    char_offsets.append(offsets[i])
    return i + 2


def _nest(tokens: list, i: int, until: tuple[str, ...]) -> tuple[list, int]:
    nodes: list = []
    while i < len(tokens):
        token = tokens[i]
        if not isinstance(token, tuple):
            nodes.append(token)
            i += 1
            continue

        _, words, start, end = token
        keyword = words.split(None, 1)[0] if words else ""
        if keyword in until:
            return nodes, i

        if keyword == "if":
            condition = Interpolation(words[2:].strip(), start, end)
            then, i = _nest(tokens, i + 1, ("else", "endif"))
            otherwise: list = []
            if i < len(tokens) and tokens[i][1].startswith("else"):
                otherwise, i = _nest(tokens, i + 1, ("endif",))
            if i >= len(tokens):
                raise TemplateSyntaxError("%{ if } without %{ endif }", start)
            nodes.append(IfDirective(condition, tuple(then), tuple(otherwise)))
        elif keyword == "for":
            match = _FOR.match(words)
            if match is None:
                raise TemplateSyntaxError(f"malformed %{{ {words} }}", start)
            first, second = match.group(1), match.group(2)
            key, value = (first, second) if second else (None, first)
            collection = Interpolation(words[match.end() :].strip(), start, end)
            body, i = _nest(tokens, i + 1, ("endfor",))
            if i >= len(tokens):
                raise TemplateSyntaxError("%{ for } without %{ endfor }", start)
            nodes.append(ForDirective(key, value, collection, tuple(body)))
        else:
            raise TemplateSyntaxError(f"unexpected %{{ {words} }}", start)
        i += 1
    return nodes, i


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
    return len(text)
