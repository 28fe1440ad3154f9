"""JSON that remembers where each value was written.

Python's json module forgets positions, and a policy inside a heredoc must be
reported at the line of the offending element. The grammar is JSON's own; Lark
(already installed with python-hcl2) does the parsing and keeps the offsets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Union

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

_GRAMMAR = r"""
?value: object
      | array
      | STRING -> string
      | NUMBER -> number
      | "true" -> true
      | "false" -> false
      | "null" -> null
array: "[" [value ("," value)*] "]"
object: "{" [pair ("," pair)*] "}"
pair: STRING ":" value
STRING: /"(?:[^"\\\x00-\x1f]|\\.)*"/
NUMBER: /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/
%ignore /[ \t\r\n]+/
"""


@dataclass(frozen=True)
class JsonNode:
    """A JSON value with the character offsets of its text."""

    value: Union[str, float, int, bool, None, list["JsonNode"], list["JsonPair"]]
    kind: str  # "string", "number", "bool", "null", "array" or "object"
    start: int
    end: int


@dataclass(frozen=True)
class JsonPair:
    key: str
    key_start: int
    key_end: int
    value: JsonNode


class JsonSyntaxError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(_GRAMMAR, start="value", parser="lalr", propagate_positions=True)


def parse_json(text: str) -> JsonNode:
    """Parse JSON text, raising JsonSyntaxError with the offset of the problem."""
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        offset = getattr(exc, "pos_in_stream", None)
        if offset is None:
            offset = len(text)
        token = getattr(exc, "token", None)
        if token is not None and token.type == "$END":
            what, offset = "end of text", len(text.rstrip())
        elif token is not None:
            what = repr(str(token))
        else:
            what = repr(text[offset : offset + 1]) if offset < len(text) else "end"
        raise JsonSyntaxError(f"unexpected {what}", offset) from None
    except RecursionError:
        raise JsonSyntaxError("JSON is nested too deeply", 0) from None
    try:
        return _convert(tree)
    except RecursionError:
        raise JsonSyntaxError("JSON is nested too deeply", 0) from None


def _scalar(token: Token) -> Any:
    """A string or number token's value; the grammar is looser than JSON here."""
    try:
        return json.loads(str(token))
    except json.JSONDecodeError as exc:
        # Found by fuzzing: "\c" passes the grammar but is no JSON escape.
        raise JsonSyntaxError(
            f"{exc.msg.lower()} in {str(token)[:40]}", (token.start_pos or 0) + exc.pos
        ) from None


def _convert(node: Tree | Token) -> JsonNode:
    if isinstance(node, Token):
        # Only reachable for a bare token value, which the grammar aliases.
        raise JsonSyntaxError(f"unexpected token {node!s}", node.start_pos or 0)

    start, end = node.meta.start_pos, node.meta.end_pos
    kind = node.data

    if kind == "string":
        token = node.children[0]
        return JsonNode(_scalar(token), "string", token.start_pos, token.end_pos)
    if kind == "number":
        token = node.children[0]
        return JsonNode(_scalar(token), "number", token.start_pos, token.end_pos)
    if kind in ("true", "false"):
        return JsonNode(kind == "true", "bool", start, end)
    if kind == "null":
        return JsonNode(None, "null", start, end)
    if kind == "array":
        items = [_convert(child) for child in node.children if child is not None]
        return JsonNode(items, "array", start, end)

    pairs = []
    for pair in node.children:
        if pair is None:
            continue
        key, value = pair.children
        pairs.append(
            JsonPair(_scalar(key), key.start_pos, key.end_pos, _convert(value))
        )
    return JsonNode(pairs, "object", start, end)
