"""Terraform's built-in functions and operators, over tfcheck values.

An unknown argument makes the result unknown (the first unknown found is
passed on, so a note can name it). Elements keep the locations where they
were written: an action that reaches a statement through `concat()` or
`flatten()` is still reported at its own line.
"""

from __future__ import annotations

import json
import re
from typing import Callable, Iterator

from tfcheck.evaluate.jsonvalues import NotJson, decode_json
from tfcheck.evaluate.values import (
    Atom,
    Encoded,
    Entry,
    EvalError,
    Mapping,
    Seq,
    Text,
    Unknown,
    Value,
    unknowns_in,
)
from tfcheck.findings import Location

Function = Callable[[list[Value], Location], Value]
FUNCTIONS: dict[str, Function] = {}


class _Unknown(Exception):
    """Raised inside a function when an argument it needs is unknown."""

    def __init__(self, unknown: Unknown) -> None:
        self.unknown = unknown


def function(name: str) -> Callable[[Function], Function]:
    def register(implementation: Function) -> Function:
        def call(args: list[Value], location: Location) -> Value:
            try:
                return implementation(args, location)
            except _Unknown as missing:
                return missing.unknown
            except (IndexError, TypeError, ValueError) as exc:
                raise EvalError(f"{name}(): {exc}", location) from None

        FUNCTIONS[name] = call
        return implementation

    return register


# --- conversions -------------------------------------------------------------


def known(value: Value) -> Value:
    """The value itself, or raise _Unknown if any part of it is unknown."""
    found = next(unknowns_in(value), None)
    if found is not None:
        raise _Unknown(found)
    return value


def to_str(value: Value) -> str:
    if isinstance(value, Text):
        return known(value).value  # type: ignore[union-attr]
    if isinstance(value, Atom):
        if isinstance(value.value, bool):
            return "true" if value.value else "false"
        if isinstance(value.value, float) and value.value.is_integer():
            return str(int(value.value))
        if value.value is None:
            raise ValueError("null is not a string")
        return str(value.value)
    if isinstance(value, Unknown):
        raise _Unknown(value)
    raise TypeError("a string is required")


def to_number(value: Value) -> float | int:
    if isinstance(value, Unknown):
        raise _Unknown(value)
    if isinstance(value, Atom) and isinstance(value.value, (int, float)):
        if not isinstance(value.value, bool):
            return value.value
    text = to_str(value)
    number = float(text)
    return int(number) if number.is_integer() else number


def truthy(value: Value) -> bool:
    if isinstance(value, Atom) and isinstance(value.value, bool):
        return value.value
    if isinstance(value, Text) and value.known and value.value in ("true", "false"):
        return value.value == "true"
    raise EvalError("a bool is required", value.location)


def native(value: Value) -> object:
    """A plain Python form of a known value, for comparisons."""
    known(value)
    if isinstance(value, Text):
        return value.value
    if isinstance(value, Atom):
        return value.value
    if isinstance(value, Seq):
        return [native(item) for item in value.items]
    if isinstance(value, Mapping):
        return {entry.key: native(entry.value) for entry in value.entries}
    if isinstance(value, Encoded):
        return ("json", native(value.value))
    return value


def iterate(value: Value) -> Iterator[tuple[Value, Value]]:
    """(key, element) pairs as `for` and `for_each` see them."""
    if isinstance(value, Seq):
        for i, item in enumerate(value.items):
            yield Atom(i, item.location), item
    elif isinstance(value, Mapping):
        # Terraform visits the elements of a map or object in key order.
        for entry in sorted(value.entries, key=lambda e: e.key):
            yield Text((entry.key,), entry.key_location), entry.value
    elif isinstance(value, Atom) and value.value is None:
        return
    else:
        raise EvalError("a list, set or map is required", value.location)


def _seq(value: Value) -> tuple[Value, ...]:
    if isinstance(value, Unknown):
        raise _Unknown(value)
    if isinstance(value, Seq):
        return value.items
    if isinstance(value, Mapping):
        return tuple(entry.value for entry in value.entries)
    raise TypeError("a list is required")


