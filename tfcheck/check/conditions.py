"""A statement's conditions as the condition rules read them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tfcheck.catalog import Action, Catalog, Service
from tfcheck.catalog.conditions import (
    ConditionKey,
    Operator,
    condition_catalog,
    parse_operator,
)
from tfcheck.evaluate.values import Text, known_text
from tfcheck.extract.model import Condition, Statement
from tfcheck.findings import Severity

_VARIABLE = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class ConditionView:
    condition: Condition
    operator_text: str | None  # None when not known
    operator: Operator | None  # None when unknown or not an operator
    key_text: str | None
    key: ConditionKey | None  # None when not a key tfcheck knows

    @property
    def values(self) -> list[Text]:
        return [v for v in self.condition.values.texts() if v.known]

    @property
    def holds_when_absent(self) -> bool | None:
        """Whether the condition holds on a request without its key; None when
        that cannot be told (an unknown operator or values)."""
        if self.operator is None:
            return None
        return self.operator.holds_when_absent([v.value for v in self.values])


def views(statement: Statement, catalog: Catalog) -> list[ConditionView]:
    found = []
    for condition in statement.conditions:
        operator_text = known_text(condition.operator)
        key_text = known_text(condition.key)
        found.append(
            ConditionView(
                condition,
                operator_text,
                parse_operator(operator_text) if operator_text else None,
                key_text,
                find_key(key_text, catalog) if key_text else None,
            )
        )
    return found


def find_key(name: str, catalog: Catalog) -> ConditionKey | None:
    """A global, cross-service or catalog service key, by name."""
    found = condition_catalog().key(name)
    if found is not None:
        return found
    prefix = name.split(":", 1)[0].lower()
    service = catalog.service(prefix)
    if service is not None and name.lower() in service.condition_keys:
        entry = service.condition_keys[name.lower()]
        kind = entry.types[0] if entry.types else "String"
        return ConditionKey(
            entry.name, kind, kind.startswith("ArrayOf"), "action", service.origin
        )
    return None


def is_global(name: str) -> bool:
    return name.split(":", 1)[0].lower() == "aws"


def policy_variables(text: str) -> list[str]:
    """The names inside `${...}` policy variables of a string."""
    return _VARIABLE.findall(text)


@lru_cache(maxsize=1)
def known_regions() -> tuple[frozenset[str], frozenset[str]]:
    """Every region and partition botocore knows, read offline."""
    import botocore.loaders

    data = botocore.loaders.create_loader().load_data("endpoints")
    regions = frozenset(
        region for partition in data["partitions"] for region in partition["regions"]
    )
    partitions = frozenset(p["partition"] for p in data["partitions"])
    return regions, partitions


def absent_effect(view: ConditionView, denies: bool) -> tuple[str, Severity]:
    """What a condition on an absent key does to the statement, and how bad."""
    holds = view.holds_when_absent
    operator = view.operator.text if view.operator else ""
    if holds is None:
        return "so what this condition does to it cannot be told", Severity.WARNING
    if not holds:
        verb = "denies" if denies else "grants"
        return (
            f"so the condition never holds and this statement {verb} nothing for it",
            Severity.ERROR,
        )
    if denies:
        return (
            f"so the {operator} condition always holds and this statement denies "
            "it on every call",
            Severity.ERROR,
        )
    return (
        f"so the {operator} condition always holds and has no effect on it",
        Severity.WARNING,
    )


def absent_reason(
    name: str, key: ConditionKey | None, action: Action, service: Service
) -> str | None:
    """Why a request for the action never carries the key, or None."""
    if is_global(name):
        if key is None:
            return None  # unknown-global-condition-key says so
        return service.absent_presence.get(key.present)

    allowed = set(action.condition_keys) | set(service.credential_keys)
    if name.lower() in allowed:
        return None
    spelled = [_spelling(k, service) for k in sorted(allowed)]
    if spelled:
        return (
            f"not a key of this action; only {', '.join(spelled)} and aws: keys apply"
        )
    return "not a key of this action; only aws: keys apply"


def _spelling(lowered: str, service: Service) -> str:
    """The catalog's own spelling of a lower-cased key."""
    if lowered in service.credential_keys:
        return service.credential_keys[lowered].name
    if lowered in service.condition_keys:
        return service.condition_keys[lowered].name
    return lowered


# Presence class -> the role jobs whose credentials carry such keys.
CARRIED_BY = {
    "instance-credentials": frozenset({"ec2-instance"}),
    "managed-instance-credentials": frozenset({"managed-instance"}),
}


def never_sent(key: ConditionKey | None, jobs: frozenset[str]) -> bool:
    """Whether a principal with these jobs never sends the key (known jobs only)."""
    if key is None or key.present not in CARRIED_BY or not jobs:
        return False
    return not (jobs & CARRIED_BY[key.present])
