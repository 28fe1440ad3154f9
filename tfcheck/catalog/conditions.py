"""IAM's condition language: global keys, operators, and how they meet.

The keys are data (`conditions.json`, each with its type, whether it holds
one value or many, when a request carries it, and its source). Operators
are IAM's fixed set, with their `...IfExists` forms and the `ForAnyValue:`
and `ForAllValues:` qualifiers. Names match without regard to case.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class ConditionKey:
    name: str
    type: str  # String, ARN, Bool, Date, Numeric, IPAddress, Binary
    multivalued: bool
    present: str  # a presence class of conditions.json
    source: str
    cross_service: bool = False

    @property
    def prefix(self) -> str:
        """The fixed part of a tag-key pattern (`aws:ResourceTag/`), lower case."""
        return self.name.split("${", 1)[0].lower()

    @property
    def is_pattern(self) -> bool:
        return "${" in self.name


@dataclass(frozen=True)
class ConditionCatalog:
    keys: tuple[ConditionKey, ...]
    presence: dict[str, str]  # presence class -> when a request carries the key
    mistakes: dict[str, tuple[str, ...]]  # lower-case wrong key -> suggestions

    def key(self, name: str) -> ConditionKey | None:
        lowered = name.lower()
        for key in self.keys:
            if key.is_pattern:
                if lowered.startswith(key.prefix) and len(lowered) > len(key.prefix):
                    return key
            elif key.name.lower() == lowered:
                return key
        return None

    def suggestions(self, name: str) -> tuple[str, ...]:
        """The keys a wrong key was probably meant to be, best first."""
        known = self.mistakes.get(name.lower())
        if known:
            return known
        nearest = self.nearest(name)
        return (nearest,) if nearest else ()

    def nearest(self, name: str) -> str | None:
        names = {k.name.lower(): k.name for k in self.keys}
        for key in self.keys:
            if key.is_pattern:
                names[key.prefix] = key.name.split("${", 1)[0] + "<tag-key>"
        lowered = name.lower()
        close = difflib.get_close_matches(lowered, list(names), n=1, cutoff=0.75)
        return names[close[0]] if close else None


@lru_cache(maxsize=1)
def condition_catalog() -> ConditionCatalog:
    path = resources.files("tfcheck") / "catalog" / "conditions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    keys = tuple(
        ConditionKey(
            name=item["name"],
            type=item["type"],
            multivalued=item["multivalued"],
            present=item["present"],
            source=item["source"],
            cross_service=item.get("cross_service", False),
        )
        for item in data["keys"]
    )
    mistakes = {
        item["name"].lower(): tuple(item["suggest"]) for item in data["mistakes"]
    }
    return ConditionCatalog(keys, data["presence"], mistakes)


# Operator name -> (family, negated). Families name the key types they compare.
OPERATORS: dict[str, tuple[str, bool]] = {
    "StringEquals": ("String", False),
    "StringNotEquals": ("String", True),
    "StringEqualsIgnoreCase": ("String", False),
    "StringNotEqualsIgnoreCase": ("String", True),
    "StringLike": ("String", False),
    "StringNotLike": ("String", True),
    "NumericEquals": ("Numeric", False),
    "NumericNotEquals": ("Numeric", True),
    "NumericLessThan": ("Numeric", False),
    "NumericLessThanEquals": ("Numeric", False),
    "NumericGreaterThan": ("Numeric", False),
    "NumericGreaterThanEquals": ("Numeric", False),
    "DateEquals": ("Date", False),
    "DateNotEquals": ("Date", True),
    "DateLessThan": ("Date", False),
    "DateLessThanEquals": ("Date", False),
    "DateGreaterThan": ("Date", False),
    "DateGreaterThanEquals": ("Date", False),
    "Bool": ("Bool", False),
    "BinaryEquals": ("Binary", False),
    "IpAddress": ("IPAddress", False),
    "NotIpAddress": ("IPAddress", True),
    "ArnEquals": ("ARN", False),
    "ArnLike": ("ARN", False),
    "ArnNotEquals": ("ARN", True),
    "ArnNotLike": ("ARN", True),
    "Null": ("Null", False),
}
QUALIFIERS = ("ForAnyValue", "ForAllValues")
_LOWER = {name.lower(): name for name in OPERATORS}


@dataclass(frozen=True)
class Operator:
    name: str  # the base operator, canonical spelling
    family: str
    negated: bool
    if_exists: bool
    qualifier: str | None  # "ForAnyValue", "ForAllValues" or None

    @property
    def text(self) -> str:
        qualifier = f"{self.qualifier}:" if self.qualifier else ""
        return f"{qualifier}{self.name}{'IfExists' if self.if_exists else ''}"

    def holds_when_absent(self, values: list[str]) -> bool | None:
        """Whether the condition holds when its key is absent (None: unknown).

        IAM's rules: `...IfExists`, negated operators and `ForAllValues:`
        hold; `Null` holds when its value is "true"; the others do not.
        """
        if self.qualifier == "ForAllValues" or self.if_exists:
            return True
        if self.family == "Null":
            wanted = {v.lower() for v in values}
            if wanted == {"true"}:
                return True
            if wanted == {"false"}:
                return False
            return None
        return self.negated


def parse_operator(text: str) -> Operator | None:
    qualifier, _, bare = text.rpartition(":")
    if qualifier:
        match = next((q for q in QUALIFIERS if q.lower() == qualifier.lower()), None)
        if match is None:
            return None
        qualifier = match
    if_exists = bare.lower().endswith("ifexists") and bare.lower() != "ifexists"
    base = bare[: -len("IfExists")] if if_exists else bare
    name = _LOWER.get(base.lower())
    if name is None or (if_exists and name == "Null"):
        return None
    family, negated = OPERATORS[name]
    return Operator(name, family, negated, if_exists, qualifier or None)


def nearest_operator(text: str) -> str | None:
    choices = list(OPERATORS) + [f"{n}IfExists" for n in OPERATORS if n != "Null"]
    choices += [f"{q}:{n}" for q in QUALIFIERS for n in OPERATORS if n != "Null"]
    bare = re.sub(r"\s+", "", text)
    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(bare.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else None


# What comparing a key of one type with an operator of one family does.
# "ok"; "warning" where IAM compares but another family is meant; "error"
# where the comparison can never work as written.
_COMPATIBLE = {
    "String": {"String"},
    "ARN": {"ARN"},
    "Bool": {"Bool"},
    "Date": {"Date", "Numeric"},
    "Numeric": {"Numeric"},
    "IPAddress": {"IPAddress"},
    "Binary": {"Binary"},
}


def type_verdict(family: str, key_type: str) -> str:
    if family == "Null" or family in _COMPATIBLE.get(key_type, {family}):
        return "ok"
    if key_type == "ARN" and family == "String":
        return "warning"
    return "error"


SUGGESTED_OPERATOR = {
    "String": "StringEquals or StringLike",
    "ARN": "ArnEquals or ArnLike",
    "Bool": "Bool",
    "Date": "DateLessThan, DateGreaterThan or the other Date operators",
    "Numeric": "NumericEquals or the other Numeric operators",
    "IPAddress": "IpAddress or NotIpAddress",
    "Binary": "BinaryEquals",
}
