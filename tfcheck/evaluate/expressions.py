"""Evaluate HCL expressions from python-hcl2's tree into tfcheck values.

This evaluator knows literals, string templates, heredocs, tuples, objects
and `jsonencode`. Anything else (references, other functions, operators) is
an Unknown named by its source text, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hcl2.rules.abstract import LarkRule, LarkToken
from hcl2.rules.containers import (
    ObjectElemKeyExpressionRule,
    ObjectElemKeyRule,
    ObjectRule,
    TupleRule,
)
from hcl2.rules.expressions import ExprTermRule
from hcl2.rules.functions import FunctionCallRule
from hcl2.rules.literal_rules import (
    FloatLitRule,
    IdentifierRule,
    IntLitRule,
    KeywordRule,
    LiteralValueRule,
)
from hcl2.rules.strings import (
    HeredocTemplateRule,
    HeredocTrimTemplateRule,
    InterpolationRule,
    StringPartRule,
    StringRule,
)

from tfcheck.evaluate.templates import heredoc_pieces, template_text
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
from tfcheck.parse.source import SourceFile

_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


@dataclass(frozen=True)
class Encoded:
    """The result of `jsonencode(value)`: a JSON string whose structure is known."""

    value: Value
    location: Location


class Evaluator:
    """Turns expression nodes of one source file into values."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source

    def location(self, node: LarkRule) -> Location:
        meta = node._meta
        return self.source.span(meta.start_pos, meta.end_pos)

    def source_text(self, node: LarkRule) -> str:
        meta = node._meta
        return " ".join(self.source.text[meta.start_pos : meta.end_pos].split())

    def unknown(self, node: LarkRule) -> Unknown:
        return Unknown(self.source_text(node), self.location(node))

    def evaluate(self, node: LarkRule) -> Value | Encoded:
        while isinstance(node, ExprTermRule):
            node = node.expression

        if isinstance(node, StringRule):
            return self._string(node)
        if isinstance(node, (HeredocTemplateRule, HeredocTrimTemplateRule)):
            return self._heredoc(node)
        if isinstance(node, (IntLitRule, FloatLitRule)):
            return Atom(node.serialize(), self.location(node))
        if isinstance(node, LiteralValueRule):
            word = self.source_text(node)
            value = {"true": True, "false": False}.get(word)
            return Atom(value, self.location(node))
        if isinstance(node, TupleRule):
            items = tuple(self.plain(item) for item in node.elements)
            return Seq(items, self.location(node))
        if isinstance(node, ObjectRule):
            return self._object(node)
        if isinstance(node, FunctionCallRule):
            return self._call(node)
        return self.reference(node)

    def plain(self, node: LarkRule) -> Value:
        """Evaluate where a plain value is needed; an encoded one is a string."""
        value = self.evaluate(node)
        if isinstance(value, Encoded):
            return Unknown(self.source_text(node), value.location)
        return value

    def reference(self, node: LarkRule) -> Value:
        """A reference, operator or other expression this evaluator cannot read."""
        return self.unknown(node)

    def _call(self, node: FunctionCallRule) -> Value | Encoded:
        names = [ident.serialize() for ident in node.identifiers]
        args = node.arguments.arguments if node.arguments else []
        if names == ["jsonencode"] and len(args) == 1:
            return Encoded(self.plain(args[0]), self.location(node))
        return self.unknown(node)

    def _object(self, node: ObjectRule) -> Mapping:
        entries = []
        for element in node.elements:
            key_node = element.key
            key_location = self.location(key_node)
            key = self._key(key_node)
            value = self.plain(element.expression)
            if isinstance(key, Unknown):
                entries.append(Entry("${" + key.source + "}", key_location, key))
            else:
                entries.append(Entry(key, key_location, value))
        return Mapping(tuple(entries), self.location(node))

    def _key(self, node: LarkRule) -> str | Unknown:
        if isinstance(node, ObjectElemKeyRule):
            inner = node.value
            if isinstance(inner, (IdentifierRule, KeywordRule)):
                return self.source_text(inner)
            if isinstance(inner, (IntLitRule, FloatLitRule)):
                return str(inner.serialize())
            if isinstance(inner, StringRule):
                value = self._string(inner)
                if isinstance(value, Text) and value.known:
                    return value.value
                return self.unknown(inner)
        if isinstance(node, ObjectElemKeyExpressionRule):
            value = self.plain(node.expression)
            if isinstance(value, Text) and value.known:
                return value.value
        return self.unknown(node)

    def _string(self, node: StringRule) -> Text | Unknown:
        pieces: list[Piece] = []
        for part in node.string_parts:
            if not isinstance(part, StringPartRule):
                return self.unknown(node)
            content = part.content
            start = part._meta.start_pos
            if isinstance(content, InterpolationRule):
                pieces.extend(self._interpolation(content))
            elif isinstance(content, LarkToken):
                raw = str(content.value)
                kind = content.lark_name()
                if kind == "STRING_CHARS":
                    pieces.append(_unescape(raw, start, self.source))
                elif kind in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                    # `$${` is a literal `${`; keep offsets aligned to the text.
                    offsets = (start,) + tuple(range(start + 2, start + len(raw)))
                    pieces.append(Piece(raw[1:], self.source, offsets))
                else:
                    return self.unknown(node)
            else:
                # A %{ } directive: evaluating it is left to a later issue.
                return self.unknown(node)
        return template_text(pieces, self.location(node))

    def _interpolation(self, node: InterpolationRule) -> list[Piece]:
        value = self.plain(node.expression)
        if isinstance(value, Text):
            return Piece.from_text(value)
        return [Piece.hole_for(self.unknown(node.expression))]

    def _heredoc(self, node: HeredocTemplateRule) -> Text | Unknown:
        token = str(node.heredoc.value)
        trim = isinstance(node, HeredocTrimTemplateRule)
        pieces = heredoc_pieces(token, node._meta.start_pos, self.source, trim)
        if pieces is None:
            return self.unknown(node)
        return template_text(pieces, self.location(node))


def _unescape(raw: str, start: int, source: SourceFile) -> Piece:
    """Resolve HCL escapes, remembering the source offset of each character."""
    chars: list[str] = []
    offsets: list[int] = []
    position = 0
    for match in _ESCAPE.finditer(raw):
        for i in range(position, match.start()):
            chars.append(raw[i])
            offsets.append(start + i)
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            chars.append(chr(int(code[1:], 16)))
        else:
            chars.append(_SIMPLE_ESCAPES.get(code, code))
        offsets.append(start + match.start())
        position = match.end()
    for i in range(position, len(raw)):
        chars.append(raw[i])
        offsets.append(start + i)
    return Piece("".join(chars), source, tuple(offsets))
