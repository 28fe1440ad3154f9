"""Policy documents and statements, whichever syntax wrote them."""

from __future__ import annotations

from dataclasses import dataclass, field

from tfcheck.evaluate.values import Text, Unknown, Value, known_text, unknowns_in
from tfcheck.findings import Location


@dataclass(frozen=True)
class Field:
    """A list element of a statement (`actions`, `Resource`, ...).

    `location` is where the attribute or key is written; each item keeps its
    own. A list that is unknown as a whole is one Unknown item.
    """

    location: Location
    items: tuple[Value, ...]

    def texts(self) -> list[Text]:
        return [item for item in self.items if isinstance(item, Text)]


@dataclass(frozen=True)
class Condition:
    operator: Value
    key: Value
    values: Field
    location: Location


@dataclass(frozen=True)
class Statement:
    index: int  # 0-based position in its document
    location: Location
    sid: Value | None
    effect: Value | None  # None where the syntax lets it default to Allow
    actions: Field | None
    not_actions: Field | None
    resources: Field | None
    not_resources: Field | None
    conditions: tuple[Condition, ...]
    origin: str = ""  # address of the document where the statement is written
    # (type, identifier) of each known principal: ("Service", "ec2.amazonaws.com")
    principals: tuple[tuple[str, str], ...] = ()

    @property
    def denies(self) -> bool:
        """An explicit "Deny" (the provider's default and JSON's absence allow)."""
        return isinstance(self.effect, Text) and self.effect.value == "Deny"

    @property
    def sid_text(self) -> str | None:
        return known_text(self.sid)

    def unknowns(self) -> list[Unknown]:
        """Every part of the statement that could not be evaluated."""
        found: list[Unknown] = []
        for value in (self.sid, self.effect):
            found.extend(unknowns_in(value))
        for part in (
            self.actions,
            self.not_actions,
            self.resources,
            self.not_resources,
        ):
            if part is not None:
                for item in part.items:
                    found.extend(unknowns_in(item))
        for condition in self.conditions:
            for value in (condition.operator, condition.key):
                found.extend(unknowns_in(value))
            for item in condition.values.items:
                found.extend(unknowns_in(item))
        return found


@dataclass(frozen=True)
class Consumer:
    """A place that uses a policy document, and what kind of policy it makes."""

    address: str
    context: str  # identity, trust, boundary, resource, vpc-endpoint, scp, merged
    location: Location
    principal: str = ""  # the role, user or group the policy applies to, if known


# Contexts in which IAM itself validates the policy (Sid rules and the like).
IAM_CONTEXTS = frozenset({"identity", "trust", "boundary"})


@dataclass(frozen=True)
class PolicyDocument:
    """One policy, at the Terraform address that holds it."""

    address: str
    syntax: str  # "aws_iam_policy_document" or "json"
    location: Location
    statements: tuple[Statement, ...]
    consumers: list[Consumer] = field(default_factory=list, compare=False)
    # Why Terraform or IAM would reject the document as a whole, if it would.
    broken: str = field(default="", compare=False)