def _map(value: Value) -> Mapping:
    if isinstance(value, Unknown):
        raise _Unknown(value)
    if isinstance(value, Mapping):
        return value
    raise TypeError("a map or object is required")


def _text(value: str, location: Location) -> Text:
    return Text((value,), location)


# --- traversal steps ---------------------------------------------------------


def get_attr(value: Value, name: str, location: Location) -> Value:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Mapping):
        entry = value.get(name)
        if entry is not None:
            return entry.value
        raise EvalError(f"no attribute {name!r}", location)
    raise EvalError(f"cannot read attribute {name!r} of this value", location)


def index(value: Value, key: Value, location: Location) -> Value:
    if isinstance(value, Unknown):
        return value
    if isinstance(key, Unknown):
        return key
    if isinstance(value, Seq):
        try:
            position = int(to_number(key))
        except (TypeError, ValueError):
            raise EvalError("a list index must be a number", location) from None
        if 0 <= position < len(value.items):
            return value.items[position]
        raise EvalError(f"index {position} is out of range", location)
    if isinstance(value, Mapping):
        try:
            name = to_str(key)
        except (TypeError, ValueError):
            raise EvalError("a map key must be a string", location) from None
        entry = value.get(name)
        if entry is not None:
            return entry.value
        raise EvalError(f"no element {name!r}", location)
    raise EvalError("this value cannot be indexed", location)


# --- operators -----------------------------------------------------------------


_COMPARE = {
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}
_ARITHMETIC = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "%": lambda a, b: a % b,
}


def binary(operator: str, left: Value, right: Value, location: Location) -> Value:
    for side in (left, right):
        found = next(unknowns_in(side), None)
        if found is not None:
            return found
    try:
        if operator in ("==", "!="):
            equal = native(left) == native(right)
            return Atom(equal if operator == "==" else not equal, location)
        if operator in ("&&", "||"):
            a, b = truthy(left), truthy(right)
            return Atom(a and b if operator == "&&" else a or b, location)
        a, b = to_number(left), to_number(right)
        if operator in _COMPARE:
            return Atom(_COMPARE[operator](a, b), location)
        result = _ARITHMETIC[operator](a, b)
    except (TypeError, ValueError, KeyError, ZeroDivisionError) as exc:
        raise EvalError(f"operator {operator}: {exc}", location) from None
    if isinstance(result, float) and result.is_integer():
        result = int(result)
    return Atom(result, location)


def unary(operator: str, operand: Value, location: Location) -> Value:
    found = next(unknowns_in(operand), None)
    if found is not None:
        return found
    if operator == "!":
        return Atom(not truthy(operand), location)
    try:
        return Atom(-to_number(operand), location)
    except (TypeError, ValueError) as exc:
        raise EvalError(f"operator -: {exc}", location) from None


# --- the functions policies use ------------------------------------------------


@function("jsonencode")
def _jsonencode(args: list[Value], location: Location) -> Value:
    (value,) = args
    return Encoded(value, location)


@function("jsondecode")
def _jsondecode(args: list[Value], location: Location) -> Value:
    (value,) = args
    if isinstance(value, Encoded):
        return value.value
    if isinstance(value, Unknown):
        return value
    if not isinstance(value, Text):
        raise TypeError("a string is required")
    decoded = decode_json(value)
    if isinstance(decoded, NotJson):
        if decoded.hole is not None:
            return decoded.hole
        raise ValueError(decoded.message)
    return decoded


@function("concat")
def _concat(args: list[Value], location: Location) -> Value:
    return Seq(tuple(item for arg in args for item in _seq(arg)), location)


@function("flatten")
def _flatten(args: list[Value], location: Location) -> Value:
    def walk(value: Value) -> Iterator[Value]:
        if isinstance(value, Seq):
            for item in value.items:
                yield from walk(item)
        elif isinstance(value, Unknown):
            raise _Unknown(value)
        else:
            yield value

    (value,) = args
    _seq(value)
    return Seq(tuple(walk(value)), location)


def _distinct_items(items: tuple[Value, ...]) -> tuple[Value, ...]:
    seen: list[object] = []
    kept = []
    for item in items:
        key = native(item)
        if key not in seen:
            seen.append(key)
            kept.append(item)
    return tuple(kept)


