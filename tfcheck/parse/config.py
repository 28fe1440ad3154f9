"""Terraform configuration as blocks and attributes, from either syntax.

The native syntax comes from python-hcl2's tree; the JSON syntax
(`*.tf.json`) from tfcheck's positioned JSON reader. Both become the same
Body, Block and Attr values, so that evaluation does not care which syntax
wrote a file. JSON syntax has no grammar for blocks: which keys are blocks
is Terraform's schema knowledge, written down in BLOCK_TYPES.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hcl2.rules.base import AttributeRule, BlockRule, BodyRule
from hcl2.rules.literal_rules import IdentifierRule
from hcl2.rules.strings import StringRule

from tfcheck.findings import Location
from tfcheck.parse.jsontext import JsonNode
from tfcheck.parse.source import SourceFile

# Nested block types, by the block that holds them, for the JSON syntax.
BLOCK_TYPES: dict[str, frozenset[str]] = {
    "data.aws_iam_policy_document": frozenset({"statement", "dynamic"}),
    "statement": frozenset({"condition", "principals", "not_principals", "dynamic"}),
    "resource.aws_iam_role": frozenset({"inline_policy", "dynamic"}),
    "inline_policy": frozenset(),
    "condition": frozenset(),
    "principals": frozenset(),
}
# Top-level block types and how many labels each has.
TOP_LEVEL_LABELS = {
    "resource": 2,
    "data": 2,
    "module": 1,
    "variable": 1,
    "output": 1,
    "locals": 0,
    "provider": 1,
    "terraform": 0,
}


@dataclass(frozen=True)
class JsonExpr:
    """An attribute value written in the JSON syntax."""

    node: JsonNode
    source: SourceFile


@dataclass(frozen=True)
class Attr:
    name: str
    expr: Any  # a python-hcl2 expression rule, or a JsonExpr
    location: Location
    source: SourceFile = field(compare=False, repr=False)


@dataclass(frozen=True)
class Block:
    type: str
    labels: tuple[str, ...]
    body: "Body"
    location: Location
    source: SourceFile = field(compare=False, repr=False)


@dataclass(frozen=True)
class Body:
    attributes: dict[str, Attr]
    blocks: tuple[Block, ...]

    def blocks_of(self, kind: str) -> list[Block]:
        return [b for b in self.blocks if b.type == kind]


@dataclass(frozen=True)
class ConfigFile:
    source: SourceFile
    body: Body
    syntax: str  # "hcl" or "json"


def _span(source: SourceFile, node: Any) -> Location:
    meta = node._meta
    return source.span(meta.start_pos, meta.end_pos)


def from_hcl(source: SourceFile, body: BodyRule) -> Body:
    attributes: dict[str, Attr] = {}
    blocks: list[Block] = []
    for child in body.children:
        if isinstance(child, AttributeRule):
            name = child.identifier.serialize()
            attributes[name] = Attr(
                name, child.expression, _span(source, child), source
            )
        elif isinstance(child, BlockRule):
            labels = tuple(_label(source, label) for label in child.labels)
            blocks.append(
                Block(
                    labels[0],
                    labels[1:],
                    from_hcl(source, child.body),
                    _span(source, child),
                    source,
                )
            )
    return Body(attributes, tuple(blocks))


def _label(source: SourceFile, label: Any) -> str:
    if isinstance(label, IdentifierRule):
        return label.serialize()
    if isinstance(label, StringRule):
        meta = label._meta
        return source.text[meta.start_pos + 1 : meta.end_pos - 1]
    return "?"


def from_json(source: SourceFile, root: JsonNode) -> Body:
    """The top level of a `.tf.json` file."""
    if root.kind != "object":
        return Body({}, ())
    blocks: list[Block] = []
    for pair in root.value:
        labels = TOP_LEVEL_LABELS.get(pair.key)
        if labels is None:
            continue
        location = source.span(pair.key_start, pair.value.end)
        for labels_found, body in _labelled(pair.value, labels):
            context = pair.key + ("." + labels_found[0] if labels_found else "")
            blocks.append(
                Block(
                    pair.key,
                    labels_found,
                    _json_body(source, body, context),
                    location
                    if body is pair.value
                    else source.span(body.start, body.end),
                    source,
                )
            )
    return Body({}, tuple(blocks))


def _labelled(node: JsonNode, depth: int) -> list[tuple[tuple[str, ...], JsonNode]]:
    if depth == 0:
        items = node.value if node.kind == "array" else [node]
        return [((), item) for item in items if item.kind == "object"]
    found = []
    if node.kind == "object":
        for pair in node.value:
            for labels, body in _labelled(pair.value, depth - 1):
                found.append(((pair.key, *labels), body))
    return found


def _json_body(source: SourceFile, node: JsonNode, context: str) -> Body:
    if context.startswith("dynamic:"):
        nested = frozenset({"content"})
    else:
        nested = BLOCK_TYPES.get(context, frozenset())
    attributes: dict[str, Attr] = {}
    blocks: list[Block] = []
    if node.kind != "object":
        return Body({}, ())
    for pair in node.value:
        if pair.key == "//":
            continue  # a comment, in the JSON syntax
        location = source.span(pair.key_start, pair.value.end)
        if pair.key in nested:
            depth = 1 if pair.key == "dynamic" else 0
            for labels, body in _labelled(pair.value, depth):
                if pair.key == "dynamic":
                    inner = f"dynamic:{labels[0]}"
                elif pair.key == "content":
                    inner = context.split(":", 1)[1]
                else:
                    inner = pair.key
                blocks.append(
                    Block(
                        pair.key,
                        labels,
                        _json_body(source, body, inner),
                        source.span(body.start, body.end),
                        source,
                    )
                )
        else:
            attributes[pair.key] = Attr(
                pair.key, JsonExpr(pair.value, source), location, source
            )
    return Body(attributes, tuple(blocks))
