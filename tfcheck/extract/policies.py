"""Find every IAM policy in a parsed file and read its statements.

Policies live in `data "aws_iam_policy_document"` blocks and in the policy
arguments of the resources below, written as `jsonencode({...})`, a heredoc
or a quoted JSON string. What cannot be read is reported as a gap, never
passed over in silence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from hcl2.rules.base import AttributeRule, BlockRule
from hcl2.rules.literal_rules import IdentifierRule

from tfcheck.evaluate.expressions import Encoded, Evaluator
from tfcheck.evaluate.templates import NotJson, decode_json
from tfcheck.evaluate.values import Mapping, Seq, Text, Unknown, Value
from tfcheck.extract.model import Condition, Field, PolicyDocument, Statement
from tfcheck.findings import Location
from tfcheck.parse.hcl import ParsedFile

# Resource types whose argument holds a policy, and that argument's name.
POLICY_ARGUMENTS = {
    "aws_iam_policy": "policy",
    "aws_iam_role_policy": "policy",
    "aws_iam_user_policy": "policy",
    "aws_iam_group_policy": "policy",
    "aws_vpc_endpoint": "policy",
}

# Attributes of aws_iam_policy_document that merge other documents in.
MERGE_ARGUMENTS = (
    "source_policy_documents",
    "override_policy_documents",
    "source_json",
    "override_json",
)

# A reference to a policy document is checked where that document is written.
_DOCUMENT_REFERENCE = re.compile(
    r"^(one\()?data\.aws_iam_policy_document\.[\w-]+"
    r"(\[[^\]]*\]|\.\*|\[\*\])*\.(minified_)?json\)?$"
)

_JSON_FIELDS = {
    "Action": "actions",
    "NotAction": "not_actions",
    "Resource": "resources",
    "NotResource": "not_resources",
}
_HCL_FIELDS = ("actions", "not_actions", "resources", "not_resources")


@dataclass(frozen=True)
class Gap:
    """Something extraction could not read: `unresolved` or `not-json`."""

    kind: str
    message: str
    location: Location
    address: str


@dataclass
class Extraction:
    documents: list[PolicyDocument]
    gaps: list[Gap]


def extract(parsed: ParsedFile, evaluator: Evaluator | None = None) -> Extraction:
    """Every policy document of one file, and what could not be read."""
    evaluator = evaluator or Evaluator(parsed.source)
    result = Extraction([], [])

    for block in _blocks(parsed.tree.body):
        labels = _labels(block, evaluator)
        if labels[:2] == ["data", "aws_iam_policy_document"] and len(labels) == 3:
            _policy_document(
                block, f"data.aws_iam_policy_document.{labels[2]}", evaluator, result
            )
        elif labels[:1] == ["resource"] and len(labels) == 3:
            address = f"{labels[1]}.{labels[2]}"
            argument = POLICY_ARGUMENTS.get(labels[1])
            if argument:
                attribute = _attributes(block.body).get(argument)
                if attribute is not None:
                    _json_policy(attribute, address, evaluator, result)
            if labels[1] == "aws_iam_role":
                for inline in _blocks(block.body, "inline_policy"):
                    attribute = _attributes(inline.body).get("policy")
                    if attribute is not None:
                        _json_policy(attribute, address, evaluator, result)
    return result


def _blocks(body, kind: str | None = None) -> Iterator[BlockRule]:
    for child in body.children:
        if isinstance(child, BlockRule):
            if kind is None or _block_type(child) == kind:
                yield child


def _block_type(block: BlockRule) -> str:
    first = block.labels[0]
    return first.serialize() if isinstance(first, IdentifierRule) else ""


def _labels(block: BlockRule, evaluator: Evaluator) -> list[str]:
    labels = [_block_type(block)]
    for label in block.labels[1:]:
        if isinstance(label, IdentifierRule):
            labels.append(label.serialize())
            continue
        value = evaluator.plain(label)
        labels.append(value.value if isinstance(value, Text) else "?")
    return labels


def _attributes(body) -> dict[str, AttributeRule]:
    return {
        child.identifier.serialize(): child
        for child in body.children
        if isinstance(child, AttributeRule)
    }


def _policy_document(
    block: BlockRule, address: str, evaluator: Evaluator, result: Extraction
) -> None:
    attributes = _attributes(block.body)
    for name in MERGE_ARGUMENTS:
        if name in attributes:
            node = attributes[name]
            result.gaps.append(
                Gap(
                    "unresolved",
                    f"{name} = {evaluator.source_text(node.expression)} is not merged "
                    "yet; the statements it brings in were not checked",
                    evaluator.location(node),
                    address,
                )
            )

    statements = []
    for child in block.body.children:
        if not isinstance(child, BlockRule):
            continue
        labels = _labels(child, evaluator)
        if labels == ["dynamic", "statement"]:
            result.gaps.append(
                Gap(
                    "unresolved",
                    'dynamic "statement" block is not expanded yet; '
                    "its statements were not checked",
                    evaluator.location(child),
                    address,
                )
            )
        elif labels == ["statement"]:
            statements.append(_hcl_statement(child, len(statements), evaluator))

    result.documents.append(
        PolicyDocument(
            address,
            "aws_iam_policy_document",
            evaluator.location(block),
            tuple(statements),
        )
    )


def _hcl_statement(block: BlockRule, index: int, evaluator: Evaluator) -> Statement:
    attributes = _attributes(block.body)

    def value(name: str) -> Value | None:
        node = attributes.get(name)
        return _policy_variables(evaluator.plain(node.expression)) if node else None

    def field(name: str) -> Field | None:
        node = attributes.get(name)
        if node is None:
            return None
        return Field(evaluator.location(node), _items(value(name)))

    conditions = tuple(
        _hcl_condition(condition, evaluator)
        for condition in _blocks(block.body, "condition")
    )

    return Statement(
        index=index,
        location=evaluator.location(block),
        sid=value("sid"),
        effect=value("effect"),
        actions=field("actions"),
        not_actions=field("not_actions"),
        resources=field("resources"),
        not_resources=field("not_resources"),
        conditions=conditions,
    )


def _hcl_condition(block: BlockRule, evaluator: Evaluator) -> Condition:
    attributes = _attributes(block.body)
    location = evaluator.location(block)

    def part(name: str) -> Value:
        node = attributes.get(name)
        if node is None:
            return Unknown(f"missing {name}", location)
        return _policy_variables(evaluator.plain(node.expression))

    values_node = attributes.get("values")
    values = Field(
        evaluator.location(values_node) if values_node else location,
        _items(part("values")),
    )
    return Condition(part("test"), part("variable"), values, location)


def _policy_variables(value: Value) -> Value:
    """`&{aws:username}` is how aws_iam_policy_document writes `${aws:username}`."""
    if isinstance(value, Text) and any(
        isinstance(p, str) and "&{" in p for p in value.parts
    ):
        parts = tuple(
            p.replace("&{", "${") if isinstance(p, str) else p for p in value.parts
        )
        return Text(parts, value.location, value.pieces)
    if isinstance(value, Seq):
        return Seq(
            tuple(_policy_variables(item) for item in value.items), value.location
        )
    return value


def _items(value: Value | None) -> tuple[Value, ...]:
    if value is None:
        return ()
    if isinstance(value, Seq):
        return value.items
    return (value,)


def _json_policy(
    attribute: AttributeRule, address: str, evaluator: Evaluator, result: Extraction
) -> None:
    location = evaluator.location(attribute)
    value = evaluator.evaluate(attribute.expression)

    if isinstance(value, Encoded):
        document = value.value
    elif isinstance(value, Text):
        decoded = decode_json(value)
        if isinstance(decoded, NotJson):
            if decoded.hole is not None:
                result.gaps.append(
                    Gap(
                        "unresolved",
                        "the policy JSON is built around "
                        f"${{{decoded.hole.source}}}, which tfcheck could not "
                        "evaluate; its statements were not checked",
                        decoded.hole.location,
                        address,
                    )
                )
            else:
                result.gaps.append(
                    Gap("not-json", decoded.message, decoded.location, address)
                )
            return
        document = decoded
    else:
        document = value

    if isinstance(document, Unknown):
        if not _DOCUMENT_REFERENCE.match(document.source.replace(" ", "")):
            result.gaps.append(
                Gap(
                    "unresolved",
                    f"the policy is {document.source}, which tfcheck could not "
                    "evaluate; its statements were not checked",
                    document.location,
                    address,
                )
            )
        return
    if not isinstance(document, Mapping):
        result.gaps.append(
            Gap(
                "not-json",
                "the policy must be a JSON object; write it as jsonencode({...})",
                location,
                address,
            )
        )
        return

    result.documents.append(_json_document(document, address, location, result))


def _json_document(
    document: Mapping, address: str, location: Location, result: Extraction
) -> PolicyDocument:
    entry = document.get("Statement")
    statements: list[Statement] = []
    if entry is not None:
        value = entry.value
        if isinstance(value, Unknown):
            result.gaps.append(
                Gap(
                    "unresolved",
                    f"Statement is {value.source}, which tfcheck could not evaluate; "
                    "its statements were not checked",
                    value.location,
                    address,
                )
            )
        items = value.items if isinstance(value, Seq) else (value,)
        for item in items:
            if isinstance(item, Mapping):
                statements.append(_json_statement(item, len(statements)))
            elif isinstance(item, Unknown) and item is not value:
                result.gaps.append(
                    Gap(
                        "unresolved",
                        f"a statement is {item.source}, which tfcheck could not "
                        "evaluate; it was not checked",
                        item.location,
                        address,
                    )
                )
    return PolicyDocument(address, "json", location, tuple(statements))


def _json_statement(item: Mapping, index: int) -> Statement:
    fields: dict[str, Field | None] = dict.fromkeys(_HCL_FIELDS)
    for key, name in _JSON_FIELDS.items():
        entry = item.get(key)
        if entry is not None:
            fields[name] = Field(entry.key_location, _items(entry.value))

    conditions: list[Condition] = []
    entry = item.get("Condition")
    if entry is not None:
        conditions.extend(_json_conditions(entry.value, entry.key_location))

    def value(key: str) -> Value | None:
        found = item.get(key)
        return found.value if found else None

    return Statement(
        index=index,
        location=item.location,
        sid=value("Sid"),
        effect=value("Effect"),
        actions=fields["actions"],
        not_actions=fields["not_actions"],
        resources=fields["resources"],
        not_resources=fields["not_resources"],
        conditions=tuple(conditions),
    )


def _json_conditions(value: Value, location: Location) -> Iterator[Condition]:
    if not isinstance(value, Mapping):
        yield Condition(value, value, Field(location, ()), location)
        return
    for operator in value.entries:
        op = Text((operator.key,), operator.key_location)
        keys = operator.value
        if not isinstance(keys, Mapping):
            yield Condition(
                op, keys, Field(operator.key_location, ()), operator.key_location
            )
            continue
        for key in keys.entries:
            name = (
                key.value
                if isinstance(key.value, Unknown) and key.key.startswith("${")
                else Text((key.key,), key.key_location)
            )
            yield Condition(
                op, name, Field(key.key_location, _items(key.value)), key.key_location
            )