@function("distinct")
def _distinct(args: list[Value], location: Location) -> Value:
    (value,) = args
    return Seq(_distinct_items(_seq(value)), location)


@function("compact")
def _compact(args: list[Value], location: Location) -> Value:
    (value,) = args
    items = _seq(value)
    kept = []
    for item in items:
        if isinstance(item, Atom) and item.value is None:
            continue
        if isinstance(item, Text) and item.known and item.value == "":
            continue
        kept.append(item)
    return Seq(tuple(kept), location)


@function("tolist")
def _tolist(args: list[Value], location: Location) -> Value:
    (value,) = args
    return Seq(_seq(value), value.location)


@function("toset")
def _toset(args: list[Value], location: Location) -> Value:
    (value,) = args
    items = _distinct_items(_seq(value))
    # Terraform orders a set of strings lexically.
    if all(isinstance(i, Text) and i.known for i in items):
        items = tuple(sorted(items, key=lambda i: i.value))  # type: ignore[union-attr]
    return Seq(items, value.location, is_set=True)


@function("tomap")
def _tomap(args: list[Value], location: Location) -> Value:
    (value,) = args
    return _map(value)


@function("merge")
def _merge(args: list[Value], location: Location) -> Value:
    merged: dict[str, Entry] = {}
    for arg in args:
        if isinstance(arg, Atom) and arg.value is None:
            continue
        for entry in _map(arg).entries:
            merged.pop(entry.key, None)
            merged[entry.key] = entry
    return Mapping(tuple(merged.values()), location)


@function("lookup")
def _lookup(args: list[Value], location: Location) -> Value:
    mapping, key, *default = args
    entry = _map(mapping).get(to_str(key))
    if entry is not None:
        return entry.value
    if default:
        return default[0]
    raise ValueError(f"no key {to_str(key)!r}")


@function("element")
def _element(args: list[Value], location: Location) -> Value:
    value, position = args
    items = _seq(value)
    if not items:
        raise ValueError("cannot use element() on an empty list")
    return items[int(to_number(position)) % len(items)]


@function("one")
def _one(args: list[Value], location: Location) -> Value:
    (value,) = args
    if isinstance(value, Atom) and value.value is None:
        return value
    items = _seq(value)
    if len(items) > 1:
        raise ValueError("the list has more than one element")
    return items[0] if items else Atom(None, location)


@function("length")
def _length(args: list[Value], location: Location) -> Value:
    (value,) = args
    if isinstance(value, (Seq, Mapping)):
        return Atom(len(_seq(value)), location)
    return Atom(len(to_str(value)), location)


def _sorted_entries(value: Value) -> list[Entry]:
    return sorted(_map(value).entries, key=lambda e: e.key)


@function("keys")
def _keys(args: list[Value], location: Location) -> Value:
    (value,) = args
    entries = _sorted_entries(value)
    return Seq(tuple(_text(e.key, e.key_location) for e in entries), location)


@function("values")
def _values(args: list[Value], location: Location) -> Value:
    (value,) = args
    return Seq(tuple(e.value for e in _sorted_entries(value)), location)


@function("contains")
def _contains(args: list[Value], location: Location) -> Value:
    value, wanted = args
    target = native(wanted)
    return Atom(any(native(item) == target for item in _seq(value)), location)


# A wider field in format() is refused rather than built in memory.
_MAX_WIDTH = 10_000

_VERB = re.compile(r"%(?:\[(\d+)\])?([-+# 0]*\d*(?:\.\d+)?)([a-zA-Z%])")


