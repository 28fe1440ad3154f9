"""Statements read from `statement` blocks and from JSON policy values."""

from __future__ import annotations

from typing import Iterator

from tfcheck.evaluate.jsonvalues import NotJson, decode_json
from tfcheck.evaluate.modules import (
    Gap,
    ModuleInstance,
    expand_blocks,
    unresolved_gap,
)
from tfcheck.evaluate.values import Atom, Encoded, Mapping, Seq, Text, Unknown, Value
from tfcheck.extract.model import Condition, Field, Statement
from tfcheck.findings import Location
from tfcheck.parse.config import Block

_JSON_FIELDS = {
    "Action": "actions",
    "NotAction": "not_actions",
    "Resource": "resources",
    "NotResource": "not_resources",
}
_HCL_FIELDS = ("actions", "not_actions", "resources", "not_resources")


def as_text(value: Value) -> Value:
    """Terraform turns bools and numbers into strings where strings are needed."""
    if isinstance(value, Atom) and value.value is not None:
        from tfcheck.evaluate.functions import to_str

        return Text((to_str(value),), value.location)
    return value


def policy_variables(value: Value) -> Value:
    """`&{aws:username}` is how aws_iam_policy_document writes `${aws:username}`."""
    value = as_text(value)
    if isinstance(value, Text) and any(
        isinstance(p, str) and "&{" in p for p in value.parts
    ):
        parts = tuple(
            p.replace("&{", "${") if isinstance(p, str) else p for p in value.parts
        )
        return Text(parts, value.location, value.pieces)
    return value


def items(value: Value | None) -> tuple[Value, ...]:
    if value is None:
        return ()
    if isinstance(value, Seq):
        return tuple(policy_variables(item) for item in value.items)
    return (policy_variables(value),)


def hcl_statement(
    block: Block,
    instance: ModuleInstance,
    names: dict[str, Value],
    index: int,
    origin: str,
) -> Statement:
    attributes = block.body.attributes

    def value(name: str) -> Value | None:
        attr = attributes.get(name)
        return policy_variables(instance.value(attr, **names)) if attr else None

    def field(name: str) -> Field | None:
        attr = attributes.get(name)
        if attr is None:
            return None
        return Field(attr.location, items(instance.value(attr, **names)))

    blocks, unknown = expand_blocks(instance, block.body, "condition", names)
    conditions = tuple(
        _hcl_condition(condition, instance, bound) for condition, bound in blocks
    )
    # A dynamic condition that cannot be expanded is an unknown condition.
    conditions += tuple(
        Condition(value, value, Field(attr.location, (value,)), attr.location)
        for attr, value in unknown
    )
    principals = []
    holders, _ = expand_blocks(instance, block.body, "principals", names)
    for holder, bound in holders:
        kind = holder.body.attributes.get("type")
        ids = holder.body.attributes.get("identifiers")
        if kind is None or ids is None:
            continue
        kind_value = instance.value(kind, **bound)
        for identifier in items(instance.value(ids, **bound)):
            if isinstance(kind_value, Text) and isinstance(identifier, Text):
                principals.append((kind_value.value, identifier.value))
    return Statement(
        index=index,
        location=block.location,
        sid=value("sid"),
        effect=value("effect"),
        actions=field("actions"),
        not_actions=field("not_actions"),
        resources=field("resources"),
        not_resources=field("not_resources"),
        conditions=conditions,
        origin=origin,
        principals=tuple(principals),
    )


def _hcl_condition(
    block: Block, instance: ModuleInstance, names: dict[str, Value]
) -> Condition:
    attributes = block.body.attributes

    def part(name: str) -> Value:
        attr = attributes.get(name)
        if attr is None:
            return Unknown(f"condition without {name}", block.location)
        return policy_variables(instance.value(attr, **names))

    values_attr = attributes.get("values")
    values = Field(
        values_attr.location if values_attr else block.location,
        items(instance.value(values_attr, **names)) if values_attr else (),
    )
    return Condition(part("test"), part("variable"), values, block.location)


def read_policy(
    value: Value, what: str, location: Location, address: str, gaps: list[Gap]
) -> object | None:
    """What a policy argument holds: a built document, a JSON object, or None.

    Returns the PolicyDocument behind `data.aws_iam_policy_document.X.json`,
    or the Mapping of a JSON policy (from jsonencode, a heredoc, a string or
    a file). Anything else is a gap that says why, and None.
    """
    if isinstance(value, Encoded) and value.document is not None:
        return value.document

    document: Value | NotJson = value
    if isinstance(value, Encoded):
        document = value.value
    elif isinstance(value, Text):
        document = decode_json(value)

    if isinstance(document, Mapping):
        return document
    if isinstance(document, NotJson):
        if document.hole is not None:
            shown = "${" + document.hole.source + "}"
            gaps.append(
                unresolved_gap(
                    f"{what} is JSON built around", document.hole, address, shown=shown
                )
            )
        else:
            gaps.append(Gap("not-json", document.message, document.location, address))
    elif isinstance(document, Unknown):
        gaps.append(unresolved_gap(f"{what} depends on", document, address))
    else:
        gaps.append(
            Gap(
                "not-json",
                f"{what} must be a JSON object; write it as jsonencode({{...}})",
                location,
                address,
            )
        )
    return None


def json_statements(document: Mapping, origin: str, gaps: list[Gap]) -> list[Statement]:
    """The statements of a JSON policy value; Statement may be one object."""
    entry = document.get("Statement")
    if entry is None:
        return []
    value = entry.value
    if isinstance(value, Unknown):
        gaps.append(unresolved_gap("Statement depends on", value, origin))
        return []
    statements: list[Statement] = []
    for item in value.items if isinstance(value, Seq) else (value,):
        if isinstance(item, Mapping):
            statements.append(_json_statement(item, len(statements), origin))
        elif isinstance(item, Unknown):
            gaps.append(
                unresolved_gap(
                    "a statement depends on", item, origin, "it was not checked"
                )
            )
    return statements


def _json_statement(item: Mapping, index: int, origin: str) -> Statement:
    fields: dict[str, Field | None] = dict.fromkeys(_HCL_FIELDS)
    for key, name in _JSON_FIELDS.items():
        entry = item.get(key)
        if entry is not None:
            fields[name] = Field(entry.key_location, items(entry.value))

    conditions: list[Condition] = []
    entry = item.get("Condition")
    if entry is not None:
        conditions.extend(_json_conditions(entry.value, entry.key_location))

    def value(key: str) -> Value | None:
        found = item.get(key)
        return as_text(found.value) if found else None

    principals: list[tuple[str, str]] = []
    entry = item.get("Principal")
    if entry is not None:
        principal = entry.value
        if isinstance(principal, Text):
            principals.append(("*", principal.value))
        elif isinstance(principal, Mapping):
            for kind in principal.entries:
                for identifier in items(kind.value):
                    if isinstance(identifier, Text):
                        principals.append((kind.key, identifier.value))

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
        origin=origin,
        principals=tuple(principals),
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
            if isinstance(key.value, Unknown) and key.key.startswith("${"):
                name: Value = key.value
            else:
                name = Text((key.key,), key.key_location)
            yield Condition(
                op, name, Field(key.key_location, items(key.value)), key.key_location
            )
