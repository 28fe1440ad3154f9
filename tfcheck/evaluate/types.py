"""Variable type constraints, and Terraform's conversion of values to them.

`type = list(string)` turns `[true]` into `["true"]`; `type = number` turns
`"2"` into 2; `object({ a = optional(list(string), ["x"]) })` fills in `a`.
A value that does not fit is left as it is: the plan would fail anyway, and
tfcheck judges what it can.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hcl2.rules.containers import ObjectRule, TupleRule
from hcl2.rules.expressions import ExprTermRule
from hcl2.rules.functions import FunctionCallRule
from hcl2.rules.literal_rules import IdentifierRule

from tfcheck.evaluate.values import Atom, Entry, Mapping, Seq, Text, Unknown, Value

PRIMITIVES = frozenset({"string", "number", "bool", "any"})


@dataclass(frozen=True)
class TypeSpec:
    kind: str  # string, number, bool, any, list, set, map, object, tuple
    element: TypeSpec | None = None  # list, set, map
    attributes: tuple[tuple[str, TypeSpec, bool, Any], ...] = ()  # object
    elements: tuple[TypeSpec, ...] = ()  # tuple

    @property
    def primitive(self) -> bool:
        return self.kind in PRIMITIVES


ANY = TypeSpec("any")


def parse_type(node: Any, evaluator: Any) -> TypeSpec:
    """A type constraint from its expression; `any` where it cannot be read."""
    while isinstance(node, ExprTermRule):
        node = node.expression
    if isinstance(node, IdentifierRule):
        name = evaluator.source_text(node)
        return TypeSpec(name) if name in PRIMITIVES else ANY
    if not isinstance(node, FunctionCallRule):
        return ANY

    name = evaluator.source_text(node.identifiers[0])
    args = list(node.arguments.arguments) if node.arguments else []
    if name in ("list", "set", "map") and args:
        return TypeSpec(name, element=parse_type(args[0], evaluator))
    if name == "tuple" and args:
        inner = args[0]
        while isinstance(inner, ExprTermRule):
            inner = inner.expression
        if isinstance(inner, TupleRule):
            return TypeSpec(
                "tuple",
                elements=tuple(parse_type(e, evaluator) for e in inner.elements),
            )
    if name == "object" and args:
        inner = args[0]
        while isinstance(inner, ExprTermRule):
            inner = inner.expression
        if isinstance(inner, ObjectRule):
            attributes = []
            for element in inner.elements:
                key = evaluator.source_text(element.key).strip('"')
                attributes.append(_attribute(key, element.expression, evaluator))
            return TypeSpec("object", attributes=tuple(attributes))
    return ANY


def _attribute(key: str, node: Any, evaluator: Any) -> tuple[str, TypeSpec, bool, Any]:
    inner = node
    while isinstance(inner, ExprTermRule):
        inner = inner.expression
    if (
        isinstance(inner, FunctionCallRule)
        and evaluator.source_text(inner.identifiers[0]) == "optional"
    ):
        args = list(inner.arguments.arguments) if inner.arguments else []
        spec = parse_type(args[0], evaluator) if args else ANY
        default = evaluator.value(args[1]) if len(args) > 1 else None
        return key, spec, True, default
    return key, parse_type(node, evaluator), False, None


def convert(value: Value, spec: TypeSpec) -> Value:
    """The value converted as Terraform converts it to a type constraint."""
    if isinstance(value, Unknown) or spec.kind == "any":
        return value
    if isinstance(value, Atom) and value.value is None:
        return value
    try:
        return _convert(value, spec)
    except (TypeError, ValueError):
        return value


def _convert(value: Value, spec: TypeSpec) -> Value:
    kind = spec.kind
    if kind == "string" and isinstance(value, Atom):
        from tfcheck.evaluate.functions import to_str

        return Text((to_str(value),), value.location)
    if kind == "number" and isinstance(value, Text) and value.known:
        number = float(value.value)
        return Atom(int(number) if number.is_integer() else number, value.location)
    if kind == "bool" and isinstance(value, Text) and value.known:
        if value.value in ("true", "false"):
            return Atom(value.value == "true", value.location)
        raise ValueError(value.value)
    if kind in ("list", "set") and isinstance(value, Seq) and spec.element:
        items = tuple(convert(item, spec.element) for item in value.items)
        return Seq(items, value.location, is_set=kind == "set")
    if kind == "tuple" and isinstance(value, Seq):
        items = tuple(
            convert(item, element)
            for item, element in zip(value.items, spec.elements, strict=False)
        )
        return Seq(items + value.items[len(items) :], value.location)
    if kind == "map" and isinstance(value, Mapping) and spec.element:
        return Mapping(
            tuple(
                Entry(e.key, e.key_location, convert(e.value, spec.element))
                for e in value.entries
            ),
            value.location,
        )
    if kind == "object" and isinstance(value, Mapping):
        entries = []
        for name, attribute, optional, default in spec.attributes:
            entry = value.get(name)
            if entry is not None:
                entries.append(
                    Entry(name, entry.key_location, convert(entry.value, attribute))
                )
            elif optional:
                filled = default if default is not None else Atom(None, value.location)
                entries.append(Entry(name, value.location, convert(filled, attribute)))
        return Mapping(tuple(entries), value.location)
    return value