def _format(pattern: str, args: list[Value], location: Location) -> Text:
    """Terraform's format(); `%s` of a partly unknown string keeps its known parts."""
    parts: list[str | Unknown] = []
    position = 0
    cursor = 0
    for match in _VERB.finditer(pattern):
        parts.append(pattern[cursor : match.start()])
        cursor = match.end()
        verb = match.group(3)
        if verb == "%":
            parts.append("%")
            continue
        widths = [int(w) for w in re.findall(r"\d+", match.group(2))]
        if any(w > _MAX_WIDTH for w in widths):
            raise EvalError(
                f"{match.group()} asks for {max(widths)} characters; tfcheck "
                f"formats at most {_MAX_WIDTH}",
                location,
            )
        if match.group(1):
            position = int(match.group(1)) - 1
        value = args[position]
        position += 1
        if verb in "sv" and isinstance(value, (Unknown, Text)):
            parts.extend(value.parts if isinstance(value, Text) else (value,))
        elif verb == "q":
            parts.append(json.dumps(to_str(known(value))))
        elif verb in "dfgexXob":
            number = to_number(known(value))
            spec = match.group(2) + ("d" if verb == "d" else verb)
            parts.append(
                format(int(number) if verb == "d" else number, spec.lstrip("#"))
            )
        elif verb == "v" and isinstance(value, (Seq, Mapping, Encoded)):
            parts.append(json.dumps(native(value)))
        else:
            parts.append(to_str(known(value)))
    parts.append(pattern[cursor:])
    return Text(tuple(p for p in parts if p != "") or ("",), location)


@function("format")
def _format_function(args: list[Value], location: Location) -> Value:
    pattern, *rest = args
    return _format(to_str(pattern), rest, location)


@function("formatlist")
def _formatlist(args: list[Value], location: Location) -> Value:
    pattern, *rest = args
    lists = [_seq(arg) if isinstance(arg, (Seq, Unknown)) else None for arg in rest]
    lengths = {len(items) for items in lists if items is not None}
    if len(lengths) > 1:
        raise ValueError("all lists must have the same length")
    count = lengths.pop() if lengths else 1
    results = []
    for i in range(count):
        row = [
            items[i] if items is not None else arg
            for items, arg in zip(lists, rest, strict=True)
        ]
        results.append(_format(to_str(pattern), row, location))
    return Seq(tuple(results), location)


@function("join")
def _join(args: list[Value], location: Location) -> Value:
    separator, value = args
    parts: list[str | Unknown] = []
    for i, item in enumerate(_seq(value)):
        if i:
            parts.append(to_str(separator))
        if isinstance(item, Unknown):
            parts.append(item)
        elif isinstance(item, Text):
            parts.extend(item.parts)
        else:
            parts.append(to_str(item))
    return Text(tuple(parts) or ("",), location)


@function("split")
def _split(args: list[Value], location: Location) -> Value:
    separator, value = args
    return Seq(
        tuple(_text(p, location) for p in to_str(value).split(to_str(separator))),
        location,
    )


@function("replace")
def _replace(args: list[Value], location: Location) -> Value:
    value, search, replacement = (to_str(arg) for arg in args)
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        # Terraform's RE2 groups are $1; Python's are \1.
        python_replacement = re.sub(r"\$\{?(\d+)\}?", r"\\\1", replacement)
        return _text(re.sub(search[1:-1], python_replacement, value), location)
    return _text(value.replace(search, replacement), location)


def _text_function(name: str, apply: Callable[[str], str]) -> None:
    @function(name)
    def _implementation(args: list[Value], location: Location) -> Value:
        (value,) = args
        if isinstance(value, Text):
            parts = tuple(apply(p) if isinstance(p, str) else p for p in value.parts)
            return Text(parts, value.location)
        return _text(apply(to_str(value)), location)


_text_function("lower", str.lower)
_text_function("upper", str.upper)


@function("trimspace")
def _trimspace(args: list[Value], location: Location) -> Value:
    (value,) = args
    return _text(to_str(value).strip(), location)


@function("tostring")
def _tostring(args: list[Value], location: Location) -> Value:
    (value,) = args
    if isinstance(value, Text):
        return value
    return _text(to_str(value), location)


@function("coalesce")
def _coalesce(args: list[Value], location: Location) -> Value:
    for arg in args:
        if isinstance(arg, Unknown):
            return arg
        if isinstance(arg, Atom) and arg.value is None:
            continue
        if isinstance(arg, Text) and arg.known and arg.value == "":
            continue
        return arg
    raise ValueError("no non-null, non-empty argument")


@function("sort")
def _sort(args: list[Value], location: Location) -> Value:
    (value,) = args
    items = _seq(value)
    return Seq(tuple(sorted(items, key=to_str)), location)
